import re
import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skmtl.preprocessing import QuantileClipper, TableCleaner


def _messy_table():
    """A small adult-like table: every kind of mess TableCleaner handles."""
    return pd.DataFrame(
        {
            "age": [25.0, np.inf, 40.0, np.nan, 31.0, 52.0],
            "workclass": ["Private", "?", "State-gov", None, " Private", "Private"],
            "hours": [40, 20, 45, 40, 60, 38],
            "capital": ["1000", "?", "250.5", "0", "0", "1000"],
            "education": pd.Categorical(["HS", "BSc", "HS", np.nan, "MSc", "HS"]),
            "country": ["US"] * 6,
            "empty": [np.nan] * 6,
            "stars": pd.array([1, pd.NA, 3, 3, 2, 1], dtype="Int64"),
        },
        index=[10, 11, 12, 13, 14, 15],
    )


def test_table_cleaner_messy_table():
    """Check the whole cleaning of a realistic mixed table, value by value."""
    X = _messy_table()
    cleaner = TableCleaner().fit(X)
    assert cleaner.dropped_features_ == {"country": "constant", "empty": "all missing"}
    assert_array_equal(
        cleaner.is_categorical_, [False, True, False, False, True, True, False, False]
    )
    names = cleaner.get_feature_names_out()
    assert_array_equal(
        names,
        [
            "age",
            "hours",
            "capital",
            "stars",
            "workclass_Private",
            "workclass_State-gov",
            "education_BSc",
            "education_HS",
            "education_MSc",
        ],
    )
    Xt = cleaner.transform(X)
    assert Xt.dtype == np.float64
    assert Xt.shape == (6, 9)
    assert np.all(np.isfinite(Xt))
    # inf and NaN ages become the median of 25, 40, 31, 52; "?" capital the
    # median of 1000, 250.5, 0, 0, 1000; pd.NA stars the median of 1, 3, 3, 2, 1
    assert_allclose(Xt[:, 0], [25, 35.5, 40, 35.5, 31, 52])
    assert_allclose(Xt[:, 2], [1000, 250.5, 250.5, 0, 0, 1000])
    assert_allclose(Xt[:, 3], [1, 2, 3, 3, 2, 1])
    # "?" and None become the most frequent category; " Private" is stripped
    assert_allclose(Xt[:, 4], [1, 1, 0, 1, 1, 1])
    assert_allclose(
        Xt[:, 6:],
        # the NaN education (row 13) becomes the most frequent, "HS"
        [[0, 1, 0], [1, 0, 0], [0, 1, 0], [0, 1, 0], [0, 0, 1], [0, 1, 0]],
    )


def test_table_cleaner_unseen_category_and_rows_kept():
    """Check unseen categories do not crash and rows are kept in order."""
    X = _messy_table()
    cleaner = TableCleaner().fit(X)
    X_new = X.iloc[[5, 0, 2]].copy()
    X_new["workclass"] = ["Never-seen", "Private", "?"]
    Xt = cleaner.transform(X_new)
    assert Xt.shape == (3, 9)
    assert_allclose(Xt[0, 4:6], [0, 0])
    assert_allclose(Xt[:, 0], [52, 25, 40])
    perm = [3, 1, 5, 0, 2, 4]
    assert_allclose(cleaner.transform(X.iloc[perm]), cleaner.transform(X)[perm])


def test_table_cleaner_ordinal_unknown_is_minus_one():
    X = pd.DataFrame({"a": ["x", "y", "x"], "b": [1.0, 2.0, 3.0]})
    cleaner = TableCleaner(encoding="ordinal").fit(X)
    assert_array_equal(cleaner.get_feature_names_out(), ["b", "a"])
    Xt = cleaner.transform(pd.DataFrame({"a": ["y", "z"], "b": [1.0, 1.0]}))
    assert_allclose(Xt, [[1.0, 1.0], [1.0, -1.0]])


def test_table_cleaner_set_output_pandas():
    X = _messy_table()
    cleaner = TableCleaner().set_output(transform="pandas")
    Xt = cleaner.fit_transform(X)
    assert isinstance(Xt, pd.DataFrame)
    assert_array_equal(Xt.index, X.index)
    assert_array_equal(Xt.columns, cleaner.get_feature_names_out())


def test_table_cleaner_ndarray_with_categorical_codes():
    """Check float category codes with NaN in an ndarray, given by index."""
    X = np.array([[0.5, 0.0], [1.5, 2.0], [np.nan, np.nan], [2.5, 2.0], [-np.inf, 1.0]])
    cleaner = TableCleaner(categorical_features=[1]).fit(X)
    assert_array_equal(cleaner.get_feature_names_out(), ["x0", "x1_0", "x1_1", "x1_2"])
    assert_allclose(
        cleaner.transform(X),
        [
            [0.5, 1, 0, 0],
            [1.5, 0, 0, 1],
            [1.5, 0, 0, 1],
            [2.5, 0, 0, 1],
            [1.5, 0, 1, 0],
        ],
    )
    # the same columns read from a numeric ndarray by default are numeric
    assert not TableCleaner().fit(X).is_categorical_.any()


@pytest.mark.parametrize("spec", [["b"], [1], [False, True], np.array([-1])])
def test_table_cleaner_categorical_features_spec(spec):
    X = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [7.0, 8.0, 7.0]})
    cleaner = TableCleaner(categorical_features=spec).fit(X)
    assert_array_equal(cleaner.is_categorical_, [False, True])
    assert_array_equal(cleaner.get_feature_names_out(), ["a", "b_7", "b_8"])


