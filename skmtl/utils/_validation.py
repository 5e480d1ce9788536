"""Validation of multi-task targets: task names, task types, missing labels."""
# SPDX-License-Identifier: BSD-3-Clause

from dataclasses import dataclass, field
from numbers import Integral, Real

import numpy as np
from sklearn.utils.multiclass import type_of_target

TASK_TYPES = ("binary", "multiclass", "regression")

# "classification" lets a user state the family and leave binary versus
# multiclass to the data.
_DECLARABLE_TYPES = (*TASK_TYPES, "classification")

# Integer-valued numeric labels with more distinct values than this are read
# as a regression target (exam scores 1-70), fewer as classes (digits 0-9).
MAX_INFERRED_CLASSES = 20

# ... and as classes only if each value occurs this often on average: a
# handful of distinct scores each seen once is a small regression task.
MIN_ROWS_PER_INFERRED_CLASS = 2


@dataclass
class MultiTaskTargets:
    """Validated multi-task targets, as returned by `check_multitask_targets`.

    Attributes
    ----------
    names : list of str
        One name per task: the DataFrame column or Series name, else
        ``task_0 ... task_{T-1}``.
    types : list of str
        One of ``'binary'``, ``'multiclass'``, ``'regression'`` per task.
    classes : dict of str to ndarray
        Sorted class labels of each classification task, in their original
        values.
    encoded : ndarray of shape (n_samples, n_tasks), dtype float64
        Class index (``0 ... n_classes - 1``) for classification tasks, the
        target value for regression tasks, NaN where the label is missing.
    labelled : ndarray of shape (n_samples, n_tasks), dtype bool
        True where the (row, task) label is present.
    is_1d : bool
        Whether the targets were given as a 1-D array or Series.
    is_frame : bool
        Whether the targets were given as a pandas DataFrame.
    columns : object or None
        The DataFrame's column index, kept to rebuild predictions.
    """

    names: list
    types: list
    classes: dict
    encoded: np.ndarray
    labelled: np.ndarray
    is_1d: bool = False
    is_frame: bool = False
    columns: object = field(default=None, repr=False)

    @property
    def n_tasks(self):
        """Number of tasks."""
        return len(self.names)


def _is_missing(values):
    """Elementwise missing-label mask for a 1-D array of any dtype."""
    if values.dtype.kind == "f":
        return np.isnan(values)
    if values.dtype.kind in "iub" or values.dtype.kind in "USM":
        return np.zeros(values.shape, dtype=bool)
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is optional
        return np.array(
            [v is None or (isinstance(v, float) and v != v) for v in values]
        )
    return np.asarray(pd.isna(values), dtype=bool)


def _column_values(column):
    """Return a 1-D ndarray from a column, turning nullable pandas dtypes to object."""
    dtype = getattr(column, "dtype", None)
    if dtype is not None and not isinstance(dtype, np.dtype):
        # pandas extension dtypes (Int64, boolean, string, category) carry
        # pd.NA; an object array keeps both the labels and the missing marks.
        return np.asarray(column, dtype=object)
    return np.asarray(column)


def _split_columns(y):
    """Split y into (names, list of 1-D columns, is_1d, is_frame, columns)."""
    if hasattr(y, "iloc") and hasattr(y, "columns"):
        names = [str(c) for c in y.columns]
        if len(set(names)) != len(names):
            raise ValueError(
                f"The task columns of y must have unique names; got {names}."
            )
        columns = [_column_values(y.iloc[:, j]) for j in range(y.shape[1])]
        return names, columns, False, True, y.columns
    if hasattr(y, "iloc"):
        name = "task_0" if y.name is None else str(y.name)
        return [name], [_column_values(y)], True, False, None
    y = np.asarray(y)
    if y.ndim == 0:
        raise ValueError(
            "y must be a 1-D or 2-D array-like of labels; got a scalar. Pass one "
            "label per row of X."
        )
    if y.ndim == 1:
        return ["task_0"], [y], True, False, None
    if y.ndim != 2:
        raise ValueError(
            f"y must be 1-D (one task) or 2-D (n_samples, n_tasks); got an array "
            f"with {y.ndim} dimensions and shape {y.shape}."
        )
    if y.shape[1] == 0:
        raise ValueError("y has no task columns; pass at least one target column.")
    names = [f"task_{j}" for j in range(y.shape[1])]
    return names, [y[:, j] for j in range(y.shape[1])], False, False, None


