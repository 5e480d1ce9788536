"""Feature selection against multi-task targets with missing labels."""
# SPDX-License-Identifier: BSD-3-Clause

import warnings
from numbers import Integral, Real

import numpy as np
from scipy.special import expit, softmax
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_selection import (
    SelectorMixin,
    f_classif,
    f_regression,
    mutual_info_classif,
    mutual_info_regression,
)
from sklearn.linear_model import MultiTaskElasticNet, MultiTaskLasso
from sklearn.utils import check_random_state
from sklearn.utils.validation import FLOAT_DTYPES, check_is_fitted, validate_data

from skmtl.preprocessing._common import _check_column_order
from skmtl.utils._sklearn_compat import Interval, StrOptions, _fit_context
from skmtl.utils._validation import check_multitask_targets

_SCORE_FUNCS = {
    "f_test": {"classification": f_classif, "regression": f_regression},
    "mutual_info": {
        "classification": mutual_info_classif,
        "regression": mutual_info_regression,
    },
}


class _MultiTaskSelectorMixin(SelectorMixin):
    """SelectorMixin whose transform names misplaced DataFrame columns."""

    def transform(self, X):
        """Reduce X to the selected features.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The input samples, with the columns seen in fit.

        Returns
        -------
        X_r : array of shape (n_samples, n_selected_features)
            The input samples with only the selected features.
        """
        check_is_fitted(self)
        _check_column_order(self, X)
        return super().transform(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags


def _task_weight_vector(task_weights, names):
    if task_weights is None:
        return np.ones(len(names))
    if isinstance(task_weights, dict):
        unknown = sorted(set(map(str, task_weights)) - set(names))
        if unknown:
            raise ValueError(
                f"task_weights names {unknown}, which are not tasks of y; the "
                f"tasks are {names}."
            )
        weights = np.array([task_weights.get(name, 1.0) for name in names], float)
    else:
        weights = np.asarray(task_weights, dtype=float).ravel()
        if weights.shape[0] != len(names):
            raise ValueError(
                f"task_weights has {weights.shape[0]} entries but y has "
                f"{len(names)} tasks {names}; give one weight per task or a dict."
            )
    if not np.all(np.isfinite(weights)) or np.any(weights < 0) or weights.sum() == 0:
        raise ValueError(
            f"task_weights must be finite, non-negative and not all zero; got "
            f"{weights.tolist()}."
        )
    return weights


class MultiTaskFeatureSelector(_MultiTaskSelectorMixin, BaseEstimator):
    """Univariate feature selection scored on every task, then aggregated.

    Each (feature, task) pair is scored on the rows where that task is
    labelled, with the classification or regression version of the score
    function chosen by the task's type. Each task's scores are divided by
    their maximum, so tasks on different scales weigh alike, then aggregated
    across tasks; features are kept by rank, percentile or threshold on the
    aggregated score, as :class:`~sklearn.feature_selection.GenericUnivariateSelect`
    does.

    Parameters
    ----------
    score_func : {'f_test', 'mutual_info'} or callable, default='f_test'
        ``'f_test'``: :func:`~sklearn.feature_selection.f_classif` or
        :func:`~sklearn.feature_selection.f_regression`; ``'mutual_info'``:
        :func:`~sklearn.feature_selection.mutual_info_classif` or
        :func:`~sklearn.feature_selection.mutual_info_regression`. A callable
        is called as ``score_func(X_task, y_task)`` for each task, with
        ``y_task`` the class indices or regression values of its labelled
        rows, and returns scores (higher is better) or ``(scores, pvalues)``.

    mode : {'k_best', 'percentile', 'threshold'}, default='k_best'
        How ``param`` selects features from the aggregated scores.

    param : int, float or 'all', default=10
        Number of features to keep (``'k_best'``; ``'all'`` keeps all, a
        larger number keeps all with a warning), percentage of features to
        keep (``'percentile'``), or minimum aggregated score (``'threshold'``;
        with ``normalize=True`` scores lie in [0, 1]).

    aggregate : {'mean', 'max'}, default='mean'
        How per-task scores combine: a (weighted) mean favours features
        useful to many tasks, the maximum keeps features useful to any task.

    task_weights : array-like of shape (n_tasks,), dict or None, default=None
        Non-negative weight of each task's scores, by position or by task
        name (tasks left out of a dict weigh 1). None: equal weights.

    normalize : bool, default=True
        Divide each task's scores by their maximum before aggregating.

    tasks : None, str, list of str or dict, default=None
        Task types, passed to :func:`~skmtl.utils.check_multitask_targets`;
        inferred from the labels when None.

    random_state : int, RandomState instance or None, default=None
        Seed of the noise that ``'mutual_info'`` adds to continuous
        features; ignored by ``'f_test'``.

    Attributes
    ----------
    scores_ : ndarray of shape (`n_features_in_`,)
        Aggregated (normalized) score of each feature.

    task_scores_ : ndarray of shape (`n_features_in_`, n_tasks)
        Raw score of each feature for each task, before normalization; a
        score that is undefined (constant feature) is 0.

    task_names_ : list of str
        Name of each task (DataFrame column, else ``task_j``).

    task_types_ : list of str
        ``'binary'``, ``'multiclass'`` or ``'regression'`` per task.

    n_features_in_ : int
        Number of features seen during :term:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X`
        has feature names that are all strings.

    See Also
    --------
    JointSparseSelector : Multivariate selection by a joint l2,1 penalty.
    sklearn.feature_selection.GenericUnivariateSelect : The single-task version.

    Examples
    --------
    >>> import numpy as np
    >>> from skmtl.preprocessing import MultiTaskFeatureSelector
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(60, 5))
    >>> Y = np.column_stack([X[:, 1] > 0, 3 * X[:, 1] - X[:, 3]]).astype(float)
    >>> Y[::4, 0] = np.nan  # missing labels of the first task
    >>> selector = MultiTaskFeatureSelector(param=2).fit(X, Y)
    >>> selector.get_support(indices=True)
    array([1, 3])
    """

    _parameter_constraints: dict = {
        "score_func": [StrOptions(set(_SCORE_FUNCS)), callable],
        "mode": [StrOptions({"k_best", "percentile", "threshold"})],
        "param": [Interval(Real, None, None, closed="neither"), StrOptions({"all"})],
        "aggregate": [StrOptions({"mean", "max"})],
        "task_weights": ["array-like", dict, None],
        "normalize": ["boolean"],
        "tasks": [str, list, dict, None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        score_func="f_test",
        *,
        mode="k_best",
        param=10,
        aggregate="mean",
        task_weights=None,
        normalize=True,
        tasks=None,
        random_state=None,
    ):
        self.score_func = score_func
        self.mode = mode
        self.param = param
        self.aggregate = aggregate
        self.task_weights = task_weights
        self.normalize = normalize
        self.tasks = tasks
        self.random_state = random_state

    def _check_param(self):
        param = self.param
        if self.mode == "k_best":
            if param != "all" and (
                not isinstance(param, Integral | np.integer)
                or isinstance(param, bool)
                or param < 0
            ):
                raise ValueError(
                    f"With mode='k_best', param is the number of features to keep "
                    f"and must be a non-negative int or 'all'; got {param!r}."
                )
        elif param == "all" or (self.mode == "percentile" and not 0 <= param <= 100):
            raise ValueError(
                f"With mode={self.mode!r}, param must be "
                + (
                    "a percentage in [0, 100]"
                    if self.mode == "percentile"
                    else "a number"
                )
                + f"; got {param!r}."
            )

    def _score_task(self, X, y, kind, random_state):
        if callable(self.score_func):
            scores = self.score_func(X, y)
            if isinstance(scores, tuple | list):
                scores = scores[0]
        else:
            family = "regression" if kind == "regression" else "classification"
            func = _SCORE_FUNCS[self.score_func][family]
            kwargs = {}
            if self.score_func == "mutual_info":
                kwargs["random_state"] = random_state
            with warnings.catch_warnings():
                # constant features: F is undefined, scored 0 below
                warnings.simplefilter("ignore", (RuntimeWarning, UserWarning))
                scores = func(X, y, **kwargs)
            if isinstance(scores, tuple):
                scores = scores[0]
        scores = np.asarray(scores, dtype=np.float64).ravel()
        if scores.shape != (X.shape[1],):
            raise ValueError(
                f"score_func returned {scores.shape[0]} scores for "
                f"{X.shape[1]} features."
            )
        return np.where(np.isnan(scores), 0.0, scores)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Score every feature on every task and aggregate the scores.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Numeric, finite training data (clean it with :class:`TableCleaner`).

        y : array-like of shape (n_samples,) or (n_samples, n_tasks)
            Targets, one column per task, of mixed types; NaN (or None)
            marks a missing label.

        Returns
        -------
        self : MultiTaskFeatureSelector
            The fitted selector.
        """
        self._check_param()
        X = validate_data(self, X, dtype=FLOAT_DTYPES)
        targets = check_multitask_targets(y, tasks=self.tasks, n_samples=X.shape[0])
        weights = _task_weight_vector(self.task_weights, targets.names)
        random_state = check_random_state(self.random_state)
        task_scores = np.zeros((X.shape[1], targets.n_tasks))
        for t, kind in enumerate(targets.types):
            rows = targets.labelled[:, t]
            y_task = targets.encoded[rows, t]
            if kind != "regression":
                y_task = y_task.astype(np.intp)
            task_scores[:, t] = self._score_task(X[rows], y_task, kind, random_state)

        normalized = task_scores
        if self.normalize:
            normalized = np.zeros_like(task_scores)
            for t in range(targets.n_tasks):
                column = task_scores[:, t]
                top = column.max()
                if np.isinf(top):
                    normalized[:, t] = np.isposinf(column)
                elif top > 0:
                    normalized[:, t] = column / top
        weighted = normalized * weights
        if self.aggregate == "mean":
            self.scores_ = weighted.sum(axis=1) / weights.sum()
        else:
            self.scores_ = weighted.max(axis=1)
        self.task_scores_ = task_scores
        self.task_names_ = list(targets.names)
        self.task_types_ = list(targets.types)
        return self

    def _get_support_mask(self):
        check_is_fitted(self)
        scores = self.scores_
        n_features = scores.shape[0]
        if self.mode == "threshold":
            return scores >= self.param
        if self.mode == "percentile":
            k = int(np.floor(n_features * self.param / 100))
        elif self.param == "all":
            k = n_features
        else:
            k = self.param
            if k > n_features:
                warnings.warn(
                    f"param={k} is greater than n_features={n_features}. All the "
                    "features will be returned.",
                    UserWarning,
                )
                k = n_features
        mask = np.zeros(n_features, dtype=bool)
        if k > 0:
            # stable sort: ties keep the earlier feature
            order = np.argsort(-scores, kind="stable")
            mask[order[:k]] = True
        return mask


# -- joint sparse (l2,1) selection ------------------------------------------------


def _joint_sparse_problem(X, targets):
    """Standardized design and per-task blocks of the masked multi-task problem.

    Returns the standardized X and a list of blocks ``(task, rows, loss, Z,
    intercept0)``, one per task: ``Z`` holds standardized regression values,
    0/1 labels or one-hot classes on the task's labelled rows.
    """
    center = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale == 0] = 1.0
    Xs = (X - center) / scale
    blocks = []
    for t, kind in enumerate(targets.types):
        rows = targets.labelled[:, t]
        y = targets.encoded[rows, t]
        if kind == "regression":
            sd = y.std()
            Z = ((y - y.mean()) / (sd if sd > 0 else 1.0))[:, None]
            blocks.append((t, rows, "squared", Z, np.zeros(1)))
        elif kind == "binary":
            p = np.clip(y.mean(), 1e-12, 1 - 1e-12)
            blocks.append(
                (t, rows, "logistic", y[:, None], np.array([np.log(p / (1 - p))]))
            )
        else:
            n_classes = len(targets.classes[targets.names[t]])
            Z = np.eye(n_classes)[y.astype(np.intp)]
            prior = np.clip(Z.mean(axis=0), 1e-12, None)
            blocks.append((t, rows, "softmax", Z, np.log(prior)))
    return Xs, blocks


_CURVATURE = {"squared": 1.0, "logistic": 0.25, "softmax": 0.5}


def _block_residual(F, Z, loss):
    if loss == "squared":
        return F - Z
    if loss == "logistic":
        return expit(F) - Z
    return softmax(F, axis=1) - Z


def _group_lasso_prox_grad(Xs, blocks, alpha, l1_ratio, max_iter, tol):
    """Minimize the masked multi-task loss plus an l2,1 (elastic-net) penalty.

    The objective is the mean over tasks of each task's mean loss on its
    labelled rows (squared, logistic or softmax) plus
    ``alpha * (l1_ratio * sum_j ||W_j||_2 + (1 - l1_ratio) / 2 * ||W||_F^2)``,
    solved by FISTA with adaptive restart. Returns ``W`` (n_features,
    n_outputs), intercepts, ``alpha_max`` (smallest alpha giving W = 0 when
    ``l1_ratio > 0``) and the number of iterations.
    """
    n_tasks = len(blocks)
    widths = [Z.shape[1] for _, _, _, Z, _ in blocks]
    stops = np.cumsum([0, *widths])
    n_features = Xs.shape[1]
    n_outputs = stops[-1]
    lipschitz = 0.0
    for _, rows, loss, _, _ in blocks:
        Xt = np.hstack([Xs[rows], np.ones((rows.sum(), 1))])
        sigma = np.linalg.norm(Xt, 2) ** 2 if Xt.shape[0] else 0.0
        lipschitz = max(lipschitz, _CURVATURE[loss] * sigma / (rows.sum() * n_tasks))
    lipschitz = max(lipschitz, 1e-12)

    def gradient(W, b):
        gW, gb = np.zeros_like(W), np.zeros_like(b)
        for (_, rows, loss, Z, _), lo, hi in zip(blocks, stops[:-1], stops[1:]):
            Xt = Xs[rows]
            R = _block_residual(Xt @ W[:, lo:hi] + b[lo:hi], Z, loss)
            R /= rows.sum() * n_tasks
            gW[:, lo:hi] = Xt.T @ R
            gb[lo:hi] = R.sum(axis=0)
        return gW, gb

    b = np.concatenate([b0 for *_, b0 in blocks])
    W = np.zeros((n_features, n_outputs))
    g0, _ = gradient(W, b)
    row_norms = np.linalg.norm(g0, axis=1)
    alpha_max = row_norms.max() / l1_ratio if l1_ratio > 0 and n_features else np.inf

    step = 1.0 / lipschitz
    shrink = step * alpha * l1_ratio
    ridge = 1.0 + step * alpha * (1.0 - l1_ratio)
    VW, vb, momentum = W.copy(), b.copy(), 1.0
    n_iter = 0
    for n_iter in range(1, max_iter + 1):
        gW, gb = gradient(VW, vb)
        U = VW - step * gW
        norms = np.linalg.norm(U, axis=1, keepdims=True)
        factor = np.maximum(0.0, 1.0 - shrink / np.maximum(norms, 1e-300))
        W_new = U * factor / ridge
        b_new = vb - step * gb
        dW, db = W_new - W, b_new - b
        if np.sum((VW - W_new) * dW) + np.sum((vb - b_new) * db) > 0:
            momentum = 1.0  # restart: the momentum points uphill
        next_momentum = (1.0 + np.sqrt(1.0 + 4.0 * momentum**2)) / 2.0
        beta = (momentum - 1.0) / next_momentum
        VW, vb = W_new + beta * dW, b_new + beta * db
        momentum = next_momentum
        W, b = W_new, b_new
        change = max(np.abs(dW).max(initial=0.0), np.abs(db).max(initial=0.0))
        if change <= tol * max(1.0, np.abs(W).max(initial=0.0)):
            break
    else:
        warnings.warn(
            f"The proximal gradient solver did not converge in {max_iter} "
            "iterations; increase max_iter or tol, or increase alpha.",
            ConvergenceWarning,
        )
    return W, b, alpha_max, n_iter


class JointSparseSelector(_MultiTaskSelectorMixin, BaseEstimator):
    r"""Keep the features whose coefficients are jointly non-zero across tasks.

    A linear model for all tasks at once, with an l2,1 (group-lasso) penalty
    on the rows of the coefficient matrix: a feature is either used by every
    task or by none. Each task brings its own loss on its labelled rows only
    (missing labels are simply left out): squared loss for regression
    targets (standardized), logistic loss for binary tasks, softmax
    cross-entropy for multiclass tasks (one coefficient column per class).
    Features are standardized, so coefficients are comparable across
    features. The objective is

    .. math::

        \frac{1}{T} \sum_t \frac{1}{n_t} \sum_{i \in L_t} \ell_t(y_{it},
        x_i W_t + b_t) + \alpha \left( \rho \sum_j \|W_{j,:}\|_2 +
        \frac{1 - \rho}{2} \|W\|_F^2 \right)

    with :math:`\rho` = ``l1_ratio``. When all tasks are regression tasks
    with no missing label, this is exactly
    :class:`~sklearn.linear_model.MultiTaskLasso` (or
    :class:`~sklearn.linear_model.MultiTaskElasticNet`) with
    ``alpha * n_tasks``, which then does the fitting; otherwise a proximal
    gradient (FISTA) solver does.

    Parameters
    ----------
    alpha : float, default=0.05
        Penalty strength; larger keeps fewer features. The fitted
        ``alpha_max_`` is the smallest value removing every feature.

    l1_ratio : float, default=1.0
        Share of the l2,1 penalty in [0, 1]; the rest is a ridge penalty.

    max_features : int or None, default=None
        Keep at most this many features, those with the largest scores
        among those above ``threshold``.

    threshold : float, default=1e-5
        Features whose coefficient row norm is above it are kept. Use
        ``-np.inf`` with ``max_features`` to keep exactly ``max_features``.

    tasks : None, str, list of str or dict, default=None
        Task types, passed to :func:`~skmtl.utils.check_multitask_targets`;
        inferred from the labels when None.

    max_iter : int, default=1000
        Maximum number of solver iterations.

    tol : float, default=1e-4
        Stopping tolerance on the largest coefficient change (proximal
        gradient) or the duality gap (scikit-learn's coordinate descent).

    Attributes
    ----------
    coef_ : ndarray of shape (n_outputs, `n_features_in_`)
        Coefficients on the standardized features: one row per regression or
        binary task, one row per class of a multiclass task, in task order.

    intercept_ : ndarray of shape (n_outputs,)
        Intercepts, one per row of ``coef_``.

    scores_ : ndarray of shape (`n_features_in_`,)
        Euclidean norm of each feature's coefficients across all outputs.

    alpha_max_ : float
        Smallest ``alpha`` for which every coefficient is zero.

    n_iter_ : int
        Number of solver iterations.

    task_names_ : list of str
        Name of each task (DataFrame column, else ``task_j``).

    task_types_ : list of str
        ``'binary'``, ``'multiclass'`` or ``'regression'`` per task.

    n_features_in_ : int
        Number of features seen during :term:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X`
        has feature names that are all strings.

    See Also
    --------
    MultiTaskFeatureSelector : Univariate scores aggregated across tasks.
    sklearn.feature_selection.SelectFromModel : Single-model selection.
    sklearn.linear_model.MultiTaskLasso : The fully labelled regression case.

    Examples
    --------
    >>> import numpy as np
    >>> from skmtl.preprocessing import JointSparseSelector
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(80, 6))
    >>> Y = np.column_stack([X[:, 0] + X[:, 2] > 0, X[:, 0] - 2 * X[:, 2]])
    >>> Y = Y.astype(float)
    >>> Y[::3, 1] = np.nan  # missing labels of the regression task
    >>> selector = JointSparseSelector(alpha=0.1).fit(X, Y)
    >>> selector.get_support(indices=True)
    array([0, 2])
    """

    _parameter_constraints: dict = {
        "alpha": [Interval(Real, 0, None, closed="left")],
        "l1_ratio": [Interval(Real, 0, 1, closed="both")],
        "max_features": [Interval(Integral, 0, None, closed="left"), None],
        "threshold": [Real],
        "tasks": [str, list, dict, None],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(
        self,
        alpha=0.05,
        *,
        l1_ratio=1.0,
        max_features=None,
        threshold=1e-5,
        tasks=None,
        max_iter=1000,
        tol=1e-4,
    ):
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.max_features = max_features
        self.threshold = threshold
        self.tasks = tasks
        self.max_iter = max_iter
        self.tol = tol

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Fit the jointly sparse multi-task linear model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Numeric, finite training data (clean it with :class:`TableCleaner`).

        y : array-like of shape (n_samples,) or (n_samples, n_tasks)
            Targets, one column per task, of mixed types; NaN (or None)
            marks a missing label.

        Returns
        -------
        self : JointSparseSelector
            The fitted selector.
        """
        X = validate_data(self, X, dtype=FLOAT_DTYPES)
        targets = check_multitask_targets(y, tasks=self.tasks, n_samples=X.shape[0])
        Xs, blocks = _joint_sparse_problem(X, targets)
        if all(loss == "squared" for _, _, loss, _, _ in blocks) and np.all(
            targets.labelled
        ):
            W, b, alpha_max, n_iter = self._fit_sklearn(Xs, blocks)
        else:
            W, b, alpha_max, n_iter = _group_lasso_prox_grad(
                Xs, blocks, self.alpha, self.l1_ratio, self.max_iter, self.tol
            )
        self.coef_ = W.T
        self.intercept_ = b
        self.scores_ = np.linalg.norm(W, axis=1)
        self.alpha_max_ = float(alpha_max)
        self.n_iter_ = int(n_iter)
        self.task_names_ = list(targets.names)
        self.task_types_ = list(targets.types)
        if not self._get_support_mask().any():
            # alpha_max_ shrinks as tasks are added (about 1/sqrt(n_tasks)), so
            # an alpha that suits a few tasks can remove every feature.
            warnings.warn(
                f"JointSparseSelector(alpha={self.alpha}) kept no feature: alpha "
                f"is not below alpha_max_={self.alpha_max_:.4g} for these data "
                f"({len(self.task_names_)} tasks). Use a smaller alpha, e.g. "
                f"{0.5 * self.alpha_max_:.3g}.",
                UserWarning,
            )
        return self

    def _fit_sklearn(self, Xs, blocks):
        """Fully labelled regression: scikit-learn's coordinate descent."""
        Z = np.hstack([Z for *_, Z, _ in blocks])
        n_tasks = Z.shape[1]
        params = dict(alpha=self.alpha * n_tasks, max_iter=self.max_iter, tol=self.tol)
        if self.l1_ratio == 1.0:
            model = MultiTaskLasso(**params)
        else:
            model = MultiTaskElasticNet(l1_ratio=self.l1_ratio, **params)
        model.fit(Xs, Z)
        grad = Xs.T @ (Z - Z.mean(axis=0)) / Xs.shape[0]
        if self.l1_ratio > 0 and Xs.shape[1]:
            alpha_max = np.linalg.norm(grad, axis=1).max() / (self.l1_ratio * n_tasks)
        else:
            alpha_max = np.inf
        return model.coef_.T, model.intercept_, alpha_max, model.n_iter_

    def _get_support_mask(self):
        check_is_fitted(self)
        mask = self.scores_ > self.threshold
        if self.max_features is not None and mask.sum() > self.max_features:
            order = np.argsort(-self.scores_, kind="stable")
            keep = np.zeros_like(mask)
            keep[order[: self.max_features]] = True
            mask &= keep
        return mask
