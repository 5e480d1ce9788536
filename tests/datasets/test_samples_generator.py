import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import skmtl.datasets
from skmtl.datasets import (
    make_multitask_classification,
    make_multitask_mixed,
    make_multitask_regression,
)
from skmtl.utils import check_multitask_targets

GENERATORS = (
    make_multitask_regression,
    make_multitask_classification,
    make_multitask_mixed,
)


def _coef_matrix(coef):
    """Stack per-task coefficient vectors (first score of each task)."""
    if isinstance(coef, np.ndarray):
        return coef
    return np.column_stack([c if c.ndim == 1 else c[:, 0] for c in coef])


def _mean_offdiagonal_correlation(coef, n_informative):
    corr = np.corrcoef(_coef_matrix(coef)[:n_informative].T)
    return corr[~np.eye(len(corr), dtype=bool)].mean()


def test_all_is_sorted_and_complete():
    assert skmtl.datasets.__all__ == sorted(skmtl.datasets.__all__)
    for name in skmtl.datasets.__all__:
        assert callable(getattr(skmtl.datasets, name))


@pytest.mark.parametrize("generator", GENERATORS)
def test_generator_shapes_and_dtypes(generator):
    X, Y = generator(n_samples=30, n_features=7, random_state=0)
    assert X.shape == (30, 7) and Y.shape == (30, 3)
    assert X.dtype == np.float64 and Y.dtype == np.float64
    assert not np.isnan(Y).any()


@pytest.mark.parametrize("generator", GENERATORS)
def test_generator_is_deterministic(generator):
    first = generator(random_state=3, missing_rate=0.3, coef=True)
    second = generator(
        random_state=np.random.RandomState(3), missing_rate=0.3, coef=True
    )
    other = generator(random_state=4, missing_rate=0.3, coef=True)
    for a, b in zip(first[:2], second[:2]):
        assert_array_equal(a, b)
    assert not np.array_equal(first[0], other[0])
    for a, b in zip(first[2], second[2]):
        assert_array_equal(a, b)


@pytest.mark.parametrize("generator", GENERATORS)
@pytest.mark.parametrize("missing_rate", [0.0, 0.25, 0.5])
def test_generator_honours_missing_rate(generator, missing_rate):
    X, Y = generator(n_samples=80, missing_rate=missing_rate, random_state=0)
    assert_array_equal(np.isnan(Y).sum(axis=0), round(missing_rate * 80))
    assert not np.isnan(X).any()


@pytest.mark.parametrize("generator", GENERATORS)
def test_generator_keeps_two_labels_per_task(generator):
    _, Y = generator(n_samples=10, missing_rate=0.99, random_state=0)
    assert_array_equal((~np.isnan(Y)).sum(axis=0), 2)
    _, Y = generator(n_samples=1, missing_rate=0.9, random_state=0)
    assert not np.isnan(Y).any()


@pytest.mark.parametrize("generator", GENERATORS)
def test_missing_labels_leave_the_rest_unchanged(generator):
    """Check that missing_rate only masks labels drawn without it."""
    X_full, Y_full = generator(random_state=0)
    X, Y = generator(missing_rate=0.4, random_state=0)
    assert_array_equal(X, X_full)
    kept = ~np.isnan(Y)
    assert_array_equal(Y[kept], Y_full[kept])


@pytest.mark.parametrize("generator", GENERATORS)
def test_shared_fraction_one_gives_identical_coefficients(generator):
    _, _, coef = generator(
        n_features=12, shared_fraction=1.0, coef=True, random_state=0
    )
    coef = _coef_matrix(coef)
    for t in range(1, coef.shape[1]):
        assert_allclose(coef[:, t], coef[:, 0])
    assert_array_equal(coef[5:], 0)


@pytest.mark.parametrize("generator", GENERATORS)
@pytest.mark.parametrize("shared_fraction", [0.0, 0.5, 0.9])
def test_shared_fraction_sets_coefficient_correlation(generator, shared_fraction):
    """Check that tasks' true coefficients correlate at about shared_fraction."""
    kwargs = {"n_tasks": 6} if generator is not make_multitask_mixed else {}
    _, _, coef = generator(
        n_samples=5,
        n_features=3000,
        n_informative=3000,
        shared_fraction=shared_fraction,
        coef=True,
        random_state=0,
        **kwargs,
    )
    corr = _mean_offdiagonal_correlation(coef, 3000)
    assert corr == pytest.approx(shared_fraction, abs=0.05)


