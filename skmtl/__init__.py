"""skmtl: scikit-learn compatible multi-task learning on a shared PyTorch trunk."""
# SPDX-License-Identifier: BSD-3-Clause

from skmtl._fine_tuner import MultiTaskFineTuner

__version__ = "0.1.0.dev0"

__all__ = ["MultiTaskFineTuner", "__version__"]
