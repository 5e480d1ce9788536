"""Loaders for the real multi-task data sets shipped in ``skmtl/datasets/data``."""
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np
from sklearn.utils import Bunch

from skmtl.datasets._archive import _load_descr, _read_bundled
from skmtl.utils._sklearn_compat import StrOptions, validate_params

SUBSETS = ("train", "test", "all")

_LOADER_PARAMS = {"as_frame": ["boolean"], "return_X_y": ["boolean"]}
_SPLIT_LOADER_PARAMS = {**_LOADER_PARAMS, "subset": [StrOptions(set(SUBSETS))]}


# -- building the returned Bunch ----------------------------------------------


def _categories(arrays, feature_names, feature_types):
    return {
        name: arrays[f"levels__{name}"]
        for name, kind in zip(feature_names, feature_types)
        if kind == "categorical"
    }


def _select(subset, train, test):
    """Pick or stack the train and test parts; add ``is_test``."""
    if subset == "train":
        selected = dict(train)
        n_rows = len(next(iter(train.values())))
        selected["is_test"] = np.zeros(n_rows, dtype=bool)
    elif subset == "test":
        selected = dict(test)
        n_rows = len(next(iter(test.values())))
        selected["is_test"] = np.ones(n_rows, dtype=bool)
    else:
        selected = {
            key: np.concatenate([train[key], test[key]], axis=0) for key in train
        }
        n_train = len(next(iter(train.values())))
        n_test = len(next(iter(test.values())))
        selected["is_test"] = np.repeat([False, True], [n_train, n_test])
    return selected


def _data_frame(X, feature_names, categories):
    import pandas as pd

    columns = {}
    for j, name in enumerate(feature_names):
        if name in categories:
            codes = np.where(np.isnan(X[:, j]), -1, X[:, j]).astype(np.intp)
            columns[name] = pd.Categorical.from_codes(
                codes, categories=categories[name].tolist()
            )
        else:
            columns[name] = X[:, j]
    return pd.DataFrame(columns)


def _make_bunch(
    *,
    X,
    Y,
    feature_names,
    feature_types,
    categories,
    task_names,
    task_types,
    name,
    as_frame,
    return_X_y,
    **extra,
):
    feature_names = [str(n) for n in feature_names]
    task_names = [str(n) for n in task_names]
    data, target, frame = X, Y, None
    if as_frame:
        import pandas as pd

        data = _data_frame(X, feature_names, categories)
        target = pd.DataFrame(Y, columns=task_names)
        frame = pd.concat([data, target], axis=1)
    if return_X_y:
        return data, target
    return Bunch(
        data=data,
        target=target,
        frame=frame,
        feature_names=feature_names,
        feature_types=[str(t) for t in feature_types],
        categories=categories,
        task_names=task_names,
        task_types=[str(t) for t in task_types],
        DESCR=_load_descr(name),
        **extra,
    )


# -- public loaders -------------------------------------------------------------


