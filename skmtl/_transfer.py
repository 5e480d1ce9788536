"""Where a network's weights come from (fresh, warm, pretrained) and which train."""
# SPDX-License-Identifier: BSD-3-Clause

import copy
import os

import numpy as np
import torch
from torch import nn

from skmtl._network import MultiTaskNetwork, SharedTrunk, head_keys, trunk_layers


def build_trunk(trunk, n_features, hidden_layer_sizes, activation, dropout, batch_norm):
    """Return a fresh trunk module from the estimator's trunk parameters."""
    if trunk is None:
        return SharedTrunk(
            n_features, tuple(hidden_layer_sizes), activation, dropout, batch_norm
        )
    if isinstance(trunk, nn.Module):
        # The parameter itself must never change: train a copy.
        return copy.deepcopy(trunk)
    module = trunk(n_features)
    if not isinstance(module, nn.Module):
        raise TypeError(
            f"trunk must be a torch.nn.Module or a callable returning one; calling "
            f"it returned {type(module).__name__}."
        )
    return module


def representation_size(trunk, X):
    """Run the trunk on two rows of X to learn the width of its output."""
    probe = torch.from_numpy(np.array(X[:2]))  # a copy: X may be read-only
    was_training = trunk.training
    trunk.eval()
    try:
        with torch.no_grad():
            output = trunk(probe).flatten(start_dim=1)
    except Exception as exc:
        raise ValueError(
            f"The trunk failed on a batch of shape {tuple(probe.shape)}: {exc}. A "
            "custom trunk must accept (batch, n_features) float input."
        ) from exc
    finally:
        trunk.train(was_training)
    return output.shape[1]


def load_trunk_state(trunk, source):
    """Load pretrained weights into ``trunk``.

    Parameters
    ----------
    trunk : torch.nn.Module
        The freshly built trunk.
    source : str, os.PathLike or dict
        A file written by `MultiTaskFineTuner.save_trunk` (or ``torch.save``
        of a state dict), or a state dict such as
        `MultiTaskFineTuner.get_trunk_state` returns.
    """
    if isinstance(source, str | os.PathLike):
        state = torch.load(source, map_location="cpu", weights_only=True)
    else:
        state = source
    if not isinstance(state, dict):
        raise TypeError(
            f"pretrained_trunk must be a path or a state dict; got "
            f"{type(state).__name__}."
        )
    expected = trunk.state_dict()
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    mismatched = [
        f"{key}: {tuple(state[key].shape)} vs {tuple(value.shape)}"
        for key, value in expected.items()
        if key in state and tuple(state[key].shape) != tuple(value.shape)
    ]
    if missing or unexpected or mismatched:
        raise ValueError(
            "The pretrained trunk state does not fit this trunk: "
            f"missing keys {missing}, unexpected keys {unexpected}, shape "
            f"mismatches (pretrained vs this trunk) {mismatched}. Build the trunk "
            "with the same hidden_layer_sizes (or trunk) and input width as the "
            "model it was saved from."
        )
    trunk.load_state_dict(state)


def build_network(estimator, X, targets, previous=None):
    """Build the network for a fit: fresh, from a pretrained trunk, or warm.

    With ``previous`` (the network of an earlier fit, under ``warm_start``) the
    trunk and decoder are copied and each task that keeps its name, type and
    classes keeps its head; new tasks get fresh heads.
    """
    n_features = X.shape[1]
    if previous is not None:
        trunk = copy.deepcopy(previous.network.trunk)
    else:
        trunk = build_trunk(
            estimator.trunk,
            n_features,
            estimator.hidden_layer_sizes,
            estimator.activation,
            estimator.dropout,
            estimator.batch_norm,
        )
        if estimator.pretrained_trunk is not None:
            load_trunk_state(trunk, estimator.pretrained_trunk)
    torch_dtype = getattr(torch, estimator.dtype)
    trunk = trunk.to(torch_dtype)
    width = representation_size(trunk, X)
    keys = head_keys(targets.names)
    head_sizes = {
        key: len(targets.classes[name]) if kind == "multiclass" else 1
        for key, name, kind in zip(keys, targets.names, targets.types)
    }
    network = MultiTaskNetwork(
        trunk,
        head_sizes,
        width,
        n_features=n_features,
        decoder=estimator.reconstruction_weight > 0,
        input_noise=estimator.input_noise,
    )
    if previous is not None:
        _reuse_heads(network, keys, targets, previous)
        if network.decoder is not None and previous.network.decoder is not None:
            network.decoder = copy.deepcopy(previous.network.decoder)
    return network.to(torch_dtype)


def _reuse_heads(network, keys, targets, previous):
    old_keys = dict(zip(previous.task_names, head_keys(previous.task_names)))
    for key, name, kind in zip(keys, targets.names, targets.types):
        if name not in old_keys or previous.task_types.get(name) != kind:
            continue
        old_classes = previous.classes.get(name)
        new_classes = targets.classes.get(name)
        if (old_classes is None) != (new_classes is None) or (
            old_classes is not None and not np.array_equal(old_classes, new_classes)
        ):
            continue
        network.heads[key] = copy.deepcopy(previous.network.heads[old_keys[name]])


def set_trainable_layers(network, n_trainable):
    """Freeze all trunk layers but the last ``n_trainable`` (None: train all).

    Frozen parameters stop requiring gradients, so optimizers leave them
    bit-identical, and frozen layers stay in evaluation mode while the network
    trains (see `MultiTaskNetwork.train`).
    """
    layers = trunk_layers(network.trunk)
    n_frozen = 0 if n_trainable is None else max(len(layers) - n_trainable, 0)
    for index, layer in enumerate(layers):
        for parameter in layer.parameters():
            parameter.requires_grad_(index >= n_frozen)
    network.n_frozen_layers = n_frozen
    network.train(network.training)
    return n_frozen
