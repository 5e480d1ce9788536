"""Tests for merge_task_datasets."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import make_classification, make_regression

from skmtl import MultiTaskFineTuner, merge_task_datasets


def test_merge_task_datasets_arrays():
    X_a, y_a = np.zeros((2, 3)), np.array([1.5, 2.5])
    X_b, y_b = np.ones((3, 3)), np.array([0, 1, 1])

    X, Y, source = merge_task_datasets(
        {"price": (X_a, y_a), "sold": (X_b, y_b)}, return_source=True
    )

    assert isinstance(X, np.ndarray) and isinstance(Y, np.ndarray)
    assert_array_equal(X, np.vstack([X_a, X_b]))
    assert Y.dtype == np.float64
    assert_allclose(
        Y,
        [[1.5, np.nan], [2.5, np.nan], [np.nan, 0], [np.nan, 1], [np.nan, 1]],
    )
    assert_array_equal(source, ["price", "price", "sold", "sold", "sold"])


def test_merge_task_datasets_without_source_returns_pair():
    result = merge_task_datasets({"a": (np.zeros((2, 1)), [0.0, 1.0])})
    assert len(result) == 2


def test_merge_task_datasets_frames_with_different_columns():
    """Check the union of columns, in order of first appearance, NaN elsewhere."""
    X_a = pd.DataFrame({"x": [1.0, 2.0], "y": [3.0, 4.0]})
    X_b = pd.DataFrame({"z": [5.0], "x": [6.0]})
    X_c = pd.DataFrame({"w": [7.0], "y": [8.0]})

    X, Y = merge_task_datasets(
        {
            "a": (X_a, np.array([0, 1])),
            "b": (X_b, np.array([2.5])),
            "c": (X_c, np.array([1])),
        }
    )

    assert isinstance(X, pd.DataFrame) and isinstance(Y, pd.DataFrame)
    assert list(X.columns) == ["x", "y", "z", "w"]
    assert_array_equal(X.index, np.arange(4))
    expected = [
        [1.0, 3.0, np.nan, np.nan],
        [2.0, 4.0, np.nan, np.nan],
        [6.0, np.nan, 5.0, np.nan],
        [np.nan, 8.0, np.nan, 7.0],
    ]
    assert_allclose(X.to_numpy(dtype=float), expected)
    assert list(Y.columns) == ["a", "b", "c"]
    assert_allclose(
        Y.to_numpy(dtype=float),
        [[0, np.nan, np.nan], [1, np.nan, np.nan], [np.nan, 2.5, np.nan]]
        + [[np.nan, np.nan, 1]],
    )


@pytest.mark.parametrize("container", ["ndarray", "DataFrame"])
def test_merge_task_datasets_same_task_fills_one_column(container):
    def features(n):
        X = np.arange(2 * n, dtype=float).reshape(n, 2)
        return pd.DataFrame(X, columns=["f0", "f1"]) if container == "DataFrame" else X

    X, Y = merge_task_datasets(
        {
            "lab": (features(2), pd.Series([1.0, 2.0], name="price")),
            "shop": (features(1), pd.Series([3.0], name="price")),
            "web": (features(2), pd.Series([0, 1], name="clicked")),
        }
    )

    assert X.shape == (5, 2)
    names = list(Y.columns) if container == "DataFrame" else None
    if names is not None:
        assert names == ["price", "clicked"]
    assert_allclose(
        np.asarray(Y, dtype=float),
        [[1, np.nan], [2, np.nan], [3, np.nan], [np.nan, 0], [np.nan, 1]],
    )


def test_merge_task_datasets_string_labels_give_object_with_none():
    X, Y = merge_task_datasets(
        {
            "species": (np.zeros((2, 2)), np.array(["cat", "dog"])),
            "weight": (np.ones((1, 2)), np.array([4.5])),
        }
    )
    assert Y.dtype == object
    assert Y[0, 0] == "cat" and Y[1, 0] == "dog"
    assert Y[0, 1] is None and Y[1, 1] is None and Y[2, 0] is None
    assert Y[2, 1] == 4.5


def test_merge_task_datasets_2d_targets():
    X, Y = merge_task_datasets(
        {
            "m": (np.zeros((2, 2)), np.array([[1.0, 2.0], [3.0, 4.0]])),
            "s": (np.ones((1, 2)), np.array([5.0])),
        }
    )
    assert_allclose(Y, [[1.0, 2.0, np.nan], [3.0, 4.0, np.nan], [np.nan, np.nan, 5.0]])


def test_merge_task_datasets_2d_frame_targets_named_by_columns():
    Y_a = pd.DataFrame({"height": [1.0, 2.0], "kind": ["x", "y"]})
    X, Y = merge_task_datasets(
        {
            "a": (pd.DataFrame({"f": [0.0, 1.0]}), Y_a),
            "b": (pd.DataFrame({"f": [2.0]}), pd.Series([3.0], name="height")),
        }
    )
    assert list(Y.columns) == ["height", "kind"]
    assert_allclose(Y["height"].to_numpy(dtype=float), [1.0, 2.0, 3.0])
    assert list(Y["kind"].iloc[:2]) == ["x", "y"]
    assert pd.isna(Y["kind"].iloc[2])


@pytest.mark.parametrize(
    "y_a",
    [
        pd.DataFrame({"t": [1.0, 2.0]}),
        pd.DataFrame({"t": [1, 2]}, dtype="Int64"),
        pd.DataFrame({"t": [1.0, None]}, dtype="Float64"),
    ],
)
def test_merge_task_datasets_numeric_frame_targets_stay_float(y_a):
    """Check that numeric DataFrame targets give a float Y with NaN, not object."""
    X, Y = merge_task_datasets(
        {"a": (np.zeros((2, 1)), y_a), "b": (np.ones((1, 1)), np.array([0.5]))}
    )
    assert Y.dtype == np.float64
    assert_allclose(Y[2], [np.nan, 0.5])
    assert_array_equal(np.isnan(Y[:2, 1]), [True, True])


def test_merge_task_datasets_merged_table_validates():
    """Check that each merged column keeps the labels and types of its data set."""
    from skmtl.utils import check_multitask_targets

    X, Y = merge_task_datasets(
        {
            "a": (np.zeros((3, 2)), np.array(["u", "v", "u"])),
            "b": (np.ones((3, 2)), np.array([0.1, 0.7, 2.3])),
        }
    )
    targets = check_multitask_targets(Y)
    assert targets.types == ["binary", "regression"]
    assert_array_equal(targets.classes["task_0"], ["u", "v"])
    assert_array_equal(targets.labelled.sum(axis=0), [3, 3])


@pytest.mark.parametrize(
    "datasets, match",
    [
        ({}, "non-empty dict"),
        ([(np.zeros((1, 1)), [1])], "non-empty dict"),
        ({"a": (np.zeros((2, 1)),)}, r"datasets\['a'\] must be an \(X, y\) pair"),
        ({"a": np.zeros((2, 1))}, r"datasets\['a'\] must be an \(X, y\) pair"),
        (
            {"a": (np.zeros((2, 2)), [1.0, 2.0]), "b": (np.zeros((1, 3)), [1.0])},
            r"different numbers of features \[2, 3\]",
        ),
        (
            {
                "a": (pd.DataFrame({"f": [1.0, 2.0]}), [1.0, 2.0]),
                "b": (np.zeros((1, 1)), [1.0]),
            },
            "Mix of DataFrames and arrays",
        ),
        (
            {"a": (np.zeros((2, 1)), [1.0, 2.0, 3.0])},
            "Data set 'a' has 2 rows in X but 3 labels in 'a'",
        ),
        (
            {"a": (np.zeros((2, 1)), pd.DataFrame({"t": [1.0, 2.0, 3.0]}))},
            "Data set 'a' has 2 rows in X but 3 labels in 't'",
        ),
        ({"a": (np.zeros((2, 1)), np.zeros((2, 1, 1)))}, "must be 1-D or 2-D"),
    ],
)
def test_merge_task_datasets_errors(datasets, match):
    with pytest.raises(ValueError, match=match):
        merge_task_datasets(datasets)


def test_merge_task_datasets_trains_multitask_fine_tuner():
    X_c, y_c = make_classification(
        n_samples=40, n_features=4, n_informative=3, n_redundant=0, random_state=0
    )
    X_r, y_r = make_regression(n_samples=30, n_features=4, random_state=0)
    columns = [f"f{j}" for j in range(4)]
    X, Y, source = merge_task_datasets(
        {
            "label": (pd.DataFrame(X_c, columns=columns), np.array(["no", "yes"])[y_c]),
            "value": (pd.DataFrame(X_r, columns=columns), y_r),
        },
        return_source=True,
    )

    model = MultiTaskFineTuner(hidden_layer_sizes=(8,), max_epochs=5, random_state=0)
    model.fit(X, Y)

    assert model.task_types_ == {"label": "binary", "value": "regression"}
    assert_array_equal(model.classes_["label"], ["no", "yes"])
    predictions = model.predict(X)
    assert list(predictions.columns) == ["label", "value"]
    assert predictions.shape == (70, 2)
    assert set(predictions["label"]) <= {"no", "yes"}
    scores = model.score_tasks(X, Y)
    assert set(scores) == {"label", "value"}
    assert_array_equal(source[:40], "label")
