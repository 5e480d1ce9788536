"""Tests of MultiTaskFineTuner: fitting, prediction, scoring and bad input."""

import functools
import pickle

import joblib
import numpy as np
import pandas as pd
import pytest
import torch
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_val_score, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted
from skorch.callbacks import Callback
from torch import nn

from skmtl import MultiTaskFineTuner
from skmtl._callbacks import TrainingDivergedError
from skmtl._trainer import validation_split
from skmtl.utils import check_multitask_targets

FAST = dict(hidden_layer_sizes=(16,), max_epochs=5, random_state=0)


def _fit(X, y, **params):
    return MultiTaskFineTuner(**{**FAST, **params}).fit(X, y)


# ----------------------------------------------------------------- shapes


def test_fine_tuner_infers_task_types_and_names(mixed_tasks):
    X, Y = mixed_tasks
    model = _fit(X, Y)
    assert list(model.task_names_) == ["task_0", "task_1", "task_2"]
    assert model.task_types_ == {
        "task_0": "binary",
        "task_1": "multiclass",
        "task_2": "regression",
    }
    assert model.n_tasks_ == 3
    assert_array_equal(model.classes_["task_1"], [0.0, 1.0, 2.0])
    assert model.n_epochs_ == 5 and model.best_epoch_ == 5
    assert model.n_features_in_ == 4


def test_fine_tuner_predict_returns_layout_of_y(mixed_tasks):
    X, Y = mixed_tasks
    assert _fit(X, Y).predict(X).shape == (60, 3)
    one_task = _fit(X, Y[:, 1])
    assert one_task.predict(X).shape == (60,)
    assert_array_equal(one_task.classes_, [0.0, 1.0, 2.0])

    frame_X = pd.DataFrame(X, columns=list("abcd"), index=np.arange(100, 160))
    frame_Y = pd.DataFrame(Y, columns=["sold", "size", "price"])
    predicted = _fit(frame_X, frame_Y).predict(frame_X)
    assert isinstance(predicted, pd.DataFrame)
    assert list(predicted.columns) == ["sold", "size", "price"]
    assert_array_equal(predicted.index, frame_X.index)


@pytest.mark.parametrize(
    "labels",
    [
        np.array(["cat", "dog", "emu"] * 20),
        np.array([True, False] * 30),
        np.array([3, 7] * 30),
    ],
    ids=["str", "bool", "int"],
)
def test_fine_tuner_predicts_original_labels(labels):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 3))
    model = _fit(X, labels)
    assert set(model.predict(X)) <= set(labels)
    assert model.predict(X).dtype == labels.dtype


def test_fine_tuner_tasks_parameter_overrides_inference(mixed_tasks):
    X, Y = mixed_tasks
    model = _fit(X, Y, tasks={"task_1": "regression"})
    assert model.task_types_["task_1"] == "regression"
    model = _fit(X, Y[:, :2], tasks="classification")
    assert model.task_types_ == {"task_0": "binary", "task_1": "multiclass"}
    with pytest.raises(ValueError, match="Unknown task type 'ordinal'"):
        _fit(X, Y, tasks=["binary", "ordinal", "regression"])


def test_fine_tuner_regression_in_original_units(mixed_tasks):
    X, Y = mixed_tasks
    model = _fit(X, Y[:, 2], max_epochs=200, lr=0.01)
    assert model.target_mean_["task_0"] == pytest.approx(Y[:, 2].mean())
    assert model.score(X, Y[:, 2]) > 0.9
    assert model.predict(X).dtype == np.float64


# ----------------------------------------------------------- missing labels


def test_fine_tuner_missing_labels_in_every_form():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 3))
    Y = pd.DataFrame(
        {
            "kind": pd.array(["a", "b", None, "a"] * 10, dtype="string"),
            "count": pd.array([1, 2, 3, pd.NA] * 10, dtype="Int64"),
            "flag": [True, None, False, True] * 10,
            "value": [0.5, np.nan, 1.5, 2.0] * 10,
        }
    )
    Y.iloc[5] = [None, pd.NA, None, np.nan]  # a row with no label at all
    model = _fit(X, Y)
    assert model.task_types_ == {
        "kind": "binary",
        "count": "multiclass",
        "flag": "binary",
        "value": "regression",
    }
    predicted = model.predict(X)
    assert predicted.notna().all().all()
    assert set(predicted["kind"]) <= {"a", "b"}


