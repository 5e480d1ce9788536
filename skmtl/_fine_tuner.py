"""MultiTaskFineTuner: a shared trunk with one head per task, as an estimator."""
# SPDX-License-Identifier: BSD-3-Clause

import os
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
)
from sklearn.metrics import r2_score
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data
from skorch.helper import predefined_split
from torch import nn

from skmtl._encoding import (
    add_classes,
    encode_for_fitted_tasks,
    standardize_regression,
)
from skmtl._losses import METRIC_LOSSES
from skmtl._network import ACTIVATIONS
from skmtl._trainer import (
    LR_SCHEDULES,
    OPTIMIZERS,
    TaskDataset,
    best_epoch,
    build_net,
    validation_split,
)
from skmtl._transfer import build_network, set_trainable_layers
from skmtl.utils._sklearn_compat import (
    Interval,
    StrOptions,
    _check_sample_weight,
    _fit_context,
    available_if,
)
from skmtl.utils._torch import as_float_tensor, resolve_device, seeded_torch
from skmtl.utils._validation import align_target_columns, check_multitask_targets

# Rows per forward pass at predict time: large enough that per-call overhead
# vanishes, small enough that activations of a wide trunk fit in memory.
PREDICT_CHUNK_ROWS = 65536


def _has_classification_task(estimator):
    """Whether ``predict_proba`` applies: before fit, or with a class task."""
    if estimator._task_types_param() == "regression":
        raise AttributeError(
            "predict_proba is not available: every task is a regression task."
        )
    if not hasattr(estimator, "task_types_"):
        return True
    if any(kind != "regression" for kind in estimator.task_types_.values()):
        return True
    raise AttributeError(
        "predict_proba is not available: the estimator was fitted on regression "
        "tasks only."
    )


def _check_finite_features(X, feature_names=None):
    """Raise a ValueError naming the columns of X that hold NaN or infinity."""
    finite = np.isfinite(X)
    if finite.all():
        return
    bad = np.flatnonzero(~finite.all(axis=0))
    names = [str(feature_names[j]) for j in bad] if feature_names is not None else []
    described = names if names else bad.tolist()
    raise ValueError(
        f"Input X contains NaN or infinity in {len(bad)} column(s) "
        f"{described[:10]}{' ...' if len(bad) > 10 else ''}. The network needs "
        "finite inputs: impute or drop them first, for instance with "
        "skmtl.preprocessing.TableCleaner in a Pipeline."
    )


