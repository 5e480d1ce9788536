"""Tests for the shared trunk, the task heads and the whole network."""

import pytest
import torch
from numpy.testing import assert_allclose
from torch import nn

from skmtl._network import ACTIVATIONS, MultiTaskNetwork, SharedTrunk, head_keys


def _leaves(module):
    """The trunk's layers in order, whether or not they are grouped in blocks."""
    return [m for m in module.modules() if not isinstance(m, nn.Sequential)]


def _layer_types(module):
    return [type(layer) for layer in _leaves(module)]


@pytest.mark.parametrize(
    "batch_norm, dropout, expected",
    [
        (False, 0.0, [nn.Linear, nn.ReLU, nn.Linear, nn.ReLU]),
        (
            True,
            0.0,
            [nn.Linear, nn.BatchNorm1d, nn.ReLU, nn.Linear, nn.BatchNorm1d, nn.ReLU],
        ),
        (False, 0.5, [nn.Linear, nn.ReLU, nn.Dropout, nn.Linear, nn.ReLU, nn.Dropout]),
        (
            True,
            0.2,
            [nn.Linear, nn.BatchNorm1d, nn.ReLU, nn.Dropout] * 2,
        ),
    ],
)
def test_shared_trunk_layer_structure(batch_norm, dropout, expected):
    trunk = SharedTrunk(5, (8, 3), "relu", dropout=dropout, batch_norm=batch_norm)
    assert _layer_types(trunk) == expected
    assert trunk.n_outputs == 3

    linears = [layer for layer in _leaves(trunk) if isinstance(layer, nn.Linear)]
    assert [(lin.in_features, lin.out_features) for lin in linears] == [(5, 8), (8, 3)]
    for layer in _leaves(trunk):
        if isinstance(layer, nn.BatchNorm1d):
            assert layer.num_features in (8, 3)
        if isinstance(layer, nn.Dropout):
            assert layer.p == dropout


@pytest.mark.parametrize("name, cls", list(ACTIVATIONS.items()))
def test_shared_trunk_activation(name, cls):
    trunk = SharedTrunk(4, (6,), activation=name)
    assert _layer_types(trunk) == [nn.Linear, cls]


def test_shared_trunk_unknown_activation_raises():
    with pytest.raises(KeyError, match="swish"):
        SharedTrunk(4, (6,), activation="swish")


def test_shared_trunk_without_hidden_layers_is_identity():
    trunk = SharedTrunk(4, ())
    assert len(trunk) == 0
    assert trunk.n_outputs == 4
    X = torch.randn(7, 4)
    assert torch.equal(trunk(X), X)


def test_shared_trunk_output_shape():
    trunk = SharedTrunk(5, (16, 8), batch_norm=True, dropout=0.1)
    trunk.eval()
    assert trunk(torch.randn(10, 5)).shape == (10, 8)


@pytest.mark.parametrize(
    "names, expected",
    [
        (["a", "b"], ["a", "b"]),
        (["price.usd", "n items"], ["price_usd", "n_items"]),
        (["a.b", "a b", "a_b"], ["a_b", "a_b_1", "a_b_2"]),
        (["x", "x", "x"], ["x", "x_1", "x_2"]),
        (["1st", "2"], ["t_1st", "t_2"]),
        (["", "", "task"], ["task", "task_1", "task_2"]),
        (["y-hat", "$"], ["y_hat", "_"]),
        ([0, 1], ["t_0", "t_1"]),
        (["type", "keys", "training", "forward"], None),
    ],
)
def test_head_keys_are_unique_valid_module_names(names, expected):
    keys = head_keys(names)
    if expected is not None:
        assert keys == expected
    assert len(keys) == len(names) == len(set(keys))
    # Every key must be accepted by ModuleDict, in one dict together.
    heads = nn.ModuleDict({key: nn.Linear(2, 1) for key in keys})
    assert list(heads.keys()) == keys


def test_head_keys_avoid_module_attributes():
    """Check that task names such as 'type' do not clash with ModuleDict methods."""
    keys = head_keys(["type", "keys", "type_1"])
    assert len(set(keys)) == 3
    assert not any(hasattr(nn.ModuleDict(), key) for key in keys)


def _network(head_sizes, hidden=(6,), n_features=4):
    trunk = SharedTrunk(n_features, hidden)
    return MultiTaskNetwork(trunk, head_sizes, trunk.n_outputs)


def test_multitask_network_forward_returns_tuple_in_task_order():
    torch.manual_seed(0)
    head_sizes = {"zeta": 1, "alpha": 3, "mid": 1}
    network = _network(head_sizes)
    X = torch.randn(5, 4)

    outputs = network(X)

    assert isinstance(outputs, tuple)
    assert [out.shape for out in outputs] == [(5, 1), (5, 3), (5, 1)]
    assert list(network.heads.keys()) == list(head_sizes)
    shared = network.represent(X)
    for output, head in zip(outputs, network.heads.values()):
        assert_allclose(output.detach().numpy(), head(shared).detach().numpy())


def test_multitask_network_parameter_names():
    network = _network({"a_b": 1, "c": 2}, hidden=(6, 3))
    names = [name for name, _ in network.named_parameters()]
    assert all(name.startswith(("trunk.", "heads.")) for name in names)
    assert {name for name in names if name.startswith("heads.")} == {
        "heads.a_b.weight",
        "heads.a_b.bias",
        "heads.c.weight",
        "heads.c.bias",
    }
    assert any(name.startswith("trunk.") for name in names)
    assert network.heads["c"].in_features == 3
    assert network.heads["c"].out_features == 2


def test_multitask_network_represent_flattens():
    trunk = nn.Sequential(nn.Unflatten(1, (2, 3)), nn.ReLU())
    network = MultiTaskNetwork(trunk, {"a": 1}, representation_size=6)
    X = torch.randn(4, 6)
    assert network.represent(X).shape == (4, 6)
    assert network(X)[0].shape == (4, 1)


def test_multitask_network_identity_trunk():
    network = _network({"a": 2}, hidden=())
    assert network.heads["a"].in_features == 4
    X = torch.randn(3, 4)
    assert torch.equal(network.represent(X), X)


def test_multitask_network_task_named_like_attribute_trains():
    """Check that a task column named 'type' gets a head and trains end to end."""
    import numpy as np
    import pandas as pd

    from skmtl import MultiTaskFineTuner

    rng = np.random.RandomState(0)
    X = rng.normal(size=(30, 3))
    Y = pd.DataFrame({"type": (X[:, 0] > 0).astype(int), "keys": X[:, 1]})
    model = MultiTaskFineTuner(hidden_layer_sizes=(4,), max_epochs=2, random_state=0)
    predictions = model.fit(X, Y).predict(X)
    assert list(predictions.columns) == ["type", "keys"]
    assert len(model.net_.module_.heads) == 2