@validate_params(_LOADER_PARAMS, prefer_skip_nested_validation=True)
def load_school(*, as_frame=False, return_X_y=False):
    """Load the School data: London exam scores, one regression task per school.

    15,362 students of 139 secondary schools of the Inner London Education
    Authority (1985-87) with 27 binary or percentage features; the target is
    the exam score (1-70). Each school is a task and each row belongs to
    exactly one task, so ``target`` holds one label per row (NaN elsewhere)
    and ``y`` / ``task`` give the same labels in long form. The 10 published
    75/25 splits of Argyriou, Evgeniou & Pontil (2008) come as ``train_masks``.

    =================  ==========================
    Samples total      15,362
    Features           27 (numeric, mostly 0/1)
    Tasks              139, regression
    Labels per row     1
    Splits             10 published (``train_masks``)
    =================  ==========================

    Parameters
    ----------
    as_frame : bool, default=False
        If True, ``data`` and ``target`` are pandas DataFrames and ``frame``
        holds both side by side (requires pandas).

    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        data : {ndarray, DataFrame} of shape (15362, 27)
            Features, float64.
        target : {ndarray, DataFrame} of shape (15362, 139)
            Exam score for the row's own school, NaN for the other schools.
        frame : DataFrame of shape (15362, 166) or None
            ``data`` and ``target`` together; None unless ``as_frame=True``.
        y : ndarray of shape (15362,)
            The exam score of each row.
        task : ndarray of shape (15362,)
            Task (school) index of each row, in ``0 ... 138``.
        train_masks : ndarray of shape (10, 15362), dtype bool
            ``train_masks[k]`` is True for the 11,472 training rows of the
            k-th published split; the other 3,890 rows are its test rows.
        feature_names : list of str
            Names of the 27 features.
        feature_types : list of str
            ``'numeric'`` for every feature.
        categories : dict
            Empty: no feature is categorical.
        task_names : list of str
            ``'school_001'`` ... ``'school_139'``.
        task_types : list of str
            ``'regression'`` for every task.
        DESCR : str
            Full description: origin, terms, content, caveats, published
            results.

    (data, target) : tuple if ``return_X_y`` is True
        The ``data`` and ``target`` described above.

    Notes
    -----
    **Origin.** ILEA examination records (Goldstein, 1991), in the binarised
    27-feature version and the 10 random splits released with Argyriou et al.
    (2008); copied from the ``tjanez/PyMTL`` repository and cross-checked
    against ``jiayuzhou/MALSAR``. The constant bias column was dropped.

    **Terms.** No explicit licence; freely redistributed for research and
    teaching by the multilevel-modelling community and MTL toolboxes. Cite
    Goldstein (1991) and, for the splits, Argyriou et al. (2008).

    **Caveats.** Papers report "explained variance" ``1 - MSE / Var(y)`` on
    the test rows but differ on ``Var(y)``: the variance of all test scores
    (a pooled ridge reaches about 34 %) or a per-school variance (the same
    predictions give about 12.5 %). State which one you report. The first
    gender column is most likely *female* although the source codebook says
    otherwise, hence the names ``gender_female_inferred`` /
    ``gender_male_inferred``. Published numbers in ``DESCR`` marked
    *(recalled)* were not re-read from the papers.

    References
    ----------
    .. [1] H. Goldstein, "Multilevel modelling of survey data", The
       Statistician 40:235-244, 1991.
    .. [2] A. Argyriou, T. Evgeniou and M. Pontil, "Convex multi-task feature
       learning", Machine Learning 73:243-272, 2008.
    .. [3] B. Bakker and T. Heskes, "Task clustering and gating for Bayesian
       multitask learning", JMLR 4:83-99, 2003.

    Examples
    --------
    >>> from skmtl.datasets import load_school
    >>> school = load_school()
    >>> school.data.shape, school.target.shape
    ((15362, 27), (15362, 139))
    >>> school.train_masks.shape, int(school.train_masks[0].sum())
    ((10, 15362), 11472)
    >>> train = school.train_masks[0]
    >>> X_train, y_train = school.data[train], school.y[train]
    >>> X_train.shape
    (11472, 27)
    """
    arrays = _read_bundled("school")
    return _make_bunch(
        X=arrays["X"],
        Y=arrays["Y"],
        feature_names=arrays["feature_names"],
        feature_types=["numeric"] * arrays["X"].shape[1],
        categories={},
        task_names=arrays["task_names"],
        task_types=arrays["task_types"],
        name="school",
        as_frame=as_frame,
        return_X_y=return_X_y,
        y=arrays["y"],
        task=arrays["task"],
        train_masks=arrays["train_masks"],
    )