def _declared_types(tasks, names):
    """Map the ``tasks`` parameter to one declared type (or None) per task."""
    if tasks is None:
        return [None] * len(names)
    if isinstance(tasks, str):
        declared = [tasks] * len(names)
    elif isinstance(tasks, dict):
        unknown = sorted(set(map(str, tasks)) - set(names))
        if unknown:
            raise ValueError(
                f"tasks names {unknown} that are not columns of y; the tasks are "
                f"{names}."
            )
        declared = [tasks.get(name) for name in names]
    else:
        declared = list(tasks)
        if len(declared) != len(names):
            raise ValueError(
                f"tasks gives {len(declared)} task types but y has {len(names)} "
                f"task columns {names}; give one type per column, or a dict."
            )
    for name, kind in zip(names, declared):
        if kind is not None and kind not in _DECLARABLE_TYPES:
            raise ValueError(
                f"Unknown task type {kind!r} for task {name!r}; use one of "
                f"{list(_DECLARABLE_TYPES)}."
            )
    return declared


def _infer_type(values):
    """Infer the task type of the labelled values of one column."""
    if values.dtype.kind in "bUS":
        return "binary" if len(np.unique(values)) <= 2 else "multiclass"
    kind = type_of_target(values)
    if kind == "binary":
        return "binary"
    n_classes = len(np.unique(values))
    if (
        kind == "multiclass"
        and n_classes <= MAX_INFERRED_CLASSES
        and len(values) >= MIN_ROWS_PER_INFERRED_CLASS * n_classes
    ):
        return "multiclass"
    return "regression"


def _check_finite_regression(name, values, rows):
    if not np.all(np.isfinite(values)):
        bad = rows[~np.isfinite(values)][:5].tolist()
        raise ValueError(
            f"Input y contains infinity or a value too large for dtype('float64') "
            f"in task {name!r} (rows {bad}). Labels must be finite; use NaN for "
            "a missing label."
        )


def check_multitask_targets(y, *, tasks=None, n_samples=None):
    """Validate multi-task targets and infer each task's type.

    ``y`` may be 1-D (one task) or 2-D (one column per task), as an ndarray,
    a pandas Series or a DataFrame. NaN, None and ``pd.NA`` mark a missing
    label: that (row, task) pair carries no information. Class labels may be
    ints, strings or bools.

    Parameters
    ----------
    y : array-like of shape (n_samples,) or (n_samples, n_tasks)
        Targets; DataFrame columns name the tasks.

    tasks : None, str, list of str or dict, default=None
        Task types, each ``'binary'``, ``'multiclass'``, ``'regression'`` or
        ``'classification'`` (binary or multiclass by the number of classes).
        A string applies to all tasks, a list gives one type per column, a dict
        maps some task names to types. Types not given are inferred: strings and
        bools are classes; integer-valued numbers are classes when there are at
        most 20 distinct values, each seen twice on average; other numbers are
        regression targets. State the types when the data are ambiguous.

    n_samples : int, default=None
        Expected number of rows (that of X); checked when given.

    Returns
    -------
    targets : MultiTaskTargets
        Task names, types, classes, the encoded target matrix and the mask of
        labelled entries.

    Raises
    ------
    ValueError
        If y is None, has the wrong shape or row count, a task has no label,
        a classification task has only one class, a regression target is not
        numeric or not finite, or a task type is unknown.

    Examples
    --------
    >>> import numpy as np
    >>> from skmtl.utils import check_multitask_targets
    >>> y = np.array([[0, 1.5], [1, np.nan], [np.nan, 2.5], [1, 0.1]])
    >>> targets = check_multitask_targets(y)
    >>> targets.names, targets.types
    (['task_0', 'task_1'], ['binary', 'regression'])
    >>> targets.labelled.sum(axis=0)
    array([3, 3])
    """
    if y is None:
        raise ValueError(
            "This estimator requires y to be passed, but the target y is None."
        )
    names, columns, is_1d, is_frame, frame_columns = _split_columns(y)
    if n_samples is not None and len(columns[0]) != n_samples:
        raise ValueError(
            f"X and y have inconsistent numbers of rows: X has {n_samples} rows, "
            f"y has {len(columns[0])}. Give one label row per row of X."
        )
    declared = _declared_types(tasks, names)
    n_rows = len(columns[0])
    encoded = np.full((n_rows, len(names)), np.nan)
    labelled = np.zeros((n_rows, len(names)), dtype=bool)
    types, classes = [], {}
    all_rows = np.arange(n_rows)
    for j, (name, column, kind) in enumerate(zip(names, columns, declared)):
        column = np.asarray(column)
        missing = _is_missing(column)
        if missing.all():
            raise ValueError(
                f"Input y contains NaN for every row of task {name!r}: NaN marks a "
                "missing label, so this task has no label to learn from. Drop the "
                "column or give it labels."
            )
        values = column[~missing]
        if values.dtype.kind == "O":
            values = _tidy_object_labels(values)
        # Checked before inference, which would fail on infinity without
        # naming the task; nullable Float64 columns arrive here as objects.
        if values.dtype.kind == "f" and np.isinf(values).any():
            _check_finite_regression(name, values, all_rows[~missing])
        if kind is None:
            kind = _infer_type(values)
        elif kind == "classification":
            kind = "binary" if len(np.unique(values)) <= 2 else "multiclass"
        if kind == "regression":
            try:
                values = values.astype(np.float64)
            except (TypeError, ValueError) as exc:
                raise ValueError(
                    f"Task {name!r} is a regression task but its labels are not "
                    f"numeric (e.g. {values[:3].tolist()}); declare it as "
                    "'classification' in tasks, or encode the labels as numbers."
                ) from exc
            _check_finite_regression(name, values, all_rows[~missing])
            encoded[~missing, j] = values
        else:
            task_classes, indices = np.unique(values, return_inverse=True)
            if len(task_classes) < 2:
                raise ValueError(
                    f"Task {name!r} has only one class ({task_classes[0]!r}) among "
                    "its labels; a classification task needs at least two classes "
                    "(1 class found). Drop the task, or declare it 'regression'."
                )
            if kind == "binary" and len(task_classes) > 2:
                raise ValueError(
                    f"Task {name!r} is declared 'binary' but has "
                    f"{len(task_classes)} classes; declare it 'multiclass'."
                )
            classes[name] = task_classes
            encoded[~missing, j] = indices
        labelled[:, j] = ~missing
        types.append(kind)
    return MultiTaskTargets(
        names=names,
        types=types,
        classes=classes,
        encoded=encoded,
        labelled=labelled,
        is_1d=is_1d,
        is_frame=is_frame,
        columns=frame_columns,
    )


