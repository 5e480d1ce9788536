"""Synthetic multi-task data with controlled task relatedness."""
# SPDX-License-Identifier: BSD-3-Clause

from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_random_state

from skmtl.utils._sklearn_compat import Interval, validate_params
from skmtl.utils._validation import TASK_TYPES

_COMMON_PARAMS = {
    "n_samples": [Interval(Integral, 1, None, closed="left")],
    "n_features": [Interval(Integral, 1, None, closed="left")],
    "n_informative": [Interval(Integral, 1, None, closed="left")],
    "shared_fraction": [Interval(Real, 0, 1, closed="both")],
    "noise": [Interval(Real, 0, None, closed="left")],
    "missing_rate": [Interval(Real, 0, 1, closed="left")],
    "coef": ["boolean"],
    "random_state": ["random_state"],
}


def _make_multitask(
    *,
    n_samples,
    n_features,
    n_informative,
    task_types,
    n_classes,
    shared_fraction,
    noise,
    missing_rate,
    random_state,
):
    """Draw X, Y and the true coefficients; the public generators wrap this.

    ``n_classes[t]`` is the number of classes of task ``t`` (1 for a
    regression task). Random numbers are drawn in a fixed order (features,
    shared weights, then per task its own weights and noise, then the
    missing labels), so ``missing_rate`` never changes ``X`` or the labels
    that are kept, and ``shared_fraction`` never changes the draws.
    """
    if n_informative > n_features:
        raise ValueError(
            f"n_informative={n_informative} must not exceed n_features={n_features}."
        )
    rng = check_random_state(random_state)
    X = rng.standard_normal((n_samples, n_features))
    widths = [
        1 if kind != "multiclass" else k for kind, k in zip(task_types, n_classes)
    ]
    shared = rng.standard_normal((n_informative, max(widths)))
    # Mixing with square-root weights keeps unit variance per coefficient, so
    # the expected correlation of two tasks' coefficients is shared_fraction.
    w_shared, w_own = np.sqrt(shared_fraction), np.sqrt(1.0 - shared_fraction)

    Y = np.empty((n_samples, len(task_types)), dtype=np.float64)
    coefs = []
    for t, (kind, width) in enumerate(zip(task_types, widths)):
        own = rng.standard_normal((n_informative, width))
        coef = np.zeros((n_features, width))
        coef[:n_informative] = w_shared * shared[:, :width] + w_own * own
        scores = X @ coef + noise * rng.standard_normal((n_samples, width))
        if kind == "regression":
            Y[:, t] = scores[:, 0]
        elif kind == "binary":
            Y[:, t] = scores[:, 0] > 0
        else:
            Y[:, t] = np.argmax(scores, axis=1)
        coefs.append(coef[:, 0] if width == 1 else coef)

    n_missing = min(int(round(missing_rate * n_samples)), max(n_samples - 2, 0))
    for t in range(len(task_types)):
        rows = rng.permutation(n_samples)[:n_missing]
        Y[rows, t] = np.nan
    return X, Y, coefs


