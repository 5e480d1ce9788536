"""Run scikit-learn's estimator checks on every public estimator."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skmtl import FineTunerClassifier, FineTunerRegressor, MultiTaskFineTuner
from skmtl.utils.discovery import all_estimators

_FAST_NET = dict(hidden_layer_sizes=(16,), max_epochs=40, lr=0.01)
TEST_PARAMS = {
    MultiTaskFineTuner: _FAST_NET,
    FineTunerClassifier: _FAST_NET,
    FineTunerRegressor: _FAST_NET,
}

# The fine-tuning objectives change the loss and the network, so the checks
# run again with each one switched on.
OBJECTIVES = [
    dict(reconstruction_weight=1.0, input_noise=0.05),
    dict(metric_loss="contrastive"),
    dict(metric_loss="triplet", margin=0.5),
]

_FLOAT32_REASON = (
    "training runs in float32: fits with integer weights and with repeated rows "
    "agree to about 2e-7 relative, the check demands 1e-7"
)


def _tested_estimators():
    for _, cls in all_estimators():
        yield cls(**TEST_PARAMS.get(cls, {}))
    for objective in OBJECTIVES:
        yield MultiTaskFineTuner(**_FAST_NET, **objective)


def _expected_failed_checks(estimator):
    if isinstance(estimator, MultiTaskFineTuner):
        return {"check_sample_weight_equivalence_on_dense_data": _FLOAT32_REASON}
    return {}


@parametrize_with_checks(
    list(_tested_estimators()), expected_failed_checks=_expected_failed_checks
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
