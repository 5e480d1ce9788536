"""Preprocessing transformers for multi-task tables."""
# SPDX-License-Identifier: BSD-3-Clause

__all__ = []
