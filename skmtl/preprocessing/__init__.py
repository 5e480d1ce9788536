"""Preprocessing transformers for multi-task tables."""
# SPDX-License-Identifier: BSD-3-Clause

from skmtl.preprocessing._cleaning import QuantileClipper, TableCleaner
from skmtl.preprocessing._scaling import FeatureScaler
from skmtl.preprocessing._selection import (
    JointSparseSelector,
    MultiTaskFeatureSelector,
)

__all__ = [
    "FeatureScaler",
    "JointSparseSelector",
    "MultiTaskFeatureSelector",
    "QuantileClipper",
    "TableCleaner",
]