@validate_params(
    {**_COMMON_PARAMS, "n_tasks": [Interval(Integral, 1, None, closed="left")]},
    prefer_skip_nested_validation=True,
)
def make_multitask_regression(
    n_samples=100,
    n_features=10,
    n_tasks=3,
    n_informative=5,
    shared_fraction=1.0,
    noise=0.1,
    missing_rate=0.0,
    coef=False,
    random_state=None,
):
    """Generate linear regression tasks whose relatedness is controlled.

    Features are standard normal. Each task is a linear model on the first
    ``n_informative`` features, whose coefficient vector mixes a vector
    shared by all tasks and a vector of its own; ``shared_fraction`` sets the
    mix, from unrelated tasks (0) to one common model (1).

    Parameters
    ----------
    n_samples : int, default=100
        Number of samples (rows).

    n_features : int, default=10
        Number of features. Only the first ``n_informative`` enter the
        targets; the others are pure noise.

    n_tasks : int, default=3
        Number of regression tasks (columns of ``Y``).

    n_informative : int, default=5
        Number of informative features, at most ``n_features``.

    shared_fraction : float, default=1.0
        Expected fraction, in [0, 1], of each task's coefficient variance
        that comes from the shared vector; it is also the expected
        correlation between two tasks' coefficients. With 1.0 all tasks have
        the same coefficients, with 0.0 they are drawn independently.

    noise : float, default=0.1
        Standard deviation of the Gaussian noise added to every target.

    missing_rate : float, default=0.0
        Fraction, in [0, 1), of each task's labels replaced by NaN, drawn at
        random per task (``round(missing_rate * n_samples)`` rows). Every task
        keeps at least two labels.

    coef : bool, default=False
        If True, also return the true coefficients.

    random_state : int, RandomState instance or None, default=None
        Seed or generator for all random draws. Pass an int for reproducible
        output across calls.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
        Input samples.

    Y : ndarray of shape (n_samples, n_tasks)
        Targets, float64, NaN where a label is missing.

    coef : ndarray of shape (n_features, n_tasks)
        True coefficients of each task (zero for non-informative features);
        returned only if ``coef=True``, laid out as in
        :func:`sklearn.datasets.make_regression`.

    See Also
    --------
    make_multitask_classification : Binary and multiclass tasks.
    make_multitask_mixed : Regression and classification tasks together.

    Notes
    -----
    With ``s = shared_fraction``, a shared vector ``u`` and, for each task
    ``t``, an own vector ``v_t`` (all standard normal), the coefficients of
    the informative features are ``w_t = sqrt(s) u + sqrt(1 - s) v_t`` and
    ``Y[:, t] = X @ w_t + noise * e_t`` with standard normal ``e_t``. Missing
    labels are drawn after everything else, so changing ``missing_rate``
    (or ``shared_fraction``) with a fixed ``random_state`` keeps ``X`` and the
    other random draws unchanged.

    Examples
    --------
    >>> import numpy as np
    >>> from skmtl.datasets import make_multitask_regression
    >>> X, Y = make_multitask_regression(n_samples=50, n_tasks=4, random_state=0)
    >>> X.shape, Y.shape
    ((50, 10), (50, 4))
    >>> X, Y, coef = make_multitask_regression(
    ...     shared_fraction=0.0, missing_rate=0.2, coef=True, random_state=0
    ... )
    >>> coef.shape, int(np.isnan(Y).sum())
    ((10, 3), 60)
    """
    X, Y, coefs = _make_multitask(
        n_samples=n_samples,
        n_features=n_features,
        n_informative=n_informative,
        task_types=["regression"] * n_tasks,
        n_classes=[1] * n_tasks,
        shared_fraction=shared_fraction,
        noise=noise,
        missing_rate=missing_rate,
        random_state=random_state,
    )
    if coef:
        return X, Y, np.column_stack(coefs)
    return X, Y


def _n_classes_list(n_classes, n_tasks, minimum, what):
    if isinstance(n_classes, Integral):
        n_classes = [n_classes] * n_tasks
    n_classes = list(n_classes)
    if len(n_classes) != n_tasks:
        raise ValueError(
            f"n_classes must be an int or have one entry per {what}; got "
            f"{len(n_classes)} entries for {n_tasks} {what}s."
        )
    for k in n_classes:
        if not isinstance(k, Integral) or isinstance(k, bool) or k < minimum:
            raise ValueError(
                f"Each entry of n_classes must be an int >= {minimum}; got {k!r}."
            )
    return [int(k) for k in n_classes]


