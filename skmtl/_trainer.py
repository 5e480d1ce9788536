"""Training through skorch: the net subclass, its data feed and its set-up."""
# SPDX-License-Identifier: BSD-3-Clause

import copy
import math

import numpy as np
import torch
from sklearn.model_selection import ShuffleSplit, StratifiedShuffleSplit
from skorch import NeuralNet
from skorch.callbacks import (
    Callback,
    EarlyStopping,
    EpochTimer,
    LRScheduler,
    PassthroughScoring,
    PrintLog,
    ProgressBar,
)
from skorch.utils import to_tensor

from skmtl._callbacks import GradualUnfreezer, TaskLossReporter
from skmtl._losses import MultiTaskLoss


class TaskDataset(torch.utils.data.Dataset):
    """Features, encoded targets and sample weights held as whole tensors.

    Indexing with an int, a slice or an index tensor returns a whole batch
    ``(X, (Y, sample_weight))`` in one tensor operation, so no per-row fetch
    or collation happens (skorch's default loader spends most of an epoch on
    those for tabular data).
    """

    def __init__(self, X, Y=None, sample_weight=None):
        self.X = X
        self.Y = Y
        self.sample_weight = sample_weight

    def __len__(self):
        return len(self.X)

    def __getitem__(self, index):
        if isinstance(index, torch.Tensor):
            # index_select is about twice as fast as advanced indexing here
            X, Y, w = (
                None if t is None else t.index_select(0, index)
                for t in (self.X, self.Y, self.sample_weight)
            )
            return X, (Y, w)
        Y = None if self.Y is None else self.Y[index]
        w = None if self.sample_weight is None else self.sample_weight[index]
        return self.X[index], (Y, w)

    def subset(self, indices):
        """Return a new dataset holding the given rows."""
        indices = torch.as_tensor(indices, dtype=torch.long, device=self.X.device)
        X, (Y, w) = self[indices]
        return TaskDataset(X, Y, w)


class BatchIterator:
    """Iterate over a `TaskDataset` in batches sliced from its tensors.

    Parameters
    ----------
    dataset : TaskDataset
        The data to iterate over.
    batch_size : int
        Rows per batch; the last batch may be smaller.
    shuffle : bool, default=False
        Draw a new row order each epoch from torch's global generator, which
        the estimator seeds, so shuffling is reproducible.
    """

    def __init__(self, dataset, batch_size, shuffle=False):
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle

    def __len__(self):
        return math.ceil(len(self.dataset) / self.batch_size)

    def __iter__(self):
        n_rows = len(self.dataset)
        if self.shuffle:
            order = torch.randperm(n_rows).to(self.dataset.X.device)
            for start in range(0, n_rows, self.batch_size):
                yield self.dataset[order[start : start + self.batch_size]]
        else:
            for start in range(0, n_rows, self.batch_size):
                yield self.dataset[start : start + self.batch_size]


class MultiTaskNet(NeuralNet):
    """skorch net whose targets are ``(Y, sample_weight)`` pairs.

    Only ``get_loss`` and ``get_dataset`` are overridden, as skorch's docs
    advise; the training loop is skorch's own. ``get_loss`` adds each batch's
    per-task loss and weight sums to ``task_loss_sums`` (tensors, so no
    per-batch device sync), which `TaskLossReporter` resets at each epoch's
    start and turns into per-epoch task losses at its end.
    """

    task_loss_sums = None

    def get_dataset(self, X, y=None):
        """Return ``X`` if it is already a `TaskDataset`, else wrap it."""
        if isinstance(X, TaskDataset):
            return X
        return TaskDataset(to_tensor(X, device="cpu"), y)

    def get_loss(self, y_pred, y_true, X=None, training=False):
        """Combine the task losses of one batch and record each task's share."""
        Y, sample_weight = y_true
        Y = to_tensor(Y, device=self.device)
        if sample_weight is not None:
            sample_weight = to_tensor(sample_weight, device=self.device)
        total, loss_sums, weight_sums = self.criterion_(
            y_pred, Y, sample_weight, inputs=X
        )
        if self.task_loss_sums is not None:
            prefix = "train" if training else "valid"
            sums = torch.stack([loss_sums, weight_sums])
            previous = self.task_loss_sums.get(prefix)
            self.task_loss_sums[prefix] = sums if previous is None else previous + sums
        return total

    @property
    def _default_callbacks(self):
        # The task-loss reporter must run before PrintLog so that the
        # per-epoch line shows each task's losses.
        return [
            ("epoch_timer", EpochTimer()),
            (
                "train_loss",
                PassthroughScoring(name="train_loss", on_train=True),
            ),
            ("valid_loss", PassthroughScoring(name="valid_loss")),
            ("task_losses", TaskLossReporter()),
            ("print_log", PrintLog()),
        ]


LR_SCHEDULES = ("step", "cosine", "plateau")

OPTIMIZERS = {
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "sgd": torch.optim.SGD,
    "rmsprop": torch.optim.RMSprop,
    "adagrad": torch.optim.Adagrad,
}


def _silent(*args, **kwargs):
    """Sink that prints nothing (a module-level function pickles)."""


