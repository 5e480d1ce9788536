"""skmtl: scikit-learn compatible multi-task learning on a shared PyTorch trunk."""
# SPDX-License-Identifier: BSD-3-Clause

from skmtl._fine_tuner import MultiTaskFineTuner
from skmtl._merge import merge_task_datasets
from skmtl._scoring import TaskScorer, make_task_scorer
from skmtl._single_task import FineTunerClassifier, FineTunerRegressor

__version__ = "0.1.0.dev0"

__all__ = [
    "FineTunerClassifier",
    "FineTunerRegressor",
    "MultiTaskFineTuner",
    "TaskScorer",
    "__version__",
    "make_task_scorer",
    "merge_task_datasets",
]