@validate_params(
    {
        **_COMMON_PARAMS,
        "n_tasks": [Interval(Integral, 1, None, closed="left")],
        "n_classes": [Interval(Integral, 2, None, closed="left"), "array-like"],
    },
    prefer_skip_nested_validation=True,
)
def make_multitask_classification(
    n_samples=100,
    n_features=10,
    n_tasks=3,
    n_classes=2,
    n_informative=5,
    shared_fraction=1.0,
    noise=0.1,
    missing_rate=0.0,
    coef=False,
    random_state=None,
):
    """Generate binary or multiclass tasks whose relatedness is controlled.

    Features are standard normal. A binary task thresholds one linear score
    at zero; a task with ``k > 2`` classes takes the argmax of ``k`` linear
    scores. The weights of every score mix weights shared by all tasks and
    weights of the task's own; ``shared_fraction`` sets the mix.

    Parameters
    ----------
    n_samples : int, default=100
        Number of samples (rows).

    n_features : int, default=10
        Number of features. Only the first ``n_informative`` enter the
        scores; the others are pure noise.

    n_tasks : int, default=3
        Number of classification tasks (columns of ``Y``).

    n_classes : int or array-like of int, default=2
        Number of classes (at least 2) of every task, or one entry per task.
        Tasks with 2 classes are binary, the others multiclass.

    n_informative : int, default=5
        Number of informative features, at most ``n_features``.

    shared_fraction : float, default=1.0
        Expected fraction, in [0, 1], of each weight's variance that comes
        from the shared weights; it is also the expected correlation between
        two tasks' weights for the same score. With 1.0 all tasks use the
        same weights (a task with fewer classes uses the first of the shared
        score vectors), with 0.0 they are drawn independently.

    noise : float, default=0.1
        Standard deviation of the Gaussian noise added to every score before
        thresholding or argmax; larger values blur the class boundaries.

    missing_rate : float, default=0.0
        Fraction, in [0, 1), of each task's labels replaced by NaN, drawn at
        random per task (``round(missing_rate * n_samples)`` rows). Every task
        keeps at least two labels.

    coef : bool, default=False
        If True, also return the true weights.

    random_state : int, RandomState instance or None, default=None
        Seed or generator for all random draws. Pass an int for reproducible
        output across calls.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
        Input samples.

    Y : ndarray of shape (n_samples, n_tasks)
        Class labels ``0 ... n_classes - 1`` as float64, NaN where a label is
        missing.

    coef : list of ndarray
        One entry per task, returned only if ``coef=True``: shape
        ``(n_features,)`` for a binary task, ``(n_features, n_classes)`` for a
        multiclass task (one column per class score).

    See Also
    --------
    make_multitask_regression : Regression tasks.
    make_multitask_mixed : Regression and classification tasks together.

    Notes
    -----
    With ``s = shared_fraction``, shared weights ``U`` of shape
    ``(n_informative, max(n_classes))`` and own weights ``V_t`` (all standard
    normal), task ``t`` with ``k`` scores uses
    ``W_t = sqrt(s) U[:, :k] + sqrt(1 - s) V_t``; a binary task has one score
    (``k = 1``), labelled 1 where ``X @ W_t + noise * e_t > 0``, and a
    multiclass task with ``k`` classes the argmax over its ``k`` scores.
    Classes are balanced in expectation, but a small ``n_samples`` may miss
    a class.

    Examples
    --------
    >>> import numpy as np
    >>> from skmtl.datasets import make_multitask_classification
    >>> X, Y = make_multitask_classification(
    ...     n_samples=60, n_classes=[2, 2, 4], random_state=0
    ... )
    >>> X.shape, Y.shape
    ((60, 10), (60, 3))
    >>> [np.unique(Y[:, t]).tolist() for t in range(3)]
    [[0.0, 1.0], [0.0, 1.0], [0.0, 1.0, 2.0, 3.0]]
    """
    n_classes = _n_classes_list(n_classes, n_tasks, 2, "task")
    task_types = ["binary" if k == 2 else "multiclass" for k in n_classes]
    X, Y, coefs = _make_multitask(
        n_samples=n_samples,
        n_features=n_features,
        n_informative=n_informative,
        task_types=task_types,
        n_classes=n_classes,
        shared_fraction=shared_fraction,
        noise=noise,
        missing_rate=missing_rate,
        random_state=random_state,
    )
    if coef:
        return X, Y, coefs
    return X, Y


