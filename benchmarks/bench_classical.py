"""MultiTaskFineTuner against classical models on the bundled real data sets.

Every model sees, for a given data set and split, the same rows, the same
preprocessed feature matrix and the same inner cross-validation folds, and has
its hyper-parameters chosen by ``GridSearchCV`` on the training part only (the
grids are in ``GRIDS``; the test part of a split is never used for tuning).
Protocols and metrics follow ``shared/data/README.md``:

========================  ==========================================================
School                    10 published 75/25 splits; explained variance
                          ``1 - MSE / Var(y_test)`` (total-variance definition,
                          headline) and the per-school definition (mean over schools
                          of ``1 - MSE_s / Var_s``), both in %
Computer survey           profiles 1-16 -> 17-20 (official); RMSE
Parkinsons                outer GroupKFold(5) on patients (inner folds grouped too);
                          MAE per task, the mean predictor is the ``dummy`` row
Yeast                     official MULAN split; Hamming loss, micro / macro F1
Adult                     official split; error rate (%) and ROC AUC per task
Census-income (KDD)       the file's fixed 50/50 ``split``; ROC AUC per task
========================  ==========================================================

Preprocessing (fitted on each outer training part, without labels, and shared
by all models): School and Computer survey are standardised and get the task
id one-hot appended (so a shared model can learn task offsets; per-task models
see constant columns, the "pooled ridge" ignores them, "pooled ridge + task"
uses them); Parkinsons and Yeast are standardised; Adult and Census go through
``TableCleaner`` (median / most-frequent imputation, one-hot categoricals) and
a standard scaler.

Reported per model: the data set's metrics as mean ± sd over outer splits
(and seeds for single-split data sets), ``fit_s`` (grid search included),
``refit_s`` (the final fit with the chosen parameters), ``predict_s`` (test
part), ``peak_MB`` (peak resident-set size above the level before the fit,
sampled every 5 ms from ``/proc/self/statm`` during grid search + refit; this
counts torch's allocations, which ``tracemalloc`` does not see) and the most
often chosen parameters.

Usage::

    python benchmarks/bench_classical.py --quick             # ~14 min, shared 2 cores
    python benchmarks/bench_classical.py                     # full protocol, hours
    python benchmarks/bench_classical.py --tiny              # < 30 s smoke test
    python benchmarks/bench_classical.py --quick --datasets yeast adult \\
        --estimators dummy linear mtft --random-seed 1 --output-dir /tmp/bench

Outputs in ``--output-dir`` (default ``benchmarks/results/``): ``results.md``,
``summary.csv`` (one row per data set x model x metric), ``scores.csv`` (every
split, seed, metric and per-task score), ``scores.png`` (headline metric per
model with error bars) and ``score_vs_time.png``.

Sample output (``--quick``, 2-core AMD EPYC VM, torch 1 thread, shared with
other jobs) is in ``docs/user_guide/benchmarks.rst``.
"""

import argparse
import os
import sys
import threading
import time
import warnings
from collections import Counter

import numpy as np
import torch
from _machine import machine_description
from sklearn.base import BaseEstimator, clone
from sklearn.compose import TransformedTargetRegressor
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import (
    LogisticRegression,
    MultiTaskElasticNet,
    MultiTaskLasso,
    Ridge,
)
from sklearn.metrics import f1_score, roc_auc_score
from sklearn.model_selection import GridSearchCV, GroupKFold, KFold, StratifiedKFold
from sklearn.multioutput import ClassifierChain, MultiOutputClassifier
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from skmtl import MultiTaskFineTuner
from skmtl.datasets import (
    load_adult,
    load_census_income,
    load_computer_survey,
    load_parkinsons,
    load_school,
    load_yeast,
)
from skmtl.preprocessing import TableCleaner

DATASETS = ("school", "computer_survey", "parkinsons", "yeast", "adult", "census")

# -- models -------------------------------------------------------------------


class PerTask(BaseEstimator):
    """One clone of ``estimator`` per task, fitted on that task's labelled rows.

    With ``n_task_features`` > 0 the last ``n_task_features`` columns of X are
    the one-hot task id of a one-task-per-row data set: only the row's own task
    is predicted (the other cells are NaN), which is all the metrics read.
    A task with a single class (or fewer than 2 rows) gets a constant model.
    """

    def __init__(self, estimator, classification=False, n_task_features=0):
        self.estimator = estimator
        self.classification = classification
        self.n_task_features = n_task_features

    def fit(self, X, Y):
        Y = np.asarray(Y, dtype=float)
        self.estimators_ = []
        for t in range(Y.shape[1]):
            labelled = ~np.isnan(Y[:, t])
            y = Y[labelled, t]
            if self.classification:
                y = y.astype(int)
                model = (
                    clone(self.estimator)
                    if len(np.unique(y)) > 1
                    else DummyClassifier(strategy="prior")
                )
                if len(y) == 0:
                    model, y = DummyClassifier(constant=0), np.zeros(1, int)
            else:
                model = clone(self.estimator) if len(y) > 1 else DummyRegressor()
                if len(y) == 0:
                    y = np.zeros(1)
            X_t = X[labelled] if labelled.any() else X[:1]
            self.estimators_.append(model.fit(X_t, y))
        return self

    def _rows(self, X, t):
        if not self.n_task_features:
            return np.ones(len(X), dtype=bool)
        return X[:, X.shape[1] - self.n_task_features + t] > 0.5

    def _apply(self, X, method):
        out = np.full((len(X), len(self.estimators_)), np.nan)
        for t, model in enumerate(self.estimators_):
            rows = self._rows(X, t)
            if rows.any():
                if method == "predict":
                    out[rows, t] = model.predict(X[rows])
                else:
                    proba = model.predict_proba(X[rows])
                    classes = list(model.classes_)
                    out[rows, t] = proba[:, classes.index(1)] if 1 in classes else 0
        return out

    def predict(self, X):
        return self._apply(X, "predict")

    def predict_proba(self, X):
        return self._apply(X, "predict_proba")


