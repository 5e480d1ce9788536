"""Sphinx configuration for the skmtl documentation.

Build (from the repository root)::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

Links to the documentation of Python, NumPy, scikit-learn, PyTorch and skorch
(intersphinx) need internet access to fetch their inventories, so they are
off by default and the build works offline. Turn them on by setting the
environment variable ``SKMTL_DOCS_INTERSPHINX=1`` for the same command.
"""
# SPDX-License-Identifier: BSD-3-Clause

import importlib
import inspect
import os
import sys
from datetime import date
from pathlib import Path

# Document the working tree even when skmtl is not installed in editable mode.
sys.path.insert(0, os.path.abspath(".."))

import torch  # noqa: E402
from docutils import nodes  # noqa: E402

import skmtl  # noqa: E402

# -- Project information -----------------------------------------------------

project = "skmtl"
author = "The skmtl developers"
copyright = f"{date.today().year}, {author}"
release = skmtl.__version__
version = ".".join(release.split(".")[:2])

# -- General configuration ---------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
source_suffix = {".rst": "restructuredtext"}
root_doc = "index"

# `name` in docstrings renders as code, as in scikit-learn.
default_role = "literal"

# -- autodoc / autosummary / numpydoc ----------------------------------------

autosummary_generate = True  # stubs go to docs/generated/ (git-ignored)
autodoc_default_options = {}
autodoc_typehints = "none"

numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# Docstring style is enforced by the tests, not by the docs build.
numpydoc_validation_checks = set()

# -- API listing -------------------------------------------------------------

# The API page lists what each public module's ``__all__`` holds when the docs
# are built, so a new public name appears without editing api.rst. For each
# module, _write_api_listings writes generated/api_<module>.rst.inc (an
# autosummary table, or a note when ``__all__`` is empty), which api.rst
# includes; _generate_api_stubs then has autosummary write the page of each
# listed object, since autosummary_generate only scans documents, not includes.
API_MODULES = ["skmtl", "skmtl.preprocessing", "skmtl.datasets", "skmtl.utils"]
GENERATED_DIR = Path(__file__).parent / "generated"


def _api_listing_path(module_name):
    return GENERATED_DIR / f"api_{module_name.replace('.', '_')}.rst.inc"


def _api_template(obj):
    """The autosummary template of one public object (None: the default)."""
    if inspect.isclass(obj):
        return "class.rst"
    if inspect.isfunction(obj):
        return "function.rst"
    return None


def _write_api_listings():
    GENERATED_DIR.mkdir(exist_ok=True)
    for module_name in API_MODULES:
        module = importlib.import_module(module_name)
        names = sorted(n for n in getattr(module, "__all__", []) if n[0] != "_")
        lines = [f".. currentmodule:: {module_name}", ""]
        if not names:
            lines += ["This module has no public objects yet.", ""]
        # One table per kind of object, each with its template, so that
        # classes list their methods and every page links to the examples.
        by_template = {}
        for name in names:
            template = _api_template(getattr(module, name))
            by_template.setdefault(template, []).append(name)
        for template in ["class.rst", "function.rst", None]:
            if template not in by_template:
                continue
            lines += [".. autosummary::", "   :toctree: generated/"]
            if template is not None:
                lines += [f"   :template: {template}"]
            lines += [""] + [f"   {name}" for name in by_template[template]] + [""]
        text = "\n".join(lines)
        path = _api_listing_path(module_name)
        # Rewrite only on change, so that Sphinx does not re-read api.rst.
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")


def _generate_api_stubs(app):
    from sphinx.ext.autosummary.generate import generate_autosummary_docs

    generate_autosummary_docs(
        [str(_api_listing_path(name)) for name in API_MODULES],
        output_dir=GENERATED_DIR,
        suffix=".rst",
        base_path=app.srcdir,
        app=app,
        imported_members=app.config.autosummary_imported_members,
        overwrite=app.config.autosummary_generate_overwrite,
        encoding=app.config.source_encoding,
    )


_write_api_listings()

# -- intersphinx ---------------------------------------------------------------

# Fetching inventories needs the internet, which the build machines do not
# have: enable the links only on request (SKMTL_DOCS_INTERSPHINX=1).
if os.environ.get("SKMTL_DOCS_INTERSPHINX", "0") == "1":
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3", None),
        "numpy": ("https://numpy.org/doc/stable/", None),
        "sklearn": ("https://scikit-learn.org/stable/", None),
        "torch": ("https://docs.pytorch.org/docs/stable/", None),
        "skorch": ("https://skorch.readthedocs.io/en/stable/", None),
    }
    intersphinx_timeout = 30
else:
    intersphinx_mapping = {}

# Labels of scikit-learn's documentation and terms of its glossary that the
# docstrings point to (those of skmtl and those inherited from scikit-learn:
# set_output, get_metadata_routing, set_*_request). With intersphinx they link
# to scikit-learn's pages; without it, _render_sklearn_refs_as_text shows
# their text unlinked. Any other unresolved reference still fails the build.
SKLEARN_LABELS = {
    "metadata_routing": None,
    "df_output_transform": None,
    "sphx_glr_auto_examples_miscellaneous_plot_set_output.py": (
        "scikit-learn's set_output example"
    ),
}
SKLEARN_TERMS = {"fit", "meta-estimator"}


def _render_sklearn_refs_as_text(app, env, node, contnode):
    if node.get("refdomain") != "std":
        return None
    target = node.get("reftarget", "")
    if node.get("reftype") == "ref" and target in SKLEARN_LABELS:
        text = SKLEARN_LABELS[target]
        return contnode if text is None else nodes.inline(text, text)
    if node.get("reftype") == "term" and target.lower() in SKLEARN_TERMS:
        return contnode
    return None


# -- sphinx-gallery -------------------------------------------------------------

sphinx_gallery_conf = {
    "examples_dirs": "examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"__init__\.py",
    "doc_module": ("skmtl",),
    "backreferences_dir": os.path.join("gen_modules", "backreferences"),
    "show_memory": False,
    "download_all_examples": False,
}

# The gallery examples run in this process. They train small networks, for
# which extra torch threads only add overhead: on a busy 2-core build machine
# the digits example trained in about 1 s with one thread and 10-30 s with
# two. SKMTL_DOCS_TORCH_THREADS overrides it.
torch.set_num_threads(int(os.environ.get("SKMTL_DOCS_TORCH_THREADS", "1")))

# -- HTML output ------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"skmtl {release}"
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "navigation_with_keys": False,
}
html_context = {"default_mode": "light"}


def setup(app):
    # After autosummary's own pass (priority 500) over the documents.
    app.connect("builder-inited", _generate_api_stubs, priority=600)
    if not intersphinx_mapping:
        app.connect("missing-reference", _render_sklearn_refs_as_text)
