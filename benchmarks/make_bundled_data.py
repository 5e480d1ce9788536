"""Re-encode the curated multi-task data sets for shipping inside skmtl.

A one-off maintenance script, not part of the package. It reads the curated
archives ``<source>/*.npz`` and their ``README.md`` and writes, under
``skmtl/datasets/data/``:

* ``<name>.npz``: the same arrays, re-encoded losslessly so that every file
  stays under 2 MB (integer-valued or fixed-decimal float columns as the
  smallest integer type with a sentinel for NaN, repeated strings as codes
  into their levels, int64 arrays downcast). A JSON manifest stored in the
  archive tells ``skmtl.datasets._archive._read_bundled`` how to restore each
  array and holds the sha256 of each original array, which the tests check.
* ``<name>.txt``: the data set's section of the curators' README (origin,
  terms, content, caveats, published results), used as ``DESCR``.
* ``README.txt``: origin, terms and the sha256 of the original files.

Every decoded array is compared with the original (dtype, shape, bits) before
anything is written.

Usage::

    python benchmarks/make_bundled_data.py --source /work/shared/data

Sample output::

    school.npz                         187,158 ->   ...  bytes  (8 arrays)
    ...
"""

import argparse
import hashlib
import json
import re
import textwrap
import zlib
from pathlib import Path

import numpy as np

from skmtl.datasets._archive import (
    MANIFEST_KEY,
    _array_digest,
    _decode_arrays,
)

# Where the loaders put the curated arrays, for the DESCR of each set.
BUNCH_NAMES = {
    "school": "``X`` -> ``data``, ``Y`` -> ``target``; ``y``, ``task`` and "
    "``train_masks`` keep their names.",
    "computer_survey": "``X`` / ``X_test`` -> ``data``, ``Y`` / ``Y_test`` -> "
    "``target`` (chosen by ``subset``); ``y``, ``task``, ``profile``, "
    "``task_covariates`` keep their names; ``is_test`` marks the test rows.",
    "parkinsons": "``X`` -> ``data``, ``Y`` -> ``target``, ``subject`` -> ``groups``.",
    "yeast": "``X`` / ``X_test`` -> ``data``, ``Y`` / ``Y_test`` -> ``target`` "
    "(chosen by ``subset``); ``is_test`` marks the test rows.",
    "adult": "``X`` / ``X_test`` -> ``data``, ``Y`` / ``Y_test`` -> ``target`` "
    "(chosen by ``subset``), ``levels__<name>`` -> ``categories[name]``, "
    "``marital_status`` / ``marital_status_test`` -> ``marital_status``; "
    "``is_test`` marks the test rows.",
    "census_income_kdd_testfile": "``X`` -> ``data``, ``Y`` -> ``target``, "
    "``levels__<name>`` -> ``categories[name]``, ``marital_stat`` -> "
    "``marital_status``; ``instance_weight`` keeps its name; ``split`` "
    "chooses the rows of ``subset`` and ``is_test`` is ``split == 1``.",
}
NAMES = (
    "school",
    "computer_survey",
    "parkinsons",
    "yeast",
    "adult",
    "census_income_kdd_testfile",
)
MAX_BYTES = 2_000_000
INT_TYPES = (np.int8, np.int16, np.int32, np.int64)
# Beyond 2**53 float64 no longer holds every integer exactly.
MAX_EXACT_INT = 2**53


def _smallest_int_type(low, high):
    for dtype in INT_TYPES:
        info = np.iinfo(dtype)
        if info.min <= low and high <= info.max:
            return dtype
    raise ValueError(f"integers in [{low}, {high}] do not fit in int64")


def _encode_float_column(col):
    """Return (stored array, spec) for one float64 column, lossless."""
    nan = np.isnan(col)
    values = col[~nan]
    has_negative_zero = np.any((values == 0) & np.signbit(values))
    if np.all(np.isfinite(values)) and not has_negative_zero:
        for decimals in range(10):
            scale = 10.0**decimals
            ints = np.round(values * scale)
            if ints.size and np.abs(ints).max() >= MAX_EXACT_INT:
                break
            restored = ints / scale if decimals else ints
            if not np.array_equal(restored, values):
                continue
            low = int(ints.min()) if ints.size else 0
            high = int(ints.max()) if ints.size else 0
            sentinel = None
            if nan.any():
                sentinel = low - 1
                low = sentinel
            stored = np.empty(col.shape, dtype=_smallest_int_type(low, high))
            stored[~nan] = ints
            if sentinel is not None:
                stored[nan] = sentinel
            return stored, {"decimals": decimals, "nan": sentinel}
    return col, {"raw": True}


def _packed_size(arrays):
    # About 300 bytes of zip and .npy headers per stored array.
    return sum(len(zlib.compress(a.tobytes())) + 300 for a in arrays.values())


def _encode_array(key, array):
    """Return ({stored key: array}, manifest entry) for one original array."""
    entry = {
        "dtype": array.dtype.str,
        "shape": list(array.shape),
        "sha256": _array_digest(array),
    }
    if array.dtype == np.float64 and array.ndim in (1, 2):
        # Whole array (one entry) or column by column (each column its own
        # integer type): keep whichever compresses better.
        whole, whole_spec = _encode_float_column(array.ravel())
        options = [({key: whole.reshape(array.shape)}, {"enc": "float", **whole_spec})]
        if array.ndim == 2:
            stored, specs = {}, []
            for j in range(array.shape[1]):
                stored[f"{key}__{j:04d}"], spec = _encode_float_column(array[:, j])
                specs.append(spec)
            options.append((stored, {"enc": "float_columns", "columns": specs}))
        stored, encoding = min(options, key=lambda option: _packed_size(option[0]))
        entry.update(encoding)
        return stored, entry
    if array.dtype.kind == "i":
        low, high = (int(array.min()), int(array.max())) if array.size else (0, 0)
        entry["enc"] = "int"
        return {key: array.astype(_smallest_int_type(low, high))}, entry
    if array.dtype.kind == "U" and array.ndim == 1:
        levels, codes = np.unique(array, return_inverse=True)
        if levels.size < array.size // 2:
            codes = codes.astype(_smallest_int_type(0, levels.size))
            entry["enc"] = "factor"
            return {f"{key}__levels": levels, f"{key}__codes": codes}, entry
    entry["enc"] = "raw"
    return {key: array}, entry


