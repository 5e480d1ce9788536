"""Ablation of the preprocessing steps on adult, in front of several models.

The bundled UCI adult data (two binary tasks, ``income_gt_50k`` and
``never_married``; 6 numeric and 7 categorical columns, "?" as NaN) is
loaded as the loader returns it: float category codes and NaN. Each
estimator is fitted on the official training rows (optionally a random
subsample of ``--n-samples`` of them) behind several preprocessing pipelines,
then scored on all 16,281 official test rows:

* ``full``: ``TableCleaner`` (one-hot, quantile clipping, missing-value
  indicators) -> ``MultiTaskFeatureSelector`` (k best by F-test, mean over
  tasks) -> ``FeatureScaler`` (standard);
* ``no selector``, ``no scaling``, ``no clipping``, ``no indicators``: the
  full pipeline without that step or option;
* ``cleaner only``: ``TableCleaner`` with no clipping nor indicators, alone;
* ``no cleaner``: the raw category codes median-imputed by
  ``SimpleImputer`` then standardized: what one gets without ``TableCleaner``.

For each model and pipeline: the number of features reaching the model,
test accuracy and ROC AUC per task and their mean, and the fit time. The
table is printed and written as Markdown to ``benchmarks/results/preprocessing.md``.

Usage::

    python benchmarks/bench_preprocessing.py                  # about 80 s
    python benchmarks/bench_preprocessing.py --n-samples 5000 --estimators logistic

Sample output (``python benchmarks/bench_preprocessing.py``; 2-core AMD EPYC
VM shared with other jobs, so timings are indicative; scores are
reproducible with the same seed)::

    machine: AMD EPYC, 2 cores, Linux; python 3.11.7, torch 2.13.0+cpu (1 thread everywhere), scikit-learn 1.9.1, skmtl 0.1.0.dev0
    data: adult, official split, 32561 train rows (seed 0), 16281 test rows; tasks ['income_gt_50k', 'never_married']; selector keeps k=40

    | model | preprocessing | features | acc income_gt_50k | acc never_married | AUC income_gt_50k | AUC never_married | mean acc | mean AUC | fit s | predict s |
    |---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|
    | dummy | full | 40 | 0.7638 | 0.6662 | 0.5000 | 0.5000 | 0.7150 | 0.5000 | 0.7 | 0.23 |
    | logistic | full | 40 | 0.8512 | 0.8950 | 0.9034 | 0.9623 | 0.8731 | 0.9329 | 0.6 | 0.23 |
    | logistic | no selector | 101 | 0.8529 | 0.8943 | 0.9038 | 0.9622 | 0.8736 | 0.9330 | 0.8 | 0.24 |
    | logistic | no scaling | 40 | 0.8499 | 0.8931 | 0.8954 | 0.9599 | 0.8715 | 0.9276 | 1.3 | 0.23 |
    | logistic | no clipping | 40 | 0.8517 | 0.8948 | 0.9034 | 0.9622 | 0.8732 | 0.9328 | 0.8 | 0.23 |
    | logistic | no indicators | 40 | 0.8517 | 0.8947 | 0.9026 | 0.9624 | 0.8732 | 0.9325 | 0.6 | 0.22 |
    | logistic | cleaner only | 98 | 0.8144 | 0.8085 | 0.8353 | 0.8492 | 0.8114 | 0.8422 | 2.7 | 0.22 |
    | logistic | no cleaner | 13 | 0.8262 | 0.8228 | 0.8459 | 0.8718 | 0.8245 | 0.8589 | 0.1 | 0.01 |
    | hist_gradient_boosting | full | 40 | 0.8726 | 0.8944 | 0.9245 | 0.9640 | 0.8835 | 0.9443 | 3.0 | 0.50 |
    | hist_gradient_boosting | no selector | 101 | 0.8722 | 0.8947 | 0.9254 | 0.9640 | 0.8835 | 0.9447 | 8.3 | 1.44 |
    | hist_gradient_boosting | no scaling | 40 | 0.8726 | 0.8944 | 0.9245 | 0.9640 | 0.8835 | 0.9443 | 4.4 | 0.49 |
    | hist_gradient_boosting | no clipping | 40 | 0.8722 | 0.8941 | 0.9266 | 0.9640 | 0.8831 | 0.9453 | 2.8 | 1.03 |
    | hist_gradient_boosting | no indicators | 40 | 0.8720 | 0.8946 | 0.9242 | 0.9639 | 0.8833 | 0.9440 | 5.5 | 0.84 |
    | hist_gradient_boosting | cleaner only | 98 | 0.8716 | 0.8944 | 0.9264 | 0.9639 | 0.8830 | 0.9451 | 7.8 | 1.60 |
    | hist_gradient_boosting | no cleaner | 13 | 0.8729 | 0.8934 | 0.9266 | 0.9638 | 0.8832 | 0.9452 | 1.5 | 0.36 |
    | fine_tuner | full | 40 | 0.8547 | 0.8954 | 0.9093 | 0.9632 | 0.8751 | 0.9363 | 3.7 | 0.35 |
    | fine_tuner | no selector | 101 | 0.8532 | 0.8937 | 0.9075 | 0.9623 | 0.8734 | 0.9349 | 2.5 | 0.31 |
    | fine_tuner | no scaling | 40 | 0.8378 | 0.8589 | 0.8939 | 0.9395 | 0.8484 | 0.9167 | 3.8 | 0.36 |
    | fine_tuner | no clipping | 40 | 0.8543 | 0.8950 | 0.9082 | 0.9634 | 0.8746 | 0.9358 | 3.5 | 0.36 |
    | fine_tuner | no indicators | 40 | 0.8560 | 0.8958 | 0.9087 | 0.9633 | 0.8759 | 0.9360 | 3.7 | 0.33 |
    | fine_tuner | cleaner only | 98 | 0.7581 | 0.5066 | 0.6634 | 0.6719 | 0.6324 | 0.6677 | 2.6 | 0.34 |
    | fine_tuner | no cleaner | 13 | 0.8511 | 0.8937 | 0.9011 | 0.9618 | 0.8724 | 0.9315 | 2.7 | 0.01 |
"""  # noqa: E501

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
import torch
from _machine import machine_description
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.multioutput import MultiOutputClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from skmtl import MultiTaskFineTuner
from skmtl.datasets import load_adult
from skmtl.preprocessing import FeatureScaler, MultiTaskFeatureSelector, TableCleaner

