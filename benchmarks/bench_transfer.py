"""Transfer on adult: pretrain on ``never_married``, fine-tune ``income`` on few labels.

The bundled UCI adult data has two binary tasks. ``never_married`` plays the
plentiful *source* task and ``income_gt_50k`` the *target* task with a small
label budget. For each seed:

1. **Pretrain** a ``MultiTaskFineTuner`` on ``never_married`` for all 32,561
   official training rows, with an autoencoder objective
   (``reconstruction_weight=1``) so the trunk also keeps what the inputs say
   beyond marital status. No income label is used. Its trunk is saved with
   ``get_trunk_state()``.
2. Draw ``N`` training rows at random for each budget ``N`` and keep only
   their income labels.
3. Fit each contender on those ``N`` income labels:

   * ``logistic``: ``LogisticRegression`` (classical, target labels only);
   * ``hist_gradient_boosting``: ``HistGradientBoostingClassifier`` (classical,
     target labels only);
   * ``scratch``: the same network as the pretrained one, randomly
     initialized, trained on the target labels only;
   * ``frozen``: a new estimator with ``pretrained_trunk=state`` and
     ``trainable_layers=0``: only the new income head trains;
   * ``fine_tuned``: ``pretrained_trunk=state``, every layer trains, the trunk
     at a tenth of the head's learning rate (``trunk_lr_scale=0.1``).

4. Score the income predictions on all 16,281 official test rows (ROC AUC
   and accuracy).

All contenders see the same features: ``TableCleaner`` (one-hot categories,
imputation) then ``FeatureScaler`` (standard), fitted once on the training
rows' features only. The three networks share the architecture
(``hidden_layer_sizes=(64, 32)``) and the training settings (Adam, learning
rate 3e-3, batches of 64, about 300 optimizer steps whatever ``N``); these
were set by hand on a validation split of the training rows, not on the test
rows, and are not tuned per budget.

The tables (mean ± standard deviation over seeds) are printed and written as
Markdown to ``benchmarks/results/transfer.md``, the plot of test score versus
number of target labels to ``benchmarks/results/transfer.png``.

Usage::

    python benchmarks/bench_transfer.py            # 5 budgets x 10 seeds, ~4 min
    python benchmarks/bench_transfer.py --quick    # 3 budgets x 3 seeds, ~30 s
    python benchmarks/bench_transfer.py --budgets 100,300 --seeds 4

Sample output (``python benchmarks/bench_transfer.py``; 2-core AMD EPYC VM
shared with other jobs, so timings are indicative; scores are reproducible
with the same seeds)::

    machine: AMD EPYC, 2 cores, Linux; python 3.11.7, torch 2.13.0+cpu (1 thread everywhere), scikit-learn 1.9.1, skmtl 0.1.0.dev0
    data: adult, official split; source task never_married on all 32561 training rows (10 epochs, reconstruction_weight=1), target task income_gt_50k on N random training rows, scored on all 16281 test rows; 98 features after TableCleaner + FeatureScaler; seeds 0..9

    Test ROC AUC of income_gt_50k (mean ± sd over 10 seeds; best in bold)

    | target labels | logistic | hist_gradient_boosting | scratch | frozen | fine_tuned |
    |---|---:|---:|---:|---:|---:|
    | 50 | 0.774 ± 0.019 | 0.715 ± 0.078 | 0.755 ± 0.029 | **0.793 ± 0.032** | 0.754 ± 0.038 |
    | 100 | 0.808 ± 0.038 | 0.805 ± 0.026 | 0.790 ± 0.022 | **0.839 ± 0.012** | 0.820 ± 0.018 |
    | 200 | 0.834 ± 0.022 | 0.824 ± 0.016 | 0.821 ± 0.022 | 0.821 ± 0.016 | **0.846 ± 0.015** |
    | 500 | 0.866 ± 0.009 | **0.869 ± 0.007** | 0.832 ± 0.011 | 0.842 ± 0.008 | 0.867 ± 0.005 |
    | 1000 | 0.877 ± 0.003 | **0.880 ± 0.004** | 0.846 ± 0.007 | 0.848 ± 0.006 | 0.877 ± 0.004 |

    Test accuracy of income_gt_50k (mean ± sd over 10 seeds; best in bold; predicting the majority class scores 0.764)

    | target labels | logistic | hist_gradient_boosting | scratch | frozen | fine_tuned |
    |---|---:|---:|---:|---:|---:|
    | 50 | 0.774 ± 0.014 | 0.765 ± 0.020 | 0.758 ± 0.027 | **0.791 ± 0.009** | 0.767 ± 0.022 |
    | 100 | 0.787 ± 0.017 | 0.778 ± 0.018 | 0.770 ± 0.019 | **0.807 ± 0.015** | 0.796 ± 0.013 |
    | 200 | 0.804 ± 0.014 | 0.796 ± 0.010 | 0.795 ± 0.015 | 0.794 ± 0.013 | **0.811 ± 0.011** |
    | 500 | 0.828 ± 0.006 | 0.826 ± 0.006 | 0.809 ± 0.006 | 0.814 ± 0.008 | **0.829 ± 0.003** |
    | 1000 | **0.838 ± 0.002** | 0.835 ± 0.003 | 0.821 ± 0.005 | 0.820 ± 0.004 | 0.835 ± 0.003 |

    never_married test AUC of the pretrained networks: 0.961 ± 0.000
    mean fit time (s) at the largest budget: logistic 0.01, hist_gradient_boosting 0.76, scratch 0.86, frozen 0.68, fine_tuned 0.90
    total run time: 226 s
"""  # noqa: E501

