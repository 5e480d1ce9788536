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


class SharedTrunk(nn.Sequential):
    """Multi-layer perceptron shared by all tasks.

    Each hidden layer is ``Linear -> [BatchNorm1d] -> activation -> [Dropout]``.
    With no hidden layer the trunk is the identity and the representation is
    the input itself.

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
        layers = []
        width = n_features
        for size in hidden_layer_sizes:
            layers.append(nn.Linear(width, size))
            if batch_norm:
                layers.append(nn.BatchNorm1d(size))
            layers.append(ACTIVATIONS[activation]())
            if dropout > 0:
                layers.append(nn.Dropout(dropout))
            width = size
        super().__init__(*layers)
        self.n_outputs = width


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

    Notes
    -----
    ``forward`` returns a tuple with one output per task, in the order of
    ``head_sizes``, so that skorch and the loss see tasks by position. The
    heads live in an ``nn.ModuleDict`` named ``heads`` and the trunk in
    ``trunk``, so parameter name patterns such as ``"trunk.*"`` select them.
    """

    def __init__(self, trunk: nn.Module, head_sizes: dict, representation_size: int):
        super().__init__()
        self.representation_size = representation_size
        self.trunk = trunk
        self.heads = nn.ModuleDict(
            {
                key: nn.Linear(representation_size, size)
                for key, size in head_sizes.items()
            }
        )

    def represent(self, X: torch.Tensor) -> torch.Tensor:
        """Return the shared representation of a batch, flattened to 2-D."""
        return self.trunk(X).flatten(start_dim=1)

    def forward(self, X: torch.Tensor) -> tuple:
        """Return one output tensor per task."""
        shared = self.represent(X)
        return tuple(head(shared) for head in self.heads.values())


def head_keys(task_names):
    """Map task names to unique ``nn.ModuleDict`` keys.

    Module names cannot contain ``"."`` or be empty, and task names are free
    text (DataFrame columns), so those characters are replaced and clashes get
    a numeric suffix.
    """
    keys, seen = [], set()
    for name in task_names:
        key = str(name).replace(".", "_") or "task"
        if not key.isidentifier():
            key = "".join(c if c.isalnum() or c == "_" else "_" for c in key)
            if not key or key[0].isdigit():
                key = f"t_{key}"
        candidate, suffix = key, 1
        while candidate in seen:
            candidate, suffix = f"{key}_{suffix}", suffix + 1
        seen.add(candidate)
        keys.append(candidate)
    return keys