class Pooled(BaseEstimator):
    """One model for all rows of a one-task-per-row data set (shared target).

    ``use_task_features=False`` drops the trailing one-hot task columns (the
    model ignores the task); True keeps them (task offsets). ``predict``
    returns the same prediction in every task column.
    """

    def __init__(self, estimator, n_task_features=0, use_task_features=False):
        self.estimator = estimator
        self.n_task_features = n_task_features
        self.use_task_features = use_task_features

    def _features(self, X):
        if self.use_task_features or not self.n_task_features:
            return X
        return X[:, : -self.n_task_features]

    def fit(self, X, Y):
        Y = np.asarray(Y, dtype=float)
        if (np.sum(~np.isnan(Y), axis=1) != 1).any():
            raise ValueError("Pooled needs exactly one label per row.")
        self.n_tasks_ = Y.shape[1]
        y = Y[~np.isnan(Y)]  # row-major: one value per row, in row order
        self.estimator_ = clone(self.estimator).fit(self._features(X), y)
        return self

    def predict(self, X):
        p = np.ravel(self.estimator_.predict(self._features(X)))
        return np.tile(p[:, None], (1, self.n_tasks_))


def _fine_tuner(**params):
    return MultiTaskFineTuner(**params)


def make_estimators(kind, n_task_features, mode="full", n_train=3000):
    """Return ``{name: (estimator, grid)}`` for one data set.

    ``kind`` is ``'regression'`` (several regression tasks), ``'pertask'`` (one
    regression task per row, shared target), or ``'binary'`` (binary tasks,
    every row labelled).
    """
    quick = mode != "full"
    n_trees = {"full": 200, "quick": 50, "tiny": 10}[mode]
    n_iter = {"full": 200, "quick": 50, "tiny": 10}[mode]
    mlp_iter = {"full": 300, "quick": 100, "tiny": 20}[mode]
    cls = kind == "binary"
    ntf = n_task_features
    est = {}
    if cls:
        est["dummy"] = (PerTask(DummyClassifier(strategy="prior"), True), {})
        est["linear"] = (
            PerTask(LogisticRegression(max_iter=1000), True),
            {"estimator__C": [0.01, 0.1, 1.0, 10.0]},
        )
        est["random_forest"] = (
            PerTask(RandomForestClassifier(n_estimators=n_trees), True),
            {
                "estimator__min_samples_leaf": [1, 5],
                "estimator__max_features": ["sqrt", 0.5],
            },
        )
        est["hist_gradient_boosting"] = (
            PerTask(HistGradientBoostingClassifier(max_iter=n_iter), True),
            {
                "estimator__learning_rate": [0.05, 0.1],
                "estimator__max_leaf_nodes": [15, 31],
            },
        )
        est["mlp"] = (
            PerTask(MLPClassifier(max_iter=mlp_iter, early_stopping=True), True),
            {
                "estimator__hidden_layer_sizes": [(64,), (256,)],
                "estimator__alpha": [1e-4, 1e-2],
            },
        )
        est["multioutput_logistic"] = (
            MultiOutputClassifier(LogisticRegression(max_iter=1000)),
            {"estimator__C": [0.01, 0.1, 1.0, 10.0]},
        )
        est["classifier_chain"] = (
            ClassifierChain(LogisticRegression(max_iter=1000), order="random"),
            {"estimator__C": [0.01, 0.1, 1.0, 10.0]},
        )
        est["mtft"] = (
            _fine_tuner(
                tasks="binary",
                hidden_layer_sizes=(256,),
                dropout=0.5,
                early_stopping=True,
                max_epochs=30 if quick else 100,
            ),
            {"lr": [1e-3, 3e-4], "hidden_layer_sizes": [(256,), (256, 128)]},
        )
        return est
    # regression
    est["dummy"] = (PerTask(DummyRegressor(), n_task_features=ntf), {})
    est["linear"] = (
        PerTask(Ridge(), n_task_features=ntf),
        {"estimator__alpha": [0.1, 1.0, 10.0, 100.0]},
    )
    if kind == "pertask":
        for name, use in [("pooled_ridge", False), ("pooled_ridge_task", True)]:
            est[name] = (
                Pooled(Ridge(), ntf, use_task_features=use),
                {"estimator__alpha": [0.1, 1.0, 10.0, 100.0]},
            )
    est["random_forest"] = (
        PerTask(RandomForestRegressor(n_estimators=n_trees), n_task_features=ntf),
        {
            "estimator__min_samples_leaf": [1, 5],
            "estimator__max_features": [0.33, 1.0],
        },
    )
    est["hist_gradient_boosting"] = (
        PerTask(HistGradientBoostingRegressor(max_iter=n_iter), n_task_features=ntf),
        {
            "estimator__learning_rate": [0.05, 0.1],
            "estimator__max_leaf_nodes": [7, 31],
        },
    )
    # Standardised target, as MultiTaskFineTuner does internally.
    est["mlp"] = (
        PerTask(
            TransformedTargetRegressor(
                MLPRegressor(max_iter=mlp_iter), transformer=StandardScaler()
            ),
            n_task_features=ntf,
        ),
        {
            "estimator__regressor__hidden_layer_sizes": [(16,), (64,)],
            "estimator__regressor__alpha": [1e-2, 1.0],
        },
    )
    if kind == "regression":
        est["multitask_lasso"] = (
            MultiTaskLasso(max_iter=5000),
            {"alpha": [0.01, 0.1, 1.0, 10.0]},
        )
        est["multitask_elasticnet"] = (
            MultiTaskElasticNet(max_iter=5000),
            {"alpha": [0.1, 1.0], "l1_ratio": [0.2, 0.8]},
        )
        est["mtft"] = (
            _fine_tuner(
                tasks="regression",
                early_stopping=True,
                max_epochs=50 if quick else 200,
            ),
            {"hidden_layer_sizes": [(32,), (128,)], "weight_decay": [1e-4, 1e-2]},
        )
    else:
        # One head per task on the task-augmented input. Full-batch-ish steps:
        # the per-task heads make each optimizer step cost O(n_tasks).
        est["mtft"] = (
            _fine_tuner(
                tasks="regression",
                hidden_layer_sizes=(8,),
                activation="identity",
                weight_decay=1e-2,
                batch_size=max(1024, -(-n_train // 3)),
                lr=1e-2,
                max_epochs={"full": 300, "quick": 100, "tiny": 5}[mode],
            ),
            {"weight_decay": [1e-2, 1e-3], "hidden_layer_sizes": [(8,), (16,)]},
        )
        # The task id is an input and a single shared head predicts the shared
        # target (task-as-feature multi-task learning): cheap with many tasks.
        est["mtft_task_input"] = (
            Pooled(
                _fine_tuner(
                    tasks="regression",
                    hidden_layer_sizes=(256,),
                    dropout=0.5,
                    early_stopping=True,
                    n_iter_no_change=20,
                    max_epochs=60 if quick else 300,
                ),
                ntf,
                use_task_features=True,
            ),
            {
                "estimator__hidden_layer_sizes": [(256,), (512,)],
                "estimator__weight_decay": [0.0, 1e-4],
            },
        )
    return est


#: Grid of every estimator, by data-set kind, as run in full mode. Quick mode
#: keeps the first value of each parameter but one (2 candidates per model
#: where the grid has 4); tiny mode keeps 1 candidate.
GRIDS = {
    kind: {name: grid for name, (_, grid) in make_estimators(kind, 0).items()}
    for kind in ("pertask", "regression", "binary")
}
ESTIMATORS = {
    kind: {name: model for name, (model, _) in make_estimators(kind, 0).items()}
    for kind in ("pertask", "regression", "binary")
}


def shrink_grid(grid, mode):
    """Smaller grid for quick (2 candidates) and tiny (1 candidate) modes."""
    if mode == "full" or not grid:
        return grid
    keys = list(grid)
    if mode == "tiny":
        return {k: grid[k][:1] for k in keys}
    # quick: vary only the first parameter, over its first two values
    # (or the two extremes of a one-parameter grid)
    if len(keys) == 1:
        values = grid[keys[0]]
        return {keys[0]: [values[1], values[-2]] if len(values) > 3 else values[:2]}
    return {keys[0]: grid[keys[0]][:2], **{k: grid[k][:1] for k in keys[1:]}}


def n_candidates(grid):
    return int(np.prod([len(v) for v in grid.values()])) if grid else 1


# -- predictions --------------------------------------------------------------


def predict_matrix(model, X, n_tasks):
    p = np.asarray(model.predict(X), dtype=float)
    return p.reshape(len(X), n_tasks)


def proba_matrix(model, X, task_names):
    """Positive-class probability of each binary task, shape (n, n_tasks)."""
    p = model.predict_proba(X)
    if isinstance(p, dict):
        p = [p[name] for name in task_names]
    if isinstance(p, list):
        return np.column_stack([np.asarray(q)[:, -1] for q in p])
    return np.asarray(p, dtype=float).reshape(len(X), len(task_names))


# -- metrics ------------------------------------------------------------------


def _own(P, task):
    return P[np.arange(len(task)), task]


def metrics_school(Y, P, proba, task, task_names):
    y, p = _own(Y, task), _own(P, task)
    mse = np.mean((y - p) ** 2)
    per_school = [
        1 - np.mean((y[task == t] - p[task == t]) ** 2) / np.var(y[task == t])
        for t in np.unique(task)
        if np.var(y[task == t]) > 0
    ]
    return {
        "explained_variance_total_%": 100 * (1 - mse / np.var(y)),
        "explained_variance_per_school_%": 100 * float(np.mean(per_school)),
        "rmse": float(np.sqrt(mse)),
    }, {}


def metrics_computer(Y, P, proba, task, task_names):
    y, p = _own(Y, task), _own(P, task)
    per_resp = [
        np.sqrt(np.mean((y[task == t] - p[task == t]) ** 2)) for t in np.unique(task)
    ]
    return {
        "rmse": float(np.sqrt(np.mean((y - p) ** 2))),
        "rmse_mean_per_respondent": float(np.mean(per_resp)),
    }, {}


def metrics_parkinsons(Y, P, proba, task, task_names):
    mae = np.mean(np.abs(Y - P), axis=0)
    out = {f"mae_{n}": float(m) for n, m in zip(task_names, mae)}
    return {"mae_mean": float(mae.mean()), **out}, {}


def metrics_yeast(Y, P, proba, task, task_names):
    Y, P = Y.astype(int), (P > 0.5).astype(int)
    per = {
        f"f1_{n}": f1_score(Y[:, t], P[:, t], zero_division=0)
        for t, n in enumerate(task_names)
    }
    return {
        "hamming_loss": float(np.mean(Y != P)),
        "micro_f1": f1_score(Y, P, average="micro", zero_division=0),
        "macro_f1": f1_score(Y, P, average="macro", zero_division=0),
    }, per


def metrics_binary(Y, P, proba, task, task_names):
    out = {}
    for t, name in enumerate(task_names):
        out[f"error_%_{name}"] = 100 * float(np.mean((P[:, t] > 0.5) != Y[:, t]))
        out[f"auc_{name}"] = roc_auc_score(Y[:, t], proba[:, t])
    return out, {}


def metrics_census(Y, P, proba, task, task_names):
    aucs = {
        f"auc_{n}": roc_auc_score(Y[:, t], proba[:, t])
        for t, n in enumerate(task_names)
    }
    errors = {
        f"error_%_{n}": 100 * float(np.mean((P[:, t] > 0.5) != Y[:, t]))
        for t, n in enumerate(task_names)
    }
    return {"auc_mean": float(np.mean(list(aucs.values()))), **aucs, **errors}, {}


# Inner-CV scorers (greater is better), computed on the labelled cells only.


def _labelled(Y, P):
    Y = np.asarray(Y, dtype=float)
    mask = ~np.isnan(Y)
    return Y[mask], P[mask]


def neg_mse(model, X, Y):
    y, p = _labelled(Y, predict_matrix(model, X, np.shape(Y)[1]))
    return -float(np.mean((y - p) ** 2))


def neg_mae(model, X, Y):
    y, p = _labelled(Y, predict_matrix(model, X, np.shape(Y)[1]))
    return -float(np.mean(np.abs(y - p)))


def neg_error(model, X, Y):
    y, p = _labelled(Y, predict_matrix(model, X, np.shape(Y)[1]))
    return -float(np.mean((p > 0.5) != y))


def mean_auc(model, X, Y):
    Y = np.asarray(Y, dtype=float)
    proba = proba_matrix(model, X, [f"task_{t}" for t in range(Y.shape[1])])
    return float(
        np.mean([roc_auc_score(Y[:, t], proba[:, t]) for t in range(len(Y.T))])
    )


# -- data sets ------------------------------------------------------------------


class Split(dict):
    """One outer split: train / test arrays, inner folds and a label."""


def seeded_splits(n_seeds, seed, X_tr, Y_tr, X_te, Y_te, inner_folds, task_te=None):
    """One Split per seed over the same official train/test partition.

    ``inner_folds(seed)`` returns the inner cross-validation folds of a seed.
    """
    return [
        Split(
            label=f"seed{s}",
            seed=seed + s,
            X_tr=X_tr,
            Y_tr=Y_tr,
            X_te=X_te,
            Y_te=Y_te,
            task_te=task_te,
            inner=inner_folds(seed + s),
        )
        for s in range(n_seeds)
    ]


def _task_onehot(task, n_tasks):
    return np.eye(n_tasks)[task]


def _standardized_with_task(X_tr, X_te, t_tr, t_te, n_tasks):
    scaler = StandardScaler().fit(X_tr)
    return (
        np.hstack([scaler.transform(X_tr), _task_onehot(t_tr, n_tasks)]),
        np.hstack([scaler.transform(X_te), _task_onehot(t_te, n_tasks)]),
    )


def _stratified_task_folds(task, n_folds, seed):
    cv = StratifiedKFold(n_folds, shuffle=True, random_state=seed)
    return list(cv.split(np.zeros(len(task)), task))


def _rebase_tasks(task, keep):
    """Renumber the kept tasks 0..k-1."""
    lookup = {t: i for i, t in enumerate(keep)}
    return np.array([lookup[t] for t in task])


def load_problem(name, mode, seed, n_folds, n_samples=None):
    """Return a dict describing the data set and its outer splits."""
    rng = np.random.RandomState(seed)
    if name == "school":
        d = load_school()
        keep = np.arange(139) if mode != "tiny" else np.arange(15)
        rows = np.isin(d.task, keep)
        task = _rebase_tasks(d.task[rows], keep)
        X, y, masks = d.data[rows], d.y[rows], d.train_masks[:, rows]
        n_splits = {"full": 10, "quick": 1, "tiny": 1}[mode]
        T = len(keep)
        splits = []
        for k in range(n_splits):
            tr = masks[k]
            X_tr, X_te = _standardized_with_task(X[tr], X[~tr], task[tr], task[~tr], T)
            Y_tr = np.full((tr.sum(), T), np.nan)
            Y_tr[np.arange(tr.sum()), task[tr]] = y[tr]
            Y_te = np.full(((~tr).sum(), T), np.nan)
            Y_te[np.arange((~tr).sum()), task[~tr]] = y[~tr]
            splits.append(
                Split(
                    label=f"split{k}",
                    X_tr=X_tr, Y_tr=Y_tr, X_te=X_te, Y_te=Y_te,
                    task_te=task[~tr],
                    inner=_stratified_task_folds(task[tr], n_folds, seed),
                )
            )  # fmt: skip
        return dict(
            kind="pertask",
            n_task_features=T,
            task_names=[f"school_{t}" for t in keep],
            splits=splits,
            metrics=metrics_school,
            scorer=neg_mse,
            headline=("explained_variance_total_%", True),
            n_rows=len(y),
        )
    if name == "computer_survey":
        tr_d = load_computer_survey(subset="train")
        te_d = load_computer_survey(subset="test")
        keep = np.arange(190) if mode != "tiny" else np.arange(20)
        r_tr, r_te = np.isin(tr_d.task, keep), np.isin(te_d.task, keep)
        t_tr = _rebase_tasks(tr_d.task[r_tr], keep)
        t_te = _rebase_tasks(te_d.task[r_te], keep)
        T = len(keep)
        X_tr, X_te = _standardized_with_task(
            tr_d.data[r_tr], te_d.data[r_te], t_tr, t_te, T
        )
        Y_tr = tr_d.target[r_tr][:, keep]
        Y_te = te_d.target[r_te][:, keep]
        n_seeds = {"full": 3, "quick": 1, "tiny": 1}[mode]
        splits = seeded_splits(
            n_seeds,
            seed,
            X_tr,
            Y_tr,
            X_te,
            Y_te,
            lambda s: _stratified_task_folds(t_tr, n_folds, s),
            task_te=t_te,
        )
        return dict(
            kind="pertask",
            n_task_features=T,
            task_names=[str(tr_d.task_names[t]) for t in keep],
            splits=splits,
            metrics=metrics_computer,
            scorer=neg_mse,
            headline=("rmse", False),
            n_rows=int(r_tr.sum() + r_te.sum()),
        )
    if name == "parkinsons":
        d = load_parkinsons()
        X, Y, groups = d.data, d.target, d.groups
        if mode == "tiny":
            rows = rng.rand(len(X)) < 0.2
            X, Y, groups = X[rows], Y[rows], groups[rows]
        n_outer = {"full": 5, "quick": 3, "tiny": 2}[mode]
        splits = []
        for k, (tr, te) in enumerate(GroupKFold(n_outer).split(X, Y, groups)):
            scaler = StandardScaler().fit(X[tr])
            inner = list(GroupKFold(n_folds).split(X[tr], Y[tr], groups[tr]))
            splits.append(
                Split(
                    label=f"fold{k}",
                    X_tr=scaler.transform(X[tr]), Y_tr=Y[tr],
                    X_te=scaler.transform(X[te]), Y_te=Y[te],
                    task_te=None, inner=inner,
                )
            )  # fmt: skip
        return dict(
            kind="regression",
            n_task_features=0,
            task_names=list(d.task_names),
            splits=splits,
            metrics=metrics_parkinsons,
            scorer=neg_mae,
            headline=("mae_mean", False),
            n_rows=len(X),
        )
    if name == "yeast":
        tr_d, te_d = load_yeast(subset="train"), load_yeast(subset="test")
        X_tr, Y_tr, X_te, Y_te = tr_d.data, tr_d.target, te_d.data, te_d.target
        task_names = list(tr_d.task_names)
        if mode == "tiny":  # 400 rows and the 6 most common labels
            X_tr, Y_tr, Y_te = X_tr[:400], Y_tr[:400, :6], Y_te[:, :6]
            task_names = task_names[:6]
        scaler = StandardScaler().fit(X_tr)
        X_tr, X_te = scaler.transform(X_tr), scaler.transform(X_te)
        n_seeds = {"full": 3, "quick": 1, "tiny": 1}[mode]
        splits = seeded_splits(
            n_seeds,
            seed,
            X_tr,
            Y_tr,
            X_te,
            Y_te,
            lambda s: list(KFold(n_folds, shuffle=True, random_state=s).split(X_tr)),
        )
        return dict(
            kind="binary",
            n_task_features=0,
            task_names=task_names,
            splits=splits,
            metrics=metrics_yeast,
            scorer=neg_error,
            headline=("hamming_loss", False),
            n_rows=len(X_tr) + len(X_te),
        )
    if name in ("adult", "census"):
        loader = load_adult if name == "adult" else load_census_income
        tr_d, te_d = loader(subset="train"), loader(subset="test")
        X_tr, Y_tr, X_te, Y_te = tr_d.data, tr_d.target, te_d.data, te_d.target
        n_train = {"full": None, "quick": 8000, "tiny": 1000}[mode]
        if n_samples is not None:
            n_train = n_samples or None
        n_test = {"full": None, "quick": None, "tiny": 2000}[mode]
        if n_train is not None and n_train < len(X_tr):
            rows = rng.choice(len(X_tr), n_train, replace=False)
            X_tr, Y_tr = X_tr[rows], Y_tr[rows]
        if n_test is not None and n_test < len(X_te):
            rows = rng.choice(len(X_te), n_test, replace=False)
            X_te, Y_te = X_te[rows], Y_te[rows]
        categorical = np.array(tr_d.feature_types) == "categorical"
        prep = make_pipeline(
            TableCleaner(categorical_features=categorical, max_categories=30),
            StandardScaler(),
        ).fit(X_tr)
        X_tr, X_te = prep.transform(X_tr), prep.transform(X_te)
        n_seeds = {"full": 2, "quick": 1, "tiny": 1}[mode]
        splits = seeded_splits(
            n_seeds,
            seed,
            X_tr,
            Y_tr,
            X_te,
            Y_te,
            lambda s: list(
                StratifiedKFold(n_folds, shuffle=True, random_state=s).split(
                    X_tr, Y_tr[:, 0]
                )
            ),
        )
        return dict(
            kind="binary",
            n_task_features=0,
            task_names=list(tr_d.task_names),
            splits=splits,
            metrics=metrics_binary if name == "adult" else metrics_census,
            scorer=neg_error if name == "adult" else mean_auc,
            headline=(
                ("error_%_income_gt_50k", False)
                if name == "adult"
                else ("auc_mean", True)
            ),
            n_rows=len(X_tr) + len(X_te),
        )
    raise ValueError(name)


# Published reference numbers (shared/data/README.md; "recalled" ones unverified).
REFERENCES = {
    "school": [
        "Evgeniou, Micchelli & Pontil (2005): explained variance ≈ 34.4 % "
        "(recalled; definition assumed total-variance) — quality bar > 34.4 %",
        "Bakker & Heskes (2003): ≈ 29.5 % (recalled)",
        "Argyriou et al. (2008), same splits: MTL-FEAT ≈ 26.4 % (recalled)",
        "Data curator: pooled RidgeCV 34.2 ± 1.1 % total / 12.5 % per-school; "
        "per-school ridge 33.6 %",
    ],
    "computer_survey": [
        "Argyriou et al. (2008), 180 respondents: MTL-FEAT RMSE ≈ 1.93, "
        "hierarchical Bayes ≈ 1.90, independent LS ≈ 3.88 (recalled; protocol "
        "may differ) — quality bar < 1.93",
        "Data curator: pooled ridge 2.44, per-respondent ridge (α = 1) 1.96",
    ],
    "parkinsons": [
        "Data curator (grouped 5-fold, MAE motor / total): mean predictor "
        "7.11 / 8.89, ridge 7.22 / 9.37, random forest 8.20 / 11.27",
        "Tsanas et al. (2010), row-level CV (leaks): CART ≈ 5.95 / 7.52 "
        "(recalled) — not comparable",
    ],
    "yeast": [
        "ML-kNN (Zhang & Zhou 2007): Hamming loss ≈ 0.194 (recalled; 10-fold "
        "CV) — quality bar < 0.194",
        "Madjarov et al. (2012), same split: best ≈ 0.19–0.20 (recalled)",
        "Data curator: binary-relevance logistic (C = 0.1) 0.2067, micro-F1 "
        "0.628, macro-F1 0.379",
    ],
    "adult": [
        "adult.names (verified): NBTree 14.10 %, C4.5-auto 14.46 %, FSS "
        "naive Bayes 14.05 % error — quality bar < 14.1 %",
        "Data curator: HistGradientBoosting income AUC 0.926 (error 12.8 %), "
        "never_married AUC 0.964",
    ],
    "census": [
        "MMoE (Ma et al. 2018), full training file: AUC ≈ 0.94 income / 0.99 "
        "never-married (recalled; not comparable: other training data)",
        "Data curator: HistGradientBoosting on split 0: AUC 0.949 / 0.9945",
    ],
}

QUALITY_BAR = {
    "school": ("explained_variance_total_%", ">", 34.4),
    "computer_survey": ("rmse", "<", 1.93),
    "yeast": ("hamming_loss", "<", 0.194),
    "adult": ("error_%_income_gt_50k", "<", 14.1),
}


# -- running ------------------------------------------------------------------


class PeakRSS:
    """Peak resident-set size above the starting level, sampled in a thread."""

    def __init__(self, interval=0.005):
        self.interval = interval
        self._page = os.sysconf("SC_PAGE_SIZE")

    def _rss(self):
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * self._page

    def __enter__(self):
        self.start = self.peak = self._rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self._rss())
            self._stop.wait(self.interval)

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._rss())
        self.delta_mb = (self.peak - self.start) / 2**20


