"""The plots draw what they say: the rounds' excesses and price changes, and every member's
complex before and after balancing, checked in the figures' data and in the saved image."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import solver
from solver.plots import close_figure, plot_balance, plot_convergence

pytest.importorskip("matplotlib")


def test_the_convergence_plot_draws_every_rounds_excess_and_price_change(tmp_path: Path) -> None:
    result = solver.plan(solver.load_example("planning-town"), rule="lp")
    path = tmp_path / "convergence.png"
    fig = plot_convergence(result, path=str(path))
    (ax,) = fig.axes
    excess, change = (line.get_ydata() for line in ax.get_lines()[:2])
    np.testing.assert_allclose(excess, [max(r.max_excess, 1e-12) for r in result.rounds])
    np.testing.assert_allclose(change, [max(r.price_change, 1e-12) for r in result.rounds])
    assert ax.get_lines()[2].get_ydata()[0] == result.tolerance  # the tolerance line
    assert ax.get_yscale() == "log" and "converged" in ax.get_title()
    close_figure(fig)
    import matplotlib.image as mpimg

    image = mpimg.imread(path)
    assert image.shape[0] > 100 and image.shape[1] > 100
    assert float(image[..., :3].std()) > 0.05  # not a blank canvas


def test_the_balance_plot_counts_every_member_before_and_after() -> None:
    society = solver.load_society(solver.usecases.bundled_workplaces())
    together, _ = solver.usecases.society_ratings(society)
    before = [c for r in together.alone for c in (r.before or [])]
    fig = plot_balance(before, together.complexes, name=society.name)
    for ax in fig.axes:
        bars = [sum(p.get_height() for p in container) for container in ax.containers]
        assert bars == [len(before), len(together.complexes)]  # one count per member
    close_figure(fig)