def test_fine_tuner_score_ignores_missing_labels(mixed_tasks):
    X, Y = mixed_tasks
    model = _fit(X, Y)
    Y_missing = Y.copy()
    Y_missing[::3, 0] = np.nan
    labelled = ~np.isnan(Y_missing[:, 0])
    expected = np.mean(model.predict(X)[labelled, 0] == Y[labelled, 0])
    assert model.score_tasks(X, Y_missing)["task_0"] == pytest.approx(expected)


def test_fine_tuner_unseen_label_at_score_counts_as_wrong():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(30, 3))
    y = np.array(["a", "b", "c"] * 10)
    model = _fit(X, y)
    y_new = y.copy()
    y_new[:10] = "never-seen"
    accuracy = model.score(X, y_new)
    expected = np.mean(model.predict(X)[10:] == y_new[10:]) * 20 / 30
    assert accuracy == pytest.approx(expected)


@pytest.mark.slow
def test_fine_tuner_beats_logistic_regression_on_digits(digits_tasks):
    """Check the acceptance criterion: three digit tasks, 30% labels missing."""
    X_train, X_test, Y_train, Y_test = digits_tasks
    model = MultiTaskFineTuner(
        hidden_layer_sizes=(128,),
        max_epochs=40,
        lr=1e-2,
        batch_size=64,
        random_state=0,
    ).fit(X_train, Y_train)
    baseline = []
    for j in range(Y_train.shape[1]):
        labelled = ~np.isnan(Y_train[:, j])
        logistic = LogisticRegression(max_iter=2000)
        logistic.fit(X_train[labelled], Y_train[labelled, j])
        baseline.append(logistic.score(X_test, Y_test[:, j]))
    scores = model.score_tasks(X_test, Y_test)
    assert len(scores) == 3
    assert model.predict(X_test).shape == Y_test.shape
    assert model.score(X_test, Y_test) >= np.mean(baseline)


# -------------------------------------------------------------- training


def test_fine_tuner_sample_weight_zero_equals_removed_rows(mixed_tasks):
    X, Y = mixed_tasks
    weights = np.ones(len(X))
    weights[:10] = 0
    params = dict(batch_size=1000, max_epochs=10, lr=0.01)
    weighted = _fit(X, Y, **params).fit(X, Y, sample_weight=weights)
    removed = _fit(X[10:], Y[10:], **params)
    assert_allclose(weighted.transform(X), removed.transform(X), rtol=1e-4, atol=1e-5)


def test_fine_tuner_zero_task_weight_freezes_its_head(mixed_tasks):
    X, Y = mixed_tasks
    model = MultiTaskFineTuner(**FAST, task_weights={"task_2": 0.0}).fit(X, Y)
    untrained = MultiTaskFineTuner(**{**FAST, "max_epochs": 1, "lr": 1e-12})
    untrained.fit(X, Y)
    head = model.net_.module_.heads["task_2"].weight
    initial = untrained.net_.module_.heads["task_2"].weight
    assert_allclose(head.detach().numpy(), initial.detach().numpy(), atol=1e-9)
    other = model.net_.module_.heads["task_0"].weight.detach().numpy()
    assert not np.allclose(
        other, untrained.net_.module_.heads["task_0"].weight.detach().numpy()
    )


def test_fine_tuner_task_weights_errors(mixed_tasks):
    X, Y = mixed_tasks
    with pytest.raises(ValueError, match="unknown task"):
        _fit(X, Y, task_weights={"nope": 2.0})
    with pytest.raises(ValueError, match="one weight per task"):
        _fit(X, Y, task_weights=[1.0, 2.0])
    with pytest.raises(ValueError, match="non-negative"):
        _fit(X, Y, task_weights=[1.0, -2.0, 1.0])