def seed_everything(model, seed):
    params = {k: seed for k in model.get_params() if k.endswith("random_state")}
    return model.set_params(**params)


def run_one(problem, split, name, model, grid, seed, n_jobs):
    """Tune on the training part, refit, and score on the test part."""
    model = seed_everything(clone(model), seed)
    search = None
    if grid:
        search = GridSearchCV(
            model,
            grid,
            scoring=problem["scorer"],
            cv=split["inner"],
            n_jobs=n_jobs,
            refit=True,
            error_score="raise",
        )
    with PeakRSS() as mem:
        start = time.perf_counter()
        if search is not None:
            search.fit(split["X_tr"], split["Y_tr"])
            fitted, refit_s = search.best_estimator_, search.refit_time_
            best = search.best_params_
        else:
            fitted = model.fit(split["X_tr"], split["Y_tr"])
            best, refit_s = {}, None
        fit_s = time.perf_counter() - start
    if refit_s is None:
        refit_s = fit_s
    start = time.perf_counter()
    T = split["Y_te"].shape[1]
    P = predict_matrix(fitted, split["X_te"], T)
    proba = None
    if problem["kind"] == "binary":
        proba = proba_matrix(fitted, split["X_te"], _fitted_task_names(fitted, T))
    predict_s = time.perf_counter() - start
    scores, per_task = problem["metrics"](
        split["Y_te"], P, proba, split["task_te"], problem["task_names"]
    )
    return scores, per_task, fit_s, refit_s, predict_s, mem.delta_mb, best


