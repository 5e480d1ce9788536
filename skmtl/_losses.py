"""Per-task criteria and the combined, missing-label-aware multi-task loss."""
# SPDX-License-Identifier: BSD-3-Clause

import torch
from torch import nn
from torch.nn import functional as F


def _per_row_loss(output, target, task_type):
    """Unreduced loss of one task; ``target`` holds no NaN."""
    if task_type == "multiclass":
        return F.cross_entropy(output, target.long(), reduction="none")
    if task_type == "binary":
        return F.binary_cross_entropy_with_logits(
            output[:, 0], target, reduction="none"
        )
    return (output[:, 0] - target) ** 2


class MultiTaskLoss(nn.Module):
    """Weighted mean of per-task losses that skips missing labels.

    Each task's loss is cross-entropy (multiclass), binary cross-entropy on
    one logit (binary) or squared error (regression), averaged over the rows
    of the batch that carry a label for that task, weighted by the sample
    weights. A NaN target is a missing label: it adds nothing, not even to the
    denominator. The total is ``sum_t w_t L_t / sum_t w_t`` over all tasks, so
    its scale does not grow with the number of tasks.

    Parameters
    ----------
    task_types : list of str
        ``'binary'``, ``'multiclass'`` or ``'regression'`` per task.
    task_weights : list of float, default=None
        Static weight of each task; equal weights when None.
    task_names : list of str, default=None
        Names used when reporting per-task losses; ``task_0 ...`` when None.

    Notes
    -----
    ``forward`` returns the total together with, per task, the sum of the
    weighted losses and the sum of the weights in the batch, so callers can
    report exact per-epoch task losses whatever the batch composition.
    """

    def __init__(self, task_types, task_weights=None, task_names=None):
        super().__init__()
        self.task_types = list(task_types)
        self.task_names = (
            [f"task_{t}" for t in range(len(self.task_types))]
            if task_names is None
            else list(task_names)
        )
        weights = [1.0] * len(self.task_types) if task_weights is None else task_weights
        weights = torch.as_tensor(weights, dtype=torch.float32)
        self.register_buffer("task_weights", weights / weights.sum())

    def forward(self, outputs, Y, sample_weight=None):
        """Return ``(total, loss_sums, weight_sums)`` for one batch.

        Parameters
        ----------
        outputs : tuple of torch.Tensor
            One output per task, as returned by the network.
        Y : torch.Tensor of shape (n_rows, n_tasks)
            Encoded targets; NaN where a label is missing.
        sample_weight : torch.Tensor of shape (n_rows,), default=None
            Per-row weights.

        Returns
        -------
        total : torch.Tensor
            Scalar loss to minimize.
        loss_sums, weight_sums : torch.Tensor of shape (n_tasks,)
            Detached per-task sums of weighted losses and of weights.
        """
        labelled = ~torch.isnan(Y)
        weights = labelled.to(Y.dtype)
        if sample_weight is not None:
            weights = weights * sample_weight[:, None]
        targets = torch.where(labelled, Y, torch.zeros_like(Y))
        task_losses, loss_sums = [], []
        for t, (output, task_type) in enumerate(zip(outputs, self.task_types)):
            row_loss = _per_row_loss(output, targets[:, t], task_type)
            loss_sum = (row_loss * weights[:, t]).sum()
            task_losses.append(loss_sum)
            loss_sums.append(loss_sum.detach())
        weight_sums = weights.sum(dim=0)
        means = torch.stack(task_losses) / weight_sums.clamp_min(
            torch.finfo(Y.dtype).tiny
        )
        total = (means * self.task_weights.to(means.dtype)).sum()
        return total, torch.stack(loss_sums), weight_sums.detach()
