"""Solve one planning round: build (once), hand over, solve, assign results.

>>> from solver import load_economy, solve_round
>>> result = solve_round(load_economy("economy.json"))          # doctest: +SKIP
>>> result.prices["corn"]                                        # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from solver.economy.compiled import compile_economy
from solver.economy.model import Economy
from solver.economy.production import ProductionError, check_production
from solver.economy.units import item_units, social_cost_unit
from solver.highs import AUTO_IPM_ABOVE_COLUMNS, LPOutcome
from solver.lp.build import RoundBounds, RoundLP, build_round_lp
from solver.lp.highs_model import HighsRoundModel
from solver.lp.leontief_path import leontief_solve
from solver.lp.results import RoundResult, assign_result
from solver.lp.write import lp_file_format, write_round_lp
from solver.status import Method, ModelPath  # ModelPath: exported here too

__all__ = ["ModelPath", "RoundSolver", "solve_round"]


class RoundSolver:
    """A round LP built once and re-solved as the round's bounds change.

    Parameters
    ----------
    lp
        The round's sparse description (see :func:`~solver.lp.build.build_round_lp`).
    path
        Which solver path to use.
    """

    def __init__(self, lp: RoundLP, path: ModelPath = ModelPath.VECTORISED) -> None:
        self.path = ModelPath(path)
        if self.path is ModelPath.PYOMO:
            from solver.lp.pyomo_model import PyomoRoundModel

            self.model: HighsRoundModel | PyomoRoundModel = PyomoRoundModel(lp)
        else:
            self.model = HighsRoundModel(lp)

    @property
    def lp(self) -> RoundLP:
        """The LP as last updated."""
        return self.model.lp

    def update(self, bounds: RoundBounds) -> None:
        """New bounds for the next round; the built model is reused."""
        self.model.update(bounds)

    def _tries_leontief(self, method: Method) -> bool:
        if method is Method.LEONTIEF:
            return True
        # a square round (one technique per good, an input-output table's) is one sparse
        # solve at any size; elsewhere the iterations pay only where HiGHS would take IPM
        square = self.lp.tech.outputs.shape[1] == self.lp.n_goods
        return (
            method is Method.AUTO
            and self.path is ModelPath.VECTORISED
            and (square or self.lp.n_cols > AUTO_IPM_ABOVE_COLUMNS)
        )

    def solve(self, method: Method = Method.AUTO, time_limit: float | None = None) -> RoundResult:
        """Solve; when a hard (non-elastic) round is infeasible, say which requests fail.

        ``LEONTIEF``, and ``AUTO`` on the vectorised path where the round has one technique
        per good or more than ``AUTO_IPM_ABOVE_COLUMNS`` columns, first try the Leontief system
        of the cheapest techniques
        (:func:`~solver.lp.leontief_path.leontief_solve`), then HiGHS where it does not apply.
        """
        method = Method(method)
        raw: LPOutcome | None = None
        if self._tries_leontief(method):  # AUTO only where the sparse iterations settle
            raw = leontief_solve(self.lp, lu=method is Method.LEONTIEF)
        leontief_failed = raw is None and method is Method.LEONTIEF
        if raw is None:
            raw = self.model.solve(method, time_limit)
        result = assign_result(self.lp, raw, self.path.value)
        if leontief_failed:
            result.notes.append(
                "not a Leontief round (joint production, a binding limit or a good without "
                "a technique): solved by HiGHS"
            )
        if raw.is_infeasible and not self.lp.bounds.elastic:
            elastic = HighsRoundModel(self.lp.with_bounds(replace(self.lp.bounds, elastic=True)))
            report = assign_result(
                elastic.lp, elastic.solve(Method(method), time_limit), "vectorised"
            )
            result.shortfall = report.shortfall
            result.shortfalls_from_elastic_resolve = True
            result.notes.append(
                "the requests cannot all be met; shortfalls come from the same round "
                "with unmet requests allowed at their penalty"
            )
        return result


def solve_round(
    economy: Economy,
    *,
    method: Method = Method.AUTO,
    path: ModelPath = ModelPath.VECTORISED,
    time_limit: float | None = None,
    elastic: bool = True,
    check: bool = True,
    write_lp: str | Path | None = None,
) -> RoundResult:
    """Solve the round's LP for the requests and limits stated in ``economy``.

    Parameters
    ----------
    economy
        A validated economy.
    method
        HiGHS method; ``AUTO`` chooses by size.
    path
        Vectorised (default) or Pyomo.
    time_limit
        Seconds; on expiry the result says ``MAX_TIME_LIMIT`` and carries any feasible plan.
    elastic
        Allow unmet requests at each good's shortfall penalty (the LP is then always
        feasible and the shortfalls are the feasibility report). ``False`` makes every
        request a hard constraint.
    check
        Check the production structure first.
    write_lp
        Also write the LP, as solved, to this ``.mps`` or ``.lp`` file
        (:func:`~solver.lp.write.write_round_lp`).

    Raises
    ------
    ProductionError
        When ``check`` is set and a requested good cannot be produced from primary inputs,
        or the input coefficients are not productive.
    """
    if time_limit is not None and not 0 < time_limit < float("inf"):
        raise ValueError(f"time_limit: a positive number of seconds, got {time_limit}")
    if write_lp is not None:
        lp_file_format(write_lp)  # an unknown format is refused before any work
    compiled = compile_economy(economy)
    if check:
        report = check_production(economy, compiled.tech, radius=False)
        if not report.ok:
            raise ProductionError(report)
    lp = build_round_lp(compiled)
    if not elastic:
        lp = lp.with_bounds(replace(lp.bounds, elastic=False))
    if write_lp is not None:
        write_round_lp(lp, write_lp)
    result = RoundSolver(lp, path).solve(method, time_limit)
    result.price_unit = social_cost_unit(economy)
    result.units = item_units(economy)
    return result
