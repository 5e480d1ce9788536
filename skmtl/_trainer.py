"""The private skorch net that trains the multi-task network."""
# SPDX-License-Identifier: BSD-3-Clause

import math

import torch
from skorch import NeuralNet
from skorch.callbacks import EpochTimer, PassthroughScoring, PrintLog
from skorch.utils import to_tensor

from skmtl._callbacks import TaskLossReporter


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
