"""Cleaning of messy tables: sentinels, infinities, missing values, outliers."""
# SPDX-License-Identifier: BSD-3-Clause

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.impute import MissingIndicator, SimpleImputer
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder
from sklearn.utils.validation import FLOAT_DTYPES, check_is_fitted, validate_data

from skmtl.preprocessing._common import (
    _check_column_order,
    _input_feature_names,
    _validate_fitted_input,
)
from skmtl.utils._sklearn_compat import Interval, StrOptions, _fit_context
from skmtl.utils._validation import _is_missing


def _clip_bounds(X, method, quantile_range=(1.0, 99.0), iqr_factor=1.5):
    """Per-column clipping bounds of a float array, ignoring NaN.

    An all-NaN column gets infinite bounds, so it is left unclipped.
    """
    if X.shape[0] == 0 or X.shape[1] == 0:
        inf = np.full(X.shape[1], np.inf)
        return -inf, inf
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns
        if method == "quantile":
            lower, upper = np.nanpercentile(X, quantile_range, axis=0)
        else:
            q1, q3 = np.nanpercentile(X, (25.0, 75.0), axis=0)
            lower = q1 - iqr_factor * (q3 - q1)
            upper = q3 + iqr_factor * (q3 - q1)
    lower = np.where(np.isnan(lower), -np.inf, lower)
    upper = np.where(np.isnan(upper), np.inf, upper)
    return lower, upper


def _check_quantile_range(quantile_range):
    if (
        len(quantile_range) != 2
        or not all(isinstance(q, Real) for q in quantile_range)
        or not 0 <= quantile_range[0] <= quantile_range[1] <= 100
    ):
        raise ValueError(
            "quantile_range must be a pair (low, high) with "
            f"0 <= low <= high <= 100; got {quantile_range!r}."
        )


