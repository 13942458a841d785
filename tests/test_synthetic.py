"""Synthetic economies: determinism, productivity, and the two solver paths agreeing."""

from __future__ import annotations

import numpy as np
import pytest

from solver.economy.compiled import compile_economy
from solver.economy.model import Economy, GoodKind
from solver.economy.production import check_production, technology_matrices
from solver.lp.build import build_round_lp, round_bounds
from solver.lp.solve import ModelPath, RoundSolver
from solver.scenarios.synthetic import synthetic_economy
from solver.status import Method, TerminationCondition

TOL = 1e-7


def _close(a: np.ndarray, b: np.ndarray, tol: float = TOL) -> float:
    """Largest difference, absolute or relative to max(1, |a|); asserts it is within tol."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    assert a.shape == b.shape
    err = float(np.max(np.abs(a - b) / np.maximum(1.0, np.abs(a)), initial=0.0))
    assert err <= tol, err
    return err


def test_deterministic_by_seed() -> None:
    a = synthetic_economy(300, seed=3)
    b = synthetic_economy(300, seed=3)
    c = synthetic_economy(300, seed=4)
    assert a.model_dump() == b.model_dump()
    assert a.model_dump() != c.model_dump()


def test_structure() -> None:
    eco = synthetic_economy(400, techniques_per_good=3, inputs_per_technique=8, seed=1)
    assert len(eco.goods) == 400
    assert len(eco.techniques()) == 1200
    kinds = {g.kind for g in eco.goods}
    assert kinds == {GoodKind.PRIVATE, GoodKind.PUBLIC, GoodKind.INTERMEDIATE}
    assert {"energy", "transport"} <= set(eco.good_ids())
    tech = technology_matrices(eco)
    # Single-output techniques, productive column sums, no self-use.
    assert np.all(np.diff(tech.outputs.indptr) == 1)
    sums = np.asarray(tech.inputs.sum(axis=0)).ravel()
    assert np.all((sums > 0.2 - 1e-12) & (sums < 0.6 + 1e-12))
    assert tech.inputs.multiply(tech.outputs).nnz == 0
    # Sparse, with hubs: energy is used by most techniques.
    per_row = np.diff(tech.inputs.tocsr().indptr)
    assert per_row[eco.good_ids().index("energy")] > 0.5 * len(eco.techniques())
    assert np.median(per_row) < 30
    # Limits: one pollution cap, some capacities, a limited resource.
    assert sum(len(f.pollution_caps) for f in eco.federations) == 1
    assert np.isfinite(tech.capacity).sum() >= 2
    assert eco.primary_inputs[2].availability is not None


def test_productive_and_feasible_with_binding_limits() -> None:
    eco = synthetic_economy(300, seed=2)
    report = check_production(eco, technology_matrices(eco))
    assert report.ok
    result = RoundSolver(build_round_lp(compile_economy(eco))).solve(Method.SIMPLEX)
    assert result.termination is TerminationCondition.OPTIMAL
    assert result.feasible  # no shortfalls
    assert result.rents["resource0"] > 0  # the first resource binds
    assert np.any(result.capacity_rent > 0)  # some capacity binds


@pytest.mark.parametrize(
    "kwargs",
    [
        {"techniques_per_good": 1},
        {"n_federations": 0, "n_pollutants": 0},
        {"n_labour": 1, "n_resources": 0, "inputs_per_technique": 2},
        {"n_federations": 1, "n_consumer_councils": 3},
    ],
)
def test_variants_build_and_solve(kwargs: dict[str, int]) -> None:
    eco = synthetic_economy(60, seed=5, **kwargs)
    assert check_production(eco, technology_matrices(eco)).ok
    result = RoundSolver(build_round_lp(compile_economy(eco))).solve(Method.SIMPLEX)
    assert result.termination is TerminationCondition.OPTIMAL
    assert result.feasible


def test_round_trips_through_json() -> None:
    eco = synthetic_economy(50, seed=7)
    assert Economy.model_validate_json(eco.model_dump_json()) == eco


# The key test: both solver paths give the same prices on a 2,000-good economy. -----------


@pytest.fixture(scope="module")
def economy() -> Economy:
    return synthetic_economy(2000, seed=0)


@pytest.fixture(scope="module")
def solved(economy: Economy) -> dict[ModelPath, tuple[RoundSolver, object]]:
    lp = build_round_lp(compile_economy(economy))
    out = {}
    for path in (ModelPath.VECTORISED, ModelPath.PYOMO):
        solver = RoundSolver(lp, path)
        out[path] = (solver, solver.solve(Method.SIMPLEX))
    return out


def test_paths_agree_on_duals(solved: dict[ModelPath, tuple[RoundSolver, object]]) -> None:
    (_, vec), (_, pyo) = solved[ModelPath.VECTORISED], solved[ModelPath.PYOMO]
    for r in (vec, pyo):
        assert r.termination is TerminationCondition.OPTIMAL
        assert r.feasible
    assert abs(vec.objective - pyo.objective) <= TOL * max(1.0, abs(vec.objective))
    _close(vec.price, pyo.price)
    _close(vec.rent, pyo.rent)
    _close(vec.pollution_price, pyo.pollution_price)
    _close(vec.capacity_rent, pyo.capacity_rent)
    _close(vec.activity, pyo.activity, 1e-6)
    # The instance exercises every kind of dual: scarce resource, pollution cap, capacities.
    assert vec.rents["resource0"] > 1e-3
    assert vec.pollution_price.max() > 1e-3
    assert np.sum(vec.capacity_rent > 1e-3) >= 3


def test_resolve_reuses_model(
    economy: Economy, solved: dict[ModelPath, tuple[RoundSolver, object]]
) -> None:
    changed = economy.model_copy(deep=True)
    for cc in changed.consumer_councils[:10]:
        cc.requests = {g: 1.3 * q for g, q in cc.requests.items()}
    fed = next(f for f in changed.federations if f.public_requests)
    fed.public_requests = {g: 0.7 * q for g, q in fed.public_requests.items()}

    fresh_lp = build_round_lp(compile_economy(changed))
    fresh = RoundSolver(fresh_lp).solve(Method.SIMPLEX)
    assert fresh.termination is TerminationCondition.OPTIMAL

    vec_solver, _ = solved[ModelPath.VECTORISED]
    highs = vec_solver.model.highs
    vec_solver.update(round_bounds(compile_economy(changed)))
    vec = vec_solver.solve(Method.SIMPLEX)
    assert vec_solver.model.highs is highs

    pyo_solver, _ = solved[ModelPath.PYOMO]
    model, persistent = pyo_solver.model.model, pyo_solver.model.solver
    highs_in_pyomo = persistent._solver_model
    pyo_solver.update(round_bounds(compile_economy(changed)))
    pyo = pyo_solver.solve(Method.SIMPLEX)
    assert pyo_solver.model.model is model
    assert pyo_solver.model.solver is persistent
    assert persistent._solver_model is highs_in_pyomo  # not re-instanced

    np.testing.assert_array_equal(vec_solver.lp.bounds.net_requests, fresh_lp.bounds.net_requests)
    for r in (vec, pyo):
        assert r.termination is TerminationCondition.OPTIMAL
        assert abs(r.objective - fresh.objective) <= TOL * max(1.0, abs(fresh.objective))
        _close(fresh.price, r.price)
        _close(fresh.rent, r.rent)
        _close(fresh.pollution_price, r.pollution_price)
        _close(fresh.activity, r.activity, 1e-6)
