"""Tests for the per-task scorers."""

import pickle

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from sklearn import metrics
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, KFold, cross_validate

from skmtl import MultiTaskFineTuner, TaskScorer, make_task_scorer

N_ROWS = 120


@pytest.fixture(scope="module")
def digits_table():
    """Digits with three named tasks and about a fifth of each task unlabelled."""
    X, digit = load_digits(return_X_y=True)
    X, digit = X[:N_ROWS] / 16.0, digit[:N_ROWS]
    rng = np.random.RandomState(0)
    Y = pd.DataFrame(
        {
            "digit": pd.array(digit, dtype="Int64"),
            "parity": np.where(digit % 2 == 0, "even", "odd").astype(object),
            "ink": X.sum(axis=1),
        }
    )
    Y.loc[rng.rand(N_ROWS) < 0.2, "digit"] = pd.NA
    Y.loc[rng.rand(N_ROWS) < 0.2, "parity"] = None
    Y.loc[rng.rand(N_ROWS) < 0.2, "ink"] = np.nan
    return X, Y


@pytest.fixture(scope="module")
def fitted(digits_table):
    X, Y = digits_table
    model = MultiTaskFineTuner(
        hidden_layer_sizes=(16,), max_epochs=10, lr=0.01, random_state=0
    )
    return model.fit(X, Y)


def _labelled(Y, task):
    return Y[task].notna().to_numpy()


def _truth(Y, task):
    values = Y[task][Y[task].notna()].to_numpy()
    if task == "ink":
        return values.astype(float)
    return values.astype(int) if task == "digit" else values.astype(object)


def test_make_task_scorer_returns_task_scorer():
    scorer = make_task_scorer("digit", "roc_auc")
    assert isinstance(scorer, TaskScorer)
    assert isinstance(make_task_scorer("digit"), TaskScorer)
    assert "digit" in repr(scorer) and "roc_auc" in repr(scorer)
    assert repr(make_task_scorer(["a", "b"])) == "make_task_scorer(['a', 'b'])"


@pytest.mark.parametrize("task", ["digit", "parity", "ink"])
def test_task_scorer_default_metric_on_labelled_rows(digits_table, fitted, task):
    """Check accuracy for classes and R² for regression, on labelled rows only."""
    X, Y = digits_table
    labelled = _labelled(Y, task)
    predicted = fitted.predict(X)[task].to_numpy()[labelled]
    truth = _truth(Y, task)
    if task == "ink":
        expected = metrics.r2_score(truth, predicted.astype(float))
    else:
        expected = metrics.accuracy_score(truth, predicted.astype(truth.dtype))

    assert_allclose(make_task_scorer(task)(fitted, X, Y), expected)
    assert_allclose(fitted.score_tasks(X, Y)[task], expected)


def test_task_scorer_roc_auc_binary(digits_table, fitted):
    X, Y = digits_table
    labelled = _labelled(Y, "parity")
    proba = fitted.predict_proba(X)["parity"][labelled]
    expected = metrics.roc_auc_score(_truth(Y, "parity") == "odd", proba[:, 1])

    score = make_task_scorer("parity", "roc_auc")(fitted, X, Y)

    assert_allclose(score, expected)
    assert 0.5 < score <= 1.0


def test_task_scorer_roc_auc_multiclass(digits_table, fitted):
    X, Y = digits_table
    labelled = _labelled(Y, "digit")
    proba = fitted.predict_proba(X)["digit"][labelled]
    truth = _truth(Y, "digit").astype(int)
    expected = metrics.roc_auc_score(
        truth, proba, multi_class="ovr", labels=np.arange(10)
    )
    assert_allclose(make_task_scorer("digit", "roc_auc")(fitted, X, Y), expected)

    expected_ovo = metrics.roc_auc_score(
        truth, proba, multi_class="ovo", labels=np.arange(10)
    )
    scorer = make_task_scorer("digit", "roc_auc", multi_class="ovo")
    assert_allclose(scorer(fitted, X, Y), expected_ovo)


