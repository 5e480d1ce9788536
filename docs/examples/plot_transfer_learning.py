"""
=========================================================
Transfer learning: pretrain, then fine-tune on few labels
=========================================================

A task with few labels can borrow from a related task with many. This example
uses the bundled UCI adult census data, which has two binary tasks:
``never_married`` plays the plentiful *source* task and ``income_gt_50k`` the
*target* task, of which we keep only a few labels.

We pretrain a :class:`~skmtl.MultiTaskFineTuner` on the source task (with an
autoencoder objective, so the shared trunk also keeps what the inputs say
beyond marital status), take its trunk with
:meth:`~skmtl.MultiTaskFineTuner.get_trunk_state`, and fine-tune a new
estimator on the target labels with ``pretrained_trunk``. We compare it with
the same network trained from scratch and with a logistic regression, both
on the target labels only, for several numbers of target labels.

This is a small, fast version of ``benchmarks/bench_transfer.py``, whose
results are in the :ref:`fine_tuning` user guide.
"""

# SPDX-License-Identifier: BSD-3-Clause

# %%
# The data, preprocessed once for every model
# -------------------------------------------
# ``load_adult`` returns float category codes and NaN for missing values.
# :class:`~skmtl.preprocessing.TableCleaner` one-hot encodes and imputes,
# :class:`~skmtl.preprocessing.FeatureScaler` standardizes. Both are fitted on
# the training rows' features only. To keep the example fast we use 10,000 of
# the 32,561 training rows and 5,000 of the 16,281 test rows.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline

from skmtl import MultiTaskFineTuner
from skmtl.datasets import load_adult
from skmtl.preprocessing import FeatureScaler, TableCleaner

train, test = load_adult(subset="train"), load_adult(subset="test")
rng = np.random.RandomState(0)
train_rows = rng.choice(len(train.data), 10_000, replace=False)
test_rows = rng.choice(len(test.data), 5_000, replace=False)

categorical = np.array(train.feature_types) == "categorical"
preprocess = make_pipeline(
    TableCleaner(categorical_features=categorical), FeatureScaler()
)
X = preprocess.fit_transform(train.data[train_rows]).astype(np.float32)
X_test = preprocess.transform(test.data[test_rows]).astype(np.float32)
income, never_married = train.target[train_rows].T
income_test = test.target[test_rows, 0]
print(X.shape, X_test.shape)

# %%
# Pretrain the shared trunk on the source task
# --------------------------------------------
# Every training row has a ``never_married`` label; no income label is used.
# ``reconstruction_weight`` adds a decoder from the representation back to
# the inputs, so the trunk is not specialised to marital status alone.
source = MultiTaskFineTuner(
    hidden_layer_sizes=(64, 32),
    reconstruction_weight=1.0,
    max_epochs=10,
    tasks="binary",
    random_state=0,
)
source.fit(X, never_married)
state = source.get_trunk_state()
print({name: tuple(weights.shape) for name, weights in state.items()})

# %%
# Fine-tune on few target labels, against two baselines
# ------------------------------------------------------
# The networks share the architecture and the training settings; each fit
# makes about 300 optimizer steps whatever the number of labels. The
# fine-tuned trunk learns at a tenth of the new head's learning rate
# (``trunk_lr_scale=0.1``).


def network(n_labels, seed, **params):
    n_epochs = max(20, 300 // -(-n_labels // 64))
    return MultiTaskFineTuner(
        hidden_layer_sizes=(64, 32),
        lr=3e-3,
        batch_size=64,
        max_epochs=n_epochs,
        tasks="binary",
        random_state=seed,
        **params,
    )


contenders = {
    "logistic regression": lambda n, seed: LogisticRegression(max_iter=1000),
    "network from scratch": lambda n, seed: network(n, seed),
    "fine-tuned pretrained network": lambda n, seed: network(
        n, seed, pretrained_trunk=state, trunk_lr_scale=0.1
    ),
}
budgets = [50, 200, 1000]
seeds = [0, 1, 2]
auc = {name: np.zeros((len(budgets), len(seeds))) for name in contenders}
for j, seed in enumerate(seeds):
    label_rng = np.random.RandomState(seed)
    for i, n_labels in enumerate(budgets):
        rows = label_rng.choice(len(X), n_labels, replace=False)
        for name, make in contenders.items():
            model = make(n_labels, seed).fit(X[rows], income[rows])
            proba = model.predict_proba(X_test)[:, 1]
            auc[name][i, j] = roc_auc_score(income_test, proba)

for name, scores in auc.items():
    print(f"{name:>30}: " + "  ".join(f"{m:.3f}" for m in scores.mean(axis=1)))

# %%
# Score versus number of target labels
# ------------------------------------
# Mean and standard deviation of the test ROC AUC over the three seeds.
fig, ax = plt.subplots(figsize=(6, 4))
for name, scores in auc.items():
    ax.errorbar(
        budgets,
        scores.mean(axis=1),
        yerr=scores.std(axis=1),
        marker="o",
        capsize=3,
        label=name,
    )
ax.set_xscale("log")
ax.set_xticks(budgets, [str(n) for n in budgets])
ax.minorticks_off()
ax.set_xlabel("number of income labels")
ax.set_ylabel("test ROC AUC")
ax.set_title("adult: income after pretraining on never_married")
ax.legend()
plt.show()

# %%
# Pretraining lifts the network above the same network trained from scratch
# at every budget. Against the logistic regression the gain is smaller and
# depends on the budget: with a few hundred labels the fine-tuned network is
# ahead, with very few labels or with a thousand the simple linear model is
# as good. The full benchmark (more seeds and budgets, gradient boosting and a
# frozen trunk) is summarised in the :ref:`fine_tuning` user guide.