class MultiTaskFineTuner(
    ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator
):
    """Multi-task neural network: a shared trunk and one head per task.

    One PyTorch network learns a representation shared by all tasks (the
    trunk) and one head per task on top of it: softmax with cross-entropy for
    multiclass tasks, sigmoid with binary cross-entropy for binary tasks and a
    linear output with squared error for regression tasks (on standardized
    targets; predictions come back in the original units). Training is done
    by skorch.

    Targets may mix task types. A missing label (NaN, None or ``pd.NA``) for a
    task masks that task's loss for that row, so the data sets of different
    tasks can be stacked into one table (see `merge_task_datasets`) and
    trained together.

    Read more in the :ref:`User Guide <quick_start>`.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(100,)
        Width of each hidden layer of the default MLP trunk. The last one is
        the width of the shared representation. Ignored when `trunk` is given.

    activation : {'relu', 'tanh', 'logistic', 'gelu', 'elu', 'leaky_relu', \
            'identity'}, default='relu'
        Activation of the hidden layers of the default trunk.

    dropout : float, default=0.0
        Dropout probability after each hidden layer of the default trunk.

    batch_norm : bool, default=False
        Whether to batch-normalize the hidden layers of the default trunk.

    trunk : torch.nn.Module or callable, default=None
        A custom trunk. A module is copied at each fit and trained from its
        current weights; any other callable (a module class, a
        `functools.partial`) is called with the number of input features and
        must return a module. The trunk maps a batch of shape
        ``(batch, n_features)`` to representations, flattened to 2-D. When
        None, an MLP is built from `hidden_layer_sizes`.

    pretrained_trunk : str, os.PathLike or dict, default=None
        Weights to load into the freshly built trunk before training: a file
        written by `save_trunk`, or a state dict from `get_trunk_state`. The
        trunk must have the same architecture. A path or a state dict (not a
        fitted estimator) keeps `clone` and `GridSearchCV` cheap and safe.
        Ignored when `warm_start` continues from an earlier fit.

    tasks : None, str, list of str or dict, default=None
        Task types: ``'binary'``, ``'multiclass'``, ``'regression'`` or
        ``'classification'``. A string applies to every task, a list gives one
        type per column of `y`, a dict maps task names to types. Types not
        given are inferred from the labelled values: strings and bools are
        classes, integer-valued numbers with at most 20 distinct values (each
        seen twice on average) are classes, other numbers are regression
        targets. State the types when the data are ambiguous.

    task_weights : None, dict or array-like of shape (n_tasks,), default=None
        Static weight of each task's loss, by task name (dict) or position;
        unlisted tasks weigh 1. The total loss is the weighted mean of the task
        losses.

    reconstruction_weight : float, default=0.0
        Weight of an autoencoder objective: a linear decoder maps the shared
        representation back to the inputs and their mean squared error joins
        the loss. Every row counts, so rows with no label at all still teach
        the trunk (semi-supervised learning inside ``fit``). 0 disables it.

    input_noise : float, default=0.0
        Standard deviation of Gaussian noise added to the inputs while
        training; with `reconstruction_weight` > 0 this is a denoising
        autoencoder (the decoder reconstructs the clean inputs).

    metric_loss : {None, 'contrastive', 'triplet'}, default=None
        Metric-learning objective on the shared representation (scaled to unit
        length, so distances lie in [0, 2]), driven by the labels of
        `metric_task`: ``'contrastive'`` (siamese) over every pair
        of labelled rows in a batch, or ``'triplet'`` with the hardest positive
        and negative of each row in the batch. No pair data set is needed.

    metric_task : str, default=None
        The classification task whose labels drive `metric_loss`; the first
        classification task when None.

    metric_weight : float, default=1.0
        Weight of the metric-learning objective in the loss.

    margin : float, default=1.0
        Margin of the metric-learning objective, a distance between unit-length
        representations (at most 2).

    optimizer : {'adam', 'adamw', 'sgd', 'rmsprop', 'adagrad'} or \
            torch.optim.Optimizer subclass, default='adam'
        Optimizer; further options go through `net_params`
        (``{"optimizer__betas": (0.9, 0.99)}``).

    lr : float, default=1e-3
        Learning rate.

    momentum : float, default=0.9
        Momentum of the ``'sgd'`` optimizer (ignored by the others).

    nesterov : bool, default=False
        Whether ``'sgd'`` uses Nesterov momentum.

    weight_decay : float, default=0.0
        L2 penalty (decoupled for AdamW) applied by the optimizer.

    lr_schedule : {None, 'step', 'cosine', 'plateau'}, default=None
        Learning-rate schedule, stepped each epoch: ``'step'`` divides the rate
        by 10 every third of `max_epochs`, ``'cosine'`` anneals it to zero
        over `max_epochs`, ``'plateau'`` divides it by 10 when the validation
        loss (the training loss without early stopping) stalls for half of
        `n_iter_no_change` epochs.

    batch_size : int, default=256
        Rows per mini-batch; capped at the number of training rows.

    max_epochs : int, default=100
        Maximum number of passes over the training data.

    early_stopping : bool, default=False
        Whether to hold out `validation_fraction` of the training rows
        (stratified on a classification task where possible), stop when the
        validation loss has not improved for `n_iter_no_change` epochs, and
        restore the weights of the best epoch.

    validation_fraction : float, default=0.1
        Fraction of the training rows held out when `early_stopping` is True.

    n_iter_no_change : int, default=10
        Patience of early stopping, in epochs.

    tol : float, default=1e-4
        Relative improvement of the validation loss that counts as progress.

    warm_start : bool, default=False
        When fitted already, continue from the trained network: the trunk (and
        decoder) are kept, each task of the new `y` that keeps its name, type
        and classes keeps its head, and new tasks get fresh heads. Fine-tune
        on a new task this way. The number of features must not change.

    trainable_layers : int, default=None
        Number of trunk layers, counted from the top, that train; the others
        are frozen (their parameters do not change, their batch-norm
        statistics and dropout are fixed). 0 freezes the whole trunk, None
        trains everything. A layer is a hidden block of the default trunk, or
        a direct child holding parameters of a custom trunk. Heads always
        train.

    unfreeze_every : int, default=None
        Gradual unfreezing: every `unfreeze_every` epochs one more frozen
        trunk layer, from the top, starts training. None keeps the frozen
        layers frozen.

    trunk_lr_scale : float, default=1.0
        Multiplier of the learning rate of the trunk's parameters relative to
        the heads' (e.g. 0.1 to fine-tune a pretrained trunk gently).

    callbacks : list of skorch callbacks, default=None
        Extra skorch callbacks (instances or ``(name, callback)`` pairs).
        They are copied at each fit, so the parameter itself is never changed.

    net_params : dict, default=None
        Extra keyword arguments for the underlying skorch net, with skorch's
        prefix routing (``optimizer__momentum``, ``iterator_train__...``).
        They take precedence over the settings derived from the parameters
        above.

    dtype : {'float32', 'float64'}, default='float32'
        Floating-point precision of the network, its inputs and its
        representation. float64 is slower but reproduces to the last digits
        (sample weights then match repeated rows exactly, for instance).

    device : str, default='cpu'
        ``'cpu'``, ``'cuda'`` (or ``'cuda:<index>'``), or ``'auto'`` for CUDA
        when available.

    random_state : int, RandomState instance or None, default=None
        Seeds weight initialization, shuffling, dropout and the validation
        split. An int gives identical predictions at each fit. The caller's
        global torch and numpy random states are left untouched.

    verbose : int, default=0
        0 is silent; 1 prints a line per epoch with each task's train and
        validation loss; 2 adds a progress bar.

    Attributes
    ----------
    task_names_ : ndarray of shape (`n_tasks_`,), dtype object
        Task names: the DataFrame columns or Series name of `y`, else
        ``task_0 ... task_{T-1}``.

    task_types_ : dict of str to str
        Type of each task: ``'binary'``, ``'multiclass'`` or ``'regression'``.

    classes_ : ndarray or dict of str to ndarray
        Class labels: an array when `y` was a single classification task,
        else a dict keyed by the name of each classification task. Only set
        when there is a classification task.

    n_tasks_ : int
        Number of tasks.

    metric_task_ : str or None
        The task driving `metric_loss`, when it is set.

    target_mean_, target_scale_ : dict of str to float
        Mean and standard deviation used to standardize each regression task.

    representation_size_ : int
        Width of the shared representation returned by `transform`.

    net_ : skorch.NeuralNet
        The trained skorch net; its ``module_`` is a `MultiTaskNetwork` with
        submodules ``trunk`` and ``heads``.

    history_ : skorch.History
        Per-epoch records: ``train_loss``, ``valid_loss`` and each task's
        ``train_loss_<task>`` and ``valid_loss_<task>``.

    n_epochs_ : int
        Number of epochs run.

    best_epoch_ : int
        Epoch (1-based) whose weights the model holds: the one with the lowest
        validation loss under early stopping, else the last one.

    n_features_in_ : int
        Number of features seen during :term:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X`
        has feature names that are all strings.

    See Also
    --------
    FineTunerClassifier : The same model with scikit-learn's classifier face.
    FineTunerRegressor : The same model with scikit-learn's regressor face.
    merge_task_datasets : Stack several tasks' data sets into one table.
    make_task_scorer : Scorer for one task, or several, for model selection.
    sklearn.neural_network.MLPClassifier : A single-task MLP.

    Notes
    -----
    Features are cast to `dtype` (float32 by default). Regression targets are
    standardized with their (sample-weighted) mean and standard deviation over
    labelled rows.
    Each task's loss averages over the rows of a batch that carry a label for
    it, so a task with few labels is not drowned by one with many.

    Examples
    --------
    >>> import numpy as np
    >>> from skmtl import MultiTaskFineTuner
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(60, 4))
    >>> y = np.column_stack([X[:, 0] > 0, X[:, 1] + X[:, 2]]).astype(float)
    >>> y[::4, 0] = np.nan  # a quarter of the first task's labels are missing
    >>> model = MultiTaskFineTuner(hidden_layer_sizes=(16,), max_epochs=5,
    ...                            random_state=0).fit(X, y)
    >>> model.task_types_
    {'task_0': 'binary', 'task_1': 'regression'}
    >>> model.predict(X[:2]).shape
    (2, 2)
    >>> model.transform(X[:2]).shape
    (2, 16)
    """

    _parameter_constraints: dict = {
        "hidden_layer_sizes": ["array-like"],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "batch_norm": ["boolean"],
        "trunk": [nn.Module, callable, None],
        "pretrained_trunk": [str, os.PathLike, dict, None],
        "tasks": [str, list, tuple, dict, None],
        "task_weights": [dict, "array-like", None],
        "reconstruction_weight": [Interval(Real, 0, None, closed="left")],
        "input_noise": [Interval(Real, 0, None, closed="left")],
        "metric_loss": [StrOptions(set(METRIC_LOSSES)), None],
        "metric_task": [str, None],
        "metric_weight": [Interval(Real, 0, None, closed="left")],
        "margin": [Interval(Real, 0, None, closed="neither")],
        "optimizer": [StrOptions(set(OPTIMIZERS)), type],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "momentum": [Interval(Real, 0, 1, closed="left")],
        "nesterov": ["boolean"],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "lr_schedule": [StrOptions(set(LR_SCHEDULES)), None],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "warm_start": ["boolean"],
        "trainable_layers": [Interval(Integral, 0, None, closed="left"), None],
        "unfreeze_every": [Interval(Integral, 1, None, closed="left"), None],
        "trunk_lr_scale": [Interval(Real, 0, None, closed="left")],
        "callbacks": [list, None],
        "net_params": [dict, None],
        "dtype": [StrOptions({"float32", "float64"})],
        "device": [str, torch.device],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        dropout=0.0,
        batch_norm=False,
        trunk=None,
        pretrained_trunk=None,
        tasks=None,
        task_weights=None,
        reconstruction_weight=0.0,
        input_noise=0.0,
        metric_loss=None,
        metric_task=None,
        metric_weight=1.0,
        margin=1.0,
        optimizer="adam",
        lr=1e-3,
        momentum=0.9,
        nesterov=False,
        weight_decay=0.0,
        lr_schedule=None,
        batch_size=256,
        max_epochs=100,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        warm_start=False,
        trainable_layers=None,
        unfreeze_every=None,
        trunk_lr_scale=1.0,
        callbacks=None,
        net_params=None,
        dtype="float32",
        device="cpu",
        random_state=None,
        verbose=0,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.dropout = dropout
        self.batch_norm = batch_norm
        self.trunk = trunk
        self.pretrained_trunk = pretrained_trunk
        self.tasks = tasks
        self.task_weights = task_weights
        self.reconstruction_weight = reconstruction_weight
        self.input_noise = input_noise
        self.metric_loss = metric_loss
        self.metric_task = metric_task
        self.metric_weight = metric_weight
        self.margin = margin
        self.optimizer = optimizer
        self.lr = lr
        self.momentum = momentum
        self.nesterov = nesterov
        self.weight_decay = weight_decay
        self.lr_schedule = lr_schedule
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.warm_start = warm_start
        self.trainable_layers = trainable_layers
        self.unfreeze_every = unfreeze_every
        self.trunk_lr_scale = trunk_lr_scale
        self.callbacks = callbacks
        self.net_params = net_params
        self.dtype = dtype
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    # ------------------------------------------------------------------ fit

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Train the shared trunk and the task heads.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training features; must be finite.

        y : array-like of shape (n_samples,) or (n_samples, n_tasks)
            Targets, one column per task; NaN, None or ``pd.NA`` marks a
            missing label. DataFrame columns name the tasks.

        sample_weight : array-like of shape (n_samples,), default=None
            Per-row weights applied to every task's loss.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        previous = None
        if self.warm_start and self.__sklearn_is_fitted__():
            previous = _PreviousFit.of(self)
        # A failed fit must not leave an earlier model claiming to be fitted.
        self._clear_fitted_state()
        try:
            return self._fit(X, y, sample_weight, previous=previous)
        except BaseException:
            self._clear_fitted_state()
            raise

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Train for one epoch on a chunk of data, keeping what came before.

        The first call sets up the tasks, their types and classes and the
        scales of regression targets, as `fit` does; later calls train the
        same network further on new chunks, whose labels must be among the
        classes seen at the first call. Early stopping does not apply.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            A chunk of training features.

        y : array-like of shape (n_samples,) or (n_samples, n_tasks)
            The chunk's targets, NaN where a label is missing. A DataFrame may
            hold a subset of the tasks.

        sample_weight : array-like of shape (n_samples,), default=None
            Per-row weights.

        classes : array-like or dict of str to array-like, default=None
            Every class label a classification task may take, for the first
            call when its chunk does not show them all: an array for a
            single task, else a dict keyed by task name. Ignored later.

        Returns
        -------
        self : object
            The estimator, trained one more epoch.
        """
        if not self.__sklearn_is_fitted__():
            self._clear_fitted_state()
            try:
                return self._fit(X, y, sample_weight, epochs=1, classes=classes)
            except BaseException:
                self._clear_fitted_state()
                raise
        X = self._validate_X(X)
        encoded = encode_for_fitted_tasks(y, self, X.shape[0])
        weights = None
        if sample_weight is not None:
            weights = _check_sample_weight(
                sample_weight, X, dtype=np.float64, ensure_non_negative=True
            )
        device = self.net_.device
        with seeded_torch(self._seed + self.n_epochs_, device):
            dataset = _make_dataset(X, encoded, weights, device, self._dtype)
            self.net_.partial_fit(dataset, y=None, epochs=1)
        self.net_.module_.eval()
        self.n_epochs_ = len(self.history_)
        self.best_epoch_ = self.n_epochs_
        return self

    def _fit(self, X, y, sample_weight, previous=None, epochs=None, classes=None):
        X = validate_data(self, X, dtype=self.dtype, ensure_all_finite=False)
        _check_finite_features(X, getattr(self, "feature_names_in_", None))
        if previous is not None and X.shape[1] != previous.n_features:
            raise ValueError(
                f"warm_start=True continues from a trunk fitted on "
                f"{previous.n_features} features, but X has {X.shape[1]}; use the "
                "same features, or warm_start=False to start over."
            )
        targets = check_multitask_targets(
            y, tasks=self._task_types_param(), n_samples=X.shape[0]
        )
        if classes is not None:
            add_classes(targets, classes)
        self._check_targets(targets)
        metric_task = self._resolve_metric_task(targets)
        weighted = sample_weight is not None
        sample_weight = _check_sample_weight(
            sample_weight, X, dtype=np.float64, ensure_non_negative=True
        )
        task_weights = self._resolve_task_weights(targets.names)
        encoded, means, scales = standardize_regression(targets, sample_weight)

        seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        device = resolve_device(self.device)
        early_stopping = self.early_stopping and epochs is None
        with seeded_torch(seed, device):
            network = build_network(self, X, targets, previous)
            n_frozen = set_trainable_layers(network, self.trainable_layers)
            # Unit weights are left out: they cost a gather and a product per
            # batch for nothing.
            dataset = _make_dataset(
                X, encoded, sample_weight if weighted else None, device, self.dtype
            )
            train_split = None
            if early_stopping:
                train_idx, valid_idx = validation_split(self, targets, seed)
                train_split = predefined_split(dataset.subset(valid_idx))
                dataset = dataset.subset(train_idx)
            net = build_net(
                self,
                network,
                targets,
                task_weights,
                metric_task,
                train_split,
                device,
                n_frozen,
                early_stopping,
            )
            net.fit(dataset, y=None, epochs=epochs)
        # The validation data would otherwise be pickled with the model.
        net.train_split = None
        net.module_.eval()

        self._seed = seed
        self._dtype = self.dtype
        self.history_ = net.history
        self.n_epochs_ = len(net.history)
        self.best_epoch_ = best_epoch(net.history, early_stopping)
        self.task_names_ = np.asarray(targets.names, dtype=object)
        self.task_types_ = dict(zip(targets.names, targets.types))
        self.n_tasks_ = targets.n_tasks
        self.metric_task_ = metric_task
        self.target_mean_, self.target_scale_ = means, scales
        self.representation_size_ = network.representation_size
        self._targets_layout = (targets.is_1d, targets.is_frame, targets.columns)
        self._task_classes = targets.classes
        if targets.classes:
            self.classes_ = self._format_classes(targets.classes)
        # Set last: `__sklearn_is_fitted__` reads it.
        self.net_ = net
        return self

    def __sklearn_is_fitted__(self):
        """Whether `fit` has completed: the trained net is there."""
        return hasattr(self, "net_")

    def _clear_fitted_state(self):
        for name in [key for key in vars(self) if key.endswith("_")]:
            if not name.startswith("__"):
                delattr(self, name)

    def _task_types_param(self):
        """Task types to enforce; the classifier and regressor faces override."""
        return self.tasks

    def _check_targets(self, targets):
        """Reject targets the estimator cannot model (subclasses override)."""

    def _resolve_metric_task(self, targets):
        if self.metric_loss is None:
            return None
        classification = [
            name
            for name, kind in zip(targets.names, targets.types)
            if kind != "regression"
        ]
        if self.metric_task is None:
            if not classification:
                raise ValueError(
                    f"metric_loss={self.metric_loss!r} needs a classification task "
                    f"whose labels define similar rows, but every task is a "
                    f"regression task {targets.names}. Set metric_loss=None."
                )
            return classification[0]
        if self.metric_task not in targets.names:
            raise ValueError(
                f"metric_task={self.metric_task!r} is not a task; the tasks are "
                f"{targets.names}."
            )
        if self.metric_task not in classification:
            raise ValueError(
                f"metric_task={self.metric_task!r} is a regression task; "
                f"metric_loss={self.metric_loss!r} needs a classification task."
            )
        return self.metric_task

    def _resolve_task_weights(self, names):
        if self.task_weights is None:
            return None
        if isinstance(self.task_weights, dict):
            unknown = sorted(set(map(str, self.task_weights)) - set(names))
            if unknown:
                raise ValueError(
                    f"task_weights refers to unknown task(s) {unknown}; the tasks "
                    f"are {names}."
                )
            weights = np.array([self.task_weights.get(name, 1.0) for name in names])
        else:
            weights = np.asarray(self.task_weights, dtype=np.float64).ravel()
            if len(weights) != len(names):
                raise ValueError(
                    f"task_weights has {len(weights)} values but there are "
                    f"{len(names)} tasks {names}; give one weight per task or a "
                    "dict keyed by task name."
                )
        weights = weights.astype(np.float64)
        valid = np.all(np.isfinite(weights)) and (weights >= 0).all()
        if not valid or weights.sum() <= 0:
            raise ValueError(
                f"task_weights must be finite, non-negative and not all zero; got "
                f"{weights.tolist()}."
            )
        return weights.tolist()

    # ------------------------------------------------------------- transfer

    def get_trunk_state(self):
        """Return a copy of the trained trunk's weights, on the CPU.

        Pass it as `pretrained_trunk` to a new estimator to start from this
        trunk.

        Returns
        -------
        state : dict of str to torch.Tensor
            The trunk's ``state_dict``.
        """
        check_is_fitted(self)
        return {
            key: value.detach().cpu().clone()
            for key, value in self.net_.module_.trunk.state_dict().items()
        }

    def save_trunk(self, path):
        """Write the trained trunk's weights to a file.

        Parameters
        ----------
        path : str or os.PathLike
            Destination; load it with ``pretrained_trunk=path``.
        """
        torch.save(self.get_trunk_state(), path)

    # ------------------------------------------------------------- predict

    def _forward(self, X, represent=False):
        """Run validated X through the network in chunks, in evaluation mode.

        Return each head's raw output as an ndarray, or with ``represent`` the
        shared representation (as a one-element list).
        """
        module = self.net_.module_
        module.eval()
        function = module.represent if represent else module
        device = self.net_.device
        chunks = []
        with torch.inference_mode():
            for start in range(0, X.shape[0], PREDICT_CHUNK_ROWS):
                batch = as_float_tensor(
                    X[start : start + PREDICT_CHUNK_ROWS], device, self._dtype
                )
                outputs = function(batch)
                outputs = [outputs] if represent else outputs
                chunks.append([out.cpu().numpy() for out in outputs])
        if len(chunks) == 1:
            return chunks[0]
        return [np.concatenate(parts) for parts in zip(*chunks)]

    def _validate_X(self, X):
        check_is_fitted(self)
        X = validate_data(
            self, X, dtype=self._dtype, ensure_all_finite=False, reset=False
        )
        _check_finite_features(X, getattr(self, "feature_names_in_", None))
        return X

    def _decode(self, name, output):
        """Turn one head's raw output into predictions in the original labels."""
        kind = self.task_types_[name]
        if kind == "regression":
            return (
                output[:, 0].astype(np.float64) * self.target_scale_[name]
                + (self.target_mean_[name])
            )
        if kind == "binary":
            index = (output[:, 0] > 0).astype(np.intp)
        else:
            index = output.argmax(axis=1)
        return self._task_classes[name][index]

    def _predict_tasks(self, X):
        """Return a dict of per-task predictions for raw X."""
        X = self._validate_X(X)
        outputs = self._forward(X)
        return {
            name: self._decode(name, output)
            for name, output in zip(self.task_names_, outputs)
        }

    def predict(self, X):
        """Predict every task, in the labels and layout `y` had in fit.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input features.

        Returns
        -------
        y_pred : ndarray or DataFrame
            1-D for a 1-D `y`, a DataFrame with the same columns for a
            DataFrame `y`, else an ndarray of shape (n_samples, n_tasks).
        """
        predictions = self._predict_tasks(X)
        is_1d, is_frame, columns = self._targets_layout
        if is_1d:
            return next(iter(predictions.values()))
        if is_frame:
            import pandas as pd

            index = X.index if hasattr(X, "index") and hasattr(X, "columns") else None
            frame = pd.DataFrame(predictions, index=index)
            frame.columns = columns
            return frame
        values = list(predictions.values())
        dtype = np.result_type(*[v.dtype for v in values])
        if dtype.kind not in "biuf":
            dtype = object
        return np.column_stack([v.astype(dtype) for v in values])

    @available_if(_has_classification_task)
    def predict_proba(self, X):
        """Predict class probabilities of each classification task.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input features.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes) or dict
            For a single classification task (1-D `y`), the probability of
            each class in the order of `classes_`; otherwise a dict keyed by
            the name of each classification task.
        """
        return self._format_proba(self._predict_proba_tasks(X))

    def _predict_proba_tasks(self, X):
        """Return a dict of class probabilities per classification task."""
        X = self._validate_X(X)
        outputs = self._forward(X)
        probabilities = {}
        for name, output in zip(self.task_names_, outputs):
            # float64 so that each row sums to one to scikit-learn's tolerance
            logits = torch.from_numpy(output.astype(np.float64))
            kind = self.task_types_[name]
            if kind == "binary":
                positive = torch.sigmoid(logits[:, 0]).numpy()
                probabilities[name] = np.column_stack([1 - positive, positive])
            elif kind == "multiclass":
                probabilities[name] = torch.softmax(logits, 1).numpy()
        return probabilities

    def _format_proba(self, probabilities):
        if self._targets_layout[0]:
            return next(iter(probabilities.values()))
        return probabilities

    def _format_classes(self, classes):
        if self._targets_layout[0] and classes:
            return next(iter(classes.values()))
        return dict(classes)

    def transform(self, X):
        """Return the shared representation of X.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input features.

        Returns
        -------
        X_shared : ndarray of shape (n_samples, `representation_size_`)
            The trunk's output, in `dtype`.
        """
        return self._forward(self._validate_X(X), represent=True)[0]

    @property
    def _n_features_out(self):
        return self.representation_size_

    # -------------------------------------------------------------- score

    def score_tasks(self, X, y, sample_weight=None):
        """Score each task on its labelled rows.

        Accuracy for classification tasks (a label never seen in fit counts as
        wrong), R² for regression tasks.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input features.

        y : array-like of shape (n_samples,) or (n_samples, n_tasks)
            True targets with NaN for missing labels; a DataFrame may hold a
            subset of the tasks.

        sample_weight : array-like of shape (n_samples,), default=None
            Per-row weights.

        Returns
        -------
        scores : dict of str to float
            Score of each task that has labelled rows (at least two for a
            regression task).
        """
        check_is_fitted(self)
        predictions = self._predict_tasks(X)
        n_samples = len(next(iter(predictions.values())))
        columns = align_target_columns(y, list(self.task_names_), n_samples)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(
                sample_weight, np.empty((n_samples, 0)), dtype=np.float64
            )
        scores = {}
        for name, (truth, labelled) in columns.items():
            if not labelled.any():
                continue
            weights = None if sample_weight is None else sample_weight[labelled]
            predicted = predictions[name][labelled]
            truth = truth[labelled]
            if self.task_types_[name] == "regression":
                if labelled.sum() < 2:
                    continue
                scores[name] = float(
                    r2_score(truth.astype(np.float64), predicted, sample_weight=weights)
                )
            else:
                correct = np.asarray(predicted.astype(object) == truth.astype(object))
                scores[name] = float(np.average(correct, weights=weights))
        return scores

    def score(self, X, y, sample_weight=None):
        """Return the mean over tasks of accuracy or R² on labelled rows.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input features.

        y : array-like of shape (n_samples,) or (n_samples, n_tasks)
            True targets with NaN for missing labels.

        sample_weight : array-like of shape (n_samples,), default=None
            Per-row weights.

        Returns
        -------
        score : float
            Mean of `score_tasks` over the tasks that could be scored.
        """
        scores = self.score_tasks(X, y, sample_weight=sample_weight)
        if not scores:
            raise ValueError(
                "No task could be scored: y has no labelled row for any task (a "
                "regression task needs at least two)."
            )
        return float(np.mean(list(scores.values())))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        tags.transformer_tags.preserves_dtype = [self.dtype]
        return tags


def _make_dataset(X, encoded, sample_weight, device, dtype):
    torch_dtype = getattr(torch, dtype)
    return TaskDataset(
        as_float_tensor(X, device, dtype),
        torch.as_tensor(encoded, dtype=torch_dtype, device=device),
        None
        if sample_weight is None
        else torch.as_tensor(sample_weight, dtype=torch_dtype, device=device),
    )


class _PreviousFit:
    """What a warm start keeps of an earlier fit."""

    def __init__(self, network, task_names, task_types, classes, n_features):
        self.network = network
        self.task_names = task_names
        self.task_types = task_types
        self.classes = classes
        self.n_features = n_features

    @classmethod
    def of(cls, estimator):
        return cls(
            estimator.net_.module_,
            list(estimator.task_names_),
            dict(estimator.task_types_),
            dict(estimator._task_classes),
            estimator.n_features_in_,
        )