@validate_params(
    {
        **_COMMON_PARAMS,
        "task_types": ["array-like"],
        "n_classes": [Interval(Integral, 3, None, closed="left"), "array-like"],
    },
    prefer_skip_nested_validation=True,
)
def make_multitask_mixed(
    n_samples=100,
    n_features=10,
    task_types=("regression", "binary", "multiclass"),
    n_classes=3,
    n_informative=5,
    shared_fraction=1.0,
    noise=0.1,
    missing_rate=0.0,
    coef=False,
    random_state=None,
):
    """Generate regression, binary and multiclass tasks on the same features.

    The tasks follow the models of :func:`make_multitask_regression` and
    :func:`make_multitask_classification`, with one set of shared weights
    for all of them: a regression task, a binary task and the first score of
    a multiclass task all mix the same shared vector, so ``shared_fraction``
    controls relatedness across task types too.

    Parameters
    ----------
    n_samples : int, default=100
        Number of samples (rows).

    n_features : int, default=10
        Number of features. Only the first ``n_informative`` enter the
        targets; the others are pure noise.

    task_types : array-like of str, default=('regression', 'binary', 'multiclass')
        Type of each task, in column order: ``'regression'``, ``'binary'`` or
        ``'multiclass'``.

    n_classes : int or array-like of int, default=3
        Number of classes (at least 3) of every multiclass task, or one entry
        per multiclass task, in order.

    n_informative : int, default=5
        Number of informative features, at most ``n_features``.

    shared_fraction : float, default=1.0
        Expected fraction, in [0, 1], of each weight's variance that comes
        from the shared weights; it is also the expected correlation between
        two tasks' weights for the same score. With 1.0 all tasks use the
        same weights, with 0.0 they are drawn independently.

    noise : float, default=0.1
        Standard deviation of the Gaussian noise added to every regression
        target and classification score.

    missing_rate : float, default=0.0
        Fraction, in [0, 1), of each task's labels replaced by NaN, drawn at
        random per task (``round(missing_rate * n_samples)`` rows). Every task
        keeps at least two labels.

    coef : bool, default=False
        If True, also return the true weights.

    random_state : int, RandomState instance or None, default=None
        Seed or generator for all random draws. Pass an int for reproducible
        output across calls.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
        Input samples.

    Y : ndarray of shape (n_samples, n_tasks)
        Targets, float64: the value for a regression task, the class label
        ``0 ... n_classes - 1`` for a classification task, NaN where a label
        is missing. ``n_tasks = len(task_types)``.

    coef : list of ndarray
        One entry per task, returned only if ``coef=True``: shape
        ``(n_features,)`` for a regression or binary task,
        ``(n_features, n_classes)`` for a multiclass task.

    See Also
    --------
    make_multitask_regression : Regression tasks.
    make_multitask_classification : Binary and multiclass tasks.

    Examples
    --------
    >>> import numpy as np
    >>> from skmtl.datasets import make_multitask_mixed
    >>> X, Y = make_multitask_mixed(
    ...     n_samples=40,
    ...     task_types=["regression", "binary", "multiclass", "multiclass"],
    ...     n_classes=[3, 5],
    ...     random_state=0,
    ... )
    >>> X.shape, Y.shape
    ((40, 10), (40, 4))
    >>> int(np.nanmax(Y[:, 3]))
    4
    """
    task_types = [str(kind) for kind in task_types]
    if not task_types or set(task_types) - set(TASK_TYPES):
        raise ValueError(
            f"task_types must be a non-empty list of {list(TASK_TYPES)}; "
            f"got {task_types!r}."
        )
    n_multiclass = task_types.count("multiclass")
    multiclass = iter(_n_classes_list(n_classes, n_multiclass, 3, "multiclass task"))
    n_classes = [
        next(multiclass) if kind == "multiclass" else 2 if kind == "binary" else 1
        for kind in task_types
    ]
    X, Y, coefs = _make_multitask(
        n_samples=n_samples,
        n_features=n_features,
        n_informative=n_informative,
        task_types=task_types,
        n_classes=n_classes,
        shared_fraction=shared_fraction,
        noise=noise,
        missing_rate=missing_rate,
        random_state=random_state,
    )
    if coef:
        return X, Y, coefs
    return X, Y
