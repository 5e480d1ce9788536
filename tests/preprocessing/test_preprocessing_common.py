"""Conventions of the skmtl.preprocessing namespace.

scikit-learn's estimator checks run on these transformers in
``tests/test_common.py``, with every other public estimator.
"""

from skmtl import preprocessing


def test_public_names_are_sorted_and_exported():
    assert preprocessing.__all__ == sorted(preprocessing.__all__)
    for name in preprocessing.__all__:
        assert getattr(preprocessing, name).__module__.startswith(
            "skmtl.preprocessing._"
        )
