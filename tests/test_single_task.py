"""Tests for the classifier and regressor faces of MultiTaskFineTuner."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.datasets import make_classification, make_regression
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import (
    StratifiedKFold,
    check_cv,
    cross_val_predict,
    cross_val_score,
)

from skmtl import FineTunerClassifier, FineTunerRegressor, MultiTaskFineTuner

FAST = dict(hidden_layer_sizes=(8,), max_epochs=5, random_state=0)


@pytest.fixture(scope="module")
def binary_data():
    return make_classification(
        n_samples=60, n_features=5, n_informative=3, random_state=0
    )


@pytest.fixture(scope="module")
def multi_label_frame(binary_data):
    X, y = binary_data
    Y = pd.DataFrame(
        {
            "flag": y,
            "level": np.where(X[:, 1] > 0, 2, 5),
            "color": np.array(["red", "green", "blue"])[np.arange(60) % 3],
        }
    )
    return X, Y


def test_fine_tuner_faces_are_recognized():
    assert is_classifier(FineTunerClassifier())
    assert not is_regressor(FineTunerClassifier())
    assert is_regressor(FineTunerRegressor())
    assert not is_classifier(FineTunerRegressor())
    assert isinstance(FineTunerClassifier(), MultiTaskFineTuner)
    assert isinstance(FineTunerRegressor(), MultiTaskFineTuner)


def test_fine_tuner_classifier_gets_stratified_folds(binary_data):
    _, y = binary_data
    cv = check_cv(3, y, classifier=is_classifier(FineTunerClassifier()))
    assert isinstance(cv, StratifiedKFold)


def test_fine_tuner_classifier_cross_val_score_roc_auc(binary_data):
    X, y = binary_data
    scores = cross_val_score(FineTunerClassifier(**FAST), X, y, cv=3, scoring="roc_auc")
    assert scores.shape == (3,)
    assert np.all((scores >= 0) & (scores <= 1))


def test_fine_tuner_classifier_1d(binary_data):
    X, y = binary_data
    labels = np.array(["neg", "pos"])[y]
    clf = FineTunerClassifier(**FAST).fit(X, labels)

    assert isinstance(clf.classes_, np.ndarray)
    assert_array_equal(clf.classes_, ["neg", "pos"])
    proba = clf.predict_proba(X)
    assert isinstance(proba, np.ndarray) and proba.shape == (60, 2)
    assert_allclose(proba.sum(axis=1), 1.0)
    predictions = clf.predict(X)
    assert predictions.shape == (60,)
    assert_array_equal(predictions, clf.classes_[proba.argmax(axis=1)])
    assert_allclose(clf.score(X, labels), accuracy_score(labels, predictions))


def test_fine_tuner_classifier_2d(multi_label_frame):
    X, Y = multi_label_frame
    clf = FineTunerClassifier(**FAST).fit(X, Y)

    assert clf.task_types_ == {
        "flag": "binary",
        "level": "binary",
        "color": "multiclass",
    }
    assert isinstance(clf.classes_, list) and len(clf.classes_) == 3
    assert_array_equal(clf.classes_[0], [0, 1])
    assert_array_equal(clf.classes_[1], [2, 5])
    assert_array_equal(clf.classes_[2], ["blue", "green", "red"])
    proba = clf.predict_proba(X)
    assert isinstance(proba, list)
    assert [p.shape for p in proba] == [(60, 2), (60, 2), (60, 3)]
    for p in proba:
        assert_allclose(p.sum(axis=1), 1.0)
    predictions = clf.predict(X)
    assert list(predictions.columns) == ["flag", "level", "color"]
    for j, p in enumerate(proba):
        assert_array_equal(predictions.iloc[:, j], clf.classes_[j][p.argmax(axis=1)])


def test_fine_tuner_classifier_2d_array_classes_list(binary_data):
    X, y = binary_data
    Y = np.column_stack([y, 1 - y])
    clf = FineTunerClassifier(**FAST).fit(X, Y)
    assert isinstance(clf.classes_, list) and len(clf.classes_) == 2
    assert isinstance(clf.predict_proba(X), list)


def test_fine_tuner_classifier_cross_val_predict_proba(binary_data):
    X, y = binary_data
    proba = cross_val_predict(
        FineTunerClassifier(**FAST), X, y, cv=3, method="predict_proba"
    )
    assert proba.shape == (60, 2)
    assert_allclose(proba.sum(axis=1), 1.0)


def test_fine_tuner_classifier_many_integer_classes_stay_classes():
    """Check that the classifier never reads > 20 integer values as regression."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(50, 3))
    y = np.arange(50) % 25
    clf = FineTunerClassifier(**FAST).fit(X, y)
    assert clf.task_types_ == {"task_0": "multiclass"}
    assert len(clf.classes_) == 25


