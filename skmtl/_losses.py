"""Per-task criteria and the combined, missing-label-aware multi-task loss."""
# SPDX-License-Identifier: BSD-3-Clause

import torch
from torch import nn
from torch.nn import functional as F


def _pairwise_distances(representation):
    squared = torch.cdist(representation, representation).pow(2)
    # the gradient of sqrt is infinite at 0 (a row paired with itself)
    return squared.clamp_min(1e-12).sqrt()


def contrastive_loss(representation, labels, margin=1.0):
    """Siamese (contrastive) loss over every pair of rows in a batch.

    Pairs of the same class are pulled together (squared distance), pairs of
    different classes pushed at least ``margin`` apart. The mean loss of
    positive pairs and that of negative pairs are averaged, so the many
    negative pairs of a multiclass batch do not drown the positive ones.

    Parameters
    ----------
    representation : torch.Tensor of shape (n_rows, n_dims)
        Shared representations of the labelled rows of the batch.
    labels : torch.Tensor of shape (n_rows,)
        Class index of each row.
    margin : float, default=1.0
        Distance beyond which negative pairs cost nothing.

    Returns
    -------
    loss : torch.Tensor
        Scalar loss; zero when the batch has no pair.

    References
    ----------
    Hadsell, Chopra & LeCun (2006), "Dimensionality reduction by learning an
    invariant mapping", CVPR.
    """
    n_rows = len(labels)
    distances = _pairwise_distances(representation)
    same = labels[:, None] == labels[None, :]
    upper = torch.ones(n_rows, n_rows, dtype=torch.bool, device=labels.device).triu(1)
    positive, negative = same & upper, ~same & upper
    parts = []
    if positive.any():
        parts.append(distances[positive].pow(2).mean())
    if negative.any():
        parts.append(F.relu(margin - distances[negative]).pow(2).mean())
    if not parts:
        return representation.sum() * 0.0
    return torch.stack(parts).mean()


def batch_hard_triplet_loss(representation, labels, margin=1.0):
    """Triplet margin loss with the hardest positive and negative of each anchor.

    Every row with at least one other row of its class and one row of another
    class in the batch is an anchor; its triplet uses the farthest same-class
    row and the nearest other-class row, so no triplet data set is needed.

    Parameters
    ----------
    representation : torch.Tensor of shape (n_rows, n_dims)
        Shared representations of the labelled rows of the batch.
    labels : torch.Tensor of shape (n_rows,)
        Class index of each row.
    margin : float, default=1.0
        Required gap between the negative and the positive distance.

    Returns
    -------
    loss : torch.Tensor
        Scalar loss, the mean over anchors; zero without a valid anchor.

    References
    ----------
    Hermans, Beyer & Leibe (2017), "In defense of the triplet loss for person
    re-identification", arXiv:1703.07737.
    """
    distances = _pairwise_distances(representation)
    same = labels[:, None] == labels[None, :]
    eye = torch.eye(len(labels), dtype=torch.bool, device=labels.device)
    positive = same & ~eye
    valid = positive.any(dim=1) & (~same).any(dim=1)
    if not valid.any():
        return representation.sum() * 0.0
    hardest_positive = distances.masked_fill(~positive, float("-inf")).amax(dim=1)
    hardest_negative = distances.masked_fill(same, float("inf")).amin(dim=1)
    losses = F.relu(hardest_positive - hardest_negative + margin)
    return losses[valid].mean()