@pytest.mark.parametrize("task", ["digit", "parity"])
def test_task_scorer_neg_log_loss(digits_table, fitted, task):
    X, Y = digits_table
    labelled = _labelled(Y, task)
    proba = fitted.predict_proba(X)[task][labelled]
    classes = fitted.classes_[task]
    truth = _truth(Y, task).astype(classes.dtype)
    expected = -metrics.log_loss(truth, proba, labels=classes)

    score = make_task_scorer(task, "neg_log_loss")(fitted, X, Y)

    assert_allclose(score, expected)
    assert score < 0


def test_task_scorer_f1_with_string_labels(digits_table, fitted):
    """Check that 'f1' takes the second class as positive, as for 0/1 labels."""
    X, Y = digits_table
    labelled = _labelled(Y, "parity")
    predicted = fitted.predict(X)["parity"].to_numpy()[labelled].astype(object)
    truth = _truth(Y, "parity")
    expected = metrics.f1_score(truth, predicted, pos_label="odd")
    assert_allclose(make_task_scorer("parity", "f1")(fitted, X, Y), expected)

    expected_even = metrics.f1_score(truth, predicted, pos_label="even")
    scorer = make_task_scorer("parity", "f1", pos_label="even")
    assert_allclose(scorer(fitted, X, Y), expected_even)


@pytest.mark.parametrize(
    "metric, function",
    [
        ("f1_macro", lambda t, p: metrics.f1_score(t, p, average="macro")),
        ("balanced_accuracy", metrics.balanced_accuracy_score),
        ("accuracy", metrics.accuracy_score),
    ],
)
def test_task_scorer_label_metrics_multiclass(digits_table, fitted, metric, function):
    X, Y = digits_table
    labelled = _labelled(Y, "digit")
    predicted = fitted.predict(X)["digit"].to_numpy()[labelled].astype(int)
    expected = function(_truth(Y, "digit").astype(int), predicted)
    assert_allclose(make_task_scorer("digit", metric)(fitted, X, Y), expected)


@pytest.mark.parametrize(
    "metric, function, sign",
    [
        ("neg_mean_absolute_error", metrics.mean_absolute_error, -1),
        ("neg_mean_squared_error", metrics.mean_squared_error, -1),
        ("neg_root_mean_squared_error", metrics.root_mean_squared_error, -1),
        ("r2", metrics.r2_score, 1),
        ("explained_variance", metrics.explained_variance_score, 1),
    ],
)
def test_task_scorer_regression_metrics(digits_table, fitted, metric, function, sign):
    X, Y = digits_table
    labelled = _labelled(Y, "ink")
    predicted = fitted.predict(X)["ink"].to_numpy()[labelled]
    expected = sign * function(_truth(Y, "ink"), predicted)
    assert_allclose(make_task_scorer("ink", metric)(fitted, X, Y), expected)


def test_task_scorer_callable_greater_is_better_false(digits_table, fitted):
    X, Y = digits_table
    accuracy = make_task_scorer("parity", "accuracy")(fitted, X, Y)
    loss = make_task_scorer("parity", metrics.zero_one_loss, greater_is_better=False)(
        fitted, X, Y
    )
    assert_allclose(loss, accuracy - 1.0)

    mae = make_task_scorer("ink", metrics.mean_absolute_error, greater_is_better=False)
    named = make_task_scorer("ink", "neg_mean_absolute_error")
    assert_allclose(mae(fitted, X, Y), named(fitted, X, Y))


def test_task_scorer_callable_receives_metric_kwargs(digits_table, fitted):
    X, Y = digits_table
    labelled = _labelled(Y, "digit")
    predicted = fitted.predict(X)["digit"].to_numpy()[labelled].astype(int)
    expected = metrics.fbeta_score(
        _truth(Y, "digit").astype(int), predicted, beta=2, average="weighted"
    )
    scorer = make_task_scorer("digit", metrics.fbeta_score, beta=2, average="weighted")
    assert_allclose(scorer(fitted, X, Y), expected)


@pytest.mark.parametrize("metric", [None, "accuracy", "neg_log_loss"])
def test_task_scorer_averages_several_tasks(digits_table, fitted, metric):
    X, Y = digits_table
    single = [make_task_scorer(t, metric)(fitted, X, Y) for t in ("digit", "parity")]
    combined = make_task_scorer(["digit", "parity"], metric)(fitted, X, Y)
    assert_allclose(combined, np.mean(single))