@validate_params(_SPLIT_LOADER_PARAMS, prefer_skip_nested_validation=True)
def load_computer_survey(*, subset="train", as_frame=False, return_X_y=False):
    """Load the computer survey: purchase ratings, one regression task per person.

    190 MBA students rated 20 hypothetical personal computers, each described
    by 13 binary attributes coded -1/+1, for likelihood of purchase (0-10).
    Each respondent is a task and each row (respondent, profile) belongs to
    exactly one task. Lenk et al. (1996) fit profiles 1-16 (the calibration
    design, ``subset='train'``, 3,040 rows) and validate on profiles 17-20
    (``subset='test'``, 760 rows).

    =================  ==========================
    Samples total      3,800 (3,040 train, 760 test)
    Features           13 (numeric, -1/+1)
    Tasks              190, regression
    Labels per row     1
    Split              official: 16 / 4 profiles per respondent
    =================  ==========================

    Parameters
    ----------
    subset : {'train', 'test', 'all'}, default='train'
        Part of the official split to return; ``'all'`` stacks the training
        rows, then the test rows, and ``is_test`` tells them apart.

    as_frame : bool, default=False
        If True, ``data`` and ``target`` are pandas DataFrames and ``frame``
        holds both side by side (requires pandas).

    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        data : {ndarray, DataFrame} of shape (n_samples, 13)
            Profile attributes, float64 in {-1, 1}.
        target : {ndarray, DataFrame} of shape (n_samples, 190)
            Rating by the row's own respondent, NaN for the others.
        frame : DataFrame of shape (n_samples, 203) or None
            ``data`` and ``target`` together; None unless ``as_frame=True``.
        y : ndarray of shape (n_samples,)
            The rating of each row.
        task : ndarray of shape (n_samples,)
            Task (respondent) index of each row, in ``0 ... 189``.
        profile : ndarray of shape (n_samples,)
            Profile index of each row, in ``0 ... 19`` (16-19 are the test
            profiles).
        is_test : ndarray of shape (n_samples,), dtype bool
            True for rows of the official test part.
        task_covariates : ndarray of shape (190, 6)
            Person-level variables of each respondent.
        task_covariate_names : list of str
            ``FEMALE, NERD, USA, OWN, APPLY, EXPERT``: codebook order; the
            mapping to columns is undocumented in the source, so treat these
            names as probable.
        feature_names : list of str
            Names of the 13 attributes (``hot_line`` ... ``price``).
        feature_types : list of str
            ``'numeric'`` for every feature.
        categories : dict
            Empty: no feature is categorical.
        task_names : list of str
            ``'respondent_001'`` ... ``'respondent_190'``.
        task_types : list of str
            ``'regression'`` for every task.
        DESCR : str
            Full description: origin, terms, content, caveats, published
            results.

    (data, target) : tuple if ``return_X_y`` is True
        The ``data`` and ``target`` described above.

    Notes
    -----
    **Origin.** MBA computer survey, November 1994 (Lenk et al., 1996), from
    ``conjointAnalysisComputerBuyers.mat`` of the ``tjanez/PyMTL`` repository
    (copied from pmtkdata); the constant column was dropped.

    **Terms.** No licence stated; an academic data set redistributed by the
    PMTK project. Cite Lenk et al. (1996).

    **Caveats.** One respondent gave the same rating to all 20 profiles.
    Argyriou et al. (2008) used 180 respondents and possibly another
    protocol, so their RMSE (about 1.9, *recalled*) is not directly comparable
    with this 190-respondent 16/4 split.

    References
    ----------
    .. [1] P. J. Lenk, W. S. DeSarbo, P. E. Green and M. R. Young,
       "Hierarchical Bayes conjoint analysis: recovery of partworth
       heterogeneity from reduced experimental designs", Marketing Science
       15(2):173-191, 1996.
    .. [2] A. Argyriou, T. Evgeniou and M. Pontil, "Convex multi-task feature
       learning", Machine Learning 73:243-272, 2008.

    Examples
    --------
    >>> from skmtl.datasets import load_computer_survey
    >>> survey = load_computer_survey()
    >>> survey.data.shape, survey.target.shape
    ((3040, 13), (3040, 190))
    >>> load_computer_survey(subset="test").data.shape
    (760, 13)
    """
    arrays = _read_bundled("computer_survey")
    keys = ("X", "Y", "y", "task", "profile")
    parts = _select(
        subset,
        {key: arrays[key] for key in keys},
        {key: arrays[f"{key}_test"] for key in keys},
    )
    return _make_bunch(
        X=parts["X"],
        Y=parts["Y"],
        feature_names=arrays["feature_names"],
        feature_types=["numeric"] * parts["X"].shape[1],
        categories={},
        task_names=arrays["task_names"],
        task_types=arrays["task_types"],
        name="computer_survey",
        as_frame=as_frame,
        return_X_y=return_X_y,
        y=parts["y"],
        task=parts["task"],
        profile=parts["profile"],
        is_test=parts["is_test"],
        task_covariates=arrays["task_covariates"],
        task_covariate_names=[str(n) for n in arrays["task_covariate_names"]],
    )


