"""Tests for the validation of multi-task targets."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skmtl.utils import MultiTaskTargets, check_multitask_targets
from skmtl.utils._validation import MAX_INFERRED_CLASSES, align_target_columns

# Stacked twice so the 3-class column shows each class about twice on average,
# as type inference requires of integer-valued classes.
Y_MIXED = np.tile(
    np.array(
        [
            [0, 1.5, 2],
            [1, np.nan, 0],
            [np.nan, 2.5, 1],
            [1, 0.1, np.nan],
            [0, -3.0, 2],
        ]
    ),
    (2, 1),
)


def _as_container(y, container, names=None):
    if container == "ndarray":
        return y
    if container == "DataFrame":
        return pd.DataFrame(y, columns=names)
    return pd.Series(y, name=names)


@pytest.mark.parametrize("container", ["ndarray", "DataFrame"])
def test_check_multitask_targets_2d(container):
    names = ["a", "b", "c"]
    y = _as_container(Y_MIXED, container, names)

    targets = check_multitask_targets(y)

    assert isinstance(targets, MultiTaskTargets)
    expected_names = (
        names if container == "DataFrame" else ["task_0", "task_1", "task_2"]
    )
    assert targets.names == expected_names
    assert targets.types == ["binary", "regression", "multiclass"]
    assert targets.n_tasks == 3
    assert not targets.is_1d
    assert targets.is_frame == (container == "DataFrame")
    assert sorted(targets.classes) == [expected_names[0], expected_names[2]]
    assert_array_equal(targets.classes[expected_names[0]], [0.0, 1.0])
    assert_array_equal(targets.classes[expected_names[2]], [0.0, 1.0, 2.0])
    assert_array_equal(targets.labelled, ~np.isnan(Y_MIXED))
    assert targets.encoded.dtype == np.float64
    # Class indices happen to equal the labels here; regression values unchanged.
    assert_allclose(targets.encoded, Y_MIXED)
    if container == "DataFrame":
        assert list(targets.columns) == names
    else:
        assert targets.columns is None


@pytest.mark.parametrize(
    "y, name",
    [
        (np.array([3, 5, 5, 3]), "task_0"),
        (pd.Series([3, 5, 5, 3], name="price"), "price"),
        (pd.Series([3, 5, 5, 3]), "task_0"),
        ([3, 5, 5, 3], "task_0"),
    ],
)
def test_check_multitask_targets_1d(y, name):
    targets = check_multitask_targets(y)
    assert targets.names == [name]
    assert targets.is_1d and not targets.is_frame
    assert targets.types == ["binary"]
    assert_array_equal(targets.classes[name], [3, 5])
    assert_array_equal(targets.encoded[:, 0], [0, 1, 1, 0])
    assert targets.encoded.shape == (4, 1)


def test_check_multitask_targets_single_column_2d_is_not_1d():
    targets = check_multitask_targets(np.array([[1], [0], [1]]))
    assert not targets.is_1d
    assert targets.names == ["task_0"]


@pytest.mark.parametrize(
    "y, classes",
    [
        (np.array(["b", "a", np.nan, "b"], dtype=object), ["a", "b"]),
        (np.array(["b", "a", None, "b"], dtype=object), ["a", "b"]),
        (pd.Series(["b", "a", pd.NA, "b"], dtype="string"), ["a", "b"]),
        (pd.Series(["b", "a", None, "b"], dtype="category"), ["a", "b"]),
        (pd.Series([7, 3, None, 7], dtype="Int64"), [3, 7]),
        (pd.Series([True, False, None, True], dtype="boolean"), [False, True]),
        (np.array([True, False, None, True], dtype=object), [False, True]),
        (np.array([7.0, 3.0, np.nan, 7.0]), [3, 7]),
        (np.array([7, 3, pd.NA, 7], dtype=object), [3, 7]),
    ],
)
def test_check_multitask_targets_missing_markers(y, classes):
    """Check that NaN, None and pd.NA mark missing labels in every dtype."""
    targets = check_multitask_targets(y)
    (name,) = targets.names
    assert targets.types == ["binary"]
    assert_array_equal(targets.classes[name], classes)
    assert_array_equal(targets.labelled[:, 0], [True, True, False, True])
    assert_array_equal(targets.encoded[:, 0], [1, 0, np.nan, 1])


@pytest.mark.parametrize(
    "labels, dtype_kind",
    [
        ([2, 0, 1, 0, 2, 1], "i"),
        (["dog", "cat", "emu", "cat"], "U"),
        ([True, False, True, True], "b"),
    ],
)
def test_check_multitask_targets_label_types(labels, dtype_kind):
    targets = check_multitask_targets(np.array(labels))
    classes = targets.classes["task_0"]
    assert classes.dtype.kind == dtype_kind
    assert_array_equal(classes, sorted(set(labels)))
    assert_array_equal(classes[targets.encoded[:, 0].astype(int)], labels)


def test_check_multitask_targets_many_string_classes_stay_classes():
    labels = np.array([f"class_{i:02d}" for i in range(30)])
    targets = check_multitask_targets(labels)
    assert targets.types == ["multiclass"]
    assert len(targets.classes["task_0"]) == 30


@pytest.mark.parametrize(
    "y, expected",
    [
        (np.tile(np.arange(MAX_INFERRED_CLASSES), 2), "multiclass"),
        (np.tile(np.arange(MAX_INFERRED_CLASSES + 1), 2), "regression"),
        (np.tile(np.arange(MAX_INFERRED_CLASSES), 2).astype(float), "multiclass"),
        (np.arange(5), "regression"),  # five scores, each seen once
        (np.array([3, 1, 2, 1, 3, 2]), "multiclass"),
        (np.array([0, 1, 0, 1]), "binary"),
        (np.array([-1, 1, 1]), "binary"),
        (np.array([0.5, 1.5, 2.5]), "regression"),
        (np.array([0.0, 1.0, 0.5]), "regression"),
        (np.array([0.0, 1.0, np.nan]), "binary"),
        (pd.Series(range(MAX_INFERRED_CLASSES + 5), dtype="Int64"), "regression"),
        (pd.Series([0.25, None, 1.0], dtype="Float64"), "regression"),
    ],
)
def test_check_multitask_targets_type_inference(y, expected):
    """Check the rule: at most 20 integer values, each seen twice on average."""
    assert check_multitask_targets(y).types == [expected]


@pytest.mark.parametrize(
    "tasks, expected",
    [
        (None, ["binary", "regression", "multiclass"]),
        ("regression", ["regression"] * 3),
        ("classification", ["binary", "multiclass", "multiclass"]),
        (["classification", "regression", "regression"], None),
        ({"task_2": "regression"}, ["binary", "regression", "regression"]),
        ({"task_1": "classification"}, ["binary", "multiclass", "multiclass"]),
        (("binary", None, "multiclass"), ["binary", "regression", "multiclass"]),
    ],
)
def test_check_multitask_targets_declared_tasks(tasks, expected):
    if expected is None:
        expected = ["binary", "regression", "regression"]
    targets = check_multitask_targets(Y_MIXED, tasks=tasks)
    assert targets.types == expected
    for name, kind in zip(targets.names, targets.types):
        assert (name in targets.classes) == (kind != "regression")


def test_check_multitask_targets_declared_regression_keeps_values():
    targets = check_multitask_targets(np.array([3, 1, 2]), tasks="regression")
    assert targets.classes == {}
    assert_allclose(targets.encoded[:, 0], [3, 1, 2])


def test_check_multitask_targets_dict_tasks_by_frame_column():
    y = pd.DataFrame({"score": [1, 2, 3, 1], "kind": ["a", "b", "a", "b"]})
    targets = check_multitask_targets(y, tasks={"score": "regression"})
    assert targets.types == ["regression", "binary"]


@pytest.mark.parametrize(
    "y, kwargs, match",
    [
        (None, {}, "requires y to be passed, but the target y is None"),
        (3, {}, "got a scalar"),
        (np.zeros((2, 2, 2)), {}, "1-D .* or 2-D .* 3 dimensions"),
        (np.zeros((2, 0)), {}, "no task columns"),
        (np.array([0, 1]), {"n_samples": 3}, "X has 3 rows, y has 2"),
        (Y_MIXED, {"tasks": "ordinal"}, "Unknown task type 'ordinal' for task"),
        (Y_MIXED, {"tasks": ["binary"]}, "tasks gives 1 task types but y has 3"),
        (Y_MIXED, {"tasks": {"price": "regression"}}, r"tasks names \['price'\]"),
        (
            np.array([[0, np.nan], [1, np.nan]]),
            {},
            "NaN for every row of task 'task_1'",
        ),
        (np.array([None, pd.NA], dtype=object), {}, "NaN for every row of task"),
        (np.array([4, 4, np.nan]), {}, "only one class"),
        (np.array(["a", "a"]), {}, "only one class"),
        (np.array([0, 1, 2]), {"tasks": "binary"}, "declared 'binary' but has 3"),
        (np.array([0.5, np.inf, 1.0]), {}, "infinity .* task 'task_0' \\(rows \\[1\\]"),
        (
            np.array([0.0, 1.0, -np.inf]),
            {"tasks": "binary"},
            "infinity .* task 'task_0'",
        ),
        (
            pd.Series([0.5, None, np.inf], dtype="Float64", name="p"),
            {},
            "infinity .* task 'p' \\(rows \\[2\\]",
        ),
        (
            np.array([1.0, np.inf, 2.0], dtype=object),
            {},
            "infinity .* task 'task_0'",
        ),
        (np.array(["a", "b"]), {"tasks": "regression"}, "not numeric"),
        (np.array(["a", 1, 2], dtype=object), {}, "mixes label types"),
        (
            pd.DataFrame([[1, 2], [0, 1]], columns=["a", "a"]),
            {},
            "unique names",
        ),
    ],
)
def test_check_multitask_targets_errors(y, kwargs, match):
    with pytest.raises(ValueError, match=match):
        check_multitask_targets(y, **kwargs)


def test_check_multitask_targets_single_class_names_task():
    y = pd.DataFrame({"ok": [0, 1, 0], "flat": ["x", None, "x"]})
    with pytest.raises(ValueError, match="Task 'flat' has only one class"):
        check_multitask_targets(y)


def test_check_multitask_targets_does_not_modify_input():
    y = Y_MIXED.copy()
    check_multitask_targets(y, tasks="classification")
    assert_array_equal(y, Y_MIXED)


# ---------------------------------------------------------- align_target_columns


def test_align_target_columns_frame_subset_by_name():
    y = pd.DataFrame({"c": [1.0, np.nan, 3.0], "a": ["x", "y", None]})
    columns = align_target_columns(y, ["a", "b", "c"], 3)

    assert list(columns) == ["c", "a"]
    values, labelled = columns["c"]
    assert_allclose(values, [1.0, np.nan, 3.0])
    assert_array_equal(labelled, [True, False, True])
    values, labelled = columns["a"]
    assert_array_equal(values[:2], ["x", "y"])
    assert_array_equal(labelled, [True, True, False])


@pytest.mark.parametrize("as_list", [False, True])
def test_align_target_columns_positional(as_list):
    y = np.array([[1.0, np.nan], [2.0, 3.0]])
    columns = align_target_columns(y.tolist() if as_list else y, ["a", "b"], 2)
    assert list(columns) == ["a", "b"]
    assert_array_equal(columns["a"][1], [True, True])
    assert_array_equal(columns["b"][1], [False, True])
    assert_allclose(columns["b"][0], [np.nan, 3.0])


@pytest.mark.parametrize(
    "y", [np.array([1.0, np.nan]), pd.Series([1.0, np.nan], name="other")]
)
def test_align_target_columns_1d_maps_to_single_task(y):
    columns = align_target_columns(y, ["only"], 2)
    assert list(columns) == ["only"]
    assert_array_equal(columns["only"][1], [True, False])


@pytest.mark.parametrize(
    "y, task_names, n_samples, match",
    [
        (None, ["a"], 2, "Scoring requires y"),
        (np.array([1.0, 2.0]), ["a"], 3, "X has 3 rows, y has 2"),
        (np.array([1.0, 2.0]), ["a", "b"], 2, r"1 task column\(s\) .* 2 tasks"),
        (
            pd.DataFrame({"a": [1, 2], "z": [0, 1]}),
            ["a", "b"],
            2,
            r"columns \['z'\] that are not tasks seen in fit",
        ),
    ],
)
def test_align_target_columns_errors(y, task_names, n_samples, match):
    with pytest.raises(ValueError, match=match):
        align_target_columns(y, task_names, n_samples)
