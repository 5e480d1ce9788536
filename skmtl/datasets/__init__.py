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

__all__ = [
    "load_adult",
    "load_census_income",
    "load_computer_survey",
    "load_parkinsons",
    "load_school",
    "load_yeast",
]