METRIC_LOSSES = {"contrastive": contrastive_loss, "triplet": batch_hard_triplet_loss}


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
    reconstruction_weight : float, default=0.0
        Weight of the autoencoder objective: the mean squared error between
        the network's reconstruction and the clean inputs, over every row,
        labelled or not.
    metric_loss : {None, 'contrastive', 'triplet'}, default=None
        Metric-learning objective on the L2-normalized shared representation,
        mined within each batch from the labels of task ``metric_task``.
    metric_task : int, default=None
        Position of the classification task whose labels drive `metric_loss`.
    metric_weight : float, default=1.0
        Weight of the metric-learning objective.
    margin : float, default=1.0
        Margin of the metric-learning objective.

    Notes
    -----
    ``forward`` returns the total together with, per task, the sum of the
    weighted losses and the sum of the weights in the batch, so callers can
    report exact per-epoch task losses whatever the batch composition.
    """

    def __init__(
        self,
        task_types,
        task_weights=None,
        task_names=None,
        reconstruction_weight=0.0,
        metric_loss=None,
        metric_task=None,
        metric_weight=1.0,
        margin=1.0,
    ):
        super().__init__()
        self.reconstruction_weight = reconstruction_weight
        self.metric_loss = metric_loss
        self.metric_task = metric_task
        self.metric_weight = metric_weight
        self.margin = margin
        self.task_types = list(task_types)
        self.task_names = (
            [f"task_{t}" for t in range(len(self.task_types))]
            if task_names is None
            else list(task_names)
        )
        weights = [1.0] * len(self.task_types) if task_weights is None else task_weights
        weights = torch.as_tensor(weights, dtype=torch.float32)
        self.register_buffer("task_weights", weights / weights.sum())
        self._group_columns()
        # Names of every reported loss: the tasks', then the objectives'.
        self.report_names = list(self.task_names)
        if reconstruction_weight > 0:
            self.report_names.append("reconstruction")
        if metric_loss is not None:
            self.report_names.append(metric_loss)

    def _group_columns(self):
        """Index binary and regression tasks as groups.

        With hundreds of tasks, one loss per task is hundreds of small ops per
        batch; grouped, binary and regression tasks cost one op each.
        """
        by_type = {kind: [] for kind in ("binary", "regression", "multiclass")}
        for t, task_type in enumerate(self.task_types):
            by_type[task_type].append(t)
        self._binary = by_type["binary"]
        self._regression = by_type["regression"]
        self._multiclass = by_type["multiclass"]
        order = self._binary + self._regression + self._multiclass
        self.register_buffer(
            "_task_order", torch.argsort(torch.as_tensor(order, dtype=torch.long))
        )
        self.register_buffer(
            "_binary_index", torch.as_tensor(self._binary, dtype=torch.long)
        )
        self.register_buffer(
            "_regression_index", torch.as_tensor(self._regression, dtype=torch.long)
        )

    def _row_losses(self, outputs, targets):
        """Unreduced loss of every (row, task), for NaN-free targets."""
        parts = []
        if self._binary:
            logits = torch.cat([outputs[t] for t in self._binary], dim=1)
            parts.append(
                F.binary_cross_entropy_with_logits(
                    logits, targets[:, self._binary_index], reduction="none"
                )
            )
        if self._regression:
            predicted = torch.cat([outputs[t] for t in self._regression], dim=1)
            parts.append((predicted - targets[:, self._regression_index]) ** 2)
        for t in self._multiclass:
            loss = F.cross_entropy(outputs[t], targets[:, t].long(), reduction="none")
            parts.append(loss[:, None])
        return torch.cat(parts, dim=1)[:, self._task_order]

    def forward(self, outputs, Y, sample_weight=None, inputs=None):
        """Return ``(total, loss_sums, weight_sums)`` for one batch.

        Parameters
        ----------
        outputs : tuple of torch.Tensor
            One output per task, as returned by the network.
        Y : torch.Tensor of shape (n_rows, n_tasks)
            Encoded targets; NaN where a label is missing.
        sample_weight : torch.Tensor of shape (n_rows,), default=None
            Per-row weights (of the task losses).
        inputs : torch.Tensor of shape (n_rows, n_features), default=None
            The clean inputs, needed by the reconstruction objective.

        Returns
        -------
        total : torch.Tensor
            Scalar loss to minimize.
        loss_sums, weight_sums : torch.Tensor of shape (len(report_names),)
            Detached sums of weighted losses and of weights, per task and then
            per objective.
        """
        labelled = ~torch.isnan(Y)
        weights = labelled.to(Y.dtype)
        if sample_weight is not None:
            weights = weights * sample_weight[:, None]
        targets = torch.where(labelled, Y, torch.zeros_like(Y))
        row_losses = self._row_losses(outputs, targets)
        task_losses = (row_losses * weights).sum(dim=0)
        weight_sums = weights.sum(dim=0)
        means = task_losses / weight_sums.clamp_min(torch.finfo(Y.dtype).tiny)
        total = (means * self.task_weights.to(means.dtype)).sum()
        loss_sums, weight_sums = task_losses.detach(), weight_sums.detach()
        extra_losses, extra_weights = [], []
        if self.reconstruction_weight > 0:
            row_error = (outputs.reconstruction - inputs).pow(2).mean(dim=1)
            total = total + self.reconstruction_weight * row_error.mean()
            extra_losses.append(row_error.sum().detach())
            extra_weights.append(
                torch.tensor(float(len(row_error)), dtype=Y.dtype, device=Y.device)
            )
        if self.metric_loss is not None:
            target = Y[:, self.metric_task]
            labelled = ~torch.isnan(target)
            # On the unit sphere: unnormalized, the easiest way to shrink a
            # triplet loss on overlapping classes is to shrink every distance,
            # which kills the trunk's units (representation collapse).
            representation = F.normalize(outputs.representation[labelled], dim=1)
            value = METRIC_LOSSES[self.metric_loss](
                representation, target[labelled], self.margin
            )
            total = total + self.metric_weight * value
            count = labelled.sum().to(Y.dtype)
            extra_losses.append(value.detach() * count)
            extra_weights.append(count)
        if extra_losses:
            loss_sums = torch.cat([loss_sums, torch.stack(extra_losses)])
            weight_sums = torch.cat([weight_sums, torch.stack(extra_weights)])
        return total, loss_sums, weight_sums
