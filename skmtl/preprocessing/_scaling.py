"""One scaler, several methods: scikit-learn's scalers behind one parameter."""
# SPDX-License-Identifier: BSD-3-Clause

from numbers import Integral

from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.preprocessing import (
    MinMaxScaler,
    PowerTransformer,
    QuantileTransformer,
    RobustScaler,
    StandardScaler,
)
from sklearn.utils.validation import FLOAT_DTYPES, validate_data

from skmtl.preprocessing._common import _validate_fitted_input
from skmtl.utils._sklearn_compat import Interval, StrOptions, _fit_context

SCALING_METHODS = ("minmax", "power", "quantile", "robust", "standard")


class FeatureScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Scale each feature with one of scikit-learn's scalers, keeping NaN.

    A single estimator whose ``method`` parameter picks the scaler, so the
    choice can be tuned in a grid search. Missing values (NaN) are ignored
    when the scaling statistics are learned and stay NaN in the output, as
    every wrapped scikit-learn scaler does; impute them later (or earlier,
    with :class:`TableCleaner`).

    Parameters
    ----------
    method : {'standard', 'minmax', 'robust', 'quantile', 'power'}, \
            default='standard'
        The scaler: :class:`~sklearn.preprocessing.StandardScaler`,
        :class:`~sklearn.preprocessing.MinMaxScaler`,
        :class:`~sklearn.preprocessing.RobustScaler`,
        :class:`~sklearn.preprocessing.QuantileTransformer` or
        :class:`~sklearn.preprocessing.PowerTransformer` (Yeo-Johnson, then
        standardized).

    feature_range : tuple of float, default=(0.0, 1.0)
        Output range of ``method='minmax'``; ignored otherwise.

    quantile_range : tuple of float, default=(25.0, 75.0)
        Percentiles defining the spread of ``method='robust'``; ignored
        otherwise.

    n_quantiles : int, default=1000
        Number of quantiles of ``method='quantile'``, capped at the number of
        training samples; ignored otherwise.

    output_distribution : {'uniform', 'normal'}, default='uniform'
        Output distribution of ``method='quantile'``; ignored otherwise.

    random_state : int, RandomState instance or None, default=None
        Subsampling seed of ``method='quantile'`` on large data; ignored
        otherwise.

    Attributes
    ----------
    scaler_ : estimator
        The fitted scikit-learn scaler.

    n_features_in_ : int
        Number of features seen during :term:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X`
        has feature names that are all strings.

    See Also
    --------
    TableCleaner : Impute, clip and encode a mixed table before scaling.
    sklearn.preprocessing.StandardScaler : The default scaler.

    Examples
    --------
    >>> import numpy as np
    >>> from skmtl.preprocessing import FeatureScaler
    >>> X = np.array([[1.0, 10.0], [2.0, np.nan], [3.0, 30.0]])
    >>> FeatureScaler(method="minmax").fit_transform(X)
    array([[0. , 0. ],
           [0.5, nan],
           [1. , 1. ]])
    """

    _parameter_constraints: dict = {
        "method": [StrOptions(set(SCALING_METHODS))],
        "feature_range": [tuple],
        "quantile_range": [tuple],
        "n_quantiles": [Interval(Integral, 1, None, closed="left")],
        "output_distribution": [StrOptions({"uniform", "normal"})],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        method="standard",
        *,
        feature_range=(0.0, 1.0),
        quantile_range=(25.0, 75.0),
        n_quantiles=1000,
        output_distribution="uniform",
        random_state=None,
    ):
        self.method = method
        self.feature_range = feature_range
        self.quantile_range = quantile_range
        self.n_quantiles = n_quantiles
        self.output_distribution = output_distribution
        self.random_state = random_state

    def _make_scaler(self, n_samples):
        if self.method == "standard":
            return StandardScaler()
        if self.method == "minmax":
            return MinMaxScaler(feature_range=self.feature_range)
        if self.method == "robust":
            return RobustScaler(quantile_range=self.quantile_range)
        if self.method == "quantile":
            # Capping here avoids the warning QuantileTransformer gives when it
            # caps n_quantiles itself; the result is the same.
            return QuantileTransformer(
                n_quantiles=min(self.n_quantiles, n_samples),
                output_distribution=self.output_distribution,
                random_state=self.random_state,
            )
        return PowerTransformer(method="yeo-johnson", standardize=True)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the scaling statistics, ignoring NaN.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Numeric training data; NaN marks a missing value.

        y : None
            Ignored.

        Returns
        -------
        self : FeatureScaler
            The fitted scaler.
        """
        X = validate_data(self, X, dtype=FLOAT_DTYPES, ensure_all_finite="allow-nan")
        self.scaler_ = self._make_scaler(X.shape[0]).fit(X)
        return self

    def transform(self, X):
        """Scale X; NaN stays NaN.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data to scale.

        Returns
        -------
        X_tr : ndarray of shape (n_samples, n_features)
            The scaled data.
        """
        X = _validate_fitted_input(self, X)
        return self.scaler_.transform(X)

    def inverse_transform(self, X):
        """Map scaled data back to the original units.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Scaled data.

        Returns
        -------
        X_original : ndarray of shape (n_samples, n_features)
            Data in the units seen in fit.
        """
        X = _validate_fitted_input(self, X)
        return self.scaler_.inverse_transform(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
