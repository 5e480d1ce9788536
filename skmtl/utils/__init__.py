"""Utilities: target validation, torch helpers, estimator discovery."""
# SPDX-License-Identifier: BSD-3-Clause

from skmtl.utils._torch import resolve_device, seeded_torch
from skmtl.utils._validation import (
    TASK_TYPES,
    MultiTaskTargets,
    check_multitask_targets,
)

__all__ = [
    "TASK_TYPES",
    "MultiTaskTargets",
    "check_multitask_targets",
    "resolve_device",
    "seeded_torch",
]
