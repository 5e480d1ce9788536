"""Tests of fine-tuning: warm start, freezing, pretrained trunks, partial_fit."""

import numpy as np
import pytest
import torch
from numpy.testing import assert_allclose
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.utils.validation import check_is_fitted

from skmtl import MultiTaskFineTuner
from skmtl._network import MultiTaskNetwork, SharedTrunk, trunk_layers
from skmtl._transfer import set_trainable_layers

NET = dict(hidden_layer_sizes=(16, 8), max_epochs=5, random_state=0)


@pytest.fixture
def source_and_target():
    """Old tasks on 120 rows; a new related task with few labels."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(120, 6)).astype(np.float32)
    old = np.column_stack([X[:, 0] + X[:, 1] > 0, X[:, 2] - X[:, 0]]).astype(float)
    new = (X[:, 0] + X[:, 1] > 0.5).astype(float)
    return X, old, new


def _trunk_state(model):
    return {k: v.clone() for k, v in model.net_.module_.trunk.state_dict().items()}


def test_frozen_trunk_is_bit_identical_after_fine_tuning(source_and_target):
    X, old, new = source_and_target
    model = MultiTaskFineTuner(**NET).fit(X, old)
    before = _trunk_state(model)
    model.set_params(warm_start=True, trainable_layers=0, max_epochs=10, lr=0.05)
    model.fit(X, np.column_stack([old, new]))
    after = model.net_.module_.trunk.state_dict()
    assert all(torch.equal(before[key], after[key]) for key in before)
    assert list(model.task_names_) == ["task_0", "task_1", "task_2"]


def test_trainable_layers_freezes_all_but_the_top(source_and_target):
    X, old, _ = source_and_target
    model = MultiTaskFineTuner(**NET).fit(X, old)
    before = _trunk_state(model)
    model.set_params(warm_start=True, trainable_layers=1).fit(X, old)
    after = model.net_.module_.trunk.state_dict()
    assert torch.equal(before["0.0.weight"], after["0.0.weight"])
    assert not torch.equal(before["1.0.weight"], after["1.0.weight"])


def test_frozen_batch_norm_keeps_its_statistics(source_and_target):
    X, old, _ = source_and_target
    model = MultiTaskFineTuner(**NET, batch_norm=True).fit(X, old)
    before = _trunk_state(model)
    model.set_params(warm_start=True, trainable_layers=0).fit(X * 3 + 1, old)
    after = model.net_.module_.trunk.state_dict()
    assert torch.equal(before["0.1.running_mean"], after["0.1.running_mean"])


def test_gradual_unfreezing_unfreezes_from_the_top(source_and_target):
    X, old, _ = source_and_target
    trained = []

    from skorch.callbacks import Callback

    class RecordTrainable(Callback):
        def on_epoch_end(self, net, **kwargs):
            trained.append(
                [p.requires_grad for p in net.module_.trunk.parameters()][::2]
            )

    MultiTaskFineTuner(
        **{**NET, "max_epochs": 6},
        trainable_layers=0,
        unfreeze_every=2,
        callbacks=[RecordTrainable()],
    ).fit(X, old)
    assert trained == [
        [False, False],
        [False, False],
        [False, True],
        [False, True],
        [True, True],
        [True, True],
    ]


def test_set_trainable_layers_on_a_custom_trunk():
    trunk = torch.nn.Sequential(
        torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3)
    )
    network = MultiTaskNetwork(trunk, {"a": 1}, 3)
    assert len(trunk_layers(trunk)) == 2
    assert set_trainable_layers(network, 1) == 1
    assert [p.requires_grad for p in trunk.parameters()] == [False, False, True, True]
    assert set_trainable_layers(network, None) == 0
    assert all(p.requires_grad for p in trunk.parameters())
    assert len(trunk_layers(SharedTrunk(4, ()))) == 0


def test_warm_start_keeps_old_predictions_with_frozen_trunk(source_and_target):
    X, old, new = source_and_target
    model = MultiTaskFineTuner(**{**NET, "max_epochs": 30, "lr": 0.01}).fit(X, old)
    old_predictions = model.predict(X)
    model.set_params(warm_start=True, trainable_layers=0, max_epochs=3, lr=1e-3)
    model.fit(X, np.column_stack([old, new]))
    predictions = model.predict(X)
    assert np.mean(predictions[:, 0] == old_predictions[:, 0]) > 0.95
    assert_allclose(predictions[:, 1], old_predictions[:, 1], atol=0.3)


def test_warm_start_reuses_matching_heads_only(source_and_target):
    X, old, new = source_and_target
    model = MultiTaskFineTuner(**NET).fit(X, old)
    kept_head = model.net_.module_.heads["task_1"].weight.detach().clone()
    model.set_params(warm_start=True, max_epochs=1, lr=1e-12)
    model.fit(X, np.column_stack([new, old[:, 1]]))
    assert_allclose(
        model.net_.module_.heads["task_1"].weight.detach(), kept_head, atol=1e-6
    )


def test_clone_of_warm_started_estimator_is_unfitted(source_and_target):
    X, old, new = source_and_target
    model = MultiTaskFineTuner(**NET, warm_start=True).fit(X, old)
    model.fit(X, np.column_stack([old, new]))
    cloned = clone(model)
    assert cloned.get_params() == model.get_params()
    with pytest.raises(NotFittedError):
        check_is_fitted(cloned)


def test_warm_start_with_other_feature_count_is_an_error(source_and_target):
    X, old, _ = source_and_target
    model = MultiTaskFineTuner(**NET, warm_start=True).fit(X, old)
    with pytest.raises(ValueError, match="fitted on 6 features, but X has 5"):
        model.fit(X[:, :5], old)


def test_trunk_lr_scale_zero_keeps_trunk_fixed(source_and_target):
    X, old, _ = source_and_target
    model = MultiTaskFineTuner(**NET, optimizer="sgd", trunk_lr_scale=0.0)
    untrained = MultiTaskFineTuner(**{**NET, "max_epochs": 1, "lr": 1e-12})
    fitted, reference = model.fit(X, old), untrained.fit(X, old)
    for key, value in _trunk_state(fitted).items():
        assert_allclose(
            value, reference.net_.module_.trunk.state_dict()[key], atol=1e-9
        )


# ------------------------------------------------------------- pretrained


@pytest.mark.parametrize("as_file", [False, True])
def test_pretrained_trunk_from_state_or_file(source_and_target, tmp_path, as_file):
    X, old, new = source_and_target
    source = MultiTaskFineTuner(**NET).fit(X, old)
    state = source.get_trunk_state()
    if as_file:
        source.save_trunk(tmp_path / "trunk.pt")
        pretrained = str(tmp_path / "trunk.pt")
    else:
        pretrained = state
    target = MultiTaskFineTuner(
        **{**NET, "random_state": 1}, pretrained_trunk=pretrained, trainable_layers=0
    ).fit(X, new)
    for key, value in target.net_.module_.trunk.state_dict().items():
        assert torch.equal(value, state[key])
    search = GridSearchCV(target, {"lr": [1e-3, 1e-2]}, cv=2).fit(X, new)
    assert search.best_estimator_.pretrained_trunk is not None


def test_pretrained_trunk_of_other_shape_is_an_error(source_and_target):
    X, old, _ = source_and_target
    state = MultiTaskFineTuner(**NET).fit(X, old).get_trunk_state()
    with pytest.raises(ValueError, match=r"shape mismatches .*1\.0\.weight"):
        MultiTaskFineTuner(hidden_layer_sizes=(16, 4), pretrained_trunk=state).fit(
            X, old
        )
    with pytest.raises(ValueError, match="missing keys"):
        MultiTaskFineTuner(hidden_layer_sizes=(16,), pretrained_trunk=state).fit(X, old)


# ------------------------------------------------------------- partial_fit


def test_partial_fit_trains_on_chunks_with_fixed_tasks(source_and_target):
    X, old, _ = source_and_target
    model = MultiTaskFineTuner(hidden_layer_sizes=(16,), lr=0.01, random_state=0)
    for start in range(0, 120, 40):
        model.partial_fit(X[start : start + 40], old[start : start + 40])
    assert model.n_epochs_ == 3
    assert model.task_types_ == {"task_0": "binary", "task_1": "regression"}
    losses = model.history_[:, "train_loss"]
    assert len(losses) == 3
    assert model.predict(X).shape == old.shape


def test_partial_fit_rejects_unseen_classes():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(20, 3))
    model = MultiTaskFineTuner(hidden_layer_sizes=(4,), random_state=0)
    model.partial_fit(X, np.array(["a", "b"] * 10))
    with pytest.raises(ValueError, match=r"labels \['c'\] that were not among"):
        model.partial_fit(X, np.array(["a", "c"] * 10))
    with pytest.raises(ValueError, match="X has 2 features"):
        model.partial_fit(X[:, :2], np.array(["a", "b"] * 10))


def test_partial_fit_is_reproducible(source_and_target):
    X, old, _ = source_and_target
    predictions = []
    for _ in range(2):
        model = MultiTaskFineTuner(hidden_layer_sizes=(8,), dropout=0.3, random_state=0)
        model.partial_fit(X[:60], old[:60]).partial_fit(X[60:], old[60:])
        predictions.append(model.predict(X))
    assert_allclose(predictions[0], predictions[1])


# ------------------------------------------------------------- objectives


def test_autoencoder_learns_from_unlabelled_rows(source_and_target):
    X, old, _ = source_and_target
    Y = old.copy()
    Y[40:] = np.nan  # two thirds of the rows carry no label at all
    model = MultiTaskFineTuner(
        **{**NET, "max_epochs": 30}, reconstruction_weight=1.0, input_noise=0.1
    ).fit(X, Y)
    errors = model.history_[:, "train_loss_reconstruction"]
    assert errors[-1] < errors[0]
    assert model.net_.module_.decoder.out_features == X.shape[1]


@pytest.mark.parametrize("metric_loss", ["contrastive", "triplet"])
def test_metric_objectives_train_and_report(source_and_target, metric_loss):
    X, old, _ = source_and_target
    model = MultiTaskFineTuner(**NET, metric_loss=metric_loss, margin=0.5).fit(X, old)
    assert model.metric_task_ == "task_0"
    assert len(model.history_[:, f"train_loss_{metric_loss}"]) == 5


def test_metric_objective_errors(source_and_target):
    X, old, _ = source_and_target
    with pytest.raises(ValueError, match="needs a classification task"):
        MultiTaskFineTuner(**NET, metric_loss="triplet").fit(X, old[:, 1])
    with pytest.raises(ValueError, match="is not a task"):
        MultiTaskFineTuner(**NET, metric_loss="triplet", metric_task="nope").fit(X, old)
    with pytest.raises(ValueError, match="is a regression task"):
        MultiTaskFineTuner(**NET, metric_loss="triplet", metric_task="task_1").fit(
            X, old
        )


@pytest.mark.parametrize("schedule", ["step", "cosine", "plateau"])
def test_lr_schedules_change_the_rate(source_and_target, schedule):
    X, old, _ = source_and_target
    model = MultiTaskFineTuner(
        **{**NET, "max_epochs": 6}, lr_schedule=schedule, n_iter_no_change=2
    ).fit(X, old)
    scheduler = dict(model.net_.callbacks_)["LRScheduler"].lr_scheduler_
    expected = {
        "step": torch.optim.lr_scheduler.StepLR,
        "cosine": torch.optim.lr_scheduler.CosineAnnealingLR,
        "plateau": torch.optim.lr_scheduler.ReduceLROnPlateau,
    }[schedule]
    assert isinstance(scheduler, expected)
    if schedule != "plateau":
        assert model.net_.optimizer_.param_groups[0]["lr"] < 1e-3


def test_sgd_with_nesterov_momentum(source_and_target):
    X, old, _ = source_and_target
    model = MultiTaskFineTuner(**NET, optimizer="sgd", momentum=0.8, nesterov=True)
    group = model.fit(X, old).net_.optimizer_.param_groups[0]
    assert group["momentum"] == 0.8 and group["nesterov"] is True
