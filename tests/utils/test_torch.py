"""Tests for the torch helpers: device resolution, seeding, conversion."""

import numpy as np
import pytest
import torch
from numpy.testing import assert_array_equal

from skmtl.utils import resolve_device, seeded_torch
from skmtl.utils._torch import as_float_tensor

requires_no_cuda = pytest.mark.skipif(
    torch.cuda.is_available(), reason="checks the error raised without CUDA"
)
requires_cuda = pytest.mark.skipif(
    not torch.cuda.is_available(), reason="CUDA is not available"
)


@pytest.mark.parametrize(
    "device, expected",
    [("cpu", "cpu"), (torch.device("cpu"), "cpu"), ("meta", "meta")],
)
def test_resolve_device_passes_through(device, expected):
    assert resolve_device(device) == expected


def test_resolve_device_auto():
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert resolve_device("auto") == expected


@requires_no_cuda
@pytest.mark.parametrize("device", ["cuda", "cuda:0", torch.device("cuda", 1)])
def test_resolve_device_cuda_without_cuda_raises(device):
    with pytest.raises(ValueError, match=r"device='cuda.*CUDA is not available"):
        resolve_device(device)


@requires_cuda
@pytest.mark.parametrize("device", ["cuda", "cuda:0"])
def test_resolve_device_cuda_with_cuda(device):
    assert resolve_device(device) == device


def test_seeded_torch_is_reproducible():
    with seeded_torch(3):
        first = torch.rand(5)
    with seeded_torch(3):
        second = torch.rand(5)
    with seeded_torch(4):
        other = torch.rand(5)
    assert torch.equal(first, second)
    assert not torch.equal(first, other)


def test_seeded_torch_restores_global_rng_state():
    torch.manual_seed(123)
    expected = torch.rand(4)

    torch.manual_seed(123)
    with seeded_torch(0):
        torch.rand(100)
    after = torch.rand(4)

    assert torch.equal(after, expected)


def test_seeded_torch_restores_state_after_exception():
    torch.manual_seed(5)
    state = torch.get_rng_state()
    with pytest.raises(RuntimeError, match="boom"):
        with seeded_torch(0):
            torch.rand(10)
            raise RuntimeError("boom")
    assert torch.equal(torch.get_rng_state(), state)


def test_seeded_torch_leaves_numpy_alone():
    rng_state = np.random.get_state()[1].copy()
    with seeded_torch(0):
        torch.rand(3)
    assert_array_equal(np.random.get_state()[1], rng_state)


@requires_cuda
def test_seeded_torch_restores_cuda_rng_state():
    torch.cuda.manual_seed(7)
    expected = torch.rand(4, device="cuda")
    torch.cuda.manual_seed(7)
    with seeded_torch(0, device="cuda"):
        torch.rand(100, device="cuda")
    assert torch.equal(torch.rand(4, device="cuda"), expected)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_as_float_tensor_dtype_and_values(dtype):
    X = np.arange(6, dtype=dtype).reshape(3, 2)
    tensor = as_float_tensor(X)
    assert tensor.dtype == torch.float32
    assert_array_equal(tensor.numpy(), X.astype(np.float32))


def test_as_float_tensor_shares_memory_of_float32_arrays():
    X = np.zeros((3, 2), dtype=np.float32)
    tensor = as_float_tensor(X)
    X[0, 0] = 1.0
    assert tensor[0, 0].item() == 1.0


def test_as_float_tensor_copies_read_only_arrays():
    X = np.ones((3, 2), dtype=np.float32)
    X.flags.writeable = False
    tensor = as_float_tensor(X)
    tensor[0, 0] = 5.0
    assert X[0, 0] == 1.0


def test_as_float_tensor_non_contiguous():
    X = np.arange(12, dtype=np.float32).reshape(3, 4)[:, ::2]
    assert_array_equal(as_float_tensor(X).numpy(), X)