def test_table_cleaner_object_ndarray_auto():
    X = np.array([["a", "1.5"], ["b", "?"], ["a", "2.5"]], dtype=object)
    cleaner = TableCleaner().fit(X)
    assert_array_equal(cleaner.is_categorical_, [True, False])
    assert_allclose(cleaner.transform(X), [[1.5, 1, 0], [2.0, 0, 1], [2.5, 1, 0]])


def test_table_cleaner_numeric_sentinel_and_mean():
    X = np.array([[1.0], [-999.0], [3.0], [8.0]])
    cleaner = TableCleaner(sentinel_values=(-999, "?"), numeric_strategy="mean")
    assert_allclose(cleaner.fit_transform(X).ravel(), [1, 4, 3, 8])


def test_table_cleaner_constant_strategy_and_indicator():
    X = pd.DataFrame({"num": [1.0, np.nan, 3.0], "cat": ["u", "?", "v"]})
    cleaner = TableCleaner(categorical_strategy="constant", add_indicator=True)
    Xt = cleaner.fit_transform(X)
    assert_array_equal(
        cleaner.get_feature_names_out(),
        [
            "num",
            "cat_missing",
            "cat_u",
            "cat_v",
            "missingindicator_num",
            "missingindicator_cat",
        ],
    )
    assert_allclose(Xt, [[1, 0, 1, 0, 0, 0], [2, 1, 0, 0, 1, 1], [3, 0, 0, 1, 0, 0]])


@pytest.mark.parametrize("clip", ["quantile", "iqr"])
def test_table_cleaner_clip_bounds(clip):
    x = np.array([0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 100.0, np.nan])
    X = np.column_stack([x, x[::-1]])
    cleaner = TableCleaner(clip=clip, quantile_range=(10.0, 90.0), iqr_factor=1.0)
    Xt = cleaner.fit(X).transform(X)
    observed = x[~np.isnan(x)]
    if clip == "quantile":
        lower, upper = np.percentile(observed, [10, 90])
    else:
        q1, q3 = np.percentile(observed, [25, 75])
        lower, upper = q1 - (q3 - q1), q3 + (q3 - q1)
    assert_allclose(cleaner.lower_, [lower, lower])
    assert_allclose(cleaner.upper_, [upper, upper])
    assert Xt[:, 0].max() == pytest.approx(upper)
    assert np.all(np.isfinite(Xt))


def test_table_cleaner_keeps_constant_when_asked():
    X = np.array([[1.0, 2.0], [1.0, 3.0]])
    assert TableCleaner(drop_constant=False).fit_transform(X).shape == (2, 2)
    assert TableCleaner().fit_transform(X).shape == (2, 1)


def test_table_cleaner_max_categories():
    X = pd.DataFrame({"c": list("aaaabbbcd")})
    cleaner = TableCleaner(max_categories=2).fit(X)
    assert_array_equal(cleaner.get_feature_names_out(), ["c_a", "c_infrequent_sklearn"])
    assert_allclose(cleaner.transform(pd.DataFrame({"c": ["z"]})), [[0, 1]])


def test_table_cleaner_reordered_columns_error_names_them():
    X = _messy_table()
    cleaner = TableCleaner().fit(X)
    with pytest.raises(ValueError, match="Column 'workclass' is at position 0"):
        cleaner.transform(X[["workclass", "age", *X.columns[2:]]])
    with pytest.raises(ValueError, match="yet now missing:\n- hours"):
        cleaner.transform(X.drop(columns="hours"))


@pytest.mark.parametrize(
    "params, X, match",
    [
        (
            dict(categorical_features=["a"]),
            np.zeros((3, 2)),
            "X has no column names",
        ),
        (
            dict(categorical_features=["nope"]),
            pd.DataFrame({"a": [1.0, 2.0]}),
            re.escape("names ['nope'], which are not columns of X"),
        ),
        (dict(categorical_features=[5]), np.zeros((3, 2)), "out of range"),
        (dict(categorical_features=[True]), np.zeros((3, 2)), "2 entries"),
        (dict(quantile_range=(90.0, 10.0)), np.zeros((3, 2)), "quantile_range"),
        (
            dict(categorical_features=None),
            pd.DataFrame({"a": ["x", "y"]}),
            "Column 'a' is numeric but holds the value 'x'",
        ),
    ],
)
def test_table_cleaner_bad_input(params, X, match):
    with pytest.raises(ValueError, match=match):
        TableCleaner(**params).fit(X)


def test_table_cleaner_new_text_in_numeric_column():
    """Check that a new missing marker at transform is named in the error."""
    X = pd.DataFrame({"a": ["1", "2", "?"]})
    cleaner = TableCleaner().fit(X)
    with pytest.raises(ValueError, match="holds the value 'N/A'; add it to sentinel"):
        cleaner.transform(pd.DataFrame({"a": ["N/A"]}))


def test_quantile_clipper_keeps_nan():
    X = np.array([[0.0, np.nan], [1.0, np.nan], [2.0, np.nan], [np.nan, np.nan]])
    clipper = QuantileClipper(quantile_range=(0.0, 50.0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Xt = clipper.fit_transform(X)
    assert_allclose(clipper.lower_, [0.0, -np.inf])
    assert_allclose(clipper.upper_, [1.0, np.inf])
    assert_allclose(Xt, [[0, np.nan], [1, np.nan], [1, np.nan], [np.nan, np.nan]])


def test_quantile_clipper_bad_range():
    with pytest.raises(ValueError, match="quantile_range must be a pair"):
        QuantileClipper(quantile_range=(1.0, 101.0)).fit(np.zeros((2, 1)))
