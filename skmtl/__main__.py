"""Entry point of ``python -m skmtl``: run the demo."""
# SPDX-License-Identifier: BSD-3-Clause

from skmtl._demo import main

main()