def test_regression_relatedness_shows_in_targets():
    def target_correlation(shared_fraction):
        _, Y = make_multitask_regression(
            n_samples=2000,
            n_informative=10,
            n_tasks=2,
            shared_fraction=shared_fraction,
            random_state=0,
        )
        return np.corrcoef(Y.T)[0, 1]

    assert target_correlation(1.0) > 0.99
    assert abs(target_correlation(0.0)) < 0.5
    assert target_correlation(0.0) < target_correlation(0.5) < target_correlation(1.0)


def test_regression_coef_matches_make_regression_layout():
    X, Y, coef = make_multitask_regression(
        n_tasks=4, noise=0.0, coef=True, random_state=0
    )
    assert coef.shape == (10, 4)
    assert_allclose(Y, X @ coef)


def test_classification_labels_follow_scores():
    X, Y, coef = make_multitask_classification(
        n_samples=200, n_classes=[2, 3, 5], noise=0.0, coef=True, random_state=0
    )
    assert coef[0].shape == (10,)
    assert coef[1].shape == (10, 3) and coef[2].shape == (10, 5)
    assert_array_equal(Y[:, 0], X @ coef[0] > 0)
    assert_array_equal(Y[:, 1], np.argmax(X @ coef[1], axis=1))
    assert_array_equal(Y[:, 2], np.argmax(X @ coef[2], axis=1))
    targets = check_multitask_targets(Y)
    assert targets.types == ["binary", "multiclass", "multiclass"]


def test_classification_shared_tasks_agree():
    _, Y = make_multitask_classification(
        n_samples=200, n_tasks=3, shared_fraction=1.0, noise=0.0, random_state=0
    )
    assert_array_equal(Y[:, 1], Y[:, 0])
    assert_array_equal(Y[:, 2], Y[:, 0])


def test_mixed_task_types_and_classes():
    task_types = ["multiclass", "regression", "binary", "multiclass"]
    X, Y, coef = make_multitask_mixed(
        n_samples=300,
        task_types=task_types,
        n_classes=[4, 3],
        noise=0.0,
        coef=True,
        random_state=0,
    )
    assert Y.shape == (300, 4)
    assert_array_equal(np.unique(Y[:, 0]), [0, 1, 2, 3])
    assert_array_equal(np.unique(Y[:, 2]), [0, 1])
    assert_array_equal(np.unique(Y[:, 3]), [0, 1, 2])
    assert [c.shape for c in coef] == [(10, 4), (10,), (10,), (10, 3)]
    assert_allclose(Y[:, 1], X @ coef[1])
    # One shared vector drives the regression and binary tasks alike.
    assert_allclose(coef[1], coef[2])
    assert_array_equal(Y[:, 2], Y[:, 1] > 0)
    assert check_multitask_targets(Y, tasks=task_types).types == task_types


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_samples": 0}, "n_samples"),
        ({"n_features": 3, "n_informative": 4}, "n_informative"),
        ({"shared_fraction": 1.5}, "shared_fraction"),
        ({"noise": -1.0}, "noise"),
        ({"missing_rate": 1.0}, "missing_rate"),
        ({"random_state": "seed"}, "random_state"),
    ],
)
@pytest.mark.parametrize("generator", GENERATORS)
def test_generator_rejects_bad_arguments(generator, kwargs, match):
    with pytest.raises(ValueError, match=match):
        generator(**kwargs)


@pytest.mark.parametrize(
    ("generator", "kwargs", "match"),
    [
        (make_multitask_regression, {"n_tasks": 0}, "n_tasks"),
        (make_multitask_classification, {"n_classes": 1}, "n_classes"),
        (make_multitask_classification, {"n_classes": [2, 3]}, "one entry per task"),
        (make_multitask_classification, {"n_classes": [2, 3, 1]}, "int >= 2"),
        (make_multitask_mixed, {"n_classes": 2}, "n_classes"),
        (make_multitask_mixed, {"n_classes": [3, 4]}, "one entry per multiclass"),
        (make_multitask_mixed, {"task_types": ["regression", "ranking"]}, "task_types"),
        (make_multitask_mixed, {"task_types": []}, "task_types"),
        (make_multitask_mixed, {"task_types": "binary"}, "task_types"),
    ],
)
def test_generator_specific_bad_arguments(generator, kwargs, match):
    with pytest.raises(ValueError, match=match):
        generator(**kwargs)
