import numpy as np
import pytest
from numpy.testing import assert_array_equal

from skmtl.datasets import (
    load_adult,
    load_census_income,
    load_computer_survey,
    load_parkinsons,
    load_school,
    load_yeast,
)
from skmtl.datasets._archive import (
    _array_digest,
    _data_file,
    _read_bundled,
    _read_manifest,
)
from skmtl.utils import TASK_TYPES

BUNDLED = (
    "school",
    "computer_survey",
    "parkinsons",
    "yeast",
    "adult",
    "census_income_kdd_testfile",
)
# sha256 of the curated originals, as listed in the data README.
ORIGINAL_SHA256 = {
    "school": "dbec51ad5495db86b9ab85eda3e8ac2521f8a2e543820a08d976d54f9a835fe0",
    "computer_survey": (
        "8933581d8b92d5cfe96d4dd182ff9197be64a2a97b6608914eba797e729efcc1"
    ),
    "parkinsons": "b1952432e5348f9dda48340eb0dbb50c1f2c95051714b6a079bd7b84c5edcf49",
    "yeast": "de00922eece800ae8919b2a3c84ece3808ac4eb0545a9c824dece48769649800",
    "adult": "cabbb48abe76992af20b9bc1bd1db2ffdc07588b4b9dda968ee3af997e7e1aea",
    "census_income_kdd_testfile": (
        "10153c5023f560f08a8891c3a66751e68d6a96ad841fd14c660ada373ba61c2d"
    ),
}

# Figures stated in the curators' data README: (loader, subset) -> rows,
# features, tasks and missing feature cells.
README_FIGURES = {
    (load_school, None): (15_362, 27, 139, 0),
    (load_computer_survey, "train"): (3_040, 13, 190, 0),
    (load_computer_survey, "test"): (760, 13, 190, 0),
    (load_parkinsons, None): (5_875, 19, 2, 0),
    (load_yeast, "train"): (1_500, 103, 14, 0),
    (load_yeast, "test"): (917, 103, 14, 0),
    (load_adult, "train"): (32_561, 13, 2, 4_262),
    (load_adult, "test"): (16_281, 13, 2, 2_203),
    (load_census_income, "train"): (49_881, 39, 2, None),
    (load_census_income, "test"): (49_881, 39, 2, None),
    (load_census_income, "all"): (99_762, 39, 2, None),
}
SPLIT_LOADERS = (load_computer_survey, load_yeast, load_adult, load_census_income)
ALL_LOADERS = (load_school, load_parkinsons, *SPLIT_LOADERS)


def _load(loader, subset=None, **kwargs):
    if subset is not None:
        kwargs["subset"] = subset
    return loader(**kwargs)


@pytest.mark.parametrize("name", BUNDLED)
def test_bundled_file_restores_original_arrays(name):
    """Check that decoding gives back every curated array, bit for bit."""
    assert _data_file(f"{name}.npz").stat().st_size < 2_000_000
    manifest = _read_manifest(name)
    arrays = _read_bundled(name)
    assert list(arrays) == list(manifest)
    for key, array in arrays.items():
        assert array.dtype.str == manifest[key]["dtype"]
        assert list(array.shape) == manifest[key]["shape"]
        assert _array_digest(array) == manifest[key]["sha256"], key


@pytest.mark.parametrize("name", BUNDLED)
def test_bundled_descr_and_readme(name):
    descr = _data_file(f"{name}.txt").read_text(encoding="utf-8")
    for heading in ("**Origin.**", "**Terms.**", "**Content.**", "**In skmtl.**"):
        assert heading in descr
    readme = _data_file("README.txt").read_text(encoding="utf-8")
    assert f"{ORIGINAL_SHA256[name]}  {name}.npz" in readme


