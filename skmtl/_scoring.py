"""Scorers that read one task, or several, of a multi-task model."""
# SPDX-License-Identifier: BSD-3-Clause

from functools import partial

import numpy as np
from sklearn import metrics

from skmtl.utils._validation import align_target_columns

# name -> (metric function, what it reads, sign that makes greater better)
_METRICS = {
    "accuracy": (metrics.accuracy_score, "predict", 1),
    "balanced_accuracy": (metrics.balanced_accuracy_score, "predict", 1),
    "f1": (metrics.f1_score, "predict", 1),
    "f1_macro": (partial(metrics.f1_score, average="macro"), "predict", 1),
    "roc_auc": (metrics.roc_auc_score, "proba", 1),
    "neg_log_loss": (metrics.log_loss, "proba", -1),
    "r2": (metrics.r2_score, "predict", 1),
    "explained_variance": (metrics.explained_variance_score, "predict", 1),
    "neg_mean_squared_error": (metrics.mean_squared_error, "predict", -1),
    "neg_root_mean_squared_error": (metrics.root_mean_squared_error, "predict", -1),
    "neg_mean_absolute_error": (metrics.mean_absolute_error, "predict", -1),
}


class TaskScorer:
    """Score a fitted multi-task model on some of its tasks.

    Built by `make_task_scorer`; see there for the parameters. Calling it as
    ``scorer(estimator, X, y, sample_weight=None)`` returns the mean, over
    the chosen tasks, of the metric computed on each task's labelled rows.
    """

    def __init__(self, tasks, metric, response, sign, metric_kwargs):
        self.tasks = tasks
        self.metric = metric
        self.response = response
        self.sign = sign
        self.metric_kwargs = metric_kwargs

    def _check_tasks(self, estimator):
        names = list(estimator.task_names_)
        unknown = [task for task in self.tasks if task not in names]
        if unknown:
            raise ValueError(
                f"The scorer refers to unknown task(s) {unknown}; the estimator "
                f"was fitted on tasks {names}."
            )
        return names

    def _target_columns(self, estimator, X, y):
        """Return the true labels of each task, checking y holds the scored ones."""
        names = self._check_tasks(estimator)
        columns = align_target_columns(y, names, _num_rows(X))
        absent = [task for task in self.tasks if task not in columns]
        if absent:
            raise ValueError(
                f"The scorer reads task(s) {absent}, but y has no column for them; "
                f"y holds {list(columns)}."
            )
        return columns

    def __call__(self, estimator, X, y, sample_weight=None):
        """Return the signed metric averaged over the scorer's tasks."""
        estimator, X = _unwrap_pipeline(estimator, X)
        columns = self._target_columns(estimator, X, y)
        if self.response == "proba":
            for task in self.tasks:
                if estimator.task_types_[task] == "regression":
                    raise ValueError(
                        f"Task {task!r} is a regression task, but the metric "
                        "needs class probabilities."
                    )
            outputs = estimator._predict_proba_tasks(X)
        else:
            outputs = estimator._predict_tasks(X)
        values = []
        for task in self.tasks:
            truth, labelled = columns[task]
            if not labelled.any():
                raise ValueError(
                    f"Task {task!r} has no labelled row in y, so it cannot be scored."
                )
            output, truth = outputs[task][labelled], truth[labelled]
            kwargs = dict(self.metric_kwargs)
            if sample_weight is not None:
                kwargs["sample_weight"] = np.asarray(sample_weight)[labelled]
            if estimator.task_types_[task] == "regression":
                truth = truth.astype(np.float64)
            else:
                classes = estimator._task_classes[task]
                truth = _as_label_dtype(truth, classes)
                if self.response == "proba":
                    truth, output = _proba_arguments(
                        self.metric, truth, output, classes, kwargs
                    )
                elif self.metric is metrics.f1_score and len(classes) == 2:
                    kwargs.setdefault("pos_label", classes[1])
            values.append(self.metric(truth, output, **kwargs))
        return self.sign * float(np.mean(values))

    def __repr__(self):
        return f"make_task_scorer({self.tasks!r}, metric={self.metric!r})"


def _unwrap_pipeline(estimator, X):
    """Return the multi-task model ending a Pipeline, and X as that model sees it."""
    while hasattr(estimator, "steps"):
        if len(estimator.steps) > 1:
            X = estimator[:-1].transform(X)
        estimator = estimator[-1]
    if not hasattr(estimator, "task_names_"):
        raise TypeError(
            "A task scorer scores a fitted MultiTaskFineTuner (or a Pipeline ending "
            f"in one); got {type(estimator).__name__}."
        )
    return estimator, X