@pytest.mark.parametrize("metric", [None, "accuracy", "roc_auc", "r2"])
def test_task_scorer_sample_weight(digits_table, fitted, metric):
    X, Y = digits_table
    task = "ink" if metric == "r2" else "parity"
    weights = np.random.RandomState(0).randint(0, 3, N_ROWS).astype(float)
    scorer = make_task_scorer(task, metric)

    weighted = scorer(fitted, X, Y, sample_weight=weights)

    # Integer weights equal repeated rows.
    rows = np.repeat(np.arange(N_ROWS), weights.astype(int))
    repeated = scorer(fitted, X[rows], Y.iloc[rows].reset_index(drop=True))
    assert_allclose(weighted, repeated)


def test_task_scorer_positional_targets(digits_table, fitted):
    """Check that an array y is read in the order of the fitted tasks."""
    X, Y = digits_table
    array = Y.astype(object).to_numpy()
    for metric in (None, "accuracy", "roc_auc"):
        scorer = make_task_scorer("parity", metric)
        assert_allclose(scorer(fitted, X, array), scorer(fitted, X, Y))


def test_task_scorer_frame_with_subset_of_tasks(digits_table, fitted):
    X, Y = digits_table
    scorer = make_task_scorer("ink", "neg_mean_absolute_error")
    assert_allclose(scorer(fitted, X, Y[["ink"]]), scorer(fitted, X, Y))


def test_task_scorer_single_task_model():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 3))
    y = np.where(X[:, 0] > 0, "yes", "no")
    model = MultiTaskFineTuner(hidden_layer_sizes=(8,), max_epochs=5, random_state=0)
    model.fit(X, y)
    assert_allclose(make_task_scorer("task_0")(model, X, y), model.score(X, y))
    auc = make_task_scorer("task_0", "roc_auc")(model, X, y)
    proba = model.predict_proba(X)[:, 1]
    assert_allclose(auc, metrics.roc_auc_score(y == "yes", proba))


@pytest.mark.parametrize("metric", [None, "accuracy", "roc_auc"])
def test_task_scorer_unknown_task_raises(digits_table, fitted, metric):
    X, Y = digits_table
    scorer = make_task_scorer(["digit", "colour"], metric)
    with pytest.raises(ValueError, match=r"unknown task\(s\) \['colour'\].*'digit'"):
        scorer(fitted, X, Y)


@pytest.mark.parametrize("metric", ["roc_auc", "neg_log_loss"])
def test_task_scorer_proba_metric_on_regression_raises(digits_table, fitted, metric):
    X, Y = digits_table
    with pytest.raises(ValueError, match="'ink' is a regression task.*probabilities"):
        make_task_scorer("ink", metric)(fitted, X, Y)


@pytest.mark.parametrize("metric", [None, "accuracy"])
def test_task_scorer_task_absent_from_y_raises(digits_table, fitted, metric):
    X, Y = digits_table
    with pytest.raises(ValueError, match=r"task\(s\) \['digit'\], but y has no col"):
        make_task_scorer("digit", metric)(fitted, X, Y[["parity"]])


def test_task_scorer_task_without_labels(digits_table, fitted):
    X, Y = digits_table
    Y = Y.copy()
    Y["parity"] = None
    with pytest.raises(ValueError, match="'parity' has no labelled row"):
        make_task_scorer("parity", "accuracy")(fitted, X, Y)
    # The default scorer, like score_tasks, leaves such a task unscored.
    assert np.isnan(make_task_scorer("parity")(fitted, X, Y))