def _fitted_task_names(model, n_tasks):
    names = getattr(model, "task_names_", None)
    if names is not None:
        return list(names)
    return [f"task_{t}" for t in range(n_tasks)]


# -- reporting ----------------------------------------------------------------


def summarize(records):
    """Aggregate the per-split records into one row per data set/model/metric."""
    import pandas as pd

    df = pd.DataFrame(records)
    keys = ["dataset", "model", "metric"]
    agg = (
        df.groupby(keys, sort=False)
        .agg(
            mean=("value", "mean"),
            std=("value", lambda v: float(np.std(v, ddof=1)) if len(v) > 1 else 0.0),
            n_runs=("value", "size"),
            fit_s=("fit_s", "mean"),
            refit_s=("refit_s", "mean"),
            predict_s=("predict_s", "mean"),
            peak_mb=("peak_mb", "max"),
            n_candidates=("n_candidates", "first"),
            best_params=("best_params", lambda v: Counter(v).most_common(1)[0][0]),
        )
        .reset_index()
    )
    return df, agg


def _fmt(mean, std, metric):
    digits = 4 if ("hamming" in metric or "auc" in metric or "f1" in metric) else 2
    if metric == "rmse" or metric.startswith("rmse"):
        digits = 3
    return f"{mean:.{digits}f} ± {std:.{digits}f}"