@validate_params(_LOADER_PARAMS, prefer_skip_nested_validation=True)
def load_parkinsons(*, as_frame=False, return_X_y=False):
    """Load Parkinsons Telemonitoring: two UPDRS scores from voice recordings.

    5,875 voice recordings of 42 patients with early Parkinson's disease,
    with 19 features (age, sex, time since recruitment and 16 voice measures)
    and two regression tasks, ``motor_UPDRS`` and ``total_UPDRS``, labelled
    on every row. There is no official split: use ``groups`` (the patient of
    each row) with :class:`~sklearn.model_selection.GroupKFold`.

    .. warning::
        Rows of one patient are near-duplicates in target space (the scores
        were measured at three visits and interpolated in time) and
        ``age`` + ``sex`` almost identify the patient, so a row-level random
        split leaks: a random forest reaches MAE 0.54 / 0.72 with random
        5-fold CV, whereas with patient-grouped CV nothing tried beats the
        training mean (MAE 7.11 / 8.89). Use grouped CV and report the mean
        predictor next to every model.

    =================  ==========================
    Samples total      5,875 (42 patients)
    Features           19 (numeric)
    Tasks              2, regression
    Labels per row     2 (no missing labels)
    Split              none; group by ``groups``
    =================  ==========================

    Parameters
    ----------
    as_frame : bool, default=False
        If True, ``data`` and ``target`` are pandas DataFrames and ``frame``
        holds both side by side (requires pandas).

    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        data : {ndarray, DataFrame} of shape (5875, 19)
            Features, float64.
        target : {ndarray, DataFrame} of shape (5875, 2)
            ``motor_UPDRS`` and ``total_UPDRS``.
        frame : DataFrame of shape (5875, 21) or None
            ``data`` and ``target`` together; None unless ``as_frame=True``.
        groups : ndarray of shape (5875,)
            Patient id of each row, for grouped cross-validation.
        feature_names : list of str
            Names of the 19 features.
        feature_types : list of str
            ``'numeric'`` for every feature.
        categories : dict
            Empty: no feature is categorical.
        task_names : list of str
            ``['motor_UPDRS', 'total_UPDRS']``.
        task_types : list of str
            ``['regression', 'regression']``.
        DESCR : str
            Full description: origin, terms, content, caveats, published
            results.

    (data, target) : tuple if ``return_X_y`` is True
        The ``data`` and ``target`` described above.

    Notes
    -----
    **Origin.** UCI Machine Learning Repository, "Parkinsons Telemonitoring"
    (Tsanas & Little, donated 2009), file ``parkinsons_updrs.data``.

    **Terms.** CC BY 4.0 (UCI). Cite Tsanas et al. (2010).

    **Caveats.** See the warning above. Tsanas et al. report about 7.5 UPDRS
    points of error with row-level cross-validation, which the leakage makes
    optimistic.

    References
    ----------
    .. [1] A. Tsanas, M. A. Little, P. E. McSharry and L. O. Ramig, "Accurate
       telemonitoring of Parkinson's disease progression by noninvasive
       speech tests", IEEE Trans. Biomed. Eng. 57(4):884-893, 2010.

    Examples
    --------
    >>> from sklearn.model_selection import GroupKFold
    >>> from skmtl.datasets import load_parkinsons
    >>> parkinsons = load_parkinsons()
    >>> parkinsons.data.shape, parkinsons.target.shape
    ((5875, 19), (5875, 2))
    >>> len(set(parkinsons.groups))
    42
    >>> cv = GroupKFold(n_splits=5)
    >>> folds = list(cv.split(parkinsons.data, groups=parkinsons.groups))
    >>> len(folds)
    5
    """
    arrays = _read_bundled("parkinsons")
    return _make_bunch(
        X=arrays["X"],
        Y=arrays["Y"],
        feature_names=arrays["feature_names"],
        feature_types=["numeric"] * arrays["X"].shape[1],
        categories={},
        task_names=arrays["task_names"],
        task_types=arrays["task_types"],
        name="parkinsons",
        as_frame=as_frame,
        return_X_y=return_X_y,
        groups=arrays["subject"],
    )


