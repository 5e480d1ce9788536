"""Shared fixtures: seeding and tiny multi-task data sets."""

import numpy as np
import pytest
import torch

# The test networks are tiny: a second intra-op thread only adds spin-waiting,
# and on a busy machine it makes each step several times slower.
torch.set_num_threads(1)


@pytest.fixture(autouse=True)
def _seed_everything():
    np.random.seed(0)
    torch.manual_seed(0)


@pytest.fixture
def mixed_tasks():
    """60 rows, 4 features, a binary, a 3-class and a regression task."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 4)).astype(np.float32)
    binary = (X[:, 0] > 0).astype(float)
    multiclass = np.digitize(X[:, 1], [-0.5, 0.5]).astype(float)
    regression = 3 * X[:, 2] - X[:, 3] + 100.0
    Y = np.column_stack([binary, multiclass, regression])
    return X, Y


@pytest.fixture
def digits_tasks():
    """Digits as three tasks (digit, parity, digit >= 5) with 30% labels missing."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, digit = load_digits(return_X_y=True)
    X = X / 16.0
    Y = np.column_stack([digit, digit % 2, digit >= 5]).astype(float)
    X_train, X_test, Y_train, Y_test = train_test_split(
        X, Y, test_size=0.3, random_state=0, stratify=digit
    )
    rng = np.random.RandomState(0)
    Y_train = Y_train.copy()
    for j in range(Y_train.shape[1]):
        Y_train[rng.rand(len(Y_train)) < 0.3, j] = np.nan
    return X_train, X_test, Y_train, Y_test
