"""scikit-learn's estimator checks on every skmtl.preprocessing transformer."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skmtl import preprocessing


def _tested_estimators():
    for name in sorted(preprocessing.__all__):
        yield getattr(preprocessing, name)()


def _expected_failed_checks(estimator):
    return {}


@parametrize_with_checks(
    list(_tested_estimators()), expected_failed_checks=_expected_failed_checks
)
def test_sklearn_compatible_transformer(estimator, check):
    check(estimator)
