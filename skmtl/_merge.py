"""Stack the data sets of several tasks into one multi-task table."""
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np


def _is_frame(obj):
    return hasattr(obj, "iloc") and hasattr(obj, "columns")


def _pandas_values(column):
    """Return a pandas column as a 1-D ndarray; nullable numbers become floats."""
    from pandas.api.types import is_numeric_dtype

    if isinstance(column.dtype, np.dtype):
        return column.to_numpy()
    if is_numeric_dtype(column.dtype):
        # Int64, Float64 and boolean columns carry pd.NA: NaN keeps Y numeric.
        return column.to_numpy(dtype=np.float64, na_value=np.nan)
    return column.to_numpy(dtype=object)


def _task_columns(key, y, n_rows):
    """Return ``{task name: 1-D values}`` for one data set's targets."""
    if _is_frame(y):
        values = {str(c): _pandas_values(y[c]) for c in y.columns}
    elif hasattr(y, "iloc"):
        values = {str(key) if y.name is None else str(y.name): _pandas_values(y)}
    else:
        y = np.asarray(y)
        if y.ndim == 1:
            values = {str(key): y}
        elif y.ndim == 2:
            values = {f"{key}_{j}": y[:, j] for j in range(y.shape[1])}
        else:
            raise ValueError(
                f"The targets of data set {key!r} must be 1-D or 2-D; got shape "
                f"{y.shape}."
            )
    for name, column in values.items():
        if len(column) != n_rows:
            raise ValueError(
                f"Data set {key!r} has {n_rows} rows in X but {len(column)} "
                f"labels in {name!r}."
            )
    return values


def merge_task_datasets(datasets, *, return_source=False):
    """Stack the data sets of several tasks into one X and one target table.

    This is the first step of multi-task learning on separate data sets: the
    rows of all data sets are stacked, and each task's column holds the label
    where the row came from a data set labelled for that task and a missing
    value elsewhere. `MultiTaskFineTuner` then masks the missing labels.

    Parameters
    ----------
    datasets : dict of str to (X, y)
        One entry per data set. ``y`` is 1-D (one task, named by the key or by
        the Series name) or 2-D (several tasks: DataFrame columns, or
        ``<key>_0, <key>_1 ...``). Data sets naming the same task fill the
        same column.

    return_source : bool, default=False
        Whether to also return the key of the data set each row came from.

    Returns
    -------
    X : ndarray or DataFrame of shape (n_rows, n_features)
        The stacked features. With DataFrames whose columns differ, the union
        of the columns, in order of first appearance, NaN where a data set
        lacks a column. With arrays, all data sets must have the same width.

    Y : ndarray or DataFrame of shape (n_rows, n_tasks)
        One column per task. Float with NaN for missing labels when all labels
        are numbers; otherwise object with None. A DataFrame when X is one.

    source : ndarray of shape (n_rows,)
        Only when `return_source` is True: the data set key of each row.

    Examples
    --------
    >>> import numpy as np
    >>> from skmtl import merge_task_datasets
    >>> X_a, y_a = np.zeros((2, 3)), np.array([1.0, 2.0])
    >>> X_b, y_b = np.ones((3, 3)), np.array([0, 1, 1])
    >>> X, Y = merge_task_datasets({"price": (X_a, y_a), "sold": (X_b, y_b)})
    >>> X.shape
    (5, 3)
    >>> Y
    array([[ 1., nan],
           [ 2., nan],
           [nan,  0.],
           [nan,  1.],
           [nan,  1.]])
    """
    if not isinstance(datasets, dict) or not datasets:
        raise ValueError(
            "datasets must be a non-empty dict mapping a name to an (X, y) pair."
        )
    parts = []
    for key, pair in datasets.items():
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise ValueError(f"datasets[{key!r}] must be an (X, y) pair.")
        X, y = pair
        n_rows = X.shape[0] if hasattr(X, "shape") else len(X)
        parts.append((key, X, _task_columns(key, y, n_rows), n_rows))

    task_names = list(dict.fromkeys(name for _, _, cols, _ in parts for name in cols))
    n_total = sum(n for *_, n in parts)
    all_numeric = all(
        np.asarray(col).dtype.kind in "biuf"
        for _, _, cols, _ in parts
        for col in cols.values()
    )
    Y = np.full(
        (n_total, len(task_names)),
        np.nan if all_numeric else None,
        dtype=np.float64 if all_numeric else object,
    )
    start = 0
    for _, _, cols, n_rows in parts:
        for name, col in cols.items():
            Y[start : start + n_rows, task_names.index(name)] = col
        start += n_rows
    source = np.concatenate([np.full(n, key, dtype=object) for key, _, _, n in parts])

    frames = [_is_frame(X) for _, X, _, _ in parts]
    if all(frames):
        import pandas as pd

        X = pd.concat([X for _, X, _, _ in parts], axis=0, ignore_index=True)
        Y = pd.DataFrame(Y, columns=task_names)
    elif any(frames):
        raise ValueError(
            "Mix of DataFrames and arrays in datasets; give all X as DataFrames "
            "(columns matched by name) or all as arrays (matched by position)."
        )
    else:
        arrays = [np.asarray(X) for _, X, _, _ in parts]
        widths = {a.shape[1] for a in arrays}
        if len(widths) != 1:
            raise ValueError(
                f"The data sets have different numbers of features "
                f"{[a.shape[1] for a in arrays]}; with arrays all must match. Pass "
                "DataFrames to align features by column name."
            )
        X = np.concatenate(arrays, axis=0)
    return (X, Y, source) if return_source else (X, Y)
