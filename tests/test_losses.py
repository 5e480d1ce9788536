"""Tests for the missing-label-aware multi-task loss."""

import numpy as np
import pytest
import torch
from numpy.testing import assert_allclose
from torch import nn
from torch.nn import functional as F

from skmtl._losses import MultiTaskLoss

N_ROWS = 12


def _output(task_type, n_rows=N_ROWS, generator=None):
    """Random head output of the shape the network gives a task."""
    width = 3 if task_type == "multiclass" else 1
    return torch.randn(n_rows, width, generator=generator, dtype=torch.float64)


def _target(task_type, n_rows=N_ROWS, generator=None):
    if task_type == "multiclass":
        return torch.randint(0, 3, (n_rows,), generator=generator).double()
    if task_type == "binary":
        return torch.randint(0, 2, (n_rows,), generator=generator).double()
    return torch.randn(n_rows, generator=generator, dtype=torch.float64)


def _reference_loss(output, target, task_type, weight=None):
    """The task's loss computed by torch on the rows given, weighted mean."""
    if task_type == "multiclass":
        rows = F.cross_entropy(output, target.long(), reduction="none")
    elif task_type == "binary":
        rows = F.binary_cross_entropy_with_logits(
            output[:, 0], target, reduction="none"
        )
    else:
        rows = (output[:, 0] - target) ** 2
    if weight is None:
        return rows.mean()
    return (rows * weight).sum() / weight.sum()


def _batch(task_types, seed=0):
    generator = torch.Generator().manual_seed(seed)
    outputs = tuple(_output(kind, generator=generator) for kind in task_types)
    Y = torch.stack([_target(kind, generator=generator) for kind in task_types], 1)
    return outputs, Y


TASK_TYPES = ["binary", "multiclass", "regression"]


@pytest.mark.parametrize("task_type", TASK_TYPES)
def test_multitask_loss_masked_equals_loss_on_labelled_rows(task_type):
    """Check that NaN targets drop out of both the sum and the denominator."""
    outputs, Y = _batch([task_type])
    missing = torch.zeros(N_ROWS, dtype=torch.bool)
    missing[[0, 3, 4, 9]] = True
    Y_masked = Y.clone()
    Y_masked[missing, 0] = float("nan")

    total, loss_sums, weight_sums = MultiTaskLoss([task_type])(outputs, Y_masked)

    kept = ~missing
    expected = _reference_loss(outputs[0][kept], Y[kept, 0], task_type)
    assert_allclose(total.item(), expected.item(), rtol=1e-12)
    assert_allclose(loss_sums.numpy(), [expected.item() * kept.sum().item()])
    assert_allclose(weight_sums.numpy(), [kept.sum().item()])


def test_multitask_loss_masks_each_task_independently():
    """Check that each task's mean uses only its own labelled rows."""
    outputs, Y = _batch(TASK_TYPES, seed=1)
    Y_masked = Y.clone()
    masks = [[1, 2], [5], [0, 7, 8, 11]]
    for t, rows in enumerate(masks):
        Y_masked[rows, t] = float("nan")

    total, loss_sums, weight_sums = MultiTaskLoss(TASK_TYPES)(outputs, Y_masked)

    expected = []
    for t, (kind, rows) in enumerate(zip(TASK_TYPES, masks)):
        kept = torch.ones(N_ROWS, dtype=torch.bool)
        kept[rows] = False
        expected.append(_reference_loss(outputs[t][kept], Y[kept, t], kind).item())
    # Task weights are held in float32.
    assert_allclose(total.item(), np.mean(expected), rtol=1e-6)
    assert_allclose(weight_sums.numpy(), [N_ROWS - len(rows) for rows in masks])
    assert_allclose(loss_sums.numpy() / weight_sums.numpy(), expected, rtol=1e-12)


@pytest.mark.parametrize("task_type", TASK_TYPES)
def test_multitask_loss_zero_weight_equals_removed_row(task_type):
    outputs, Y = _batch([task_type], seed=2)
    weight = torch.ones(N_ROWS, dtype=torch.float64)
    weight[[2, 6]] = 0.0
    kept = weight > 0

    total, *_ = MultiTaskLoss([task_type])(outputs, Y, weight)
    removed, *_ = MultiTaskLoss([task_type])((outputs[0][kept],), Y[kept])

    assert_allclose(total.item(), removed.item(), rtol=1e-12)


@pytest.mark.parametrize("task_type", TASK_TYPES)
def test_multitask_loss_integer_weight_equals_repeated_row(task_type):
    outputs, Y = _batch([task_type], seed=3)
    repeats = torch.tensor([1, 2, 3, 1, 1, 4, 1, 1, 2, 1, 1, 1])

    total, loss_sums, weight_sums = MultiTaskLoss([task_type])(
        outputs, Y, repeats.double()
    )
    index = torch.repeat_interleave(torch.arange(N_ROWS), repeats)
    repeated, rep_sums, rep_weights = MultiTaskLoss([task_type])(
        (outputs[0][index],), Y[index]
    )

    assert_allclose(total.item(), repeated.item(), rtol=1e-12)
    assert_allclose(loss_sums.numpy(), rep_sums.numpy(), rtol=1e-12)
    assert_allclose(weight_sums.numpy(), rep_weights.numpy())


