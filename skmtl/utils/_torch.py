"""Torch helpers: device resolution, seeded training, array conversion."""
# SPDX-License-Identifier: BSD-3-Clause

import contextlib

import numpy as np
import torch


def resolve_device(device):
    """Turn ``'auto'`` into ``'cuda'`` or ``'cpu'`` and check CUDA is there.

    Parameters
    ----------
    device : str or torch.device
        ``'cpu'``, ``'cuda'``, ``'cuda:<index>'``, ``'auto'`` or a device.

    Returns
    -------
    device : str
        A device string torch accepts.

    Examples
    --------
    >>> from skmtl.utils import resolve_device
    >>> resolve_device("cpu")
    'cpu'
    """
    device = str(device)
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} was requested but CUDA is not available in this "
            "torch build or on this machine; use device='cpu' or device='auto'."
        )
    return device


@contextlib.contextmanager
def seeded_torch(seed, device="cpu"):
    """Seed torch inside the block and restore the caller's RNG state after.

    Parameters
    ----------
    seed : int
        Seed for torch's global generators within the block.
    device : str, default="cpu"
        The CUDA generator of the current device is forked too when the
        device is a CUDA one.

    Examples
    --------
    >>> import torch
    >>> from skmtl.utils import seeded_torch
    >>> with seeded_torch(0):
    ...     a = torch.rand(1)
    >>> with seeded_torch(0):
    ...     b = torch.rand(1)
    >>> bool(a == b)
    True
    """
    cuda_devices = [torch.cuda.current_device()] if device.startswith("cuda") else []
    with torch.random.fork_rng(devices=cuda_devices):
        torch.manual_seed(seed)
        yield


def as_float_tensor(X, device="cpu", dtype="float32"):
    """Convert a float ndarray to a tensor without copying when possible.

    A read-only array (a memory map, say) is copied, because torch cannot
    safely share memory it may not write to.
    """
    if not X.flags.writeable:
        X = np.array(X)
    return torch.from_numpy(np.ascontiguousarray(X, dtype=dtype)).to(device)