def test_fine_tuner_classifier_integer_valued_floats(binary_data):
    X, y = binary_data
    clf = FineTunerClassifier(**FAST).fit(X, y.astype(float))
    assert_array_equal(clf.classes_, [0.0, 1.0])


def test_fine_tuner_classifier_continuous_target_raises(binary_data):
    X, _ = binary_data
    with pytest.raises(ValueError, match="Unknown label type"):
        FineTunerClassifier(**FAST).fit(X, X[:, 0])


@pytest.mark.parametrize(
    "tasks", ["regression", ["regression"], {"task_0": "regression"}]
)
def test_fine_tuner_classifier_declared_regression_raises(binary_data, tasks):
    X, y = binary_data
    with pytest.raises(ValueError, match="needs classification tasks.*'regression'"):
        FineTunerClassifier(tasks=tasks, **FAST).fit(X, y)


def test_fine_tuner_classifier_score_skips_missing_labels(binary_data):
    X, y = binary_data
    clf = FineTunerClassifier(**FAST).fit(X, y)
    y_missing = y.astype(float)
    y_missing[::3] = np.nan
    labelled = ~np.isnan(y_missing)
    expected = accuracy_score(y[labelled], clf.predict(X[labelled]))
    assert_allclose(clf.score(X, y_missing), expected)


def test_fine_tuner_classifier_trains_with_missing_labels(multi_label_frame):
    X, Y = multi_label_frame
    Y = Y.astype(object)
    Y.iloc[::4, 0] = None
    Y.iloc[1::5, 2] = None
    clf = FineTunerClassifier(**FAST).fit(X, Y)
    assert 0 <= clf.score(X, Y) <= 1
    assert set(clf.score_tasks(X, Y)) == {"flag", "level", "color"}


def test_fine_tuner_regressor_integer_targets_are_regression(binary_data):
    X, y = binary_data
    reg = FineTunerRegressor(**FAST).fit(X, y)
    assert reg.task_types_ == {"task_0": "regression"}
    predictions = reg.predict(X)
    assert predictions.dtype == np.float64
    assert not hasattr(reg, "predict_proba")
    assert not hasattr(reg, "classes_") or len(reg.classes_) == 0


def test_fine_tuner_regressor_ignores_tasks(binary_data):
    X, y = binary_data
    reg = FineTunerRegressor(tasks="classification", **FAST).fit(X, y)
    assert reg.task_types_ == {"task_0": "regression"}


@pytest.mark.parametrize("n_targets", [1, 3])
def test_fine_tuner_regressor_r2_score(n_targets):
    X, y = make_regression(
        n_samples=60, n_features=5, n_targets=n_targets, random_state=0
    )
    reg = FineTunerRegressor(**FAST).fit(X, y)
    predictions = reg.predict(X)
    assert predictions.shape == y.shape
    expected = r2_score(y, predictions)  # uniform average over targets
    assert_allclose(reg.score(X, y), expected, rtol=1e-6)


def test_fine_tuner_regressor_score_skips_missing_labels():
    X, y = make_regression(n_samples=60, n_features=5, n_targets=2, random_state=0)
    y_missing = y.copy()
    y_missing[::3, 0] = np.nan
    y_missing[1::4, 1] = np.nan
    reg = FineTunerRegressor(**FAST).fit(X, y_missing)
    predictions = reg.predict(X)
    labelled = ~np.isnan(y_missing)
    expected = [
        r2_score(y[labelled[:, j], j], predictions[labelled[:, j], j]) for j in range(2)
    ]
    assert_allclose(reg.score(X, y_missing), np.mean(expected), rtol=1e-6)


def test_fine_tuner_regressor_cross_val_score(binary_data):
    X, _ = binary_data
    _, y = make_regression(n_samples=60, n_features=5, random_state=0)
    scores = cross_val_score(
        FineTunerRegressor(**FAST), X, y, cv=3, scoring="neg_mean_absolute_error"
    )
    assert scores.shape == (3,) and np.all(scores <= 0)


@pytest.mark.parametrize("Estimator", [FineTunerClassifier, FineTunerRegressor])
def test_fine_tuner_faces_clone_and_determinism(Estimator, binary_data):
    X, y = binary_data
    first = Estimator(**FAST).fit(X, y)
    second = clone(first).fit(X, y)
    assert_allclose(
        np.asarray(first.predict(X), dtype=float),
        np.asarray(second.predict(X), dtype=float),
    )