def write_markdown(agg, problems, path, command, machine, total_s):
    lines = [
        "# skmtl benchmark: MultiTaskFineTuner against classical models",
        "",
        f"Command: `{command}`  ",
        f"Machine: {machine}  ",
        f"Total wall time: {total_s / 60:.1f} min",
        "",
        "Scores are mean ± sd over outer splits (and seeds). `fit_s` includes "
        "the inner grid search; `refit_s` is the final fit; `peak_MB` is the "
        "peak RSS increase during tuning + refit (sampled /proc/self/statm, "
        "max over runs). Grids: `GRIDS` in benchmarks/bench_classical.py.",
        "",
    ]
    for dataset, problem in problems.items():
        sub = agg[(agg.dataset == dataset) & ~agg.metric.str.startswith("task:")]
        if sub.empty:
            continue
        metric, higher = problem["headline"]
        metrics = list(dict.fromkeys(sub.metric))
        lines += [f"## {dataset}", ""]
        lines.append(
            f"{problem['n_rows']} rows, {len(problem['task_names'])} tasks, "
            f"{len(problem['splits'])} outer run(s). Headline: `{metric}` "
            f"({'higher' if higher else 'lower'} is better)."
        )
        lines.append("")
        header = ["model", *metrics, "fit_s", "refit_s", "predict_s", "peak_MB"]
        header += ["grid", "chosen (most often)"]
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "---|" * len(header))
        head = sub[sub.metric == metric].set_index("model")["mean"]
        ranked = head.sort_values(ascending=not higher)
        for model in ranked.index:
            rows = sub[sub.model == model].set_index("metric")
            first = rows.iloc[0]
            cells = [f"**{model}**" if model == ranked.index[0] else model]
            cells += [
                _fmt(rows.loc[m, "mean"], rows.loc[m, "std"], m)
                if m in rows.index
                else ""
                for m in metrics
            ]
            cells += [
                f"{first.fit_s:.1f}",
                f"{first.refit_s:.1f}",
                f"{first.predict_s:.2f}",
                f"{first.peak_mb:.0f}",
                str(int(first.n_candidates)),
                f"`{first.best_params}`",
            ]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
        mt = [m for m in ranked.index if m.startswith("mtft")]
        if mt:
            best_mt = mt[0]
            best = ranked.index[0]
            verdict = (
                f"Best model: `{best}` ({head[best]:.4g}); best skmtl model: "
                f"`{best_mt}` ({head[best_mt]:.4g})"
            )
            if best_mt != best:
                verdict += " — **skmtl is not the best model here**"
            if dataset in QUALITY_BAR:
                m, op, bar = QUALITY_BAR[dataset]
                value = head[best_mt]
                ok = value > bar if op == ">" else value < bar
                verdict += (
                    f"; quality bar `{m}` {op} {bar}: "
                    f"{'met' if ok else '**not met**'} ({value:.4g})"
                )
            lines += [verdict + ".", ""]
        lines += ["Published / reference numbers:", ""]
        lines += [f"* {ref}" for ref in REFERENCES[dataset]] + [""]
    with open(path, "w") as f:
        f.write("\n".join(lines))


