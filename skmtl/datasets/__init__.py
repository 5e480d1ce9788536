"""Multi-task data sets: loaders for bundled real data and synthetic generators."""
# SPDX-License-Identifier: BSD-3-Clause

__all__ = []