@pytest.mark.parametrize(("loader", "subset"), list(README_FIGURES))
def test_loader_matches_readme_figures(loader, subset):
    n_rows, n_features, n_tasks, n_missing = README_FIGURES[loader, subset]
    bunch = _load(loader, subset)
    X, Y = bunch.data, bunch.target
    assert X.shape == (n_rows, n_features)
    assert Y.shape == (n_rows, n_tasks)
    assert X.dtype == np.float64 and Y.dtype == np.float64
    if n_missing is not None:
        assert np.isnan(X).sum() == n_missing
    assert len(bunch.feature_names) == len(bunch.feature_types) == n_features
    assert len(bunch.task_names) == len(bunch.task_types) == n_tasks
    assert set(bunch.task_types) <= set(TASK_TYPES)
    assert set(bunch.feature_types) <= {"numeric", "categorical"}
    assert all(isinstance(name, str) for name in bunch.feature_names)
    assert bunch.frame is None


def test_census_income_readme_figures():
    census = load_census_income(subset="all")
    assert np.isnan(census.data).sum() == 208_379
    assert census.feature_types.count("numeric") == 7
    assert census.feature_types.count("categorical") == 32
    assert_allclose_pct(census.target.mean(axis=0), [6.2, 43.2])
    assert census.instance_weight.shape == (99_762,)
    assert census.marital_status.shape == (99_762,)
    assert (census.target[:, 1] == (census.marital_status == "Never married")).all()


def assert_allclose_pct(rates, expected_pct):
    np.testing.assert_allclose(100 * np.asarray(rates), expected_pct, atol=0.05)


def test_adult_readme_figures():
    train, test = load_adult(), load_adult(subset="test")
    assert_allclose_pct(train.target.mean(axis=0), [24.1, 32.8])
    assert_allclose_pct(test.target.mean(axis=0), [23.6, 33.4])
    assert train.task_names == ["income_gt_50k", "never_married"]
    assert train.task_types == ["binary", "binary"]
    assert "marital_status" not in train.feature_names
    never_married = train.marital_status == "Never-married"
    assert_array_equal(train.target[:, 1], never_married)


@pytest.mark.parametrize("loader", [load_adult, load_census_income])
def test_categorical_codes_index_their_levels(loader):
    bunch = loader()
    categorical = [
        name
        for name, kind in zip(bunch.feature_names, bunch.feature_types)
        if kind == "categorical"
    ]
    assert sorted(bunch.categories) == sorted(categorical)
    for name in categorical:
        codes = bunch.data[:, bunch.feature_names.index(name)]
        codes = codes[~np.isnan(codes)]
        assert_array_equal(codes, np.round(codes))
        assert codes.min() >= 0 and codes.max() < len(bunch.categories[name])


@pytest.mark.parametrize(
    ("loader", "subset"), [(load_school, None), (load_computer_survey, "all")]
)
def test_one_task_per_row_sets_have_one_label_per_row(loader, subset):
    bunch = _load(loader, subset)
    labelled = ~np.isnan(bunch.target)
    assert_array_equal(labelled.sum(axis=1), 1)
    assert_array_equal(np.argmax(labelled, axis=1), bunch.task)
    rows = np.arange(len(bunch.y))
    assert_array_equal(bunch.target[rows, bunch.task], bunch.y)
    assert bunch.y.shape == bunch.task.shape == (bunch.data.shape[0],)


def test_school_published_splits():
    school = load_school()
    masks = school.train_masks
    assert masks.shape == (10, 15_362) and masks.dtype == bool
    assert_array_equal(masks.sum(axis=1), 11_472)
    assert len({mask.tobytes() for mask in masks}) == 10
    # Each split keeps about 75 % of every school for training.
    per_school = np.array(
        [np.bincount(school.task[mask], minlength=139) for mask in masks]
    ) / np.bincount(school.task)
    assert per_school.min() > 0.6 and per_school.max() < 0.9
    assert np.unique(school.task).size == 139


