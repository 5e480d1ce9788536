"""Training and predict overhead of MultiTaskFineTuner against plain PyTorch.

One epoch of `MultiTaskFineTuner` is timed side by side, in one process and in
alternating rounds, with the same network, data and batch size trained by:

* a minimal hand-written PyTorch loop (slicing pre-made tensors),
* a plain skorch ``NeuralNet`` fed by its default per-row ``DataLoader``,
* three separate scikit-learn ``MLPClassifier``/``MLPRegressor`` (one per task).

Each fit runs ``--epochs`` epochs; the first epoch of every fit is a warm-up and
is dropped. Predict latency is measured for 1 row and for 100,000 rows against
a raw ``module(X)`` forward and skorch's ``NeuralNet.forward``. Medians are
reported with the ratio to the hand-written loop (or raw forward).

Usage::

    python benchmarks/bench_training_overhead.py            # about 2 minutes
    python benchmarks/bench_training_overhead.py --rounds 3 --epochs 4

Sample output (2-core x86_64 VM, torch 2.13.0+cpu, 1 torch thread, nothing
else running) is in README.md, section "Speed".
"""

import argparse
import copy
import statistics
import time
import warnings

import numpy as np
import skorch
import torch
from _machine import machine_description
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor

from skmtl import MultiTaskFineTuner
from skmtl._losses import MultiTaskLoss


def make_data(n_samples, n_features, random_state):
    rng = np.random.RandomState(random_state)
    X = rng.normal(size=(n_samples, n_features)).astype(np.float32)
    w = rng.normal(size=(n_features, 3))
    latent = X @ w
    Y = np.column_stack(
        [
            np.digitize(latent[:, 0], np.quantile(latent[:, 0], [0.33, 0.66])),
            latent[:, 1] > 0,
            latent[:, 2] + rng.normal(size=n_samples),
        ]
    ).astype(np.float64)
    return X, Y


def fit_fine_tuner(X, Y, epochs, seed):
    model = MultiTaskFineTuner(
        hidden_layer_sizes=(128, 64),
        batch_size=256,
        max_epochs=epochs,
        random_state=seed,
    ).fit(X, Y)
    return model, list(model.history_[:, "dur"])[1:]


def fresh_copy(fitted):
    """A copy of the fitted network, re-initialized."""
    module = copy.deepcopy(fitted.net_.module_)
    for parameter in module.parameters():
        torch.nn.init.normal_(parameter, std=0.05)
    return module


def fit_hand_loop(module, X_t, Y_t, criterion, epochs):
    optimizer = torch.optim.Adam(module.parameters(), lr=1e-3)
    durations = []
    for _ in range(epochs):
        start = time.perf_counter()
        module.train()
        order = torch.randperm(len(X_t))
        for i in range(0, len(X_t), 256):
            idx = order[i : i + 256]
            optimizer.zero_grad()
            loss = criterion(module(X_t[idx]), Y_t[idx])[0]
            loss.backward()
            optimizer.step()
            loss.item()  # as any loop that logs its loss
        durations.append(time.perf_counter() - start)
    return durations[1:]


class _SkorchCriterion(torch.nn.Module):
    """Adapter: skorch's default loop passes the whole target batch."""

    def __init__(self, task_types):
        super().__init__()
        self.loss = MultiTaskLoss(task_types)

    def forward(self, outputs, Y):
        return self.loss(outputs, Y)[0]


def fit_plain_skorch(module, X_t, Y_t, task_types, epochs):
    net = skorch.NeuralNet(
        module,
        criterion=_SkorchCriterion,
        criterion__task_types=task_types,
        optimizer=torch.optim.Adam,
        lr=1e-3,
        batch_size=256,
        max_epochs=epochs,
        train_split=None,
        iterator_train__shuffle=True,
        verbose=0,
    )
    net.fit(X_t, Y_t)
    return net, list(net.history[:, "dur"])[1:]


