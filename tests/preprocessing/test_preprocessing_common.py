"""scikit-learn's estimator checks on every skmtl.preprocessing transformer."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skmtl import preprocessing
from skmtl.preprocessing import MultiTaskFeatureSelector

# Keep 2 features rather than 10: the checks' data have few features, and
# selecting all of them would not exercise the selection.
TEST_PARAMS = {MultiTaskFeatureSelector: dict(param=2)}


def _tested_estimators():
    for name in sorted(preprocessing.__all__):
        Estimator = getattr(preprocessing, name)
        yield Estimator(**TEST_PARAMS.get(Estimator, {}))


def _expected_failed_checks(estimator):
    # Every check passes; an entry here must carry a one-line reason.
    return {}


@parametrize_with_checks(
    list(_tested_estimators()), expected_failed_checks=_expected_failed_checks
)
def test_sklearn_compatible_transformer(estimator, check, monkeypatch):
    if "check_array_api_input" in repr(check):
        # This check skips itself unless SCIPY_ARRAY_API=1. With NumPy inputs
        # only scikit-learn's dispatch switch reads it, so setting it here
        # runs the check instead of skipping it, without touching other tests.
        monkeypatch.setenv("SCIPY_ARRAY_API", "1")
    check(estimator)


def test_public_names_are_sorted_and_exported():
    assert preprocessing.__all__ == sorted(preprocessing.__all__)
    for name in preprocessing.__all__:
        assert getattr(preprocessing, name).__module__.startswith(
            "skmtl.preprocessing._"
        )
