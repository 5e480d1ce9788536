"""Torch modules: the shared trunk, the task heads and the whole network."""
# SPDX-License-Identifier: BSD-3-Clause

import torch
from torch import nn

ACTIVATIONS = {
    "relu": nn.ReLU,
    "tanh": nn.Tanh,
    "logistic": nn.Sigmoid,
    "gelu": nn.GELU,
    "elu": nn.ELU,
    "leaky_relu": nn.LeakyReLU,
    "identity": nn.Identity,
}

# Attribute names of a ModuleDict ("keys", "type", "training") cannot be keys.
_RESERVED_KEYS = frozenset(dir(nn.ModuleDict()))


class SharedTrunk(nn.Sequential):
    """Multi-layer perceptron shared by all tasks.

    Each hidden layer is one block ``Linear -> [BatchNorm1d] -> activation ->
    [Dropout]``, a child of this ``nn.Sequential``, so "the last k layers" of
    the trunk are its last k children. With no hidden layer the trunk is the
    identity and the representation is the input itself.

    Parameters
    ----------
    n_features : int
        Width of the input.
    hidden_layer_sizes : tuple of int
        Width of each hidden layer.
    activation : str
        Key of ``ACTIVATIONS``.
    dropout : float
        Dropout probability after each hidden layer; 0 disables it.
    batch_norm : bool
        Whether to normalize each hidden layer's pre-activations.
    """

    def __init__(
        self,
        n_features: int,
        hidden_layer_sizes: tuple = (100,),
        activation: str = "relu",
        dropout: float = 0.0,
        batch_norm: bool = False,
    ):
        blocks = []
        width = n_features
        for size in hidden_layer_sizes:
            block = [nn.Linear(width, size)]
            if batch_norm:
                block.append(nn.BatchNorm1d(size))
            block.append(ACTIVATIONS[activation]())
            if dropout > 0:
                block.append(nn.Dropout(dropout))
            blocks.append(nn.Sequential(*block))
            width = size
        super().__init__(*blocks)
        self.n_outputs = width


class TaskOutputs(tuple):
    """One output tensor per task, carrying the batch's shared representation.

    A plain tuple to skorch and to prediction code; the loss also reads
    ``representation`` (for metric learning) and ``reconstruction`` (the
    decoder's output, or None).
    """

    representation = None
    reconstruction = None


class MultiTaskNetwork(nn.Module):
    """A shared trunk followed by one linear head per task.

    Parameters
    ----------
    trunk : torch.nn.Module
        Maps a batch of inputs to a batch of flat representations.
    head_sizes : dict of str to int
        Output width of each task's head, keyed by head name: the number of
        classes for a multiclass task, 1 for binary and regression tasks.
    representation_size : int
        Width of the trunk's output.
    n_features : int, default=None
        Width of the input; with ``decoder=True`` the decoder maps the
        representation back to it.
    decoder : bool, default=False
        Whether to add a linear decoder (autoencoder objective).
    input_noise : float, default=0.0
        Standard deviation of Gaussian noise added to the inputs in training
        mode (denoising); the decoder still reconstructs the clean inputs.

    Notes
    -----
    ``forward`` returns a `TaskOutputs` tuple with one output per task, in
    the order of ``head_sizes``, so that skorch and the loss see tasks by
    position. The heads live in an ``nn.ModuleDict`` named ``heads``, the
    trunk in ``trunk`` and the decoder in ``decoder``, so parameter name
    patterns such as ``"trunk.*"`` select them. The first ``n_frozen_layers``
    children of the trunk stay in evaluation mode when the network trains, so
    frozen batch-norm statistics and dropout do not change either.
    """

    def __init__(
        self,
        trunk: nn.Module,
        head_sizes: dict,
        representation_size: int,
        n_features: int = None,
        decoder: bool = False,
        input_noise: float = 0.0,
    ):
        super().__init__()
        self.representation_size = representation_size
        self.input_noise = input_noise
        self.n_frozen_layers = 0
        self.trunk = trunk
        self.heads = nn.ModuleDict(
            {
                key: nn.Linear(representation_size, size)
                for key, size in head_sizes.items()
            }
        )
        self.decoder = nn.Linear(representation_size, n_features) if decoder else None

    def represent(self, X: torch.Tensor) -> torch.Tensor:
        """Return the shared representation of a batch, flattened to 2-D."""
        return self.trunk(X).flatten(start_dim=1)

    def forward(self, X: torch.Tensor) -> TaskOutputs:
        """Return one output tensor per task, with the representation attached."""
        inputs = X
        if self.training and self.input_noise > 0:
            inputs = X + self.input_noise * torch.randn_like(X)
        shared = self.represent(inputs)
        # All heads as one matrix product: with hundreds of tasks, one small
        # product per head costs far more in per-op overhead than in flops.
        heads = list(self.heads.values())
        stacked = torch.nn.functional.linear(
            shared,
            torch.cat([head.weight for head in heads]),
            torch.cat([head.bias for head in heads]),
        )
        widths = [head.out_features for head in heads]
        outputs = TaskOutputs(torch.split(stacked, widths, dim=1))
        outputs.representation = shared
        if self.decoder is not None:
            outputs.reconstruction = self.decoder(shared)
        return outputs

    def train(self, mode: bool = True):
        """Set training mode, keeping frozen trunk layers in evaluation mode."""
        super().train(mode)
        if mode:
            for layer in trunk_layers(self.trunk)[: self.n_frozen_layers]:
                layer.eval()
        return self


def trunk_layers(trunk):
    """Return the trunk's layers: its direct children that hold parameters.

    A trunk without such children (a single ``nn.Linear``, say) is one layer.
    """
    layers = [child for child in trunk.children() if _has_parameters(child)]
    if not layers and _has_parameters(trunk):
        return [trunk]
    return layers


def _has_parameters(module):
    return next(module.parameters(), None) is not None


def head_keys(task_names):
    """Map task names to unique ``nn.ModuleDict`` keys.

    Module names cannot contain ``"."``, be empty or shadow a module attribute
    (``"type"``, ``"keys"``), and task names are free text (DataFrame
    columns), so those characters are replaced and clashes get a numeric
    suffix.
    """
    keys, seen = [], set()
    for name in task_names:
        key = str(name).replace(".", "_") or "task"
        if not key.isidentifier():
            key = "".join(c if c.isalnum() or c == "_" else "_" for c in key)
            if not key or key[0].isdigit():
                key = f"t_{key}"
        candidate, suffix = key, 1
        while candidate in seen or candidate in _RESERVED_KEYS:
            candidate, suffix = f"{key}_{suffix}", suffix + 1
        seen.add(candidate)
        keys.append(candidate)
    return keys
