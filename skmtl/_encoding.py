"""Encoding of targets between the user's labels and the network's targets."""
# SPDX-License-Identifier: BSD-3-Clause

import numpy as np

from skmtl.utils._validation import align_target_columns


def standardize_regression(targets, sample_weight):
    """Standardize regression columns; return the encoded matrix and the scales."""
    encoded = targets.encoded.copy()
    means, scales = {}, {}
    for j, (name, kind) in enumerate(zip(targets.names, targets.types)):
        if kind != "regression":
            continue
        labelled = targets.labelled[:, j]
        values, weights = encoded[labelled, j], sample_weight[labelled]
        if weights.sum() <= 0:
            weights = np.ones_like(weights)
        mean = np.average(values, weights=weights)
        scale = np.sqrt(np.average((values - mean) ** 2, weights=weights))
        # A constant target still trains: its head learns a zero output.
        scale = scale if scale > 0 else 1.0
        encoded[labelled, j] = (values - mean) / scale
        means[name], scales[name] = float(mean), float(scale)
    return encoded, means, scales


def encode_for_fitted_tasks(y, estimator, n_samples):
    """Encode new targets with the tasks, classes and scales fixed in fit.

    Used by ``partial_fit`` after its first call. A DataFrame may hold a subset
    of the tasks (the others are missing); other inputs hold every task.
    """
    names = list(estimator.task_names_)
    columns = align_target_columns(y, names, n_samples)
    encoded = np.full((n_samples, len(names)), np.nan)
    for j, name in enumerate(names):
        if name not in columns:
            continue
        values, labelled = columns[name]
        values = values[labelled]
        if estimator.task_types_[name] == "regression":
            try:
                values = values.astype(np.float64)
            except (TypeError, ValueError) as exc:
                raise ValueError(
                    f"Task {name!r} is a regression task but got non-numeric "
                    f"labels, e.g. {values[:3].tolist()}."
                ) from exc
            if not np.all(np.isfinite(values)):
                raise ValueError(
                    f"Input y contains infinity in task {name!r}; use NaN for a "
                    "missing label."
                )
            mean, scale = estimator.target_mean_[name], estimator.target_scale_[name]
            encoded[labelled, j] = (values - mean) / scale
            continue
        classes = estimator._task_classes[name]
        index = {label: i for i, label in enumerate(classes.tolist())}
        try:
            codes = [index[label] for label in values.tolist()]
        except KeyError:
            unseen = sorted({str(v) for v in values.tolist() if v not in index})
            raise ValueError(
                f"Task {name!r} got labels {unseen} that were not among its classes "
                f"{classes.tolist()} at the first call of partial_fit; classes are "
                "fixed then (use fit to start over)."
            ) from None
        encoded[labelled, j] = codes
    return encoded


def add_classes(targets, classes):
    """Widen the classes of classification tasks to those declared up front.

    ``partial_fit`` takes every class a task may show at its first call, as
    scikit-learn's incremental classifiers do, since the first chunk may
    miss some. ``targets`` is updated in place and re-encoded.
    """
    if not isinstance(classes, dict):
        if len(targets.names) != 1:
            raise ValueError(
                "classes must be a dict keyed by task name when y has several "
                f"tasks {targets.names}."
            )
        classes = {targets.names[0]: classes}
    for name, declared in classes.items():
        if name not in targets.classes:
            raise ValueError(
                f"classes names {name!r}, which is not a classification task; the "
                f"classification tasks are {sorted(targets.classes)}."
            )
        j = targets.names.index(name)
        seen = targets.classes[name]
        declared = np.asarray(declared)
        unknown = np.setdiff1d(seen, declared)
        if len(unknown):
            raise ValueError(
                f"Task {name!r} has labels {unknown.tolist()} that are not in the "
                "classes given to partial_fit."
            )
        widened = np.unique(declared)
        labelled = targets.labelled[:, j]
        old_codes = targets.encoded[labelled, j].astype(np.intp)
        targets.encoded[labelled, j] = np.searchsorted(widened, seen)[old_codes]
        targets.classes[name] = widened
        if targets.types[j] == "binary" and len(widened) > 2:
            targets.types[j] = "multiclass"