def _tidy_object_labels(values):
    """Give an object array of labels a concrete dtype np.unique can sort."""
    if all(isinstance(v, bool | np.bool_) for v in values):
        return values.astype(bool)
    if all(isinstance(v, Integral) and not isinstance(v, bool) for v in values):
        return values.astype(np.int64)
    if all(isinstance(v, Real) and not isinstance(v, bool) for v in values):
        return values.astype(np.float64)
    if all(isinstance(v, str) for v in values):
        return values.astype(str)
    raise ValueError(
        "A task column mixes label types (e.g. strings and numbers: "
        f"{sorted({type(v).__name__ for v in values})}); use one type per task."
    )


def align_target_columns(y, task_names, n_samples):
    """Pair score-time targets with the tasks seen in fit.

    Parameters
    ----------
    y : array-like of shape (n_samples,) or (n_samples, n_tasks)
        True targets. A DataFrame may hold a subset of the fitted tasks, matched
        by column name; other inputs are matched by position and must hold all
        tasks.
    task_names : list of str
        Names of the fitted tasks.
    n_samples : int
        Number of rows of X.

    Returns
    -------
    columns : dict of str to (ndarray, ndarray)
        For each task given, its raw label values and its labelled-row mask.
    """
    if y is None:
        raise ValueError("Scoring requires y, but the target y is None.")
    names, columns, _, is_frame, _ = _split_columns(y)
    if len(columns[0]) != n_samples:
        raise ValueError(
            f"X and y have inconsistent numbers of rows: X has {n_samples} rows, "
            f"y has {len(columns[0])}."
        )
    if is_frame:
        unknown = [name for name in names if name not in task_names]
        if unknown:
            raise ValueError(
                f"y has columns {unknown} that are not tasks seen in fit; the "
                f"fitted tasks are {list(task_names)}."
            )
    elif len(columns) != len(task_names):
        raise ValueError(
            f"y has {len(columns)} task column(s) but the estimator was fitted on "
            f"{len(task_names)} tasks {list(task_names)}; pass them in that order, "
            "or as a DataFrame with named columns."
        )
    else:
        names = list(task_names)
    result = {}
    for name, column in zip(names, columns):
        column = np.asarray(column)
        result[name] = (column, ~_is_missing(column))
    return result
