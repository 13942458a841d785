"""The round LP as a Leontief system: the same optimum as HiGHS where every technique makes
one good and no limit binds, certified by duality; HiGHS wherever that does not hold."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose

from solver import load_example, solve_round
from solver.economy.compiled import compile_economy
from solver.economy.edits import without_limits
from solver.economy.io import economy_from_io_table, read_io_table
from solver.economy.model import Economy
from solver.economy.production import (
    _sustainable_by_one_choice,
    _sustainable_by_square,
    _sustainable_goods,
    single_outputs,
)
from solver.lp.build import build_round_lp
from solver.lp.leontief_path import leontief_solve
from solver.scenarios import synthetic_economy
from solver.status import Method, TerminationCondition

DATA = Path(__file__).parent / "data"


def test_a_table_gives_its_published_multipliers() -> None:
    result = solve_round(load_example("germany-1995"), method=Method.LEONTIEF)
    assert result.method is Method.LEONTIEF and result.termination is TerminationCondition.OPTIMAL
    published = [0.0326, 0.0162, 0.0207, 0.0237, 0.0112, 0.0242]  # Eurostat Table 15.4
    assert_allclose(result.price, published, atol=5e-5)
    simplex = solve_round(load_example("germany-1995"), method=Method.SIMPLEX)
    assert_allclose(result.price, simplex.price, rtol=1e-9)
    assert_allclose(result.activity, simplex.activity, rtol=1e-9)


@pytest.mark.parametrize(("n_goods", "seed"), [(60, 0), (300, 1), (1500, 2)])
def test_technique_choice_matches_highs(n_goods: int, seed: int) -> None:
    economy = without_limits(synthetic_economy(n_goods, seed=seed))
    fast = solve_round(economy, method=Method.LEONTIEF)
    slow = solve_round(economy, method=Method.SIMPLEX)
    assert fast.method is Method.LEONTIEF and slow.method is Method.SIMPLEX
    assert fast.objective == pytest.approx(slow.objective, rel=1e-9)
    assert_allclose(fast.price, slow.price, rtol=1e-8)
    assert_allclose(fast.activity, slow.activity, rtol=1e-7, atol=1e-9)
    assert_allclose(fast.rent, 0.0) and fast.feasible
    # the cheapest technique per good and nothing else runs (non-substitution theorem)
    assert np.count_nonzero(fast.activity) == n_goods


def test_auto_takes_the_leontief_path_on_large_or_square_rounds() -> None:
    large = without_limits(synthetic_economy(2000, seed=3))  # 6,000 columns
    assert solve_round(large).method is Method.LEONTIEF
    # one technique per good (an input-output table): one sparse solve at any size
    assert solve_round(load_example("germany-1995")).method is Method.LEONTIEF
    # a small round with a choice of techniques: HiGHS's simplex
    small = without_limits(synthetic_economy(60, seed=3))
    assert solve_round(small).method is Method.SIMPLEX


def _bea_economy() -> Economy:
    table = read_io_table(DATA / "bea_2007_detail_389", "bea-2007")
    return economy_from_io_table(table, "compensation")


def _not_productive(economy: Economy) -> Economy:
    """``economy`` with its first sector using twice its own output: no positive net output
    of it is possible."""
    first = economy.worker_councils[0]
    technique = first.techniques[0]
    greedy = technique.model_copy(update={"inputs": {**technique.inputs, technique.id: 2.0}})
    councils = [first.model_copy(update={"techniques": [greedy]}), *economy.worker_councils[1:]]
    return economy.model_copy(update={"worker_councils": councils})


def test_a_table_with_byproducts_is_one_square_solve() -> None:
    economy = _bea_economy()  # 387 sectors, negative coefficients made byproducts
    tech = compile_economy(economy).tech
    assert single_outputs(tech.outputs) is None  # joint production
    fast = solve_round(economy)  # AUTO
    slow = solve_round(economy, method=Method.SIMPLEX)
    assert fast.method is Method.LEONTIEF and slow.method is Method.SIMPLEX
    # to HiGHS's tolerances (1e-7 on feasibility and reduced costs); the exact answer is
    # the Leontief one: v (I - A) = l, byproducts credited
    assert fast.objective == pytest.approx(slow.objective, rel=1e-8)
    assert_allclose(fast.price, slow.price, rtol=1e-6)
    assert_allclose(fast.activity, slow.activity, rtol=1e-6)
    net = tech.net_output.toarray()
    labour = tech.primary_use.toarray()[0]
    assert_allclose(fast.price @ net, labour, rtol=1e-9, atol=1e-12)
    # the square check decides sustainability without the LP, and agrees with it
    quick = _sustainable_by_square(tech)
    assert quick is not None and quick.all()


def test_a_square_round_that_is_not_productive_is_left_to_highs() -> None:
    economy = _not_productive(_bea_economy())
    tech = compile_economy(economy).tech
    assert _sustainable_by_square(tech) is None
    assert leontief_solve(build_round_lp(compile_economy(economy))) is None


@pytest.mark.parametrize(
    ("example", "change"),
    [
        ("small-town", None),  # the smoke cap binds
        ("germany-1995", "stock"),  # stock beyond what is needed: a row with slack
        ("germany-1995", "scarce"),  # employment limited below its need
        ("hahnel-corn", None),  # seed corn: scarce
    ],
)
def test_where_it_is_not_a_leontief_round_highs_answers(example: str, change: str | None) -> None:
    economy = load_example(example)
    if change == "stock":
        goods = [
            g.model_copy(update={"stock": 1e6}) if i == 0 else g
            for i, g in enumerate(economy.goods)
        ]
        economy = economy.model_copy(update={"goods": goods})
    if change == "scarce":
        labour = economy.primary_inputs[0].model_copy(update={"availability": 30000.0})
        economy = economy.model_copy(update={"primary_inputs": [labour]})
    assert leontief_solve(build_round_lp(compile_economy(economy))) is None
    result = solve_round(economy, method=Method.LEONTIEF)
    assert result.method is not Method.LEONTIEF and "not a Leontief round" in result.notes[-1]
    reference = solve_round(economy, method=Method.SIMPLEX)
    assert result.objective == pytest.approx(reference.objective, rel=1e-9)


def test_joint_production_is_left_to_highs() -> None:
    economy = load_example("small-town")
    council = economy.worker_councils[0]
    joint = council.techniques[0].model_copy(update={"outputs": {"steel": 1.0, "bread": 0.1}})
    councils = [council.model_copy(update={"techniques": [joint, *council.techniques[1:]]})]
    economy = without_limits(
        economy.model_copy(update={"worker_councils": councils + economy.worker_councils[1:]})
    )
    assert leontief_solve(build_round_lp(compile_economy(economy))) is None


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_quick_sustainability_check_agrees_with_the_lp(seed: int) -> None:
    tech = compile_economy(synthetic_economy(120, seed=seed)).tech
    quick = _sustainable_by_one_choice(tech)
    assert quick is not None and quick.all()
    # agriculture made from more of itself than it gives: the quick check does not decide;
    # the LP finds nothing sustainable, since every sector uses some agriculture
    economy = without_limits(load_example("germany-1995"))
    first = economy.worker_councils[0]
    greedy = first.techniques[0].model_copy(
        update={"inputs": {**first.techniques[0].inputs, first.techniques[0].id: 1.5}}
    )
    councils = [first.model_copy(update={"techniques": [greedy]}), *economy.worker_councils[1:]]
    tech = compile_economy(economy.model_copy(update={"worker_councils": councils})).tech
    assert _sustainable_by_one_choice(tech) is None
    assert not _sustainable_goods(tech).any()


def test_where_the_iterations_do_not_settle_policy_iteration_or_highs_takes_over(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from solver.lp import leontief_path

    economy = without_limits(synthetic_economy(300, seed=4))
    reference = solve_round(economy, method=Method.SIMPLEX)
    monkeypatch.setattr(leontief_path, "MAX_VALUE_ROUNDS", 1)  # nothing settles in one sweep
    lp = build_round_lp(compile_economy(economy))
    assert leontief_solve(lp, lu=False) is None  # what AUTO asks: no LU, so HiGHS
    exact = solve_round(economy, method=Method.LEONTIEF)  # Howard's iteration with LU
    assert exact.method is Method.LEONTIEF
    assert_allclose(exact.price, reference.price, rtol=1e-8)
    assert_allclose(exact.activity, reference.activity, rtol=1e-7, atol=1e-9)


def test_the_square_check_needs_no_lu(monkeypatch: pytest.MonkeyPatch) -> None:
    """Jacobi sweeps decide a productive square round (an LU's fill-in took 15 s at 6,000
    random sectors, the sustainability LP 170 s); without LU a non-productive one is left
    undecided, for the LP."""
    from solver.economy import production

    monkeypatch.setattr(production, "SQUARE_LU_GOODS", 0)
    economy = _bea_economy()
    quick = _sustainable_by_square(compile_economy(economy).tech)
    assert quick is not None and quick.all()
    tech = compile_economy(_not_productive(economy)).tech
    assert _sustainable_by_square(tech) is None
