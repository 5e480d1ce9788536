"""Multi-task data sets: loaders for bundled real data and synthetic generators."""
# SPDX-License-Identifier: BSD-3-Clause

from skmtl.datasets._base import (
    load_adult,
    load_census_income,
    load_computer_survey,
    load_parkinsons,
    load_school,
    load_yeast,
)
from skmtl.datasets._samples_generator import (
    make_multitask_classification,
    make_multitask_mixed,
    make_multitask_regression,
)

__all__ = [
    "load_adult",
    "load_census_income",
    "load_computer_survey",
    "load_parkinsons",
    "load_school",
    "load_yeast",
    "make_multitask_classification",
    "make_multitask_mixed",
    "make_multitask_regression",
]