@pytest.mark.parametrize(
    "optimizer", ["adam", "adamw", "sgd", "rmsprop", torch.optim.Adagrad]
)
def test_fine_tuner_optimizers(mixed_tasks, optimizer):
    X, Y = mixed_tasks
    model = _fit(X, Y, optimizer=optimizer, max_epochs=2)
    expected = optimizer if isinstance(optimizer, type) else None
    if expected is not None:
        assert isinstance(model.net_.optimizer_, expected)


def test_fine_tuner_net_params_route_to_skorch(mixed_tasks):
    X, Y = mixed_tasks
    model = _fit(
        X, Y, optimizer="sgd", net_params={"optimizer__momentum": 0.9}, max_epochs=2
    )
    assert model.net_.optimizer_.param_groups[0]["momentum"] == 0.9


def test_fine_tuner_extra_callbacks_are_copied(mixed_tasks):
    class CountEpochs(Callback):
        def __init__(self):
            self.count = 0

        def on_epoch_end(self, net, **kwargs):
            self.count += 1

    X, Y = mixed_tasks
    counter = CountEpochs()
    model = _fit(X, Y, callbacks=[counter], max_epochs=3)
    assert counter.count == 0
    assert dict(model.net_.callbacks_)["CountEpochs"].count == 3


def test_fine_tuner_early_stopping_restores_best_epoch():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 5))
    y = rng.normal(size=200)  # pure noise: validation loss soon rises
    model = MultiTaskFineTuner(
        hidden_layer_sizes=(64,),
        lr=0.01,
        max_epochs=200,
        early_stopping=True,
        n_iter_no_change=5,
        random_state=0,
    ).fit(X, y)
    assert model.n_epochs_ < 200
    valid = model.history_[:, "valid_loss"]
    assert model.best_epoch_ == int(np.argmin(valid)) + 1
    assert model.n_epochs_ == model.best_epoch_ + 5


def test_fine_tuner_validation_split_is_stratified(mixed_tasks):
    X, Y = mixed_tasks
    model = MultiTaskFineTuner(**FAST, early_stopping=True, validation_fraction=0.25)
    targets = check_multitask_targets(Y[:, 1])
    train, valid = validation_split(model, targets, seed=0)
    assert len(valid) == 15 and len(np.intersect1d(train, valid)) == 0
    share = np.bincount(Y[valid, 1].astype(int), minlength=3) / len(valid)
    overall = np.bincount(Y[:, 1].astype(int)) / len(Y)
    assert_allclose(share, overall, atol=0.07)


def test_fine_tuner_verbose_prints_task_losses(mixed_tasks, capsys):
    X, Y = mixed_tasks
    _fit(X, Y, verbose=1, max_epochs=2, early_stopping=True)
    out = capsys.readouterr().out
    for task in ("task_0", "task_1", "task_2"):
        assert f"train_loss_{task}" in out and f"valid_loss_{task}" in out


def test_fine_tuner_history_has_per_task_losses(mixed_tasks):
    X, Y = mixed_tasks
    model = _fit(X, Y)
    losses = model.history_[:, "train_loss_task_2"]
    assert len(losses) == 5 and losses[-1] < losses[0]
    assert "train_task_sums" not in model.history_[-1]["batches"][0]


# -------------------------------------------------------------- custom trunk


class _ConvTrunk(nn.Module):
    """Small conv net reading flat 8x8 digit images."""

    def __init__(self, n_features, channels=4):
        super().__init__()
        self.side = int(np.sqrt(n_features))
        self.conv = nn.Sequential(
            nn.Conv2d(1, channels, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)
        )

    def forward(self, X):
        return self.conv(X.view(-1, 1, self.side, self.side))


def test_fine_tuner_custom_conv_trunk(digits_tasks):
    X_train, X_test, Y_train, Y_test = digits_tasks
    model = MultiTaskFineTuner(
        trunk=functools.partial(_ConvTrunk, channels=4), max_epochs=3, random_state=0
    ).fit(X_train[:300], Y_train[:300])
    assert model.representation_size_ == 4 * 4 * 4
    assert model.transform(X_test[:5]).shape == (5, 64)
    assert model.predict(X_test[:5]).shape == (5, 3)