@validate_params(_SPLIT_LOADER_PARAMS, prefer_skip_nested_validation=True)
def load_yeast(*, subset="train", as_frame=False, return_X_y=False):
    """Load Yeast: 14 binary gene-function labels (multilabel, MULAN split).

    2,417 yeast genes described by 103 gene-expression and phylogenetic
    features, with 14 functional classes as binary tasks (0/1, no missing
    labels). The standard MULAN split has 1,500 training and 917 test genes.

    =================  ==========================
    Samples total      2,417 (1,500 train, 917 test)
    Features           103 (numeric)
    Tasks              14, binary
    Labels per row     14 (no missing labels)
    Split              official (MULAN train / test)
    =================  ==========================

    Parameters
    ----------
    subset : {'train', 'test', 'all'}, default='train'
        Part of the official split to return; ``'all'`` stacks the training
        rows, then the test rows, and ``is_test`` tells them apart.

    as_frame : bool, default=False
        If True, ``data`` and ``target`` are pandas DataFrames and ``frame``
        holds both side by side (requires pandas).

    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        data : {ndarray, DataFrame} of shape (n_samples, 103)
            Features, float64.
        target : {ndarray, DataFrame} of shape (n_samples, 14)
            0/1 labels, float64.
        frame : DataFrame of shape (n_samples, 117) or None
            ``data`` and ``target`` together; None unless ``as_frame=True``.
        is_test : ndarray of shape (n_samples,), dtype bool
            True for rows of the official test part.
        feature_names : list of str
            Names of the 103 features (``Att1`` ...).
        feature_types : list of str
            ``'numeric'`` for every feature.
        categories : dict
            Empty: no feature is categorical.
        task_names : list of str
            ``'Class1'`` ... ``'Class14'``.
        task_types : list of str
            ``'binary'`` for every task.
        DESCR : str
            Full description: origin, terms, content, caveats, published
            results.

    (data, target) : tuple if ``return_X_y`` is True
        The ``data`` and ``target`` described above.

    Notes
    -----
    **Origin.** Elisseeff & Weston (2002), standard MULAN train/test ARFF
    files.

    **Terms.** No explicit licence; distributed for research by the MULAN
    project. Cite Elisseeff & Weston (2002).

    **Caveats.** Labels are very unbalanced: ``Class14`` is positive for
    1.4 % of the genes, ``Class12`` and ``Class13`` for 75 %. Published
    Hamming losses (about 0.19-0.20) in ``DESCR`` are *recalled*, partly with
    10-fold CV on all genes rather than the official split.

    References
    ----------
    .. [1] A. Elisseeff and J. Weston, "A kernel method for multi-labelled
       classification", NIPS 14, 2002.
    .. [2] M.-L. Zhang and Z.-H. Zhou, "ML-KNN: a lazy learning approach to
       multi-label learning", Pattern Recognition 40(7):2038-2048, 2007.

    Examples
    --------
    >>> from skmtl.datasets import load_yeast
    >>> X_train, Y_train = load_yeast(return_X_y=True)
    >>> X_train.shape, Y_train.shape
    ((1500, 103), (1500, 14))
    >>> yeast = load_yeast(subset="all")
    >>> yeast.data.shape, int(yeast.is_test.sum())
    ((2417, 103), 917)
    """
    arrays = _read_bundled("yeast")
    parts = _select(
        subset,
        {"X": arrays["X"], "Y": arrays["Y"]},
        {"X": arrays["X_test"], "Y": arrays["Y_test"]},
    )
    return _make_bunch(
        X=parts["X"],
        Y=parts["Y"],
        feature_names=arrays["feature_names"],
        feature_types=["numeric"] * parts["X"].shape[1],
        categories={},
        task_names=arrays["task_names"],
        task_types=arrays["task_types"],
        name="yeast",
        as_frame=as_frame,
        return_X_y=return_X_y,
        is_test=parts["is_test"],
    )


