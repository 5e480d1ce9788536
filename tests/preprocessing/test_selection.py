import re

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.feature_selection import f_regression
from sklearn.linear_model import Lasso, MultiTaskLasso

from skmtl.preprocessing import JointSparseSelector, MultiTaskFeatureSelector
from skmtl.preprocessing._selection import (
    _group_lasso_prox_grad,
    _joint_sparse_problem,
)
from skmtl.utils import check_multitask_targets

INFORMATIVE = [2, 5, 7]


def _multitask_data(n_samples=240, n_features=12, missing=0.3, seed=0):
    """Regression, binary (str) and multiclass (str) tasks sharing 3 features.

    About ``missing`` of each task's labels are NaN / None.
    """
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, n_features))
    S = X[:, INFORMATIVE]
    regression = S @ [1.0, -1.0, 0.8] + 0.3 * rng.normal(size=n_samples)
    binary = np.where(S @ [1.0, 1.0, -1.0] > 0, "yes", "no").astype(object)
    logits = S @ np.array([[1.0, -1.0, 0.0], [0.0, 1.0, -1.0], [1.0, 0.0, 1.0]])
    multi = np.array(["a", "b", "c"], dtype=object)[logits.argmax(axis=1)]
    Y = pd.DataFrame({"reg": regression, "binary": binary, "multi": multi})
    for column in Y.columns:
        rows = rng.rand(n_samples) < missing
        Y.loc[rows, column] = np.nan if column == "reg" else None
    return X, Y


@pytest.mark.parametrize("as_frame", [True, False])
@pytest.mark.parametrize(
    "selector",
    [
        MultiTaskFeatureSelector(param=3),
        MultiTaskFeatureSelector("mutual_info", param=3, random_state=0),
        MultiTaskFeatureSelector(mode="percentile", param=25, aggregate="max"),
        JointSparseSelector(),
        JointSparseSelector(l1_ratio=0.5, max_features=3),
    ],
    ids=["f_test", "mutual_info", "percentile_max", "joint", "joint_enet"],
)
def test_selectors_find_shared_informative_features(selector, as_frame):
    """Check the 3 shared features are found with NaN-masked, mixed-type Y."""
    X, Y = _multitask_data()
    if not as_frame:
        Y = Y.to_numpy()
    selector.fit(X, Y)
    assert_array_equal(selector.get_support(indices=True), INFORMATIVE)
    assert selector.transform(X).shape == (X.shape[0], 3)
    expected_names = ["reg", "binary", "multi"] if as_frame else None
    if expected_names:
        assert selector.task_names_ == expected_names
    assert selector.task_types_ == ["regression", "binary", "multiclass"]


def test_multitask_feature_selector_task_scores():
    X, Y = _multitask_data()
    selector = MultiTaskFeatureSelector(param=3).fit(X, Y)
    assert selector.task_scores_.shape == (12, 3)
    assert selector.scores_.shape == (12,)
    # each task's raw F-statistic on its own labelled rows
    rows = Y["reg"].notna().to_numpy()
    expected = f_regression(X[rows], Y["reg"].to_numpy(float)[rows])[0]
    assert_allclose(selector.task_scores_[:, 0], expected)
    normalized = selector.task_scores_ / selector.task_scores_.max(axis=0)
    assert_allclose(selector.scores_, normalized.mean(axis=1))


