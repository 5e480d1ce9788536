import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.preprocessing import (
    MinMaxScaler,
    PowerTransformer,
    QuantileTransformer,
    RobustScaler,
    StandardScaler,
)

from skmtl.preprocessing import FeatureScaler

SCALERS = {
    "standard": StandardScaler(),
    "minmax": MinMaxScaler(),
    "robust": RobustScaler(),
    "quantile": QuantileTransformer(n_quantiles=5),
    "power": PowerTransformer(),
}


def _data_with_nan():
    rng = np.random.RandomState(0)
    X = rng.lognormal(size=(30, 3))
    X[[1, 4, 9], 0] = np.nan
    X[[2, 4], 2] = np.nan
    return X


@pytest.mark.parametrize("method", sorted(SCALERS))
def test_feature_scaler_matches_sklearn_and_keeps_nan(method):
    """Check the output is sklearn's and NaN is ignored in fit, kept in transform."""
    X = _data_with_nan()
    scaler = FeatureScaler(method, n_quantiles=5).fit(X)
    Xt = scaler.transform(X)
    assert_array_equal(np.isnan(Xt), np.isnan(X))
    assert_allclose(Xt, SCALERS[method].fit_transform(X))
    for j in range(X.shape[1]):
        observed = ~np.isnan(X[:, j])
        alone = FeatureScaler(method, n_quantiles=5).fit(X[observed, j : j + 1])
        assert_allclose(Xt[observed, j], alone.transform(X[observed, j : j + 1])[:, 0])


@pytest.mark.parametrize("method", sorted(SCALERS))
def test_feature_scaler_inverse_transform(method):
    X = _data_with_nan()
    scaler = FeatureScaler(method).fit(X)
    assert_allclose(scaler.inverse_transform(scaler.transform(X)), X, rtol=1e-6)


def test_feature_scaler_quantile_few_samples_no_warning():
    X = np.arange(10.0).reshape(5, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scaler = FeatureScaler("quantile").fit(X)
    assert scaler.scaler_.n_quantiles_ == 5


def test_feature_scaler_options_reach_the_scaler():
    X = np.array([[0.0], [1.0], [2.0], [10.0]])
    assert_allclose(
        FeatureScaler("minmax", feature_range=(-1.0, 1.0)).fit_transform(X).ravel(),
        [-1.0, -0.8, -0.6, 1.0],
    )
    robust = FeatureScaler("robust", quantile_range=(0.0, 100.0)).fit(X)
    assert_allclose(robust.scaler_.scale_, [10.0])
    normal = FeatureScaler("quantile", output_distribution="normal").fit(X)
    assert normal.scaler_.output_distribution == "normal"


def test_feature_scaler_pandas_output_and_names():
    X = pd.DataFrame(_data_with_nan(), columns=["a", "b", "c"])
    scaler = FeatureScaler().set_output(transform="pandas").fit(X)
    Xt = scaler.transform(X)
    assert_array_equal(Xt.columns, ["a", "b", "c"])
    assert_array_equal(scaler.get_feature_names_out(), ["a", "b", "c"])


def test_feature_scaler_reordered_columns_error():
    X = pd.DataFrame(_data_with_nan(), columns=["a", "b", "c"])
    scaler = FeatureScaler().fit(X)
    with pytest.raises(ValueError, match=r"Column 'c' is at position 0.*\['a', 'b'"):
        scaler.transform(X[["c", "b", "a"]])
    with pytest.raises(ValueError, match="unseen at fit time:\n- d"):
        scaler.transform(X.rename(columns={"c": "d"}))


def test_feature_scaler_bad_method():
    with pytest.raises(ValueError, match="'method' parameter of FeatureScaler"):
        FeatureScaler("zscore").fit(np.zeros((2, 1)))