class QuantileClipper(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Clip each feature to percentiles learned on the training set.

    NaN values are ignored when the bounds are learned and stay NaN.

    Parameters
    ----------
    quantile_range : tuple of float, default=(1.0, 99.0)
        Lower and upper percentiles, within [0, 100], used as clipping bounds.

    Attributes
    ----------
    lower_, upper_ : ndarray of shape (`n_features_in_`,)
        Per-feature clipping bounds (infinite for an all-NaN feature).

    n_features_in_ : int
        Number of features seen during :term:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X`
        has feature names that are all strings.

    See Also
    --------
    TableCleaner : Clips too (``clip='quantile'`` or ``'iqr'``), on mixed tables.

    Examples
    --------
    >>> import numpy as np
    >>> from skmtl.preprocessing import QuantileClipper
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0], [100.0]])
    >>> QuantileClipper(quantile_range=(0, 75)).fit_transform(X).ravel()
    array([0., 1., 2., 3., 3.])
    """

    _parameter_constraints: dict = {"quantile_range": [tuple]}

    def __init__(self, quantile_range=(1.0, 99.0)):
        self.quantile_range = quantile_range

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the clipping bounds.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Numeric training data; NaN marks a missing value.

        y : None
            Ignored.

        Returns
        -------
        self : QuantileClipper
            The fitted clipper.
        """
        _check_quantile_range(self.quantile_range)
        X = validate_data(self, X, dtype=FLOAT_DTYPES, ensure_all_finite="allow-nan")
        self.lower_, self.upper_ = _clip_bounds(X, "quantile", self.quantile_range)
        return self

    def transform(self, X):
        """Clip X to the learned bounds.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data to clip.

        Returns
        -------
        X_tr : ndarray of shape (n_samples, n_features)
            The clipped data.
        """
        X = _validate_fitted_input(self, X)
        return np.clip(X, self.lower_, self.upper_)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags


def _frame_column(column):
    """Return a pandas column as a 1-D ndarray: numbers as they are, else object."""
    dtype = column.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "biuf":
        return column.to_numpy()
    if dtype.kind in "biuf" and getattr(dtype, "name", "") != "category":
        # nullable Int64 / Float64 / boolean columns carry pd.NA
        return column.to_numpy(dtype=np.float64, na_value=np.nan)
    return column.to_numpy(dtype=object)


def _category_label(value):
    """Return the string label of a category value (3.0 -> "3", " M" -> "M")."""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, bytes):
        value = value.decode()
    return str(value).strip()


class TableCleaner(TransformerMixin, BaseEstimator):
    """Turn a messy mixed-type table into a clean all-numeric float array.

    In order, for every column: infinities and sentinel values (such as
    ``"?"`` in the UCI adult data) become missing; columns with no value or a
    single distinct value are dropped; numeric outliers are clipped to bounds
    learned in fit; missing values are imputed (per column kind); categorical
    columns are one-hot or ordinal encoded. Rows are never dropped nor
    reordered. Output columns are the kept numeric columns, then the encoded
    categorical columns, then the optional missing-value indicators, all as
    float64.

    Parameters
    ----------
    categorical_features : 'auto', array-like of int, str or bool, or None, \
            default='auto'
        Which columns are categorical. ``'auto'``: pandas ``category``,
        ``object`` and ``string`` columns (and object ndarray columns), except
        those whose values, once missing values and sentinels are set aside,
        are all numbers or numeric strings such as ``"3.5"`` (a numeric
        column read as text because of a ``"?"``). An array-like gives column
        indices, column names or a boolean mask; for instance the integer
        codes of categorical columns in a float array. ``None``: no column is
        categorical.

    sentinel_values : tuple or list of str or float, or None, default=("?",)
        Values meaning "missing". Strings are compared after stripping
        whitespace; numbers (such as ``-999``) apply to numeric columns and
        to numeric category codes.

    numeric_strategy : {'median', 'mean'}, default='median'
        Imputation of numeric columns, computed after clipping.

    categorical_strategy : {'most_frequent', 'constant'}, default='most_frequent'
        Imputation of categorical columns; ``'constant'`` fills in
        ``fill_value``, which then becomes a category of its own.

    fill_value : str, default='missing'
        Category given to missing entries when
        ``categorical_strategy='constant'``.

    add_indicator : bool, default=False
        Append one 0/1 column per kept column that had missing values in fit
        (after sentinel and infinity replacement), from
        :class:`~sklearn.impute.MissingIndicator`.

    clip : {'quantile', 'iqr'} or None, default=None
        Outlier clipping of numeric columns: to the ``quantile_range``
        percentiles, or to ``[Q1 - k * IQR, Q3 + k * IQR]`` with
        ``k = iqr_factor``. None: no clipping.

    quantile_range : tuple of float, default=(1.0, 99.0)
        Lower and upper percentiles, within [0, 100], of ``clip='quantile'``.

    iqr_factor : float, default=1.5
        Multiplier ``k`` of the interquartile range for ``clip='iqr'``.

    drop_constant : bool, default=True
        Drop columns with a single distinct non-missing value. Columns with no
        value at all are always dropped.

    encoding : {'onehot', 'ordinal'}, default='onehot'
        Encoding of categorical columns. One-hot ignores categories unseen in
        fit (all zeros); ordinal gives them the code -1.

    max_categories : int or None, default=None
        Maximum number of categories kept per column by the encoder, rarer
        ones being grouped as infrequent. None: no limit.

    Attributes
    ----------
    is_categorical_ : ndarray of shape (`n_features_in_`,), dtype bool
        Which input columns were treated as categorical.

    dropped_features_ : dict of str to str
        Dropped input columns mapped to the reason, ``'all missing'`` or
        ``'constant'``.

    lower_, upper_ : ndarray of shape (n_numeric_kept,) or None
        Clipping bounds of the kept numeric columns; None when ``clip=None``.

    numeric_imputer_ : SimpleImputer or None
        Imputer of the kept numeric columns; None if there are none.

    categorical_imputer_ : SimpleImputer or None
        Imputer of the kept categorical columns; None if there are none.

    encoder_ : OneHotEncoder, OrdinalEncoder or None
        Encoder of the kept categorical columns; None if there are none.

    indicator_ : MissingIndicator or None
        Missing-value indicator over the kept columns, when ``add_indicator``.

    n_features_in_ : int
        Number of features seen during :term:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X`
        has feature names that are all strings.

    See Also
    --------
    QuantileClipper : Percentile clipping of numeric arrays alone.
    FeatureScaler : Scale the cleaned features.
    sklearn.compose.ColumnTransformer : General per-column pipelines.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from skmtl.preprocessing import TableCleaner
    >>> X = pd.DataFrame({
    ...     "age": [25.0, np.inf, 40.0, 31.0],
    ...     "job": ["clerk", "?", "nurse", "clerk"],
    ...     "country": ["FR", "FR", "FR", "FR"],
    ... })
    >>> cleaner = TableCleaner().fit(X)
    >>> cleaner.dropped_features_
    {'country': 'constant'}
    >>> cleaner.get_feature_names_out()
    array(['age', 'job_clerk', 'job_nurse'], dtype=object)
    >>> cleaner.transform(X)
    array([[25., 1., 0.],
           [31., 1., 0.],
           [40., 0., 1.],
           [31., 1., 0.]])
    """

    _parameter_constraints: dict = {
        "categorical_features": [StrOptions({"auto"}), "array-like", None],
        "sentinel_values": [tuple, list, None],
        "numeric_strategy": [StrOptions({"median", "mean"})],
        "categorical_strategy": [StrOptions({"most_frequent", "constant"})],
        "fill_value": [str],
        "add_indicator": ["boolean"],
        "clip": [StrOptions({"quantile", "iqr"}), None],
        "quantile_range": [tuple],
        "iqr_factor": [Interval(Real, 0, None, closed="left")],
        "drop_constant": ["boolean"],
        "encoding": [StrOptions({"onehot", "ordinal"})],
        "max_categories": [Interval(Integral, 2, None, closed="left"), None],
    }

    def __init__(
        self,
        *,
        categorical_features="auto",
        sentinel_values=("?",),
        numeric_strategy="median",
        categorical_strategy="most_frequent",
        fill_value="missing",
        add_indicator=False,
        clip=None,
        quantile_range=(1.0, 99.0),
        iqr_factor=1.5,
        drop_constant=True,
        encoding="onehot",
        max_categories=None,
    ):
        self.categorical_features = categorical_features
        self.sentinel_values = sentinel_values
        self.numeric_strategy = numeric_strategy
        self.categorical_strategy = categorical_strategy
        self.fill_value = fill_value
        self.add_indicator = add_indicator
        self.clip = clip
        self.quantile_range = quantile_range
        self.iqr_factor = iqr_factor
        self.drop_constant = drop_constant
        self.encoding = encoding
        self.max_categories = max_categories

    # -- reading the columns -------------------------------------------------

    def _validate_table(self, X, reset):
        """Validate X; return its columns as 1-D arrays and category-dtype flags."""
        if hasattr(X, "iloc") and hasattr(X, "columns"):
            if not reset:
                _check_column_order(self, X)
            validate_data(self, X, reset=reset, skip_check_array=True)
            if X.shape[0] < 1:
                raise ValueError(
                    f"Found array with 0 sample(s) (shape={X.shape}) while a "
                    "minimum of 1 is required."
                )
            columns = [X.iloc[:, j] for j in range(X.shape[1])]
            is_category = [getattr(c.dtype, "name", "") == "category" for c in columns]
            return [_frame_column(c) for c in columns], is_category
        X = validate_data(
            self, X, reset=reset, dtype=None, ensure_all_finite=False, copy=False
        )
        if X.dtype.kind not in "biufOUS":
            raise ValueError(f"Unsupported dtype {X.dtype} for X.")
        return [X[:, j] for j in range(X.shape[1])], [False] * X.shape[1]

    def _categorical_mask(self, columns, is_category):
        n_features = len(columns)
        spec = self.categorical_features
        if spec is None:
            return np.zeros(n_features, dtype=bool)
        if isinstance(spec, str):
            return np.array(
                [
                    category or self._looks_categorical(column)
                    for column, category in zip(columns, is_category)
                ],
                dtype=bool,
            )
        spec = np.asarray(spec)
        mask = np.zeros(n_features, dtype=bool)
        if spec.size == 0:
            return mask
        if spec.dtype.kind == "b":
            if spec.shape != (n_features,):
                raise ValueError(
                    f"categorical_features as a boolean mask must have "
                    f"{n_features} entries, one per column; got {spec.shape[0]}."
                )
            return spec.copy()
        if spec.dtype.kind in "iu":
            bad = spec[(spec < -n_features) | (spec >= n_features)]
            if bad.size:
                raise ValueError(
                    f"categorical_features indices {bad.tolist()} are out of range "
                    f"for X with {n_features} columns."
                )
            mask[spec] = True
            return mask
        if spec.dtype.kind in "UO":
            names = getattr(self, "feature_names_in_", None)
            if names is None:
                raise ValueError(
                    "categorical_features names columns but X has no column "
                    "names; pass a DataFrame or give column indices."
                )
            unknown = sorted(set(map(str, spec)) - set(names))
            if unknown:
                raise ValueError(
                    f"categorical_features names {unknown}, which are not columns "
                    f"of X; the columns are {list(names)}."
                )
            return np.isin(names, spec.astype(str))
        raise ValueError(
            "categorical_features must be 'auto', None, or column indices, names "
            f"or a boolean mask; got an array of dtype {spec.dtype}."
        )

    def _looks_categorical(self, column):
        if column.dtype.kind in "biuf":
            return False
        try:
            self._to_float(column, "")
        except (TypeError, ValueError):
            return True
        return False

    def _string_sentinels(self):
        return {
            str(s).strip() for s in self.sentinel_values or () if isinstance(s, str)
        }

    def _numeric_sentinels(self):
        return [
            float(s)
            for s in self.sentinel_values or ()
            if isinstance(s, Real) and not isinstance(s, bool)
        ]

    def _to_float(self, column, name):
        """Numeric column as float64 with NaN for missing, sentinel and inf."""
        column = np.asarray(column)
        if column.dtype.kind in "biuf":
            values = column.astype(np.float64)
        else:
            sentinels = self._string_sentinels()
            missing = _is_missing(column)
            values = np.full(column.shape, np.nan)
            for i in np.flatnonzero(~missing):
                value = column[i]
                if isinstance(value, str | bytes) and (
                    _category_label(value) in sentinels
                ):
                    continue
                try:
                    values[i] = float(value)
                except ValueError as exc:
                    raise ValueError(
                        f"Column {name!r} is numeric but holds the value "
                        f"{value!r}; add it to sentinel_values if it means "
                        "'missing', or list the column in categorical_features."
                    ) from exc
        values[np.isinf(values)] = np.nan
        numeric_sentinels = self._numeric_sentinels()
        if numeric_sentinels:
            values[np.isin(values, numeric_sentinels)] = np.nan
        return values

    def _to_labels(self, column):
        """Categorical column as an object array of str labels, NaN if missing."""
        column = np.asarray(column)
        missing = _is_missing(column)
        if column.dtype.kind == "f":
            missing |= np.isinf(column)
        sentinels = self._string_sentinels()
        numeric_sentinels = self._numeric_sentinels()
        labels = np.full(column.shape, np.nan, dtype=object)
        for i in np.flatnonzero(~missing):
            value = column[i]
            if isinstance(value, Real) and float(value) in numeric_sentinels:
                continue
            label = _category_label(value)
            if label not in sentinels:
                labels[i] = label
        return labels

    def _split(self, columns, names):
        """Return (numeric float array, categorical object array) of all columns."""
        n_samples = len(columns[0]) if columns else 0
        numeric = [
            self._to_float(columns[j], names[j])
            for j in np.flatnonzero(~self.is_categorical_)
        ]
        categorical = [
            self._to_labels(columns[j]) for j in np.flatnonzero(self.is_categorical_)
        ]
        X_num = np.column_stack(numeric) if numeric else np.empty((n_samples, 0))
        X_cat = (
            np.column_stack(categorical)
            if categorical
            else np.empty((n_samples, 0), dtype=object)
        )
        return X_num, X_cat

    # -- fit / transform -----------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the columns to drop, the clipping bounds, imputers and encoder.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            The table; may hold strings, NaN, None, ``pd.NA`` and infinities.

        y : None
            Ignored.

        Returns
        -------
        self : TableCleaner
            The fitted cleaner.
        """
        _check_quantile_range(self.quantile_range)
        columns, is_category = self._validate_table(X, reset=True)
        names = _input_feature_names(self, None)
        self.is_categorical_ = self._categorical_mask(columns, is_category)
        X_num, X_cat = self._split(columns, names)
        num_idx = np.flatnonzero(~self.is_categorical_)
        cat_idx = np.flatnonzero(self.is_categorical_)

        self.dropped_features_ = {}
        keep_num = np.ones(len(num_idx), dtype=bool)
        for k, j in enumerate(num_idx):
            observed = X_num[~np.isnan(X_num[:, k]), k]
            keep_num[k] = self._keep(names[j], np.unique(observed).size)
        keep_cat = np.ones(len(cat_idx), dtype=bool)
        for k, j in enumerate(cat_idx):
            observed = X_cat[:, k][X_cat[:, k] == X_cat[:, k]]
            keep_cat[k] = self._keep(names[j], len(set(observed)))
        self._numeric_kept = keep_num
        self._categorical_kept = keep_cat
        self._kept_columns = np.concatenate([num_idx[keep_num], cat_idx[keep_cat]])
        X_num, X_cat = X_num[:, keep_num], X_cat[:, keep_cat]
        if self.add_indicator:
            X_raw = np.hstack([X_num.astype(object), X_cat])

        self.lower_ = self.upper_ = None
        if self.clip is not None:
            self.lower_, self.upper_ = _clip_bounds(
                X_num, self.clip, self.quantile_range, self.iqr_factor
            )
            X_num = np.clip(X_num, self.lower_, self.upper_)

        self.numeric_imputer_ = None
        if X_num.shape[1]:
            self.numeric_imputer_ = SimpleImputer(strategy=self.numeric_strategy)
            self.numeric_imputer_.fit(X_num)

        self.categorical_imputer_ = self.encoder_ = None
        if X_cat.shape[1]:
            self.categorical_imputer_ = SimpleImputer(
                missing_values=np.nan,
                strategy=self.categorical_strategy,
                fill_value=self.fill_value,
            )
            X_cat = self.categorical_imputer_.fit_transform(X_cat)
            if self.encoding == "onehot":
                self.encoder_ = OneHotEncoder(
                    handle_unknown="infrequent_if_exist"
                    if self.max_categories
                    else "ignore",
                    sparse_output=False,
                    max_categories=self.max_categories,
                )
            else:
                self.encoder_ = OrdinalEncoder(
                    handle_unknown="use_encoded_value",
                    unknown_value=-1,
                    max_categories=self.max_categories,
                )
            self.encoder_.fit(X_cat)

        self.indicator_ = None
        if self.add_indicator:
            self.indicator_ = MissingIndicator(
                missing_values=np.nan, features="missing-only", error_on_new=False
            ).fit(X_raw)
        return self

    def _keep(self, name, n_distinct):
        if n_distinct == 0:
            self.dropped_features_[str(name)] = "all missing"
            return False
        if n_distinct == 1 and self.drop_constant:
            self.dropped_features_[str(name)] = "constant"
            return False
        return True

    def transform(self, X):
        """Clean X with what was learned in fit.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            The table, with the columns seen in fit, in the same order.

        Returns
        -------
        X_tr : ndarray of shape (n_samples, n_features_out)
            All-numeric float64 data, one row per input row; see
            :meth:`get_feature_names_out` for the columns.
        """
        check_is_fitted(self)
        columns, _ = self._validate_table(X, reset=False)
        names = _input_feature_names(self, None)
        X_num, X_cat = self._split(columns, names)
        X_num = X_num[:, self._numeric_kept]
        X_cat = X_cat[:, self._categorical_kept]
        parts = []
        missing = None
        if self.indicator_ is not None:
            missing = self.indicator_.transform(
                np.hstack([X_num.astype(object), X_cat])
            ).astype(np.float64)
        if self.numeric_imputer_ is not None:
            if self.lower_ is not None:
                X_num = np.clip(X_num, self.lower_, self.upper_)
            parts.append(self.numeric_imputer_.transform(X_num))
        if self.encoder_ is not None:
            X_cat = self.categorical_imputer_.transform(X_cat)
            parts.append(np.asarray(self.encoder_.transform(X_cat), dtype=np.float64))
        if missing is not None:
            parts.append(missing)
        if not parts:
            return np.empty((len(columns[0]) if columns else 0, 0))
        return np.hstack(parts).astype(np.float64, copy=False)

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Input column names; defaults to ``feature_names_in_`` or
            ``x0 ... x{n_features_in_ - 1}``.

        Returns
        -------
        feature_names_out : ndarray of str objects
            Kept numeric columns, then ``column_category`` (one-hot) or
            ``column`` (ordinal) for the categorical ones, then
            ``missingindicator_column``.
        """
        check_is_fitted(self)
        names = _input_feature_names(self, input_features)
        num_names = names[~self.is_categorical_][self._numeric_kept]
        cat_names = names[self.is_categorical_][self._categorical_kept]
        out = [num_names]
        if self.encoder_ is not None:
            out.append(self.encoder_.get_feature_names_out(cat_names))
        if self.indicator_ is not None:
            out.append(
                self.indicator_.get_feature_names_out(
                    np.concatenate([num_names, cat_names])
                )
            )
        return np.concatenate(out).astype(object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        return tags
