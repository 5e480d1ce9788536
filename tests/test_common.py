"""Run scikit-learn's estimator checks on every public estimator."""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from skmtl import MultiTaskFineTuner

TEST_PARAMS = {
    MultiTaskFineTuner: dict(hidden_layer_sizes=(16,), max_epochs=20, lr=0.01),
}


def _tested_estimators():
    for cls, params in TEST_PARAMS.items():
        yield cls(**params)


def _expected_failed_checks(estimator):
    return {}


@parametrize_with_checks(
    list(_tested_estimators()), expected_failed_checks=_expected_failed_checks
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