import argparse
import math
import time
from pathlib import Path

import numpy as np
import torch
from _machine import machine_description
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.pipeline import make_pipeline
from threadpoolctl import threadpool_limits

from skmtl import MultiTaskFineTuner
from skmtl.datasets import load_adult
from skmtl.preprocessing import FeatureScaler, TableCleaner

RESULTS = Path(__file__).parent / "results"
SOURCE, TARGET = "never_married", "income_gt_50k"
HIDDEN = (64, 32)
BATCH_SIZE = 64
# Optimizer steps of every network fit, whatever the label budget: with a
# fixed number of epochs instead, 50 labels would get one step per epoch.
N_STEPS = 300
MIN_EPOCHS = 20


def _network(n_labels, **params):
    n_batches = math.ceil(n_labels / BATCH_SIZE)
    return MultiTaskFineTuner(
        hidden_layer_sizes=HIDDEN,
        lr=3e-3,
        batch_size=BATCH_SIZE,
        max_epochs=max(MIN_EPOCHS, math.ceil(N_STEPS / n_batches)),
        tasks="binary",
        **params,
    )


# name -> callable(n_labels, pretrained trunk state) returning an estimator
ESTIMATORS = {
    "logistic": lambda n, state: LogisticRegression(max_iter=1000),
    "hist_gradient_boosting": lambda n, state: HistGradientBoostingClassifier(),
    "scratch": lambda n, state: _network(n),
    "frozen": lambda n, state: _network(n, pretrained_trunk=state, trainable_layers=0),
    "fine_tuned": lambda n, state: _network(
        n, pretrained_trunk=state, trunk_lr_scale=0.1
    ),
}


def pretrain(X, y_source, seed, max_epochs):
    """Fit the source network on every training row; return its trunk state."""
    source = MultiTaskFineTuner(
        hidden_layer_sizes=HIDDEN,
        reconstruction_weight=1.0,
        max_epochs=max_epochs,
        tasks="binary",
        random_state=seed,
    )
    source.fit(X, y_source)
    return source, source.get_trunk_state()


def markdown_table(scores, budgets, names):
    """Rows: label budgets; columns: contenders; cells: mean ± sd over seeds."""
    lines = [
        "| target labels | " + " | ".join(names) + " |",
        "|---|" + "---:|" * len(names),
    ]
    for n in budgets:
        cells = []
        means = {name: np.mean(scores[name, n]) for name in names}
        best = max(means.values())
        for name in names:
            values = scores[name, n]
            cell = f"{np.mean(values):.3f} ± {np.std(values):.3f}"
            cells.append(f"**{cell}**" if means[name] == best else cell)
        lines.append(f"| {n} | " + " | ".join(cells) + " |")
    return lines