def test_fine_tuner_trunk_instance_is_not_modified(mixed_tasks):
    X, Y = mixed_tasks
    trunk = nn.Sequential(nn.Linear(4, 8), nn.Tanh())
    before = [p.detach().clone() for p in trunk.parameters()]
    model = _fit(X, Y, trunk=trunk)
    for old, new in zip(before, trunk.parameters()):
        assert torch.equal(old, new)
    assert model.net_.module_.trunk is not trunk


def test_fine_tuner_bad_trunk_errors(mixed_tasks):
    X, Y = mixed_tasks
    with pytest.raises(TypeError, match="returned int"):
        _fit(X, Y, trunk=lambda n: 3)
    with pytest.raises(ValueError, match="trunk failed on a batch"):
        _fit(X, Y, trunk=nn.Linear(7, 2))


# ------------------------------------------------------- predict_proba etc.


def test_fine_tuner_predict_proba(mixed_tasks):
    X, Y = mixed_tasks
    proba = _fit(X, Y).predict_proba(X)
    assert set(proba) == {"task_0", "task_1"}
    assert proba["task_0"].shape == (60, 2) and proba["task_1"].shape == (60, 3)
    for p in proba.values():
        assert_allclose(p.sum(axis=1), 1.0)
    single = _fit(X, Y[:, 1]).predict_proba(X)
    assert single.shape == (60, 3)
    regression_only = _fit(X, Y[:, 2])
    assert not hasattr(regression_only, "predict_proba")


def test_fine_tuner_transform_and_feature_names(mixed_tasks):
    X, Y = mixed_tasks
    model = _fit(X, Y)
    Z = model.transform(X)
    assert Z.shape == (60, 16) and Z.dtype == np.float32
    names = model.get_feature_names_out()
    assert names[0] == "multitaskfinetuner0" and len(names) == 16
    model.set_output(transform="pandas")
    assert list(model.transform(X).columns) == list(names)


# ---------------------------------------------------------- reproducibility


def test_fine_tuner_random_state_is_reproducible_and_isolated(mixed_tasks):
    X, Y = mixed_tasks
    torch_state = torch.get_rng_state()
    numpy_state = np.random.get_state()[1].copy()
    first = _fit(X, Y, dropout=0.2).predict(X)
    second = _fit(X, Y, dropout=0.2).predict(X)
    assert_array_equal(first, second)
    assert torch.equal(torch_state, torch.get_rng_state())
    assert_array_equal(numpy_state, np.random.get_state()[1])


def test_fine_tuner_clone_pickle_joblib_roundtrip(mixed_tasks, tmp_path):
    X, Y = mixed_tasks
    model = _fit(X, Y, batch_norm=True, dropout=0.1)
    cloned = clone(model)
    assert cloned.get_params() == model.get_params()
    with pytest.raises(NotFittedError):
        check_is_fitted(cloned)
    restored = pickle.loads(pickle.dumps(model))
    assert_array_equal(restored.predict(X), model.predict(X))
    joblib.dump(model, tmp_path / "model.joblib")
    assert_array_equal(
        joblib.load(tmp_path / "model.joblib").predict(X), model.predict(X)
    )
    assert "MultiTaskFineTuner" in model._repr_html_()


def test_fine_tuner_set_params_changes_the_network(mixed_tasks):
    X, Y = mixed_tasks
    model = MultiTaskFineTuner(**FAST).set_params(hidden_layer_sizes=(8, 4))
    model.fit(X, Y)
    assert model.representation_size_ == 4


# ------------------------------------------------------- scikit-learn tools


def test_fine_tuner_in_pipeline_and_cross_validation(mixed_tasks):
    X, Y = mixed_tasks
    pipe = make_pipeline(StandardScaler(), MultiTaskFineTuner(**FAST))
    assert cross_val_score(pipe, X, Y, cv=3).shape == (3,)
    results = cross_validate(pipe, X, Y, cv=3, return_train_score=True)
    assert np.isfinite(results["test_score"]).all()


def _torch_threads(estimator, X, y):
    return float(torch.get_num_threads())