def make_plots(agg, problems, out_dir):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [d for d in problems if (agg.dataset == d).any()]
    if not names:
        return
    for kind in ("scores", "score_vs_time"):
        fig, axes = plt.subplots(
            1, len(names), figsize=(4.2 * len(names), 3.8), squeeze=False
        )
        for ax, dataset in zip(axes[0], names):
            metric, higher = problems[dataset]["headline"]
            sub = agg[(agg.dataset == dataset) & (agg.metric == metric)]
            sub = sub.sort_values("mean", ascending=not higher)
            colors = ["C3" if m.startswith("mtft") else "C0" for m in sub.model]
            if kind == "scores":
                ax.barh(sub.model, sub["mean"], xerr=sub["std"], color=colors)
                ax.invert_yaxis()
                lo = (sub["mean"] - sub["std"]).min()
                hi = (sub["mean"] + sub["std"]).max()
                ax.set_xlim(lo - 0.1 * (hi - lo + 1e-9), hi + 0.1 * (hi - lo + 1e-9))
            else:
                ax.errorbar(
                    sub.fit_s, sub["mean"], yerr=sub["std"], fmt="none", ecolor="gray"
                )
                ax.scatter(sub.fit_s, sub["mean"], c=colors)
                for _, r in sub.iterrows():
                    ax.annotate(r.model, (r.fit_s, r["mean"]), fontsize=7)
                ax.set_xscale("log")
                ax.set_xlabel("fit time incl. grid search (s)")
            ax.set_title(f"{dataset}\n{metric} ({'↑' if higher else '↓'})", fontsize=9)
            ax.tick_params(labelsize=7)
        fig.tight_layout()
        fig.savefig(os.path.join(out_dir, f"{kind}.png"), dpi=110)
        plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="a few minutes")
    mode.add_argument("--tiny", action="store_true", help="< 30 s smoke test")
    parser.add_argument("--datasets", nargs="+", choices=DATASETS, default=None)
    parser.add_argument(
        "--estimators", nargs="+", default=None, help="model names (see GRIDS)"
    )
    parser.add_argument("--random-seed", type=int, default=0)
    parser.add_argument(
        "--n-samples",
        type=int,
        default=None,
        help="training rows kept for adult and census (0: all; default: all in "
        "full mode, 8000 in quick mode, 1000 in tiny mode)",
    )
    parser.add_argument("--n-jobs", type=int, default=1, help="GridSearchCV n_jobs")
    parser.add_argument(
        "--output-dir",
        default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "results"),
    )
    args = parser.parse_args(argv)
    run_mode = "tiny" if args.tiny else "quick" if args.quick else "full"
    if args.n_jobs > 2:
        parser.error("--n-jobs is limited to 2 on shared machines")
    torch.set_num_threads(1)
    threadpool_limits(1)  # BLAS and OpenMP (HistGradientBoosting) on 1 thread too
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    warnings.filterwarnings("ignore", category=UserWarning)
    datasets = args.datasets or (
        list(DATASETS) if run_mode != "tiny" else ["computer_survey", "yeast"]
    )
    n_folds = 3 if run_mode == "full" else 2
    os.makedirs(args.output_dir, exist_ok=True)
    machine = machine_description()
    command = "python benchmarks/bench_classical.py " + " ".join(
        sys.argv[1:] if argv is None else argv
    )
    print(machine, flush=True)
    # Warm-up: torch imports parts of itself lazily on the first fit; keep that
    # out of the first model's time and memory.
    MultiTaskFineTuner(max_epochs=1, random_state=0).fit(
        np.eye(4), np.array([0.0, 1.0, 0.0, 1.0])
    )
    started = time.perf_counter()
    records, problems = [], {}
    for dataset in datasets:
        problem = load_problem(
            dataset, run_mode, args.random_seed, n_folds, args.n_samples
        )
        problems[dataset] = problem
        estimators = make_estimators(
            problem["kind"],
            problem["n_task_features"],
            run_mode,
            len(problem["splits"][0]["X_tr"]),
        )
        if run_mode == "tiny":
            for name, (model, _) in estimators.items():
                if isinstance(model, MultiTaskFineTuner):
                    model.set_params(max_epochs=5)
                elif isinstance(model, Pooled) and "max_epochs" in (
                    model.estimator.get_params()
                ):
                    model.set_params(estimator__max_epochs=5)
        names = [n for n in estimators if not args.estimators or n in args.estimators]
        for name in names:
            model, grid = estimators[name]
            grid = shrink_grid(grid, run_mode)
            for split in problem["splits"]:
                seed = split.get("seed", args.random_seed)
                scores, per_task, fit_s, refit_s, predict_s, mb, best = run_one(
                    problem, split, name, model, grid, seed, args.n_jobs
                )
                base = dict(
                    dataset=dataset,
                    model=name,
                    split=split["label"],
                    fit_s=fit_s,
                    refit_s=refit_s,
                    predict_s=predict_s,
                    peak_mb=mb,
                    n_candidates=n_candidates(grid),
                    best_params=str(best),
                )
                for metric, value in scores.items():
                    records.append({**base, "metric": metric, "value": float(value)})
                for metric, value in per_task.items():
                    records.append(
                        {**base, "metric": f"task:{metric}", "value": float(value)}
                    )
                metric = problem["headline"][0]
                print(
                    f"{dataset:16s} {name:24s} {split['label']:7s} "
                    f"{metric}={scores[metric]:.4f} fit={fit_s:6.1f}s "
                    f"peak={mb:6.0f}MB {best}",
                    flush=True,
                )
    total_s = time.perf_counter() - started
    df, agg = summarize(records)
    df.to_csv(os.path.join(args.output_dir, "scores.csv"), index=False)
    agg.to_csv(os.path.join(args.output_dir, "summary.csv"), index=False)
    write_markdown(
        agg,
        problems,
        os.path.join(args.output_dir, "results.md"),
        command,
        machine,
        total_s,
    )
    make_plots(agg, problems, args.output_dir)
    print(f"wrote {args.output_dir}/results.md ({total_s / 60:.1f} min)")


if __name__ == "__main__":
    main()
