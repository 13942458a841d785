"""What every benchmark report records: the machine, the solver's commit, peak memory, and
numbers formatted for a table."""

from __future__ import annotations

import os
import platform
import resource
import subprocess

import highspy
import numpy as np


def fmt(x: float | int | None, spec: str = ".3g") -> str:
    if x is None or (isinstance(x, float) and not np.isfinite(x)):
        return "–"
    return format(x, spec)


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
        memory = f", {mem:.0f} GiB RAM"
    except (ValueError, OSError):
        memory = ""
    return (
        f"{model}, nproc {len(os.sched_getaffinity(0))}{memory}, Python "
        f"{platform.python_version()}, NumPy {np.__version__}, HiGHS {highspy.Highs().version()}"
    )


def solver_version() -> str:
    """The commit of the checkout, and whether ``solver/`` differs from it (read-only git)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "solver"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" with uncommitted changes in solver/" if dirty else "")


SOLVER_VERSION = solver_version()  # when the solver modules were imported


def peak_rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
