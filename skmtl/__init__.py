"""skmtl: scikit-learn compatible multi-task learning on a shared PyTorch trunk."""
# SPDX-License-Identifier: BSD-3-Clause

__version__ = "0.1.0.dev0"

__all__ = ["__version__"]