def _as_label_dtype(truth, classes):
    """Cast true labels to the dtype of the fitted classes when it is lossless."""
    try:
        cast = truth.astype(classes.dtype)
    except (TypeError, ValueError):
        return truth.astype(object)
    if np.all(cast.astype(object) == truth.astype(object)):
        return cast
    return truth.astype(object)


def _proba_arguments(metric, truth, proba, classes, kwargs):
    """Shape probabilities as ROC AUC and log loss expect them."""
    if metric is metrics.roc_auc_score:
        if len(classes) == 2:
            return truth == classes[1], proba[:, 1]
        kwargs.setdefault("multi_class", "ovr")
    kwargs.setdefault("labels", classes)
    return truth, proba


def _num_rows(X):
    return X.shape[0] if hasattr(X, "shape") else len(X)


def make_task_scorer(tasks, metric=None, *, greater_is_better=True, **metric_kwargs):
    """Make a scorer that reads one task, or several, of a multi-task model.

    Use it in `GridSearchCV` or `cross_validate` to select or report on one
    task's metric: ``scoring={"digit": make_task_scorer("digit"), "price":
    make_task_scorer("price", "neg_mean_absolute_error")}``. Each task is
    scored on its labelled rows only.

    Parameters
    ----------
    tasks : str or list of str
        Task name(s); with several, the scorer returns the mean of the metric
        over them.

    metric : str or callable, default=None
        ``None`` for accuracy on classification tasks and R² on regression
        tasks; one of ``'accuracy'``, ``'balanced_accuracy'``, ``'f1'``,
        ``'f1_macro'``, ``'roc_auc'``, ``'neg_log_loss'``, ``'r2'``,
        ``'explained_variance'``, ``'neg_mean_squared_error'``,
        ``'neg_root_mean_squared_error'``, ``'neg_mean_absolute_error'``; or
        a callable ``metric(y_true, y_pred, **kwargs)`` on predicted labels
        or values.

    greater_is_better : bool, default=True
        For a callable metric: whether larger values are better; if not, the
        scorer returns its negation, as scikit-learn's scorers do.

    **metric_kwargs
        Extra keyword arguments for the metric.

    Returns
    -------
    scorer : TaskScorer
        A callable ``scorer(estimator, X, y, sample_weight=None)``.

    Examples
    --------
    >>> import numpy as np
    >>> from skmtl import MultiTaskFineTuner, make_task_scorer
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(60, 3))
    >>> y = np.column_stack([X[:, 0] > 0, X[:, 1]]).astype(float)
    >>> model = MultiTaskFineTuner(max_epochs=3, random_state=0).fit(X, y)
    >>> scorer = make_task_scorer("task_1", "neg_mean_absolute_error")
    >>> scorer(model, X, y) <= 0
    True
    """
    tasks = [tasks] if isinstance(tasks, str) else [str(t) for t in tasks]
    if not tasks:
        raise ValueError("make_task_scorer needs at least one task name.")
    if metric is None:
        return _DefaultTaskScorer(tasks, None, "predict", 1, metric_kwargs)
    if isinstance(metric, str):
        if metric not in _METRICS:
            raise ValueError(
                f"Unknown metric {metric!r}; use one of {sorted(_METRICS)} or a "
                "callable."
            )
        function, response, sign = _METRICS[metric]
        return TaskScorer(tasks, function, response, sign, metric_kwargs)
    if not callable(metric):
        raise TypeError(f"metric must be a string or a callable; got {metric!r}.")
    return TaskScorer(
        tasks, metric, "predict", 1 if greater_is_better else -1, metric_kwargs
    )


class _DefaultTaskScorer(TaskScorer):
    """Accuracy or R² per task, as `MultiTaskFineTuner.score_tasks` computes."""

    def __call__(self, estimator, X, y, sample_weight=None):
        estimator, X = _unwrap_pipeline(estimator, X)
        self._target_columns(estimator, X, y)
        scores = estimator.score_tasks(X, y, sample_weight=sample_weight)
        return float(np.mean([scores.get(task, np.nan) for task in self.tasks]))

    def __repr__(self):
        return f"make_task_scorer({self.tasks!r})"