def test_fine_tuner_grid_search_in_parallel_uses_one_thread_per_worker(mixed_tasks):
    """Check that two workers do not each take every core."""
    X, Y = mixed_tasks
    search = GridSearchCV(
        MultiTaskFineTuner(**FAST),
        {"hidden_layer_sizes": [(8,), (16,)], "lr": [1e-3, 1e-2]},
        cv=2,
        n_jobs=2,
        scoring={"score": lambda est, X, y: est.score(X, y), "threads": _torch_threads},
        refit="score",
    ).fit(X, Y)
    assert search.best_estimator_.predict(X).shape == Y.shape
    assert set(search.cv_results_["mean_test_threads"]) == {1.0}


# --------------------------------------------------------------- bad input


def test_fine_tuner_wrong_number_of_features(mixed_tasks):
    X, Y = mixed_tasks
    model = _fit(X, Y)
    with pytest.raises(ValueError, match="X has 3 features, but MultiTaskFineTuner"):
        model.predict(X[:, :3])


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_fine_tuner_non_finite_X_names_columns(mixed_tasks, bad):
    X, Y = mixed_tasks
    X = pd.DataFrame(X, columns=["w", "x", "y", "z"])
    X.iloc[3, 2] = bad
    with pytest.raises(ValueError, match=r"NaN or infinity in 1 column\(s\) \['y'\]"):
        _fit(X, Y)
    with pytest.raises(ValueError, match="TableCleaner"):
        _fit(X.to_numpy(), Y)


def test_fine_tuner_shape_errors(mixed_tasks):
    X, Y = mixed_tasks
    with pytest.raises(ValueError, match="X has 60 rows, y has 59"):
        _fit(X, Y[:-1])
    with pytest.raises(ValueError, match="0 sample"):
        _fit(X[:0], Y[:0])
    with pytest.raises(ValueError, match="requires y to be passed"):
        MultiTaskFineTuner().fit(X, None)


def test_fine_tuner_task_without_labels_or_classes(mixed_tasks):
    X, Y = mixed_tasks
    Y = Y.copy()
    Y[:, 1] = np.nan
    with pytest.raises(ValueError, match="every row of task 'task_1'"):
        _fit(X, Y)
    Y[:, 1] = 1.0
    Y[0, 1] = np.nan
    with pytest.raises(ValueError, match="only one class"):
        _fit(X, Y, tasks={"task_1": "classification"})


def test_fine_tuner_diverging_loss_leaves_estimator_unfitted(mixed_tasks):
    X, Y = mixed_tasks
    model = _fit(X, Y)
    X_huge = X * 1e30
    with pytest.raises(
        TrainingDivergedError, match=r"task 'task_\d' became (nan|inf) at epoch 1.*lr="
    ):
        model.set_params(lr=1e6, optimizer="sgd").fit(X_huge, Y)
    with pytest.raises(NotFittedError):
        model.predict(X)


def test_fine_tuner_score_requires_some_label(mixed_tasks):
    X, Y = mixed_tasks
    model = _fit(X, Y)
    with pytest.raises(ValueError, match="No task could be scored"):
        model.score(X, np.full_like(Y, np.nan))


def test_fine_tuner_cuda_unavailable_is_a_clear_error(mixed_tasks):
    if torch.cuda.is_available():
        pytest.skip("CUDA is available here")
    X, Y = mixed_tasks
    with pytest.raises(ValueError, match="CUDA is not available"):
        _fit(X, Y, device="cuda")
    assert _fit(X, Y, device="auto").net_.device == "cpu"


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_fine_tuner_cuda_matches_cpu_shapes(mixed_tasks):
    X, Y = mixed_tasks
    model = _fit(X, Y, device="cuda")
    assert model.predict(X).shape == Y.shape
    assert next(model.net_.module_.parameters()).is_cuda


def test_fine_tuner_verbose_2_adds_a_progress_bar(mixed_tasks, capsys):
    X, Y = mixed_tasks
    _fit(X, Y, verbose=2, max_epochs=1)
    captured = capsys.readouterr()
    assert "it/s" in captured.err + captured.out
    assert "train_loss_task_0" in captured.out