@validate_params(_SPLIT_LOADER_PARAMS, prefer_skip_nested_validation=True)
def load_adult(*, subset="train", as_frame=False, return_X_y=False):
    """Load Adult (UCI census): income and marital status as two binary tasks.

    48,842 adults of the 1994 US census with 6 numeric and 7 categorical
    features. Two binary tasks: ``income_gt_50k`` and ``never_married``
    (marital status "Never-married"), the pairing of the MMoE census
    experiment; ``marital_status`` itself is left out of the features. The
    official UCI split has 32,561 training and 16,281 test rows.

    =================  ==========================
    Samples total      48,842 (32,561 train, 16,281 test)
    Features           13 (6 numeric, 7 categorical)
    Tasks              2, binary
    Labels per row     2 (no missing labels)
    Missing features   4,262 cells in train, 2,203 in test
    Split              official (adult.data / adult.test)
    =================  ==========================

    Parameters
    ----------
    subset : {'train', 'test', 'all'}, default='train'
        Part of the official split to return; ``'all'`` stacks the training
        rows, then the test rows, and ``is_test`` tells them apart.

    as_frame : bool, default=False
        If True, ``data`` and ``target`` are pandas DataFrames and ``frame``
        holds both side by side (requires pandas). Categorical features are
        then :class:`pandas.Categorical` with the level strings.

    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        data : {ndarray, DataFrame} of shape (n_samples, 13)
            Features, float64; a categorical column holds the index of its
            level in ``categories[name]``, NaN where the source has "?".
        target : {ndarray, DataFrame} of shape (n_samples, 2)
            0/1 labels of ``income_gt_50k`` and ``never_married``, float64.
        frame : DataFrame of shape (n_samples, 15) or None
            ``data`` and ``target`` together; None unless ``as_frame=True``.
        is_test : ndarray of shape (n_samples,), dtype bool
            True for rows of the official test part.
        marital_status : ndarray of shape (n_samples,), dtype str
            Raw marital status, to derive other tasks.
        feature_names : list of str
            Names of the 13 features, numeric ones first.
        feature_types : list of str
            ``'numeric'`` or ``'categorical'`` per feature.
        categories : dict of str to ndarray
            Levels of each categorical feature, indexed by its codes.
        task_names : list of str
            ``['income_gt_50k', 'never_married']``.
        task_types : list of str
            ``['binary', 'binary']``.
        DESCR : str
            Full description: origin, terms, content, caveats, published
            results.

    (data, target) : tuple if ``return_X_y`` is True
        The ``data`` and ``target`` described above.

    Notes
    -----
    **Origin.** UCI "Adult" (Kohavi & Becker, 1996), files ``adult.data`` and
    ``adult.test``, from the ``probml/pmtkdata`` repository.

    **Terms.** CC BY 4.0 (UCI). Cite Kohavi (1996).

    **Caveats.** ``relationship`` (e.g. "Husband", "Own-child") is strongly
    informative about ``never_married``. The error rates of ``adult.names``
    (C4.5 15.54 %, NBTree 14.10 %, ...) were measured with the rows with
    unknown values removed; gradient-boosted trees reach about 13 %.

    References
    ----------
    .. [1] R. Kohavi, "Scaling up the accuracy of Naive-Bayes classifiers: a
       decision-tree hybrid", KDD-96, 1996.
    .. [2] J. Ma, Z. Zhao, X. Yi, J. Chen, L. Hong and E. H. Chi, "Modeling
       task relationships in multi-task learning with multi-gate
       mixture-of-experts", KDD, 2018.

    Examples
    --------
    >>> import numpy as np
    >>> from skmtl.datasets import load_adult
    >>> adult = load_adult()
    >>> adult.data.shape, adult.target.shape
    ((32561, 13), (32561, 2))
    >>> int(np.isnan(adult.data).sum())
    4262
    >>> adult.categories["sex"]
    array(['Female', 'Male'], dtype='<U6')
    """
    arrays = _read_bundled("adult")
    parts = _select(
        subset,
        {
            "X": arrays["X"],
            "Y": arrays["Y"],
            "marital_status": arrays["marital_status"],
        },
        {
            "X": arrays["X_test"],
            "Y": arrays["Y_test"],
            "marital_status": arrays["marital_status_test"],
        },
    )
    return _make_bunch(
        X=parts["X"],
        Y=parts["Y"],
        feature_names=arrays["feature_names"],
        feature_types=arrays["feature_types"],
        categories=_categories(
            arrays, arrays["feature_names"], arrays["feature_types"]
        ),
        task_names=arrays["task_names"],
        task_types=arrays["task_types"],
        name="adult",
        as_frame=as_frame,
        return_X_y=return_X_y,
        is_test=parts["is_test"],
        marital_status=parts["marital_status"],
    )


