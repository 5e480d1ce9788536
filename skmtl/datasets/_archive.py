"""Reading the compact archives shipped in ``skmtl/datasets/data``.

The curated ``.npz`` files were re-encoded losslessly to stay small (small
integer types with a sentinel for NaN, factor codes for repeated strings); a
JSON manifest inside each archive says how to restore every array bit for bit.
"""
# SPDX-License-Identifier: BSD-3-Clause

import hashlib
import json
from importlib import resources

import numpy as np

MANIFEST_KEY = "__manifest__"


def _array_digest(array):
    """Sha256 of an array's dtype, shape and bytes (C order)."""
    digest = hashlib.sha256(f"{array.dtype.str}{array.shape}".encode())
    digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def _decode_float_column(stored, spec):
    if spec.get("raw"):
        return stored
    column = stored.astype(np.float64)
    if spec["decimals"]:
        column /= 10.0 ** spec["decimals"]
    if spec["nan"] is not None:
        column[stored == spec["nan"]] = np.nan
    return column


def _decode_arrays(stored):
    """Restore the original arrays from a re-encoded archive's contents.

    Parameters
    ----------
    stored : mapping of str to ndarray
        The arrays of a bundled ``.npz``, including its JSON manifest.

    Returns
    -------
    arrays : dict of str to ndarray
        The arrays of the original curated archive, bit for bit, in order.
    """
    manifest = json.loads(str(stored[MANIFEST_KEY]))
    arrays = {}
    for key, entry in manifest.items():
        shape = tuple(entry["shape"])
        dtype = np.dtype(entry["dtype"])
        encoding = entry["enc"]
        if encoding == "float":
            array = _decode_float_column(stored[key], entry).reshape(shape)
        elif encoding == "float_columns":
            n_rows = shape[0]
            array = np.empty((n_rows, len(entry["columns"])), dtype=np.float64)
            for j, spec in enumerate(entry["columns"]):
                array[:, j] = _decode_float_column(stored[f"{key}__{j:04d}"], spec)
            array = array.reshape(shape)
        elif encoding == "factor":
            codes = stored[f"{key}__codes"]
            array = stored[f"{key}__levels"][codes].astype(dtype)
        else:
            array = np.asarray(stored[key]).astype(dtype, copy=False)
        arrays[key] = array
    return arrays


def _data_file(filename):
    return resources.files("skmtl.datasets").joinpath("data", filename)


def _read_bundled(name):
    """Return the arrays of the curated archive ``name``, as it was shipped.

    Parameters
    ----------
    name : str
        File stem in ``skmtl/datasets/data``, e.g. ``'adult'``.

    Returns
    -------
    arrays : dict of str to ndarray
        What ``numpy.load`` returns for the curated original ``<name>.npz``.
    """
    with _data_file(f"{name}.npz").open("rb") as file, np.load(file) as archive:
        stored = {key: archive[key] for key in archive.files}
    return _decode_arrays(stored)


def _read_manifest(name):
    with _data_file(f"{name}.npz").open("rb") as file, np.load(file) as archive:
        return json.loads(str(archive[MANIFEST_KEY]))


def _load_descr(name):
    return _data_file(f"{name}.txt").read_text(encoding="utf-8")
