"""Plots of planning sessions and of job balancing (matplotlib, the ``plot`` extra).

Each function draws on the axes it is given (or on a new figure), saves the figure when
given a path, and returns the figure, so that a notebook can show it and a script can
write it:

>>> fig = plot_convergence(result)                      # doctest: +SKIP
>>> plot_convergence(result, path="convergence.png")    # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from solver.jobs.reports import MemberComplex
from solver.planning.result import PlanResult

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["close_figure", "plot_balance", "plot_convergence"]


def _pyplot() -> Any:
    try:  # matplotlib chooses a non-interactive backend by itself where there is no screen
        import matplotlib.pyplot as plt
    except ImportError as err:  # the plot extra is optional
        raise ValueError("plot: needs matplotlib (pip install 'parplan[plot]')") from err
    return plt


def _finish(fig: Figure, path: str | Path | None) -> Figure:
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig


def plot_convergence(
    result: PlanResult, *, path: str | Path | None = None, ax: Any = None
) -> Figure:
    """Largest relative excess and largest relative price change of every round, on a log
    scale, with the session's tolerance.

    Parameters
    ----------
    result
        A planning session's result (:func:`solver.plan`).
    path
        Where to save the figure (PNG, SVG, PDF: by the suffix), if anywhere.
    ax
        Matplotlib axes to draw on; a new figure when ``None``.
    """
    plt = _pyplot()
    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 4))
    else:
        fig = ax.figure
    history = result.history
    ax.semilogy(
        history.index,
        history["max_excess"].clip(lower=1e-12),
        "o-",
        label="largest relative excess",
    )
    ax.semilogy(
        history.index,
        history["price_change"].clip(lower=1e-12),
        "s--",
        label="largest relative price change",
    )
    ax.axhline(
        result.tolerance, color="grey", lw=0.8, ls=":", label=f"tolerance {result.tolerance:g}"
    )
    ax.set_xlabel("round")
    ax.set_ylabel("relative value (log scale)")
    ax.set_title(f"{result.market.name}: rule {result.rule}, {result.status.value}")
    ax.legend()
    return _finish(fig, path)


def plot_balance(
    before: Sequence[MemberComplex],
    after: Sequence[MemberComplex],
    *,
    name: str = "",
    path: str | Path | None = None,
) -> Figure:
    """Histograms of the members' empowerment and desirability ratings before and after
    balancing their job complexes.

    Parameters
    ----------
    before, after
        Members' complexes before balancing (as the workplace assigns its tasks now, or as
        specialised as possible) and after it.
    name
        The society's or workplace's name, for the title.
    path
        Where to save the figure, if anywhere.
    """
    plt = _pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
    bins = np.linspace(0.0, 1.0, 21)
    for ax, rating in zip(axes, ("empowerment", "desirability"), strict=True):
        for label, complexes in (("before", before), ("after", after)):
            values = [getattr(c, rating) for c in complexes if np.isfinite(getattr(c, rating))]
            ax.hist(values, bins=bins, alpha=0.6, label=label)
        ax.set_xlabel(f"{rating} of a member's complex (0-1)")
        ax.legend()
    axes[0].set_ylabel("members")
    fig.suptitle(f"{name}: job complexes before and after balancing".lstrip(": "))
    return _finish(fig, path)


def close_figure(fig: Figure) -> None:
    """Free a figure that has been saved (a script that plots many sessions needs this)."""
    _pyplot().close(fig)
