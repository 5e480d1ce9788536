"""Discovery of the public estimators of skmtl, for the common tests."""
# SPDX-License-Identifier: BSD-3-Clause

import inspect
from importlib import import_module

from sklearn.base import BaseEstimator

_PUBLIC_MODULES = ("skmtl", "skmtl.preprocessing")


def all_estimators():
    """List the public estimators of skmtl.

    Returns
    -------
    estimators : list of (str, type)
        Name and class of each public estimator, sorted by name.

    Examples
    --------
    >>> from skmtl.utils.discovery import all_estimators
    >>> "MultiTaskFineTuner" in dict(all_estimators())
    True
    """
    found = {}
    for module_name in _PUBLIC_MODULES:
        module = import_module(module_name)
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if (
                inspect.isclass(obj)
                and issubclass(obj, BaseEstimator)
                and not inspect.isabstract(obj)
            ):
                found[name] = obj
    return sorted(found.items())
