"""The machine line every benchmark prints next to its figures."""

import os
import platform

import numpy as np
import sklearn
import skorch
import torch

import skmtl


def machine_description():
    """Describe the CPU, its load and the library versions, in one line."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as file:
            for line in file:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} "
        f"logical CPUs, load average {load} at start; Python "
        f"{platform.python_version()}, numpy {np.__version__}, scikit-learn "
        f"{sklearn.__version__}, torch {torch.__version__} "
        f"({torch.get_num_threads()} thread(s)), skorch {skorch.__version__}, "
        f"skmtl {skmtl.__version__}"
    )