def test_multitask_loss_sample_weights_combine_with_mask():
    outputs, Y = _batch(["regression"], seed=4)
    Y[[0, 1], 0] = float("nan")
    weight = torch.arange(1, N_ROWS + 1, dtype=torch.float64)

    total, loss_sums, weight_sums = MultiTaskLoss(["regression"])(outputs, Y, weight)

    kept = slice(2, None)
    expected = _reference_loss(outputs[0][kept], Y[kept, 0], "regression", weight[kept])
    assert_allclose(total.item(), expected.item(), rtol=1e-12)
    assert_allclose(weight_sums.numpy(), [weight[kept].sum().item()])
    assert not torch.isnan(total)


@pytest.mark.parametrize(
    "task_weights, expected",
    [
        (None, [1 / 3, 1 / 3, 1 / 3]),
        ([1.0, 1.0, 2.0], [0.25, 0.25, 0.5]),
        ([2, 0, 2], [0.5, 0.0, 0.5]),
        ([10.0, 30.0, 60.0], [0.1, 0.3, 0.6]),
    ],
)
def test_multitask_loss_task_weights_are_normalized(task_weights, expected):
    criterion = MultiTaskLoss(TASK_TYPES, task_weights=task_weights)
    assert_allclose(criterion.task_weights.numpy(), expected, rtol=1e-6)

    outputs, Y = _batch(TASK_TYPES, seed=5)
    total, loss_sums, weight_sums = criterion(outputs, Y)
    means = loss_sums / weight_sums
    assert_allclose(total.item(), (means.numpy() * expected).sum(), rtol=1e-6)


def test_multitask_loss_scale_does_not_grow_with_tasks():
    """Check that repeating a task leaves the total unchanged (weighted mean)."""
    outputs, Y = _batch(["regression"], seed=6)
    single, *_ = MultiTaskLoss(["regression"])(outputs, Y)
    triple, *_ = MultiTaskLoss(["regression"] * 3)(outputs * 3, Y.repeat(1, 3))
    assert_allclose(single.item(), triple.item(), rtol=1e-6)


def test_multitask_loss_returns_detached_per_task_sums():
    outputs, Y = _batch(TASK_TYPES, seed=7)
    outputs = tuple(out.requires_grad_() for out in outputs)
    total, loss_sums, weight_sums = MultiTaskLoss(TASK_TYPES)(outputs, Y)

    assert total.ndim == 0 and total.requires_grad
    assert loss_sums.shape == weight_sums.shape == (3,)
    assert not loss_sums.requires_grad and not weight_sums.requires_grad
    for t, kind in enumerate(TASK_TYPES):
        expected = _reference_loss(outputs[t], Y[:, t], kind) * N_ROWS
        assert_allclose(loss_sums[t].item(), expected.item(), rtol=1e-12)


@pytest.mark.parametrize("task_type", TASK_TYPES)
def test_multitask_loss_all_missing_task_contributes_zero(task_type):
    outputs, Y = _batch(["regression", task_type], seed=8)
    Y[:, 1] = float("nan")

    total, loss_sums, weight_sums = MultiTaskLoss(["regression", task_type])(outputs, Y)
    only_first, *_ = MultiTaskLoss(["regression"])(outputs[:1], Y[:, :1])

    assert torch.isfinite(total)
    assert not torch.isnan(loss_sums).any()
    assert_allclose(loss_sums[1].item(), 0.0)
    assert_allclose(weight_sums.numpy(), [N_ROWS, 0.0])
    # The empty task still holds its share of the task weights.
    assert_allclose(total.item(), only_first.item() / 2, rtol=1e-6)


def test_multitask_loss_all_missing_batch_is_finite_with_float32():
    outputs = (torch.randn(4, 1), torch.randn(4, 3))
    Y = torch.full((4, 2), float("nan"))
    total, loss_sums, weight_sums = MultiTaskLoss(["binary", "multiclass"])(outputs, Y)
    assert total.item() == 0.0
    assert torch.isfinite(loss_sums).all() and torch.isfinite(weight_sums).all()


def test_multitask_loss_gradients_reach_only_labelled_heads():
    """Check that a task without labels in the batch sends its head no gradient."""
    torch.manual_seed(0)
    trunk = nn.Linear(4, 5)
    heads = nn.ModuleList([nn.Linear(5, 1), nn.Linear(5, 3), nn.Linear(5, 1)])
    X = torch.randn(N_ROWS, 4)
    shared = trunk(X)
    outputs = tuple(head(shared) for head in heads)
    Y = torch.stack(
        [
            torch.randint(0, 2, (N_ROWS,)).float(),
            torch.full((N_ROWS,), float("nan")),
            torch.randn(N_ROWS),
        ],
        dim=1,
    )
    Y[:6, 2] = float("nan")

    total, *_ = MultiTaskLoss(TASK_TYPES)(outputs, Y)
    total.backward()

    for parameter in heads[1].parameters():
        assert parameter.grad is not None
        assert_allclose(parameter.grad.numpy(), 0.0)
    for head in (heads[0], heads[2]):
        assert head.weight.grad.abs().sum() > 0
    assert trunk.weight.grad.abs().sum() > 0
    for module in (trunk, *heads):
        for parameter in module.parameters():
            assert torch.isfinite(parameter.grad).all()


def test_multitask_loss_default_task_names():
    assert MultiTaskLoss(TASK_TYPES).task_names == ["task_0", "task_1", "task_2"]
    assert MultiTaskLoss(["binary"], task_names=["a"]).task_names == ["a"]
