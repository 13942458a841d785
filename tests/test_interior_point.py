"""Our interior point method for the board's master LP, and HiGHS's crossover from its point."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose

import solver.highs as highs
import solver.interior_point.normal_equations as normal_equations
from solver.highs import apply_options, highs_lp, new_highs
from solver.interior_point import (
    CENTRE_TOLERANCE,
    NormalEquations,
    NormalFactor,
    PendingLP,
    interior_point,
    normal_entries,
    run_interior_point,
)
from solver.status import Method, TerminationCondition

INF = np.inf


@pytest.fixture(autouse=True)
def _no_settled_factorisations(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts without the factorisations earlier ones settled on."""
    monkeypatch.setattr("solver.interior_point.normal_equations._SETTLED", {})


def stepped_lp(
    seed: int, items: int = 30, techniques: int = 60, steps: int = 12
) -> tuple[sp.csc_array, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """An LP shaped like the board's master: item rows ``<= supply``, a link row per
    technique (``activity - its steps = 0``), activities using a few items each, rising
    effort steps, and demand steps valued at falling prices. Feasible (all zero) and
    bounded (every column is)."""
    rng = np.random.default_rng(seed)
    rows = items + techniques
    blocks, cost, upper = [], [], []
    for t in range(techniques):  # activities: make one item from three others
        used = rng.choice(items, size=4, replace=False)
        column = np.zeros(rows)
        column[used[0]] = -1.0
        column[used[1:]] = rng.uniform(0.05, 0.3, size=3)
        column[items + t] = 1.0
        blocks.append(sp.csc_array(column[:, None]))
        cost.append(rng.uniform(0.0, 0.2))
        upper.append(rng.uniform(5.0, 20.0))
    for t in range(techniques):  # effort steps of rising marginal cost
        for k in range(steps):
            blocks.append(sp.csc_array(([-1.0], ([items + t], [0])), shape=(rows, 1)))
            cost.append(0.05 * (k + 0.5) * rng.uniform(0.5, 1.5))
            upper.append(upper[t] / steps)
    for i in range(items):  # demand steps: value falls step by step
        for k in range(steps):
            blocks.append(sp.csc_array(([1.0], ([i], [0])), shape=(rows, 1)))
            cost.append(-2.0 * 0.8**k * rng.uniform(0.5, 1.5))
            upper.append(rng.uniform(0.5, 3.0))
    matrix = sp.hstack(blocks, format="csc")
    row_lower = np.r_[np.full(items, -INF), np.zeros(techniques)]
    row_upper = np.r_[rng.uniform(0.0, 5.0, items), np.zeros(techniques)]
    return matrix, np.array(cost), np.zeros(len(cost)), np.array(upper), row_lower, row_upper


def test_from_an_earlier_solves_duals_it_reaches_the_same_optimum_sooner() -> None:
    # a like LP on the same rows: the same items and techniques, new step costs (as each
    # window's master has new steps); its duals are a warm start for this one
    lp = stepped_lp(7)
    matrix, cost, col_lower, col_upper, row_lower, row_upper = lp
    earlier = interior_point(matrix, cost * 1.02, col_lower, col_upper, row_lower, row_upper)
    cold = interior_point(*lp)
    warm = interior_point(*lp, dual_start=earlier.row_dual)
    assert warm.converged and cold.converged
    optimum, _ = highs_optimum(lp)
    assert cost @ warm.x == pytest.approx(optimum, rel=1e-8, abs=1e-8)
    # optimal duals, if not the same point of a degenerate LP's optimal face as the cold
    # start's: its dual objective is the optimum, and each reduced cost has the sign of the
    # bound its column is at
    assert_optimal_duals(lp, warm.x, warm.row_dual, optimum)
    assert warm.iterations < cold.iterations
    # from duals far off (all zero, all large) it still converges
    for start in (np.zeros(matrix.shape[0]), np.full(matrix.shape[0], -50.0)):
        far = interior_point(*lp, dual_start=start)
        assert far.converged, far.reason
        assert cost @ far.x == pytest.approx(optimum, rel=1e-8, abs=1e-8)
        assert_optimal_duals(lp, far.x, far.row_dual, optimum)
    with pytest.raises(ValueError, match="dual_start"):
        interior_point(*lp, dual_start=np.zeros(3))


def assert_optimal_duals(lp: tuple, x: np.ndarray, row_dual: np.ndarray, optimum: float) -> None:
    """``row_dual`` is optimal for ``lp`` (bounded columns, rows ``<=`` or ``=``): dual
    feasible with the optimum as its objective, complementary to ``x``."""
    matrix, cost, col_lower, col_upper, row_lower, row_upper = lp
    reduced = cost - matrix.T @ row_dual
    above_only = np.isinf(row_lower)  # a row bounded above only has a dual <= 0
    assert np.all(row_dual[above_only] <= 1e-7)
    # the dual objective: the row bounds at the duals, and each column at the bound its
    # reduced cost favours
    dual_objective = (
        row_upper @ row_dual + np.minimum(reduced * col_lower, reduced * col_upper).sum()
    )
    assert dual_objective == pytest.approx(optimum, rel=1e-7, abs=1e-7)
    inside = (x > col_lower + 1e-6) & (x < col_upper - 1e-6)
    assert np.abs(reduced[inside]).max(initial=0.0) < 1e-6


def highs_optimum(lp: tuple) -> tuple[float, np.ndarray]:
    matrix, cost, col_lower, col_upper, row_lower, row_upper = lp
    h = new_highs()
    apply_options(h, Method.SIMPLEX, matrix.shape[1], None)
    h.passModel(highs_lp(matrix, cost, col_lower, col_upper, row_lower, row_upper))
    h.run()
    return h.getInfo().objective_function_value, np.asarray(h.getSolution().row_dual)


@pytest.mark.parametrize("seed", range(6))
def test_it_reaches_the_optimum_highs_finds_on_master_shaped_lps(seed: int) -> None:
    lp = stepped_lp(seed)
    matrix, cost, col_lower, col_upper, row_lower, row_upper = lp
    point = interior_point(*lp)
    assert point.converged, point.reason
    optimum, _ = highs_optimum(lp)
    assert cost @ point.x == pytest.approx(optimum, rel=1e-8, abs=1e-8)
    # primal feasible, and the reduced costs have the signs of an optimum
    activity = matrix @ point.x
    assert np.all(activity <= row_upper + 1e-7) and np.all(activity >= row_lower - 1e-7)
    assert np.all(point.x >= col_lower - 1e-9) and np.all(point.x <= col_upper + 1e-9)
    reduced = cost - matrix.T @ point.row_dual
    inside = (point.x > col_lower + 1e-6) & (point.x < col_upper - 1e-6)
    assert np.abs(reduced[inside]).max(initial=0.0) < 1e-6


def test_crossover_from_its_point_gives_a_vertex_with_the_optimal_duals() -> None:
    lp = stepped_lp(7)
    pending = PendingLP(*lp)
    outcome = run_interior_point(pending, Method.IPM, None)
    assert outcome.termination is TerminationCondition.OPTIMAL
    h = pending.highs()
    assert h.getBasis().valid  # a vertex, as HiGHS's own IPM with crossover leaves
    assert outcome.basic is True
    optimum, _ = highs_optimum(lp)
    assert h.getInfo().objective_function_value == pytest.approx(optimum, rel=1e-9)


def test_duals_are_the_leontief_labour_values_of_a_textbook_table() -> None:
    """Miller & Blair Table 2.3 (known_examples.md 1): ``min l x`` subject to
    ``(I - A) x >= y``; its duals are the labour values ``l (I - A)^-1`` (0.442244,
    0.379538 for ``l = (0.30, 0.25)``)."""
    a = np.array([[0.15, 0.25], [0.20, 0.05]])
    labour = np.array([0.30, 0.25])
    y = np.array([600.0, 1500.0])
    matrix = sp.csc_array(np.eye(2) - a)
    lp = (matrix, labour, np.zeros(2), np.full(2, INF), y, np.full(2, INF))
    point = interior_point(*lp)
    assert point.converged
    assert_allclose(point.row_dual, [0.442244, 0.379538], rtol=1e-5)
    assert_allclose(point.x, [1247.52, 1841.58], rtol=1e-5)
    outcome = run_interior_point(PendingLP(*lp), Method.IPM, None)
    assert outcome.row_dual is not None
    assert_allclose(outcome.row_dual, labour @ np.linalg.inv(np.eye(2) - a), rtol=1e-9)


def test_an_infeasible_lp_stalls_and_highs_then_proves_it_infeasible() -> None:
    # x1 + x2 >= 3 with both in [0, 1]
    lp = (
        sp.csc_array(np.ones((1, 2))),
        np.ones(2),
        np.zeros(2),
        np.ones(2),
        np.array([3.0]),
        np.array([INF]),
    )
    point = interior_point(*lp)
    assert not point.converged and point.reason == "stalled"
    outcome = run_interior_point(PendingLP(*lp), Method.IPM, None)
    assert outcome.termination is TerminationCondition.PROVEN_INFEASIBLE


def test_a_fixed_column_keeps_its_value_and_the_others_are_optimal() -> None:
    # min -x1 - x2, x1 + x2 <= 4, x1 fixed at 1.5, x2 in [0, 10]
    lp = (
        sp.csc_array(np.ones((1, 2))),
        np.array([-1.0, -1.0]),
        np.array([1.5, 0.0]),
        np.array([1.5, 10.0]),
        np.array([-INF]),
        np.array([4.0]),
    )
    point = interior_point(*lp)
    assert point.converged
    assert_allclose(point.x, [1.5, 2.5], atol=1e-8)
    assert_allclose(point.row_dual, [-1.0], atol=1e-8)


def test_bad_lps_are_refused_naming_the_problem() -> None:
    one = sp.csc_array(np.ones((1, 1)))
    with pytest.raises(ValueError, match="finite bound"):
        interior_point(one, [1.0], [-INF], [INF], [0.0], [1.0])
    with pytest.raises(ValueError, match="below its lower"):
        interior_point(one, [1.0], [2.0], [1.0], [0.0], [1.0])
    with pytest.raises(ValueError, match="differ"):
        interior_point(one, [1.0, 2.0], [0.0], [1.0], [0.0], [1.0])


def test_a_deadline_or_a_stop_ends_it_with_the_reason() -> None:
    lp = stepped_lp(1)
    assert interior_point(*lp, deadline=time.perf_counter() - 1.0).reason == "time limit"
    assert interior_point(*lp, stop=lambda: True).reason == "stopped"


def test_the_normal_matrix_is_a_diag_theta_a_transposed() -> None:
    matrix = stepped_lp(2)[0]
    theta = np.random.default_rng(0).uniform(0.1, 10.0, matrix.shape[1])
    extra = np.linspace(1.0, 2.0, matrix.shape[0])
    upper = NormalEquations(matrix).assemble(theta, extra).toarray()
    full = (matrix @ sp.diags_array(theta) @ matrix.T).toarray() + np.diag(extra)
    assert_allclose(upper, np.triu(full), atol=1e-12)
    # singleton steps add only to the diagonal: pairs are those of the activities
    assert normal_entries(matrix.indptr) == 60 * 5 * 6 // 2 + (matrix.shape[1] - 60)


def test_an_lp_whose_columns_hold_too_many_entries_goes_to_highs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dense = sp.csc_array(np.eye(20) - np.full((20, 20), 0.02))
    lp = (dense, np.ones(20), np.zeros(20), np.full(20, INF), np.ones(20), np.full(20, INF))
    monkeypatch.setattr(
        "solver.interior_point.with_highs.interior_point",
        lambda *a, **k: pytest.fail("not for dense"),
    )
    outcome = run_interior_point(PendingLP(*lp), Method.IPM, None)
    assert outcome.termination is TerminationCondition.OPTIMAL


def test_a_crossover_as_the_first_highs_call_of_a_thread_does_not_crash() -> None:
    """HiGHS's crossover needs the task scheduler that only ``run`` starts, and HiGHS keeps
    one per thread: without :func:`solver.highs._start_scheduler` the process died of a
    segmentation fault, first in its main thread, then (started once per process) in a
    service's second solve thread."""
    script = textwrap.dedent(
        """
        import threading
        import numpy as np, scipy.sparse as sp
        from solver.interior_point import PendingLP, run_interior_point
        from solver.status import Method
        m = sp.csc_array(np.eye(2) - np.array([[0.15, 0.25], [0.20, 0.05]]))
        def solve():
            lp = PendingLP(m, np.array([0.3, 0.25]), np.zeros(2), np.full(2, np.inf),
                           np.array([600.0, 1500.0]), np.full(2, np.inf))
            print(run_interior_point(lp, Method.IPM, None).termination.value, flush=True)
        solve()
        other = threading.Thread(target=solve)
        other.start()
        other.join()
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["optimal", "optimal"]


def test_the_scheduler_is_started_once_a_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    runs: list[str] = []
    monkeypatch.setattr(highs, "_scheduler", threading.local())
    real = highs.new_highs

    def counted() -> object:
        runs.append(threading.current_thread().name)
        return real()

    monkeypatch.setattr(highs, "new_highs", counted)
    highs._start_scheduler()
    highs._start_scheduler()
    other = threading.Thread(target=highs._start_scheduler, name="other")
    other.start()
    other.join()
    assert runs == [threading.current_thread().name, "other"]


def test_without_a_vertex_the_interior_point_stands() -> None:
    lp = stepped_lp(3)
    pending = PendingLP(*lp)
    outcome = run_interior_point(pending, Method.IPM, None, vertex=False)
    assert outcome.termination is TerminationCondition.OPTIMAL
    assert outcome.x is not None
    assert not pending.highs().getBasis().valid  # no crossover ran
    optimum, _ = highs_optimum(lp)
    assert lp[1] @ outcome.x == pytest.approx(optimum, rel=1e-7)


def test_where_crossover_and_simplex_fall_short_the_converged_point_stands(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Simplex from a poor crossover basis ran for minutes on a 10,000-good master; it gets
    no longer than the method took, and a converged point's duals are optimal anyway."""
    lp = stepped_lp(4)
    cut_short = TerminationCondition.MAX_TIME_LIMIT, highs.SolutionStatus.FEASIBLE
    monkeypatch.setattr("solver.interior_point.with_highs.crossover_from", lambda *a: cut_short)
    monkeypatch.setattr("solver.interior_point.with_highs.outcome_from_highs", lambda h: cut_short)
    outcome = run_interior_point(PendingLP(*lp), Method.IPM, None)
    assert outcome.termination is TerminationCondition.OPTIMAL
    assert outcome.basic is False  # the point's own duals, not a basis's
    assert outcome.row_dual is not None
    assert_allclose(outcome.row_dual, interior_point(*lp).row_dual, atol=1e-12)


def test_a_misleading_dual_start_is_retried_cold_before_highs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lp = stepped_lp(6)
    real = interior_point
    starts: list[object] = []

    def stalls_when_warm(*args: object, dual_start: object = None, **options: object) -> object:
        starts.append(dual_start)
        point = real(*args, **options)  # type: ignore[arg-type]
        if dual_start is None:
            return point
        return dataclasses.replace(point, reason="stalled", converged=False, error=1e-3)

    monkeypatch.setattr("solver.interior_point.with_highs.interior_point", stalls_when_warm)
    pending = PendingLP(*lp)
    start = np.zeros(lp[0].shape[0])
    outcome = run_interior_point(pending, Method.IPM, None, vertex=False, dual_start=start)
    assert outcome.termination is TerminationCondition.OPTIMAL
    assert [s is start for s in starts] == [True, False]  # warm, then cold
    assert pending._highs is None  # HiGHS never had to solve it
    assert outcome.objective == pytest.approx(highs_optimum(lp)[0], rel=1e-7)


def test_a_warm_point_that_stalls_within_the_centre_tolerance_stands(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lp = stepped_lp(6)
    real, calls, errors = interior_point, [], [5e-9]

    def stalls_near_the_end(*args: object, **options: object) -> object:
        calls.append(options["dual_start"])
        point = real(*args, **options)  # type: ignore[arg-type]
        if options["dual_start"] is None:  # the cold retry converges
            return point
        return dataclasses.replace(point, reason="stalled", converged=False, error=errors[0])

    monkeypatch.setattr("solver.interior_point.with_highs.interior_point", stalls_near_the_end)
    start = np.zeros(lp[0].shape[0])
    outcome = run_interior_point(PendingLP(*lp), Method.IPM, None, vertex=False, dual_start=start)
    assert outcome.termination is TerminationCondition.OPTIMAL and len(calls) == 1
    # a centring solve's point stands within the tolerance it asked, beyond it is retried
    for error, tried in ((5e-7, 1), (5e-6, 2)):
        errors[0], calls[:] = error, []
        outcome = run_interior_point(
            PendingLP(*lp), Method.IPM, None, vertex=False, dual_start=start, tolerance=1e-6
        )
        assert outcome.termination is TerminationCondition.OPTIMAL and len(calls) == tried


def test_a_centring_solve_stops_at_its_own_tolerance(monkeypatch: pytest.MonkeyPatch) -> None:
    lp = stepped_lp(8)
    real, asked = interior_point, []

    def recording(*args: object, **options: object) -> object:
        asked.append(options["tolerance"])
        return real(*args, **options)  # type: ignore[arg-type]

    monkeypatch.setattr("solver.interior_point.with_highs.interior_point", recording)
    loose = run_interior_point(PendingLP(*lp), Method.IPM, None, vertex=False, tolerance=1e-6)
    default = run_interior_point(PendingLP(*lp), Method.IPM, None, vertex=False)
    vertex = run_interior_point(PendingLP(*lp), Method.IPM, None, tolerance=1e-6)
    assert asked == [1e-6, CENTRE_TOLERANCE, 1e-10]  # a vertex's solve keeps its own
    optimum = highs_optimum(lp)[0]
    assert loose.objective == pytest.approx(optimum, rel=1e-5)
    assert default.objective == pytest.approx(optimum, rel=1e-7)
    assert vertex.termination is TerminationCondition.OPTIMAL


def test_an_interior_outcome_carries_its_objective() -> None:
    """Where the interior point stands, HiGHS holds no solution: the outcome (and so the
    board master's ``objective``) carries the point's own value."""
    lp = stepped_lp(5)
    outcome = run_interior_point(PendingLP(*lp), Method.IPM, None, vertex=False)
    assert outcome.method is Method.IPM
    assert outcome.objective == pytest.approx(highs_optimum(lp)[0], rel=1e-7)


def _spd_upper(seed: int, m: int = 40) -> tuple[sp.csc_matrix, np.ndarray]:
    """The upper triangle of a sparse positive definite matrix ``B B^T + I``, and it whole."""
    rng = np.random.default_rng(seed)
    b = sp.random_array((m, 3 * m), density=0.05, rng=rng)
    full = (b @ b.T + sp.eye_array(m)).toarray()
    return sp.csc_matrix(np.triu(full)), full


def test_either_factorisation_solves_the_normal_equations(monkeypatch: pytest.MonkeyPatch) -> None:
    """QDLDL factors first; past ``TRIAL_AFTER`` seconds CHOLMOD factors the next matrix and
    the faster keeps the rest. Each solve is exact whichever factored it."""
    monkeypatch.setattr("solver.interior_point.normal_equations.TRIAL_AFTER", -1.0)
    factor, used = NormalFactor(), []
    for seed in range(4):  # the same pattern, new values, as across iterations
        upper, full = _spd_upper(0)
        upper.data *= 1.0 + seed
        factor.factor(upper)
        used.append(factor.last)
        rhs = np.arange(1.0, 41.0)
        assert_allclose(factor.solve(rhs), np.linalg.solve(full * (1.0 + seed), rhs), rtol=1e-10)
    assert used[:3] == ["qdldl", "qdldl", "cholmod"]  # its first, timed, then the trial
    assert factor.choice in ("qdldl", "cholmod") and used[3] == factor.choice


def test_a_settled_choice_stands_for_the_next_matrices_of_its_size(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every window's master has the same normal pattern: the next solve's factor starts
    with the choice the last one settled on, without QDLDL's first factorisation and trial."""
    monkeypatch.setattr("solver.interior_point.normal_equations.TRIAL_AFTER", -1.0)
    upper, full = _spd_upper(2)
    first = NormalFactor()
    for _ in range(3):
        first.factor(upper)
    size = (upper.shape[0], upper.nnz)
    assert first.choice is not None and normal_equations._SETTLED[size] == first.choice
    normal_equations._SETTLED[size] = "cholmod"  # as on the 10,000-good masters
    monkeypatch.setattr("solver.interior_point.normal_equations.TRIAL_AFTER", 1e9)  # no trial
    second = NormalFactor()
    second.factor(upper)
    assert second.last == "cholmod" and second.choice == "cholmod"
    rhs = np.arange(1.0, 41.0)
    assert_allclose(second.solve(rhs), np.linalg.solve(full, rhs), rtol=1e-10)
    other = NormalFactor()  # another size: no choice yet, QDLDL first
    other.factor(_spd_upper(3, m=30)[0])
    assert other.last == "qdldl" and other.choice in (None, "qdldl")


def test_a_fast_factorisation_stays_with_qdldl() -> None:
    factor = NormalFactor()
    for _ in range(3):
        factor.factor(_spd_upper(1)[0])
    assert factor.choice == "qdldl" and factor.last == "qdldl"  # 40 rows: microseconds


def test_an_indefinite_matrix_goes_back_to_qdldl(monkeypatch: pytest.MonkeyPatch) -> None:
    """CHOLMOD's ``L L^T`` refuses an indefinite matrix (rounding can leave one); QDLDL's
    ``L D L^T`` factors it and every later one."""
    monkeypatch.setattr("solver.interior_point.normal_equations.TRIAL_AFTER", -1.0)
    upper = sp.csc_matrix(np.array([[2.0, 1.0], [0.0, -3.0]]))  # [[2, 1], [1, -3]]
    factor = NormalFactor()
    for _ in range(3):
        factor.factor(upper)
        assert_allclose(factor.solve(np.array([3.0, -2.0])), [1.0, 1.0], rtol=1e-12)
    assert factor.choice == "qdldl" and factor.last == "qdldl"


def test_a_pending_lp_reaches_highs_only_for_a_vertex() -> None:
    """Our method alone needs no HiGHS; a crossover hands the LP over, and its duals are the
    optimum's."""
    lp = stepped_lp(6)
    pending = PendingLP(*lp)
    interior = run_interior_point(pending, Method.IPM, None, vertex=False)
    assert interior.termination is TerminationCondition.OPTIMAL
    assert pending._highs is None
    vertex = run_interior_point(pending, Method.IPM, None)
    assert pending._highs is not None and pending.highs().getBasis().valid
    optimum, _ = highs_optimum(lp)
    assert vertex.termination is TerminationCondition.OPTIMAL
    objective = pending.highs().getInfo().objective_function_value
    assert objective == pytest.approx(optimum, rel=1e-9)
    assert interior.objective == pytest.approx(optimum, rel=1e-7)


def test_a_point_stalled_within_the_centre_tolerance_stands_without_simplex(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A vertex's solve asks for 1e-10 so that the crossover ends optimal; a point that
    stalls within 1e-8 (HiGHS's own IPM's gap) is optimal all the same. On a 10,000-good
    master simplex then ran out of its time and HiGHS solved the LP again from scratch
    (290 s); now its duals stand."""
    lp = stepped_lp(2)
    converged = interior_point(*lp)
    stalled = dataclasses.replace(converged, converged=False, reason="stalled", error=5e-9)
    cut_short = TerminationCondition.MAX_TIME_LIMIT, highs.SolutionStatus.FEASIBLE
    monkeypatch.setattr("solver.interior_point.with_highs.interior_point", lambda *a, **k: stalled)
    monkeypatch.setattr("solver.interior_point.with_highs.crossover_from", lambda *a: cut_short)
    monkeypatch.setattr(
        "solver.interior_point.with_highs.outcome_from_highs",
        lambda h: pytest.fail("no simplex for a point that stands"),
    )
    outcome = run_interior_point(PendingLP(*lp), Method.IPM, None)
    assert outcome.termination is TerminationCondition.OPTIMAL
    assert outcome.basic is False  # the point's own duals, not a basis's
    assert outcome.row_dual is not None
    assert_allclose(outcome.row_dual, converged.row_dual, atol=0)
    beyond = dataclasses.replace(stalled, error=1e-7)  # short of it: simplex, then HiGHS
    monkeypatch.setattr("solver.interior_point.with_highs.interior_point", lambda *a, **k: beyond)
    monkeypatch.setattr("solver.interior_point.with_highs.outcome_from_highs", lambda h: cut_short)
    fallback = run_interior_point(PendingLP(*lp), Method.IPM, None)
    assert (
        fallback.termination is TerminationCondition.OPTIMAL and fallback.method is not Method.IPM
    )