RESULTS = Path(__file__).parent / "results" / "preprocessing.md"
N_SELECTED = 40

ESTIMATORS = {
    "dummy": lambda: MultiOutputClassifier(DummyClassifier(strategy="prior")),
    "logistic": lambda: MultiOutputClassifier(LogisticRegression(max_iter=200)),
    "hist_gradient_boosting": lambda: MultiOutputClassifier(
        HistGradientBoostingClassifier(max_iter=100)
    ),
    "fine_tuner": lambda: MultiTaskFineTuner(
        hidden_layer_sizes=(64, 32), max_epochs=15, batch_size=256, lr=1e-3
    ),
}


def _cleaner(categorical, clip="quantile", add_indicator=True):
    return TableCleaner(
        categorical_features=categorical, clip=clip, add_indicator=add_indicator
    )


def make_pipelines(categorical):
    """Preprocessing variants: name -> list of (step name, transformer)."""
    select = ("select", MultiTaskFeatureSelector(param=N_SELECTED))
    scale = ("scale", FeatureScaler(method="standard"))
    return {
        "full": [("clean", _cleaner(categorical)), select, scale],
        "no selector": [("clean", _cleaner(categorical)), scale],
        "no scaling": [("clean", _cleaner(categorical)), select],
        "no clipping": [("clean", _cleaner(categorical, clip=None)), select, scale],
        "no indicators": [
            ("clean", _cleaner(categorical, add_indicator=False)),
            select,
            scale,
        ],
        "cleaner only": [
            ("clean", _cleaner(categorical, clip=None, add_indicator=False))
        ],
        "no cleaner": [
            ("impute", SimpleImputer(strategy="median")),
            ("scale", StandardScaler()),
        ],
    }


def _positive_proba(model, X):
    """Probability of class 1 of each task, as an (n_samples, n_tasks) array."""
    proba = model.predict_proba(X)
    if isinstance(proba, dict):
        proba = list(proba.values())
    return np.column_stack([p[:, 1] for p in proba])


