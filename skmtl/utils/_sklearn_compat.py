"""The one place that imports private scikit-learn helpers."""
# SPDX-License-Identifier: BSD-3-Clause

# ``_fit_context`` and the constraint classes are private in scikit-learn and
# have moved between releases; importing them here keeps a move a one-file fix.
from sklearn.base import _fit_context
from sklearn.utils._available_if import available_if
from sklearn.utils._param_validation import (
    HasMethods,
    Hidden,
    Interval,
    Options,
    StrOptions,
    validate_params,
)
from sklearn.utils.validation import _check_sample_weight

__all__ = [
    "HasMethods",
    "Hidden",
    "Interval",
    "Options",
    "StrOptions",
    "_check_sample_weight",
    "_fit_context",
    "available_if",
    "validate_params",
]