@pytest.mark.parametrize(
    "args, kwargs, error, match",
    [
        (("digit", "auc"), {}, ValueError, r"Unknown metric 'auc'; use one of \["),
        (("digit", 3), {}, TypeError, "metric must be a string or a callable"),
        (([],), {}, ValueError, "at least one task name"),
    ],
)
def test_make_task_scorer_invalid_arguments(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        make_task_scorer(*args, **kwargs)


def test_make_task_scorer_non_string_task_names_become_strings():
    assert make_task_scorer([0, "b"]).tasks == ["0", "b"]


@pytest.mark.parametrize(
    "scorer",
    [
        make_task_scorer("digit"),
        make_task_scorer("parity", "roc_auc"),
        make_task_scorer(["digit", "parity"], "f1_macro"),
        make_task_scorer("ink", metrics.mean_absolute_error, greater_is_better=False),
        make_task_scorer("digit", metrics.fbeta_score, beta=2, average="macro"),
    ],
    ids=["default", "roc_auc", "partial", "callable", "kwargs"],
)
def test_task_scorer_pickles(digits_table, fitted, scorer):
    X, Y = digits_table
    restored = pickle.loads(pickle.dumps(scorer))
    assert type(restored) is type(scorer)
    assert restored.tasks == scorer.tasks
    assert_allclose(restored(fitted, X, Y), scorer(fitted, X, Y))


def test_task_scorer_cross_validate(digits_table):
    X, Y = digits_table
    model = MultiTaskFineTuner(hidden_layer_sizes=(8,), max_epochs=5, random_state=0)
    scoring = {
        "digit": make_task_scorer("digit"),
        "ink": make_task_scorer("ink", "neg_mean_absolute_error"),
    }
    results = cross_validate(model, X, Y, cv=2, scoring=scoring)
    assert results["test_digit"].shape == (2,)
    assert np.all(results["test_ink"] <= 0)


# Two loky workers each import torch (and torch._dynamo on the first fit).
@pytest.mark.slow
def test_task_scorer_grid_search_multimetric_refit(digits_table):
    """Check cv_results_ has both metrics and the refit metric picks best_params_.

    One candidate trains only the digit head, the other only the parity head,
    so the two metrics rank them in opposite orders.
    """
    X, Y = digits_table
    grid = {
        "task_weights": [
            {"digit": 1.0, "parity": 0.0, "ink": 0.0},
            {"digit": 0.0, "parity": 1.0, "ink": 0.0},
        ]
    }
    search = GridSearchCV(
        MultiTaskFineTuner(
            hidden_layer_sizes=(16,), max_epochs=15, lr=0.01, random_state=0
        ),
        grid,
        scoring={
            "digit": make_task_scorer("digit"),
            "parity": make_task_scorer("parity", "roc_auc"),
        },
        refit="digit",
        cv=KFold(3, shuffle=True, random_state=0),
        n_jobs=2,
        error_score="raise",
    )
    search.fit(X, Y)

    results = search.cv_results_
    for key in ("mean_test_digit", "rank_test_digit", "split2_test_parity"):
        assert key in results
    assert "mean_test_parity" in results and "rank_test_parity" in results
    digit, parity = results["mean_test_digit"], results["mean_test_parity"]
    assert digit[0] > digit[1]
    assert parity[1] > parity[0]
    assert search.best_index_ == np.argmax(digit) == 0
    assert search.best_params_ == {"task_weights": grid["task_weights"][0]}
    assert_allclose(search.best_score_, digit[0])
    assert_allclose(
        search.score(X, Y), make_task_scorer("digit")(search.best_estimator_, X, Y)
    )


def test_task_scorer_reads_through_a_pipeline():
    """Check that a scorer finds the multi-task model at the end of a Pipeline."""
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 3)) * 10
    y = np.column_stack([X[:, 0] > 0, X[:, 1]]).astype(float)
    pipe = make_pipeline(
        StandardScaler(), MultiTaskFineTuner(max_epochs=3, random_state=0)
    )
    search = GridSearchCV(
        pipe,
        {"multitaskfinetuner__lr": [1e-3, 1e-2]},
        scoring={
            "sign": make_task_scorer("task_0", "roc_auc"),
            "size": make_task_scorer("task_1"),
        },
        refit="sign",
        cv=2,
    ).fit(X, y)
    model = search.best_estimator_[-1]
    expected = model.score_tasks(search.best_estimator_[0].transform(X), y)["task_1"]
    assert make_task_scorer("task_1")(search.best_estimator_, X, y) == pytest.approx(
        expected
    )
    with pytest.raises(TypeError, match="scores a fitted MultiTaskFineTuner"):
        make_task_scorer("task_1")(StandardScaler().fit(X), X, y)