def evaluate(pipe, X_train, Y_train, X_test, Y_test):
    start = time.perf_counter()
    with warnings.catch_warnings():
        # unscaled or raw inputs make LogisticRegression stop early: that is
        # part of what the ablation shows, reported through its scores
        warnings.simplefilter("ignore", ConvergenceWarning)
        pipe.fit(X_train, Y_train)
    fit_time = time.perf_counter() - start
    start = time.perf_counter()
    Y_pred = np.asarray(pipe.predict(X_test), dtype=np.float64)
    proba = _positive_proba(pipe, X_test)
    predict_time = time.perf_counter() - start
    accuracy = [accuracy_score(Y_test[:, t], Y_pred[:, t]) for t in range(2)]
    auc = [roc_auc_score(Y_test[:, t], proba[:, t]) for t in range(2)]
    n_features = pipe[-1].n_features_in_
    return accuracy, auc, n_features, fit_time, predict_time


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--estimators",
        default=",".join(ESTIMATORS),
        help=f"comma-separated subset of {list(ESTIMATORS)}",
    )
    parser.add_argument(
        "--n-samples",
        type=int,
        default=None,
        help="random subsample of the 32,561 training rows (default: all)",
    )
    parser.add_argument("--random-seed", type=int, default=0)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    names = args.estimators.split(",")
    unknown = sorted(set(names) - set(ESTIMATORS))
    if unknown:
        parser.error(f"unknown estimators {unknown}; choose from {list(ESTIMATORS)}")

    torch.set_num_threads(1)
    # one thread for BLAS and OpenMP too (HistGradientBoosting), so that the
    # models compare on equal terms and other jobs on the machine matter less
    threadpool_limits(1)
    train, test = load_adult(subset="train"), load_adult(subset="test")
    X_train, Y_train = train.data, train.target
    if args.n_samples is not None and args.n_samples < len(X_train):
        rng = np.random.RandomState(args.random_seed)
        rows = np.sort(rng.choice(len(X_train), args.n_samples, replace=False))
        X_train, Y_train = X_train[rows], Y_train[rows]
    categorical = np.array(train.feature_types) == "categorical"
    tasks = train.task_names

    header = [
        "machine: " + machine_description(),
        f"data: adult, official split, {len(X_train)} train rows (seed "
        f"{args.random_seed}), {len(test.data)} test rows; tasks {tasks}; "
        f"selector keeps k={N_SELECTED}",
    ]
    print("\n".join(header), flush=True)
    columns = [
        "model",
        "preprocessing",
        "features",
        *[f"acc {t}" for t in tasks],
        *[f"AUC {t}" for t in tasks],
        "mean acc",
        "mean AUC",
        "fit s",
        "predict s",
    ]
    # torch initializes lazily: a first, untimed fit keeps that out of the table
    MultiTaskFineTuner(max_epochs=1).fit(X_train[:64, ~categorical], Y_train[:64])
    rows = []
    for name in names:
        variants = make_pipelines(categorical)
        if name == "dummy":
            variants = {"full": variants["full"]}
        for variant, steps in variants.items():
            pipe = Pipeline([*steps, ("model", ESTIMATORS[name]())])
            seeds = {
                key: args.random_seed
                for key in pipe.get_params()
                if key.endswith("random_state")
            }
            pipe.set_params(**seeds)
            accuracy, auc, n_features, fit_time, predict_time = evaluate(
                pipe, X_train, Y_train, test.data, test.target
            )
            row = [
                name,
                variant,
                str(n_features),
                *[f"{a:.4f}" for a in accuracy],
                *[f"{a:.4f}" for a in auc],
                f"{np.mean(accuracy):.4f}",
                f"{np.mean(auc):.4f}",
                f"{fit_time:.1f}",
                f"{predict_time:.2f}",
            ]
            rows.append(row)
            print(" | ".join(row), flush=True)

    table = [
        "| " + " | ".join(columns) + " |",
        "|" + "|".join("---" if i < 2 else "---:" for i in range(len(columns))) + "|",
        *["| " + " | ".join(row) + " |" for row in rows],
    ]
    text = "\n".join([*header, "", *table]) + "\n"
    print()
    print(text)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"written to {args.output}")


if __name__ == "__main__":
    main()