@validate_params(_SPLIT_LOADER_PARAMS, prefer_skip_nested_validation=True)
def load_census_income(*, subset="train", as_frame=False, return_X_y=False):
    """Load Census-Income (KDD) test file: income and never-married tasks.

    The 99,762 rows of the official *test* file of UCI Census-Income (KDD),
    the data set of the MMoE paper, with 7 numeric and 32 categorical
    features and two binary tasks, ``income_gt_50k`` (6.2 % positive) and
    ``never_married`` (43.2 %). The 199,523-row training file is not
    included. ``subset`` follows a fixed, seeded 50/50 random split of these
    rows made by the data curators (49,881 rows each), **not** the paper's
    train/test split.

    =================  ==========================
    Samples total      99,762 (49,881 train, 49,881 test)
    Features           39 (7 numeric, 32 categorical)
    Tasks              2, binary
    Labels per row     2 (no missing labels)
    Missing features   208,379 cells
    Split              curators' fixed 50/50 split
    =================  ==========================

    Parameters
    ----------
    subset : {'train', 'test', 'all'}, default='train'
        Part of the fixed split to return; ``'all'`` returns every row in
        file order and ``is_test`` tells the parts apart.

    as_frame : bool, default=False
        If True, ``data`` and ``target`` are pandas DataFrames and ``frame``
        holds both side by side (requires pandas). Categorical features are
        then :class:`pandas.Categorical` with the level strings.

    return_X_y : bool, default=False
        If True, return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        data : {ndarray, DataFrame} of shape (n_samples, 39)
            Features, float64; a categorical column holds the index of its
            level in ``categories[name]``, NaN where the source has "?".
        target : {ndarray, DataFrame} of shape (n_samples, 2)
            0/1 labels of ``income_gt_50k`` and ``never_married``, float64.
        frame : DataFrame of shape (n_samples, 41) or None
            ``data`` and ``target`` together; None unless ``as_frame=True``.
        is_test : ndarray of shape (n_samples,), dtype bool
            True for rows of the test half of the fixed split.
        instance_weight : ndarray of shape (n_samples,)
            The census survey weight of each row (population count it stands
            for), not used in the features.
        marital_status : ndarray of shape (n_samples,), dtype str
            Raw marital status (``marital_stat`` in the source), to derive
            other tasks.
        feature_names : list of str
            Names of the 39 features, numeric ones first.
        feature_types : list of str
            ``'numeric'`` or ``'categorical'`` per feature.
        categories : dict of str to ndarray
            Levels of each categorical feature, indexed by its codes.
        task_names : list of str
            ``['income_gt_50k', 'never_married']``.
        task_types : list of str
            ``['binary', 'binary']``.
        DESCR : str
            Full description: origin, terms, content, caveats, published
            results.

    (data, target) : tuple if ``return_X_y`` is True
        The ``data`` and ``target`` described above.

    Notes
    -----
    **Origin.** UCI "Census-Income (KDD)" (Lane & Kohavi, 2000; 1994-95
    Current Population Surveys), file ``census-income.test.gz`` from the
    ``drawbridge/keras-mmoe`` repository.

    **Terms.** CC BY 4.0 (UCI).

    **Caveats.** Published AUCs of the MMoE paper (about 0.94 for income,
    0.99 for never-married, *recalled*) were obtained by training on the
    full training file, so they are not directly comparable with models
    trained on half of the test file.

    References
    ----------
    .. [1] J. Ma, Z. Zhao, X. Yi, J. Chen, L. Hong and E. H. Chi, "Modeling
       task relationships in multi-task learning with multi-gate
       mixture-of-experts", KDD, 2018.
    .. [2] T. Lane and R. Kohavi, "Census-Income (KDD)", UCI Machine Learning
       Repository, 2000.

    Examples
    --------
    >>> from skmtl.datasets import load_census_income
    >>> census = load_census_income()
    >>> census.data.shape, census.target.shape
    ((49881, 39), (49881, 2))
    >>> sum(kind == "categorical" for kind in census.feature_types)
    32
    """
    arrays = _read_bundled("census_income_kdd_testfile")
    split = arrays["split"]
    rows = {"train": split == 0, "test": split == 1, "all": slice(None)}[subset]
    return _make_bunch(
        X=arrays["X"][rows],
        Y=arrays["Y"][rows],
        feature_names=arrays["feature_names"],
        feature_types=arrays["feature_types"],
        categories=_categories(
            arrays, arrays["feature_names"], arrays["feature_types"]
        ),
        task_names=arrays["task_names"],
        task_types=arrays["task_types"],
        name="census_income_kdd_testfile",
        as_frame=as_frame,
        return_X_y=return_X_y,
        is_test=split[rows] == 1,
        instance_weight=arrays["instance_weight"][rows],
        marital_status=arrays["marital_stat"][rows],
    )