def _encode_file(source):
    """Encode every array of one archive; return the arrays to save."""
    with np.load(source) as archive:
        original = {key: archive[key] for key in archive.files}
    stored, manifest = {}, {}
    for key, array in original.items():
        arrays, manifest[key] = _encode_array(key, array)
        stored.update(arrays)
    stored[MANIFEST_KEY] = np.array(json.dumps(manifest))
    decoded = _decode_arrays(stored)
    assert list(decoded) == list(original), source
    for key, array in original.items():
        restored = decoded[key]
        assert restored.dtype == array.dtype, (source, key)
        assert restored.shape == array.shape, (source, key)
        assert restored.tobytes() == array.tobytes(), (source, key)
    return stored


def _sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _readme_sections(readme):
    """Split the curators' README into {file stem: section text}."""
    sections = {}
    for block in re.split(r"^## ", readme, flags=re.MULTILINE)[1:]:
        match = re.match(r"\d+\. (.*?) — `(\w+)\.npz`\n", block)
        if match:
            body = block[match.end() :].split("\n---")[0].strip()
            sections[match.group(2)] = (match.group(1), body)
    return sections


def _calibration_note(readme):
    """The paragraph explaining 'calibration' and '(recalled)' numbers."""
    start = readme.index('"Calibration" numbers')
    note = readme[start : readme.index("\n\n", start)].strip()
    return note.replace("numbers below", "numbers above")


def _to_rst(text):
    # Markdown `code` is rst ``code``; bold, emphasis and bullets already agree.
    return re.sub(r"(?<!`)`([^`\n]+)`(?!`)", r"``\1``", text)


def _descr(stem, title, body, note, sha):
    lines = [
        f".. _{stem}_dataset:",
        "",
        title,
        "=" * len(title),
        "",
        _to_rst(body),
        "",
        "**About the numbers above.** " + _to_rst(note),
        "",
        "**In skmtl.** " + BUNCH_NAMES[stem],
        "",
        f"Shipped with skmtl, losslessly re-encoded from the curated file "
        f"``{stem}.npz`` (sha256 {sha}).",
        "",
    ]
    return "\n".join(lines)


README_TEMPLATE = """\
Multi-task data sets bundled with skmtl
=======================================

Six public multi-task tabular data sets, read by the loaders of
``skmtl.datasets`` (``load_school``, ``load_computer_survey``,
``load_parkinsons``, ``load_yeast``, ``load_adult``, ``load_census_income``).
Nothing is downloaded at run time.

Files
-----
``<name>.npz``  the arrays, losslessly re-encoded to keep each file under 2 MB;
                read them with the loaders (or ``_read_bundled``), not with
                ``numpy.load`` alone. Each archive's manifest stores the
                sha256 of every original array.
``<name>.txt``  origin, terms, content, caveats and published results of the
                data set (the loaders' ``DESCR``).

Origin and terms
----------------
{origins}

Licences: Parkinsons Telemonitoring, Adult and Census-Income (KDD) come from
the UCI Machine Learning Repository under CC BY 4.0. School, Computer survey
and Yeast carry no explicit licence; they are redistributed for research and
teaching by the multilevel-modelling community, the PMTK/pmtkdata project and
the MULAN project respectively. Cite the papers named in each ``<name>.txt``.

sha256 of the original curated files
------------------------------------
{checksums}
"""


def _origin_line(stem, body):
    origin = re.search(r"\*\*Origin\.\*\* (.*?)(?:\n\n|$)", body, flags=re.S)
    text = " ".join(origin.group(1).split()) if origin else ""
    text = text.replace("`", "")
    return textwrap.fill(
        f"{stem}: {text}", width=79, initial_indent="* ", subsequent_indent="  "
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default="/work/shared/data", type=Path)
    default_target = Path(__file__).parents[1] / "skmtl" / "datasets" / "data"
    parser.add_argument("--target", default=default_target, type=Path)
    args = parser.parse_args()

    readme = (args.source / "README.md").read_text(encoding="utf-8")
    sections = _readme_sections(readme)
    note = _calibration_note(readme)
    args.target.mkdir(parents=True, exist_ok=True)
    origins, checksums = [], []
    for stem in NAMES:
        source = args.source / f"{stem}.npz"
        sha = _sha256(source)
        target = args.target / f"{stem}.npz"
        stored = _encode_file(source)
        np.savez_compressed(target, **stored)
        size = target.stat().st_size
        assert size < MAX_BYTES, (target, size)
        title, body = sections[stem]
        (args.target / f"{stem}.txt").write_text(
            _descr(stem, title, body, note, sha), encoding="utf-8"
        )
        origins.append(_origin_line(stem, body))
        checksums.append(f"{sha}  {stem}.npz")
        print(
            f"{stem + '.npz':34s} {source.stat().st_size:>10,} -> {size:>10,} bytes"
            f"  ({len(json.loads(str(stored[MANIFEST_KEY])))} arrays)"
        )
    (args.target / "README.txt").write_text(
        README_TEMPLATE.format(
            origins="\n".join(origins), checksums="\n".join(checksums)
        ),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
