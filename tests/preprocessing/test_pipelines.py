"""The preprocessing transformers in a Pipeline in front of MultiTaskFineTuner.

End-to-end checks on the bundled real tables: raw ``adult`` (categorical
codes and NaN as the loader returns them) and ``school`` (139 regression
tasks, one label per row, NaN for the other tasks), as arrays and as
DataFrames, alone and inside ``GridSearchCV``.
"""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import Pipeline

from skmtl import MultiTaskFineTuner
from skmtl.datasets import load_adult, load_school
from skmtl.preprocessing import (
    FeatureScaler,
    JointSparseSelector,
    MultiTaskFeatureSelector,
    TableCleaner,
)

N_ADULT = 1000
SCHOOL_ROWS_PER_TASK = 4

# Tiny networks: these tests check the plumbing, not the accuracy.
FAST_MODEL = dict(
    hidden_layer_sizes=(16,), max_epochs=3, lr=1e-2, batch_size=256, random_state=0
)


def _pipeline(categorical_features="auto", selector=None, tasks=None):
    return Pipeline(
        [
            ("clean", TableCleaner(categorical_features=categorical_features)),
            ("select", selector or MultiTaskFeatureSelector(param=15, tasks=tasks)),
            ("scale", FeatureScaler()),
            ("model", MultiTaskFineTuner(tasks=tasks, **FAST_MODEL)),
        ]
    )


def _adult(as_frame=False, n_samples=N_ADULT):
    """The first training rows of adult and its categorical-column mask."""
    adult = load_adult(as_frame=as_frame)
    categorical = np.array(adult.feature_types) == "categorical"
    if as_frame:
        return adult.data.iloc[:n_samples], adult.target.iloc[:n_samples], categorical
    return adult.data[:n_samples], adult.target[:n_samples], categorical


def _school_subsample(rows_per_task=SCHOOL_ROWS_PER_TASK, n_tasks=None, seed=0):
    """A few rows of every school (all 139 tasks unless ``n_tasks``).

    With a handful of integer exam scores per school, task types would be
    inferred as classes: the pipelines below pass ``tasks="regression"``.
    """
    school = load_school()
    rng = np.random.RandomState(seed)
    tasks = np.arange(school.target.shape[1])[:n_tasks]
    rows = np.concatenate(
        [
            rng.choice(np.flatnonzero(school.task == t), rows_per_task, replace=False)
            for t in tasks
        ]
    )
    return school.data[rows], school.target[rows][:, tasks], school.task[rows]


def _majority_accuracy(Y):
    return np.mean([max(np.mean(y == 0), np.mean(y == 1)) for y in Y.T])


@pytest.mark.parametrize(
    "selector",
    [MultiTaskFeatureSelector(param=15), JointSparseSelector(alpha=0.01)],
    ids=["univariate", "joint_sparse"],
)
def test_pipeline_fits_raw_adult(selector):
    """Check the pipeline trains on adult as loaded: float codes, NaN for "?"."""
    X, Y, categorical = _adult()
    assert np.isnan(X).any()

    pipe = _pipeline(categorical, selector).fit(X, Y)

    cleaner, fitted_selector = pipe["clean"], pipe["select"]
    assert_array_equal(cleaner.is_categorical_, categorical)
    n_clean = len(cleaner.get_feature_names_out())
    assert n_clean > X.shape[1]  # one-hot columns
    assert 0 < fitted_selector.get_support().sum() <= n_clean
    assert fitted_selector.task_types_ == ["binary", "binary"]
    assert pipe["model"].n_features_in_ == fitted_selector.get_support().sum()

    Y_pred = pipe.predict(X)
    assert Y_pred.shape == Y.shape
    assert set(np.unique(Y_pred)) <= {0.0, 1.0}
    assert pipe.score(X, Y) > _majority_accuracy(Y)


def test_pipeline_fits_school_with_nan_for_other_tasks():
    """Check 139 regression tasks with one label per row go through the pipeline."""
    X, Y, task = _school_subsample()
    assert Y.shape[1] == 139
    assert_array_equal((~np.isnan(Y)).sum(axis=1), 1)
    assert (~np.isnan(Y)).sum(axis=0).min() >= 2

    selector = MultiTaskFeatureSelector(param=10, tasks="regression")
    pipe = _pipeline(selector=selector, tasks="regression").fit(X, Y)

    selector = pipe["select"]
    assert selector.task_scores_.shape == (X.shape[1], 139)
    assert set(selector.task_types_) == {"regression"}
    assert selector.get_support().sum() == 10
    assert pipe["model"].n_tasks_ == 139
    Y_pred = pipe.predict(X)
    assert Y_pred.shape == Y.shape
    assert np.isfinite(Y_pred).all()


