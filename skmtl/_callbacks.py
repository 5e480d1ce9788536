"""skorch callbacks: per-task loss reporting and divergence detection."""
# SPDX-License-Identifier: BSD-3-Clause

import math

from skorch.callbacks import Callback

from skmtl._network import trunk_layers
from skmtl._transfer import set_trainable_layers


class TrainingDivergedError(ValueError):
    """Raised when a task's training loss stops being finite."""


class TaskLossReporter(Callback):
    """Record each task's mean train and validation loss at each epoch's end.

    The loss of a task is the sum of its weighted losses over all the batches
    of the epoch divided by the sum of its weights, so rows without a label
    for the task count for nothing, whatever the batch composition. The
    values go to ``history`` as ``train_loss_<task>`` and
    ``valid_loss_<task>``. A non-finite training loss stops training with a
    `TrainingDivergedError` naming the task and the epoch.
    """

    def on_epoch_begin(self, net, dataset_train=None, dataset_valid=None, **kwargs):
        """Start new per-task sums for the epoch."""
        net.task_loss_sums = {}

    def on_epoch_end(self, net, dataset_train=None, dataset_valid=None, **kwargs):
        """Turn the epoch's per-task sums into per-task mean losses."""
        task_names = net.criterion_.report_names
        for prefix in ("train", "valid"):
            sums = net.task_loss_sums.get(prefix)
            if sums is None:
                continue
            loss_sums, weight_sums = sums.cpu().numpy()
            for name, loss_sum, weight_sum in zip(task_names, loss_sums, weight_sums):
                value = loss_sum / weight_sum if weight_sum > 0 else math.nan
                net.history.record(f"{prefix}_loss_{name}", float(value))
                if prefix == "train" and weight_sum > 0 and not math.isfinite(value):
                    raise TrainingDivergedError(
                        f"The training loss of task {name!r} became {value} at "
                        f"epoch {len(net.history)}: training diverged. Lower the "
                        f"learning rate (lr={net.lr}), scale the features (see "
                        "skmtl.preprocessing), or check the task's targets."
                    )
        net.task_loss_sums = None


class GradualUnfreezer(Callback):
    """Unfreeze one more trunk layer, from the top, every few epochs.

    Parameters
    ----------
    every : int
        Epochs between two unfreezing steps.
    n_frozen : int
        Number of trunk layers frozen when training starts.

    References
    ----------
    Howard & Ruder (2018), "Universal language model fine-tuning for text
    classification", ACL (gradual unfreezing).
    """

    def __init__(self, every, n_frozen):
        self.every = every
        self.n_frozen = n_frozen

    def on_epoch_begin(self, net, dataset_train=None, dataset_valid=None, **kwargs):
        """Set how many trunk layers train in the epoch that begins."""
        epoch = len(net.history)
        n_layers = len(trunk_layers(net.module_.trunk))
        unfrozen = min(self.n_frozen, (epoch - 1) // self.every)
        set_trainable_layers(net.module_, n_layers - self.n_frozen + unfrozen)