def test_computer_survey_split_is_by_profile():
    survey = load_computer_survey(subset="all")
    assert_array_equal(survey.is_test, survey.profile >= 16)
    assert survey.task_covariates.shape == (190, 6)
    assert len(survey.task_covariate_names) == 6
    assert_array_equal(np.bincount(survey.task), 20)


def test_parkinsons_groups():
    parkinsons = load_parkinsons()
    assert parkinsons.groups.shape == (5_875,)
    counts = np.bincount(np.unique(parkinsons.groups, return_inverse=True)[1])
    assert counts.size == 42 and counts.min() >= 101 and counts.max() <= 168
    assert not np.isnan(parkinsons.target).any()
    assert "leak" in parkinsons.DESCR and "leak" in load_parkinsons.__doc__


def test_descr_states_caveats():
    school_descr = load_school().DESCR
    assert "explained variance" in school_descr
    assert "per-task variance" in school_descr
    assert "per-school variance" in load_school.__doc__
    assert "not* the paper's split" in load_census_income().DESCR


@pytest.mark.parametrize("loader", SPLIT_LOADERS)
def test_subset_all_stacks_train_then_test(loader):
    train, test = loader(subset="train"), loader(subset="test")
    both = loader(subset="all")
    assert not train.is_test.any() and test.is_test.all()
    assert both.is_test.sum() == test.data.shape[0]
    assert_array_equal(both.data[~both.is_test], train.data)
    assert_array_equal(both.data[both.is_test], test.data)
    assert_array_equal(both.target[both.is_test], test.target)


@pytest.mark.parametrize("loader", ALL_LOADERS)
def test_return_X_y(loader):
    bunch = loader()
    X, Y = loader(return_X_y=True)
    assert_array_equal(X, bunch.data)
    assert_array_equal(Y, bunch.target)


@pytest.mark.parametrize("loader", ALL_LOADERS)
def test_as_frame(loader):
    pd = pytest.importorskip("pandas")
    bunch = loader()
    framed = loader(as_frame=True)
    assert isinstance(framed.data, pd.DataFrame)
    assert isinstance(framed.target, pd.DataFrame)
    assert list(framed.data.columns) == bunch.feature_names
    assert list(framed.target.columns) == bunch.task_names
    assert list(framed.frame.columns) == bunch.feature_names + bunch.task_names
    assert_array_equal(framed.target.to_numpy(), bunch.target)
    for j, (name, kind) in enumerate(zip(bunch.feature_names, bunch.feature_types)):
        column = framed.data[name]
        if kind == "categorical":
            assert isinstance(column.dtype, pd.CategoricalDtype)
            assert list(column.cat.categories) == list(bunch.categories[name])
            assert_array_equal(
                column.cat.codes, np.nan_to_num(bunch.data[:, j], nan=-1)
            )
        else:
            assert_array_equal(column.to_numpy(), bunch.data[:, j])

    X, Y = loader(as_frame=True, return_X_y=True)
    assert isinstance(X, pd.DataFrame) and isinstance(Y, pd.DataFrame)


def test_as_frame_shows_level_strings():
    pytest.importorskip("pandas")
    adult = load_adult(as_frame=True)
    workclass = adult.data["workclass"]
    assert workclass.isna().sum() == np.isnan(load_adult().data[:, 6]).sum() > 0
    assert "Private" in set(workclass.dropna())


@pytest.mark.parametrize("loader", SPLIT_LOADERS)
def test_invalid_subset_raises(loader):
    with pytest.raises(ValueError, match="subset"):
        loader(subset="validation")


@pytest.mark.parametrize("loader", ALL_LOADERS)
def test_invalid_flag_raises(loader):
    with pytest.raises(ValueError, match="as_frame"):
        loader(as_frame="yes")
    with pytest.raises(TypeError):
        loader(True)


@pytest.mark.parametrize("loader", ALL_LOADERS)
def test_loaders_return_fresh_arrays(loader):
    """Check that changing a returned array does not leak into the next load."""
    first = loader()
    first.data[:] = -7.0
    assert not (loader().data == -7.0).all()