def validation_split(estimator, targets, seed):
    """Split row indices for early stopping, stratified where a task allows."""
    n_samples = targets.encoded.shape[0]
    n_valid = int(np.ceil(estimator.validation_fraction * n_samples))
    if n_samples < 2 or n_valid >= n_samples:
        raise ValueError(
            f"early_stopping needs at least 2 rows and a validation set smaller "
            f"than the training data; got n_samples={n_samples} and "
            f"validation_fraction={estimator.validation_fraction}."
        )
    indices = np.arange(n_samples)
    strata = _stratification_labels(targets)
    if strata is not None:
        splitter = StratifiedShuffleSplit(
            n_splits=1, test_size=n_valid, random_state=seed
        )
        try:
            return next(splitter.split(indices, strata))
        except ValueError:
            pass  # too few rows in some class to stratify: split at random
    splitter = ShuffleSplit(n_splits=1, test_size=n_valid, random_state=seed)
    return next(splitter.split(indices))


def _stratification_labels(targets):
    """Class indices of the most-labelled classification task (-1 = missing)."""
    candidates = [j for j, kind in enumerate(targets.types) if kind != "regression"]
    if not candidates:
        return None
    j = max(candidates, key=lambda k: targets.labelled[:, k].sum())
    return np.where(targets.labelled[:, j], targets.encoded[:, j], -1).astype(int)


def build_net(
    estimator,
    network,
    targets,
    task_weights,
    metric_task,
    train_split,
    device,
    n_frozen,
    early_stopping,
):
    """Configure the skorch net of one fit from the estimator's parameters.

    The estimator's own callbacks are copied (a parameter never changes),
    then early stopping, the learning-rate schedule, gradual unfreezing and
    the progress bar are added as the parameters ask; `net_params` come last
    and take precedence.
    """
    callbacks = [copy.deepcopy(cb) for cb in estimator.callbacks or []]
    for callback in callbacks:
        entry = callback[1] if isinstance(callback, tuple) else callback
        if not isinstance(entry, Callback):
            raise TypeError(
                f"callbacks must hold skorch callbacks; got {type(entry).__name__}."
            )
    monitor = "valid_loss" if early_stopping else "train_loss"
    if early_stopping:
        callbacks.append(
            EarlyStopping(
                monitor=monitor,
                patience=estimator.n_iter_no_change,
                threshold=estimator.tol,
                load_best=True,
                sink=print if estimator.verbose else _silent,
            )
        )
    if estimator.lr_schedule is not None:
        callbacks.append(_lr_scheduler(estimator, monitor))
    if estimator.unfreeze_every is not None and n_frozen > 0:
        callbacks.append(GradualUnfreezer(estimator.unfreeze_every, n_frozen))
    if estimator.verbose >= 2:
        callbacks.append(ProgressBar())
    optimizer_params = {"optimizer__weight_decay": estimator.weight_decay}
    if estimator.optimizer in OPTIMIZERS:
        # One multi-tensor update instead of a Python loop over parameters:
        # with a head per task, hundreds of tasks mean hundreds of tensors.
        optimizer_params["optimizer__foreach"] = True
    if estimator.optimizer == "sgd":
        optimizer_params["optimizer__momentum"] = estimator.momentum
        optimizer_params["optimizer__nesterov"] = estimator.nesterov
    if estimator.trunk_lr_scale != 1.0:
        optimizer_params["optimizer__param_groups"] = [
            ("trunk.*", {"lr": estimator.lr * estimator.trunk_lr_scale})
        ]
    params = {
        "module": network,
        "criterion": MultiTaskLoss,
        "criterion__task_types": targets.types,
        "criterion__task_weights": task_weights,
        "criterion__task_names": targets.names,
        "criterion__reconstruction_weight": estimator.reconstruction_weight,
        "criterion__metric_loss": estimator.metric_loss,
        "criterion__metric_task": (
            None if metric_task is None else targets.names.index(metric_task)
        ),
        "criterion__metric_weight": estimator.metric_weight,
        "criterion__margin": estimator.margin,
        "optimizer": OPTIMIZERS.get(estimator.optimizer, estimator.optimizer),
        "lr": estimator.lr,
        **optimizer_params,
        "batch_size": estimator.batch_size,
        "max_epochs": estimator.max_epochs,
        "train_split": train_split,
        "iterator_train": BatchIterator,
        "iterator_train__shuffle": True,
        "iterator_valid": BatchIterator,
        "callbacks": callbacks,
        "device": device,
        "verbose": int(estimator.verbose),
        **(copy.deepcopy(estimator.net_params) or {}),
    }
    return MultiTaskNet(**params)


def _lr_scheduler(estimator, monitor):
    """Return the skorch callback of the estimator's ``lr_schedule``."""
    if estimator.lr_schedule == "step":
        return LRScheduler(
            policy="StepLR", step_size=max(1, estimator.max_epochs // 3), gamma=0.1
        )
    if estimator.lr_schedule == "cosine":
        return LRScheduler(policy="CosineAnnealingLR", T_max=estimator.max_epochs)
    return LRScheduler(
        policy="ReduceLROnPlateau",
        monitor=monitor,
        factor=0.1,
        patience=max(1, estimator.n_iter_no_change // 2),
    )


def best_epoch(history, early_stopping):
    """Return the 1-based epoch whose weights the net holds after training."""
    if early_stopping:
        flags = history[:, "valid_loss_best"]
        best = [i for i, flag in enumerate(flags) if flag]
        if best:
            return best[-1] + 1
    return len(history)