def fit_sklearn_mlps(X, Y, epochs):
    durations = np.zeros(epochs)
    models = [
        MLPClassifier(
            hidden_layer_sizes=(128, 64),
            batch_size=256,
            max_iter=epochs,
            random_state=0,
        ),
        MLPClassifier(
            hidden_layer_sizes=(128, 64),
            batch_size=256,
            max_iter=epochs,
            random_state=0,
        ),
        MLPRegressor(
            hidden_layer_sizes=(128, 64),
            batch_size=256,
            max_iter=epochs,
            random_state=0,
        ),
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for j, model in enumerate(models):
            start = time.perf_counter()
            model.fit(X, Y[:, j])
            durations += (time.perf_counter() - start) / epochs
    return list(durations[1:])


def time_call(function, repeats):
    function()  # warm-up: first-touch allocations, lazy initialization
    durations = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        durations.append(time.perf_counter() - start)
    return statistics.median(durations)


def raw_forward(module, X_t, chunk=65536):
    module.eval()
    with torch.inference_mode():
        return [
            torch.cat(parts)
            for parts in zip(
                *[module(X_t[i : i + chunk]) for i in range(0, len(X_t), chunk)]
            )
        ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-samples", type=int, default=20000)
    parser.add_argument("--n-features", type=int, default=50)
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--random-seed", type=int, default=0)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    print("machine:", machine_description())
    print(
        f"data: {args.n_samples} x {args.n_features}, 3 tasks (multiclass, "
        "binary, regression), trunk 50-128-64, batch 256, Adam"
    )
    X, Y = make_data(args.n_samples, args.n_features, args.random_seed)

    epoch_times = {
        "hand-written loop": [],
        "MultiTaskFineTuner": [],
        "skorch, default DataLoader": [],
        "3 sklearn MLPs": [],
    }
    model = None
    for round_ in range(args.rounds):
        model, durations = fit_fine_tuner(X, Y, args.epochs, round_)
        epoch_times["MultiTaskFineTuner"] += durations
        X_t = torch.from_numpy(X)
        encoded = torch.as_tensor(_encoded_targets(model, Y), dtype=torch.float32)
        criterion = MultiTaskLoss(list(model.task_types_.values()))
        module = fresh_copy(model)
        epoch_times["hand-written loop"] += fit_hand_loop(
            module, X_t, encoded, criterion, args.epochs
        )
        module = fresh_copy(model)
        net, durations = fit_plain_skorch(
            module, X_t, encoded, list(model.task_types_.values()), args.epochs
        )
        epoch_times["skorch, default DataLoader"] += durations
        if round_ < 2:
            epoch_times["3 sklearn MLPs"] += fit_sklearn_mlps(X, Y, args.epochs)

    reference = statistics.median(epoch_times["hand-written loop"])
    print(
        "\nOne training epoch (median over "
        f"{len(epoch_times['hand-written loop'])} epochs, warm-up dropped)"
    )
    print(f"{'contender':<30}{'median ms':>12}{'ratio':>8}")
    for name, times in epoch_times.items():
        median = statistics.median(times)
        print(f"{name:<30}{median * 1e3:>12.1f}{median / reference:>8.2f}")

    module = model.net_.module_
    rng = np.random.RandomState(1)
    print("\nPredict, all three tasks (median of repeated calls)")
    print(f"{'rows':>8}{'contender':>32}{'median ms':>12}{'ratio':>8}")
    for n_rows, repeats in ((1, 2000), (100_000, 15)):
        X_new = rng.normal(size=(n_rows, args.n_features)).astype(np.float32)
        X_new_t = torch.from_numpy(X_new)
        timings = {
            "raw module forward": time_call(
                lambda: raw_forward(module, X_new_t), repeats
            ),
            "MultiTaskFineTuner.predict": time_call(
                lambda: model.predict(X_new), repeats
            ),
            "skorch NeuralNet.forward": time_call(
                lambda: net.forward(X_new_t), repeats
            ),
        }
        base = timings["raw module forward"]
        for name, seconds in timings.items():
            print(f"{n_rows:>8}{name:>32}{seconds * 1e3:>12.3f}{seconds / base:>8.2f}")


def _encoded_targets(model, Y):
    """Encode Y as the estimator does internally (class indices, standardized)."""
    encoded = Y.copy()
    for j, name in enumerate(model.task_names_):
        if model.task_types_[name] == "regression":
            encoded[:, j] = (Y[:, j] - model.target_mean_[name]) / model.target_scale_[
                name
            ]
    return encoded


if __name__ == "__main__":
    main()
