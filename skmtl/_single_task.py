"""Classifier and regressor faces of MultiTaskFineTuner for scikit-learn tools."""
# SPDX-License-Identifier: BSD-3-Clause

from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.utils.multiclass import check_classification_targets

from skmtl._fine_tuner import MultiTaskFineTuner


class FineTunerClassifier(ClassifierMixin, MultiTaskFineTuner):
    """`MultiTaskFineTuner` with scikit-learn's classifier face.

    The same model, parameters and training as `MultiTaskFineTuner`, with
    every task a classification task. scikit-learn tools that look for a
    classifier then work: `cross_val_score` stratifies its folds, `classes_`
    is the array of labels for a single task, and scorers such as
    ``"roc_auc"`` or ``"neg_log_loss"`` find `predict_proba`. With several
    tasks, `classes_` and `predict_proba` follow scikit-learn's multi-output
    convention: a list with one entry per task.

    Read more in the :ref:`User Guide <quick_start>`.

    Parameters
    ----------
    **params
        The parameters of `MultiTaskFineTuner`. `tasks` may only name
        ``'binary'``, ``'multiclass'`` or ``'classification'``; when None,
        every task is a classification task.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,) or list of ndarray
        Class labels for a single task; a list with one array per task
        otherwise.

    task_names_, task_types_, n_tasks_, net_, history_, n_epochs_, \
best_epoch_, representation_size_, n_features_in_, feature_names_in_
        As in `MultiTaskFineTuner`.

    See Also
    --------
    MultiTaskFineTuner : The multi-task estimator this class specializes.
    FineTunerRegressor : The regressor face.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.model_selection import cross_val_score
    >>> from skmtl import FineTunerClassifier
    >>> X, y = make_classification(n_samples=80, n_features=5, random_state=0)
    >>> clf = FineTunerClassifier(hidden_layer_sizes=(8,), max_epochs=5,
    ...                           random_state=0)
    >>> scores = cross_val_score(clf, X, y, cv=3, scoring="roc_auc")
    >>> scores.shape
    (3,)
    """

    def _task_types_param(self):
        return "classification" if self.tasks is None else self.tasks

    def _check_targets(self, targets):
        for name, kind in zip(targets.names, targets.types):
            if kind == "regression":
                raise ValueError(
                    f"FineTunerClassifier needs classification tasks, but task "
                    f"{name!r} was declared 'regression'; use MultiTaskFineTuner "
                    "or FineTunerRegressor."
                )
        for name in targets.names:
            labels = targets.classes[name]
            if labels.dtype.kind == "f":
                # Continuous values are not labels: say so as scikit-learn does.
                check_classification_targets(labels)

    def _format_proba(self, probabilities):
        if self._targets_layout[0]:
            return next(iter(probabilities.values()))
        return list(probabilities.values())

    def _format_classes(self, classes):
        if self._targets_layout[0]:
            return next(iter(classes.values()))
        return list(classes.values())

    def score(self, X, y, sample_weight=None):
        """Return the mean accuracy over tasks, each on its labelled rows.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input features.

        y : array-like of shape (n_samples,) or (n_samples, n_tasks)
            True labels, NaN where missing.

        sample_weight : array-like of shape (n_samples,), default=None
            Per-row weights.

        Returns
        -------
        score : float
            Mean accuracy over tasks; plain accuracy for one task.
        """
        return MultiTaskFineTuner.score(self, X, y, sample_weight=sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class FineTunerRegressor(RegressorMixin, MultiTaskFineTuner):
    """`MultiTaskFineTuner` with scikit-learn's regressor face.

    The same model, parameters and training as `MultiTaskFineTuner`, with
    every task a regression task, even when its targets are integers. Tools
    that look for a regressor (``is_regressor``, default K-fold splitting,
    regression scorers) then treat it as one.

    Read more in the :ref:`User Guide <quick_start>`.

    Parameters
    ----------
    **params
        The parameters of `MultiTaskFineTuner`; `tasks` is ignored, since
        every task is a regression task.

    Attributes
    ----------
    task_names_, task_types_, n_tasks_, target_mean_, target_scale_, net_, \
history_, n_epochs_, best_epoch_, representation_size_, n_features_in_, \
feature_names_in_
        As in `MultiTaskFineTuner`.

    See Also
    --------
    MultiTaskFineTuner : The multi-task estimator this class specializes.
    FineTunerClassifier : The classifier face.

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from skmtl import FineTunerRegressor
    >>> X, y = make_regression(n_samples=60, n_features=4, n_targets=2,
    ...                        random_state=0)
    >>> reg = FineTunerRegressor(hidden_layer_sizes=(8,), max_epochs=5,
    ...                          random_state=0).fit(X, y)
    >>> reg.predict(X[:3]).shape
    (3, 2)
    """

    def _task_types_param(self):
        return "regression"

    def score(self, X, y, sample_weight=None):
        """Return the mean R² over tasks, each on its labelled rows.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input features.

        y : array-like of shape (n_samples,) or (n_samples, n_tasks)
            True targets, NaN where missing.

        sample_weight : array-like of shape (n_samples,), default=None
            Per-row weights.

        Returns
        -------
        score : float
            Mean R² over tasks; plain R² for one task.
        """
        return MultiTaskFineTuner.score(self, X, y, sample_weight=sample_weight)
