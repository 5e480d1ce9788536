"""Helpers shared by the preprocessing transformers."""
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
from sklearn.utils.validation import FLOAT_DTYPES, check_is_fitted, validate_data


def _check_column_order(estimator, X):
    """Raise a ValueError naming the columns when a DataFrame's are reordered.

    scikit-learn already names missing and unexpected columns but only says
    that the order differs; this names the first misplaced column. Other
    mismatches are left to ``validate_data``.
    """
    fitted = getattr(estimator, "feature_names_in_", None)
    columns = getattr(X, "columns", None)
    if fitted is None or columns is None or not hasattr(X, "iloc"):
        return
    given = np.asarray([str(c) for c in columns], dtype=object)
    if len(given) != len(fitted) or set(given) != set(fitted):
        return
    wrong = np.flatnonzero(given != fitted)
    if wrong.size:
        i = wrong[0]
        raise ValueError(
            "The feature names should match those that were passed during fit.\n"
            "Feature names must be in the same order as they were in fit.\n"
            f"Column {given[i]!r} is at position {i}, where {fitted[i]!r} was in "
            f"fit; the fitted order is {list(fitted)}. Select the columns as "
            "X[estimator.feature_names_in_]."
        )


def _input_feature_names(estimator, input_features):
    """Names of the input features, checked against those seen in fit."""
    n_features = estimator.n_features_in_
    fitted = getattr(estimator, "feature_names_in_", None)
    if input_features is None:
        if fitted is not None:
            return np.asarray(fitted, dtype=object)
        return np.asarray([f"x{i}" for i in range(n_features)], dtype=object)
    input_features = np.asarray(input_features, dtype=object)
    if fitted is not None and not np.array_equal(input_features, fitted):
        raise ValueError("input_features is not equal to feature_names_in_")
    if len(input_features) != n_features:
        raise ValueError(
            f"input_features should have length equal to number of features "
            f"({n_features}), got {len(input_features)}"
        )
    return input_features


def _validate_fitted_input(estimator, X):
    """Check a fitted one-to-one transformer's input: fitted, same columns.

    Returns X as a float array, NaN allowed.
    """
    check_is_fitted(estimator)
    _check_column_order(estimator, X)
    return validate_data(
        estimator, X, dtype=FLOAT_DTYPES, reset=False, ensure_all_finite="allow-nan"
    )