def test_pipeline_joint_sparse_selector_on_school():
    """Check the l2,1 selector handles 139 tasks that never share a row."""
    X, Y, _ = _school_subsample()
    # alpha_max_ shrinks like 1 / sqrt(n_tasks): pick alpha relative to it.
    alpha_max = JointSparseSelector(tasks="regression").fit(X, Y).alpha_max_
    selector = JointSparseSelector(alpha=0.3 * alpha_max, tasks="regression")

    pipe = _pipeline(selector=selector, tasks="regression").fit(X, Y)

    assert 0 < pipe["select"].get_support().sum() < X.shape[1]
    assert pipe.predict(X).shape == Y.shape


@pytest.mark.parametrize(
    "n_jobs", [1, pytest.param(2, marks=pytest.mark.slow)], ids=["serial", "n_jobs2"]
)
def test_grid_search_over_selector_k_and_scaler_method_on_adult(n_jobs):
    """Check GridSearchCV tunes the selector's k and the scaler's method."""
    X, Y, categorical = _adult(n_samples=600)
    grid = {"select__param": [5, 20], "scale__method": ["standard", "quantile"]}

    search = GridSearchCV(
        _pipeline(categorical), grid, cv=2, n_jobs=n_jobs, error_score="raise"
    ).fit(X, Y)

    assert len(search.cv_results_["params"]) == 4
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    best = search.best_estimator_
    assert best["select"].get_support().sum() == search.best_params_["select__param"]
    assert best["scale"].method == search.best_params_["scale__method"]
    assert search.predict(X).shape == Y.shape


@pytest.mark.slow
def test_grid_search_on_school_keeps_every_task_in_every_fold():
    """Check GridSearchCV on school, with folds stratified by task (n_jobs=2)."""
    X, Y, task = _school_subsample(rows_per_task=6, n_tasks=30)
    # Stratifying on the school puts labels of every task in every training fold.
    cv = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, task))
    grid = {"select__param": [5, 15], "scale__method": ["standard", "robust"]}

    search = GridSearchCV(
        _pipeline(tasks="regression"), grid, cv=cv, n_jobs=2, error_score="raise"
    ).fit(X, Y)

    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.best_estimator_["model"].n_tasks_ == 30


def test_pipeline_pandas_in_pandas_through():
    """Check DataFrame input and set_output(transform="pandas") end to end."""
    X, Y, _ = _adult(as_frame=True)
    assert isinstance(X["workclass"].dtype, pd.CategoricalDtype)

    # 'auto' finds the categorical columns from their pandas dtype
    pipe = _pipeline().set_output(transform="pandas").fit(X, Y)

    Xt = pipe[:-1].transform(X)
    assert isinstance(Xt, pd.DataFrame)
    assert_array_equal(Xt.columns, pipe[:-1].get_feature_names_out())
    assert_array_equal(Xt.index, X.index)
    assert_array_equal(pipe["model"].feature_names_in_, Xt.columns)
    assert any(name.startswith("relationship_") for name in Xt.columns)

    Y_pred = pipe.predict(X)
    assert isinstance(Y_pred, pd.DataFrame)
    assert_array_equal(Y_pred.columns, Y.columns)
    assert pipe.score(X, Y) > _majority_accuracy(Y.to_numpy())


def test_grid_search_with_pandas_output():
    """Check GridSearchCV clones and refits a pandas-output pipeline."""
    X, Y, _ = _adult(as_frame=True, n_samples=600)
    pipe = _pipeline().set_output(transform="pandas")
    grid = {"select__param": [5, 10], "scale__method": ["minmax"]}

    search = GridSearchCV(pipe, grid, cv=2, error_score="raise").fit(X, Y)

    names = search.best_estimator_["model"].feature_names_in_
    assert len(names) == search.best_params_["select__param"]
    assert isinstance(search.predict(X), pd.DataFrame)


def test_pipeline_names_reordered_columns_at_predict():
    """Check a DataFrame with reordered columns gets an error naming a column."""
    X, Y, _ = _adult(as_frame=True, n_samples=300)
    pipe = _pipeline().fit(X, Y)
    reordered = X[list(reversed(X.columns))]

    with pytest.raises(ValueError, match="Column 'native_country' is at position 0"):
        pipe.predict(reordered)