def plot(auc, accuracy, budgets, names, path, title):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
    for ax, scores, metric in zip(axes, (auc, accuracy), ("ROC AUC", "accuracy")):
        for name in names:
            mean = np.array([np.mean(scores[name, n]) for n in budgets])
            sd = np.array([np.std(scores[name, n]) for n in budgets])
            ax.errorbar(budgets, mean, yerr=sd, marker="o", capsize=3, label=name)
        ax.set_xscale("log")
        ax.set_xticks(budgets, [str(n) for n in budgets])
        ax.minorticks_off()
        ax.set_xlabel(f"number of {TARGET} labels")
        ax.set_ylabel(f"test {metric}")
        ax.grid(alpha=0.3)
    axes[0].legend()
    fig.suptitle(title)
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--budgets",
        default=None,
        help="comma-separated numbers of target labels (default: "
        "50,100,200,500,1000; --quick: 50,200,1000)",
    )
    parser.add_argument(
        "--seeds",
        type=int,
        default=None,
        help="number of seeds, each with its own pretraining and label draws "
        "(default: 10; --quick: 3)",
    )
    parser.add_argument("--random-seed", type=int, default=0, help="first seed")
    parser.add_argument(
        "--pretrain-epochs",
        type=int,
        default=None,
        help="epochs of pretraining (default: 10; --quick: 5)",
    )
    parser.add_argument(
        "--estimators",
        default=",".join(ESTIMATORS),
        help=f"comma-separated subset of {list(ESTIMATORS)}",
    )
    parser.add_argument("--quick", action="store_true", help="a small run, ~30 s")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    budgets = args.budgets or ("50,200,1000" if args.quick else "50,100,200,500,1000")
    budgets = sorted(int(n) for n in budgets.split(","))
    n_seeds = args.seeds or (3 if args.quick else 10)
    pretrain_epochs = args.pretrain_epochs or (5 if args.quick else 10)
    names = args.estimators.split(",")
    unknown = sorted(set(names) - set(ESTIMATORS))
    if unknown:
        parser.error(f"unknown estimators {unknown}; choose from {list(ESTIMATORS)}")

    torch.set_num_threads(1)
    # one thread for BLAS and OpenMP too (HistGradientBoosting), so that the
    # models compare on equal terms and other jobs on the machine matter less
    threadpool_limits(1)
    start = time.perf_counter()
    train, test = load_adult(subset="train"), load_adult(subset="test")
    tasks = list(train.task_names)
    y_source = train.target[:, tasks.index(SOURCE)]
    y_target = train.target[:, tasks.index(TARGET)]
    y_test = test.target[:, tasks.index(TARGET)]
    if max(budgets) > len(y_target):
        parser.error(f"budgets must not exceed the {len(y_target)} training rows")
    categorical = np.array(train.feature_types) == "categorical"
    # Fitted on the training rows' features only: no label, no test row.
    preprocess = make_pipeline(
        TableCleaner(categorical_features=categorical), FeatureScaler()
    )
    X = preprocess.fit_transform(train.data).astype(np.float32)
    X_test = preprocess.transform(test.data).astype(np.float32)
    seeds = list(range(args.random_seed, args.random_seed + n_seeds))

    header = [
        "machine: " + machine_description(),
        f"data: adult, official split; source task {SOURCE} on all {len(X)} "
        f"training rows ({pretrain_epochs} epochs, reconstruction_weight=1), "
        f"target task {TARGET} on N random training rows, scored on all "
        f"{len(X_test)} test rows; {X.shape[1]} features after TableCleaner + "
        f"FeatureScaler; seeds {seeds[0]}..{seeds[-1]}",
    ]
    print("\n".join(header), flush=True)

    auc, accuracy, fit_time = {}, {}, {}
    source_scores = []
    for seed in seeds:
        tic = time.perf_counter()
        source, state = pretrain(X, y_source, seed, pretrain_epochs)
        source_scores.append(
            roc_auc_score(
                test.target[:, tasks.index(SOURCE)],
                source.predict_proba(X_test)[:, 1],
            )
        )
        print(
            f"seed {seed}: pretrained in {time.perf_counter() - tic:.1f} s, "
            f"{SOURCE} test AUC {source_scores[-1]:.3f}",
            flush=True,
        )
        rng = np.random.RandomState(seed)
        for n in budgets:
            rows = rng.choice(len(X), n, replace=False)
            line = [f"  N={n:<5d}"]
            for name in names:
                model = ESTIMATORS[name](n, state)
                model.set_params(
                    **{
                        key: seed
                        for key in model.get_params()
                        if key.endswith("random_state")
                    }
                )
                tic = time.perf_counter()
                model.fit(X[rows], y_target[rows])
                fit_time.setdefault((name, n), []).append(time.perf_counter() - tic)
                proba = model.predict_proba(X_test)[:, 1]
                auc.setdefault((name, n), []).append(roc_auc_score(y_test, proba))
                accuracy.setdefault((name, n), []).append(
                    accuracy_score(y_test, (proba > 0.5).astype(float))
                )
                line.append(f"{name} {auc[name, n][-1]:.3f}")
            print(" | ".join(line), flush=True)

    total = time.perf_counter() - start
    footer = [
        f"{SOURCE} test AUC of the pretrained networks: "
        f"{np.mean(source_scores):.3f} ± {np.std(source_scores):.3f}",
        "mean fit time (s) at the largest budget: "
        + ", ".join(
            f"{name} {np.mean(fit_time[name, budgets[-1]]):.2f}" for name in names
        ),
        f"total run time: {total:.0f} s",
    ]
    text = "\n".join(
        [
            *header,
            "",
            f"Test ROC AUC of {TARGET} (mean ± sd over {n_seeds} seeds; best in bold)",
            "",
            *markdown_table(auc, budgets, names),
            "",
            f"Test accuracy of {TARGET} (mean ± sd over {n_seeds} seeds; best in "
            "bold; predicting the majority class scores "
            f"{1 - y_test.mean():.3f})",
            "",
            *markdown_table(accuracy, budgets, names),
            "",
            *footer,
        ]
    )
    print()
    print(text)
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "transfer.md").write_text(text + "\n", encoding="utf-8")
    plot(
        auc,
        accuracy,
        budgets,
        names,
        args.output / "transfer.png",
        f"adult: {TARGET} after pretraining on {SOURCE} ({n_seeds} seeds)",
    )
    print(f"written to {args.output / 'transfer.md'} and transfer.png")


if __name__ == "__main__":
    main()