@pytest.mark.parametrize(
    "weights, expected",
    [([1.0, 0.0], [0]), ({"b": 0.0}, [0]), ([0.0, 2.0], [1]), ({"a": 0}, [1])],
)
def test_multitask_feature_selector_task_weights(weights, expected):
    """Check a zero task weight removes that task's influence."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(100, 4))
    noise = 0.1 * rng.normal(size=(100, 2))
    Y = pd.DataFrame({"a": X[:, 0] + noise[:, 0], "b": X[:, 1] + noise[:, 1]})
    selector = MultiTaskFeatureSelector(param=1, task_weights=weights).fit(X, Y)
    assert_array_equal(selector.get_support(indices=True), expected)


def test_multitask_feature_selector_threshold_and_one_dim_y():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(80, 5))
    y = np.where(X[:, 3] > 0, "pos", "neg")
    selector = MultiTaskFeatureSelector(mode="threshold", param=0.5).fit(X, y)
    assert_array_equal(selector.get_support(indices=True), [3])
    assert selector.scores_.max() == pytest.approx(1.0)
    assert selector.task_names_ == ["task_0"]
    assert_allclose(selector.inverse_transform(selector.transform(X))[:, 3], X[:, 3])


def test_multitask_feature_selector_callable_score_func():
    X = np.array([[1.0, 5.0, 0.0], [2.0, 3.0, 0.0], [3.0, 1.0, 1.0]])
    y = np.array([0.0, 1.0, 2.0])

    def neg_variance(X, y):
        return -X.var(axis=0)

    selector = MultiTaskFeatureSelector(neg_variance, param=1, normalize=False)
    assert_array_equal(selector.fit(X, y).get_support(indices=True), [2])


def test_multitask_feature_selector_k_larger_than_n_features_warns():
    X, Y = _multitask_data(n_samples=60)
    X = X[:, :8]
    selector = MultiTaskFeatureSelector(param=10).fit(X, Y)
    with pytest.warns(UserWarning, match="All the features will be returned"):
        assert selector.get_support().all()
    assert MultiTaskFeatureSelector(param="all").fit(X, Y).get_support().all()


def test_joint_sparse_selector_matches_multitask_lasso():
    """Check the masked proximal solver equals MultiTaskLasso on full labels."""
    rng = np.random.RandomState(1)
    X = rng.normal(size=(50, 6))
    Y = X[:, :2] @ rng.normal(size=(2, 3)) + 0.5 * rng.normal(size=(50, 3))
    Xs, blocks = _joint_sparse_problem(X, check_multitask_targets(Y))
    W, _, alpha_max, _ = _group_lasso_prox_grad(Xs, blocks, 0.05, 1.0, 5000, 1e-10)
    Ys = (Y - Y.mean(axis=0)) / Y.std(axis=0)
    lasso = MultiTaskLasso(alpha=0.05 * 3, tol=1e-10).fit(Xs, Ys)
    assert_allclose(W.T, lasso.coef_, atol=1e-6)
    selector = JointSparseSelector(alpha=0.05).fit(X, Y)
    assert_allclose(selector.coef_, lasso.coef_, atol=1e-3)
    assert selector.alpha_max_ == pytest.approx(alpha_max)
    assert_allclose(selector.scores_, np.linalg.norm(selector.coef_, axis=0))


def test_joint_sparse_selector_alpha_max_removes_everything():
    X, Y = _multitask_data(n_samples=80)
    selector = JointSparseSelector().fit(X, Y)
    assert selector.coef_.shape == (1 + 1 + 3, 12)
    assert selector.intercept_.shape == (5,)
    with pytest.warns(UserWarning, match=r"kept no feature: alpha is not below"):
        empty = JointSparseSelector(alpha=selector.alpha_max_ * 1.01).fit(X, Y)
    assert_allclose(empty.scores_, 0.0)
    with pytest.warns(UserWarning, match="No features were selected"):
        assert empty.transform(X).shape == (80, 0)


def test_joint_sparse_selector_max_features():
    X, Y = _multitask_data(n_samples=120)
    selector = JointSparseSelector(max_features=2).fit(X, Y)
    assert selector.get_support().sum() == 2
    selector = JointSparseSelector(alpha=1.0, max_features=4, threshold=-np.inf)
    assert selector.fit(X, Y).get_support().sum() == 4


def test_joint_sparse_selector_masked_task_is_lasso_on_labelled_rows():
    """Check that a task's loss uses its labelled rows only.

    With one regression task and missing labels, the masked problem is a
    Lasso on the labelled rows (X standardized on all rows).
    """
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 4))
    y = X[:, 0] - X[:, 1] + 0.3 * rng.normal(size=60)
    y[::3] = np.nan
    selector = JointSparseSelector(alpha=0.05, tol=1e-10, max_iter=20000).fit(X, y)
    rows = ~np.isnan(y)
    Xs = (X - X.mean(axis=0)) / X.std(axis=0)
    z = (y[rows] - y[rows].mean()) / y[rows].std()
    lasso = Lasso(alpha=0.05, tol=1e-12).fit(Xs[rows], z)
    assert_allclose(selector.coef_[0], lasso.coef_, atol=1e-6)
    assert_allclose(selector.intercept_, [lasso.intercept_], atol=1e-6)


@pytest.mark.parametrize("Selector", [MultiTaskFeatureSelector, JointSparseSelector])
def test_selectors_dataframe_names_and_order(Selector):
    X, Y = _multitask_data(n_samples=80)
    X = pd.DataFrame(X, columns=[f"f{i}" for i in range(12)])
    selector = Selector(max_features=3) if Selector is JointSparseSelector else None
    selector = selector or Selector(param=3)
    selector.fit(X, Y)
    assert_array_equal(selector.get_feature_names_out(), ["f2", "f5", "f7"])
    with pytest.raises(ValueError, match="Column 'f1' is at position 0"):
        selector.transform(X[["f1", "f0", *X.columns[2:]]])


@pytest.mark.parametrize("Selector", [MultiTaskFeatureSelector, JointSparseSelector])
def test_selectors_bad_targets(Selector):
    X, Y = _multitask_data(n_samples=40)
    Y["reg"] = np.nan
    with pytest.raises(ValueError, match="NaN for every row of task 'reg'"):
        Selector().fit(X, Y)
    with pytest.raises(ValueError, match="requires y to be passed"):
        Selector().fit(X, None)
    with pytest.raises(ValueError, match="X has 40 rows, y has 39"):
        Selector().fit(X, Y.iloc[:39, 1:])


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(param=2.5), "non-negative int or 'all'"),
        (dict(mode="percentile", param=120), re.escape("percentage in [0, 100]")),
        (dict(mode="threshold", param="all"), "must be a number"),
        (dict(task_weights=[1.0]), "task_weights has 1 entries but y has 3"),
        (dict(task_weights={"zzz": 1.0}), re.escape("names ['zzz'], which are not")),
        (dict(task_weights=[0.0, 0.0, 0.0]), "not all zero"),
    ],
)
def test_multitask_feature_selector_bad_params(params, match):
    X, Y = _multitask_data(n_samples=40)
    with pytest.raises(ValueError, match=match):
        MultiTaskFeatureSelector(**params).fit(X, Y)
