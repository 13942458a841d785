"""The board's belief about linear councils' effort: the prior, corrected by proposals."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose

from solver import load_example
from solver.planning.board.effort_belief import EffortBelief
from solver.planning.board.master_blocks import technique_grid, technique_steps
from solver.planning.councils import LinearWorkers, linear_supply, unit_margin
from solver.planning.from_economy import market_from_economy
from solver.scenarios.technique_choice import technique_choice_economy


def one_good_workers(effort: float = 2.0, capacity: float = 10.0) -> LinearWorkers:
    """One technique turning a unit of labour (item 1) into a unit of a good (item 0)."""
    return LinearWorkers(
        outputs=sp.csr_array(np.array([[1.0, 0.0]])),
        inputs=sp.csr_array(np.array([[0.0, 1.0]])),
        unit_cost=np.zeros(1),
        capacity=np.array([capacity]),
        effort_at_capacity=np.array([effort]),
        council=np.zeros(1, dtype=np.int64),
    )


def test_proposals_that_follow_the_prior_leave_it_unchanged() -> None:
    market = market_from_economy(load_example("planning-town"))
    lin = market.linear
    assert lin is not None
    belief = EffortBelief.prior(lin)
    rng = np.random.default_rng(3)
    for _ in range(5):
        prices = market.initial_prices * rng.uniform(0.5, 2.0, market.n_items)
        belief = belief.observe(lin, prices, linear_supply(lin, prices))
        assert_allclose(belief.supply(lin, unit_margin(lin, prices)), linear_supply(lin, prices))
    assert_allclose(belief.effort, lin.effort_at_capacity)
    assert_allclose(belief.shift, 0.0, atol=1e-9)


def test_an_unstated_interior_proposal_reveals_the_effort_scale() -> None:
    """The prior's curve through the proposal: a council answering 8 where the prior
    expects 5 has an effort cost of 10 x 1 / 8 at capacity, so it answers 9.6 at a margin
    of 1.2 (not 9: a shifted curve of the prior's slope would say that)."""
    lin = one_good_workers(effort=2.0, capacity=10.0)
    prices = np.array([2.0, 1.0])  # margin 1: the prior expects 10 * 1 / 2 = 5
    belief = EffortBelief.prior(lin).observe(lin, prices, np.array([8.0]))
    assert belief.effort == pytest.approx([1.25])
    assert belief.shift == pytest.approx([0.0])
    assert belief.supply(lin, np.array([1.0])) == pytest.approx([8.0])
    assert belief.supply(lin, np.array([1.2])) == pytest.approx([9.6])


@pytest.mark.parametrize("factor", [0.4, 2.0, 3.0])
def test_a_council_whose_effort_differs_from_the_prior_is_known_after_one_proposal(
    factor: float,
) -> None:
    """A council whose effort costs ``factor`` times the prior, unstated: one interior
    proposal, and the belief gives its answer at every other margin."""
    lin = one_good_workers(effort=2.0, capacity=10.0)
    truth = replace(lin, effort_at_capacity=lin.effort_at_capacity * factor)
    prices = np.array([1.0 + 0.3 * factor, 1.0])
    belief = EffortBelief.prior(lin).observe(lin, prices, linear_supply(truth, prices))
    for price in (1.1, 1.5, 1.9, 3.0):
        other = np.array([price, 1.0])
        assert belief.supply(lin, unit_margin(lin, other)) == pytest.approx(
            linear_supply(truth, other)
        )


def test_a_council_that_values_effort_at_its_input_costs_is_recognised() -> None:
    """Effort valued at the round's input costs, ``E c(p) / c(p0)``: after moves at three
    input costs the belief's elasticity is 1 and it predicts the answer at new prices."""
    lin = one_good_workers(effort=2.0, capacity=10.0)

    def answer(prices: np.ndarray) -> np.ndarray:
        scaled = lin.effort_at_capacity * prices[1] / 1.0  # the input is item 1, at first 1
        return linear_supply(replace(lin, effort_at_capacity=scaled), prices)

    belief = EffortBelief.prior(lin)
    for prices in ([1.8, 1.0], [2.4, 1.3], [2.0, 1.1], [2.6, 1.5]):
        belief = belief.observe(lin, np.array(prices), answer(np.array(prices)))
    assert belief.elasticity == pytest.approx([1.0], abs=1e-6)
    assert belief.speed == pytest.approx([1.0])
    new = np.array([2.2, 1.2])
    expected = belief.at_prices(lin, new).supply(lin, unit_margin(lin, new))
    assert expected == pytest.approx(answer(new))


def test_a_council_with_a_threshold_of_its_own_is_a_shifted_line() -> None:
    """A council that runs nothing below a margin of 0.4 and then the prior's slope,
    ``x = K (m - 0.4) / E``: no scale fits its moves; from three moves the fitted line does,
    and the belief gives its answer at another margin."""
    lin = one_good_workers(effort=2.0, capacity=10.0)
    belief = EffortBelief.prior(lin)
    for price in (1.8, 2.2, 1.6, 2.0):
        x = 10.0 * (price - 1.0 - 0.4) / 2.0
        belief = belief.observe(lin, np.array([price, 1.0]), np.array([x]))
    assert belief.effort == pytest.approx([2.0])
    assert belief.shift == pytest.approx([-2.0])
    assert belief.supply(lin, np.array([1.1])) == pytest.approx([3.5])


def test_a_stated_marginal_effort_cost_sets_the_slope() -> None:
    lin = one_good_workers(effort=2.0, capacity=10.0)
    prices = np.array([2.0, 1.0])  # margin 1
    # the council runs 4 units and says the fourth costs it 1 in effort: E = 1 * 10 / 4
    belief = EffortBelief.prior(lin).observe(lin, prices, np.array([4.0]), np.array([1.0]))
    assert belief.effort == pytest.approx([2.5])
    assert belief.shift == pytest.approx([0.0])
    assert belief.supply(lin, np.array([2.0])) == pytest.approx([8.0])
    # a statement twice the margin: half the response, still through the proposal
    doubled = EffortBelief.prior(lin).observe(lin, prices, np.array([4.0]), np.array([2.0]))
    assert doubled.effort == pytest.approx([5.0])
    assert doubled.supply(lin, np.array([1.0])) == pytest.approx([4.0])
    assert doubled.supply(lin, np.array([1.5])) == pytest.approx([5.0])


def test_a_council_at_capacity_or_idle_moves_the_curve_just_far_enough() -> None:
    lin = one_good_workers(effort=2.0, capacity=10.0)
    prices = np.array([1.5, 1.0])  # margin 0.5: the prior expects 2.5
    full = EffortBelief.prior(lin).observe(lin, prices, np.array([10.0]))
    assert full.supply(lin, np.array([0.5])) == pytest.approx([10.0])
    assert full.supply(lin, np.array([0.5 - 0.2])) == pytest.approx([9.0])
    idle = EffortBelief.prior(lin).observe(lin, prices, np.array([0.0]))
    assert idle.supply(lin, np.array([0.5])) == pytest.approx([0.0])
    assert idle.supply(lin, np.array([0.7])) == pytest.approx([1.0])


def test_a_stated_curve_moves_by_less_once_its_error_turns_sign() -> None:
    """Councils that state the prior's slope (a marginal effort cost ``E x / K``) and
    propose off its curve: the curve moves towards them, by half once the error turns."""
    lin = one_good_workers(effort=2.0, capacity=10.0)
    prices = np.array([2.0, 1.0])  # margin 1: the prior expects 5

    def stating(x: float) -> tuple[np.ndarray, np.ndarray]:
        return np.array([x]), np.array([2.0 * x / 10.0])

    belief = EffortBelief.prior(lin).observe(lin, prices, *stating(8.0))  # error +3
    assert belief.shift == pytest.approx([3.0])
    belief = belief.observe(lin, prices, *stating(6.0))  # error -2: half of it
    assert belief.shift == pytest.approx([3.0 - 1.0])
    assert belief.weight == pytest.approx([0.5])
    assert belief.effort == pytest.approx([2.0])  # the word's slope: E = 1.2 x 10 / 6


def test_a_statement_its_own_move_contradicts_is_not_taken() -> None:
    """A council that stays at 6 while stating a marginal effort cost of 1.2 at a margin
    of 1 says that its choice is 5 and does not move towards it: no council moving to its
    choice at any pace does that, so the board reads it as unstated (the prior's curve
    through the proposal, E = 10 x 1 / 6), as it does one that moves up while stating more
    than the margin."""
    lin = one_good_workers(effort=2.0, capacity=10.0)
    prices = np.array([2.0, 1.0])  # margin 1
    belief = EffortBelief.prior(lin).observe(lin, prices, np.array([6.0]), np.array([1.2]))
    assert belief.effort == pytest.approx([2.0])  # one proposal: its word stands
    stayed = belief.observe(lin, prices, np.array([6.0]), np.array([1.2]))
    assert stayed.effort == pytest.approx([10.0 / 6.0])
    assert stayed.shift == pytest.approx([0.0])
    rose = belief.observe(lin, prices, np.array([7.0]), np.array([1.4]))
    assert rose.effort == pytest.approx([10.0 / 7.0])
    kept = belief.observe(lin, prices, np.array([5.5]), np.array([1.1]))  # on its way to 5
    assert kept.effort == pytest.approx([2.0])
    assert belief.weight == pytest.approx([1.0])


def test_rounding_in_the_fit_does_not_make_effort_price_dependent() -> None:
    """Councils of the prior's own model, seen at six random price vectors: the fitted
    elasticities are rounding (up to 4e-14 on this economy), so the master needs no
    settling solves for them (they cost two more solves a round in ``hybrid``)."""
    market = market_from_economy(technique_choice_economy(100))
    lin = market.linear
    assert lin is not None
    for seed in range(3):
        belief = EffortBelief.prior(lin)
        rng = np.random.default_rng(seed)
        for _ in range(6):
            prices = market.initial_prices * rng.uniform(0.5, 2.0, market.n_items)
            belief = belief.observe(lin, prices, linear_supply(lin, prices))
        assert np.max(belief.elasticity) < 1e-9
        assert not belief.price_dependent


def test_the_master_prices_activity_by_the_belief() -> None:
    """The technique steps' total effort cost up to an activity is the integral of the
    belief's marginal cost ``E (x - d) / K``."""
    market = market_from_economy(load_example("planning-town"))
    lin = market.linear
    assert lin is not None
    prices = market.initial_prices * 1.3
    activity = 0.4 * lin.capacity
    belief = EffortBelief.prior(lin).observe(lin, prices, activity)
    steps = technique_steps(market, prices, technique_grid(40), belief)
    assert steps is not None
    for t in range(lin.n):
        mine = steps.technique == t
        cost = np.cumsum(steps.cost[mine] * steps.upper[mine])
        bounds = np.cumsum(steps.upper[mine])
        e, k, d = belief.effort[t], lin.capacity[t], belief.shift[t]
        assert bounds[-1] == pytest.approx(k)
        assert_allclose(cost, e * (bounds**2 / 2 - d * bounds) / k, rtol=1e-9, atol=1e-9)


def _half_way(
    lin: LinearWorkers, prices: tuple[float, ...], *, start: float, states: bool
) -> tuple[EffortBelief, float]:
    """The belief after a council on the prior's curve (effort 2, capacity 10) moved half
    way from ``start`` each round at the good's ``prices``, stating its true marginal effort
    cost ``2 x / 10`` or nothing; and its last proposal."""
    belief, x = EffortBelief.prior(lin), start
    for price in prices:
        x = x + 0.5 * (10.0 * (price - 1.0) / 2.0 - x)
        stated = np.array([2.0 * x / 10.0]) if states else None
        belief = belief.observe(lin, np.array([price, 1.0]), np.array([x]), stated)
    return belief, x


def test_a_council_that_moves_half_way_is_recognised_and_its_next_proposal_predicted() -> None:
    """A council heading for the prior's curve, half way each round: after three moves the
    board expects ``x_last + 0.5 (x(m) - x_last)``, not a shifted curve."""
    lin = one_good_workers(effort=2.0, capacity=10.0)
    belief, x = _half_way(lin, (1.2, 1.6, 1.3, 1.8, 1.5), start=0.0, states=False)
    assert belief.speed == pytest.approx([0.5])
    assert belief.shift == pytest.approx([0.0], abs=1e-9)
    assert belief.floor() == pytest.approx([0.5 * x])
    # the master's steps start above what the council keeps and reach only half the rest
    market_like = type("M", (), {"linear": lin})()
    steps = technique_steps(market_like, np.array([1.5, 1.0]), technique_grid(8), belief)
    assert steps is not None
    assert steps.floor == pytest.approx([0.5 * x])
    assert steps.upper.sum() == pytest.approx(0.5 * 10.0)
    assert steps.capacity == pytest.approx([0.5 * x + 5.0])


def test_a_council_that_answers_at_once_keeps_full_speed() -> None:
    """A council whose effort costs 1.6 times the prior, answering at once: its moves are
    those of a flatter curve, not of a lag, and the belief predicts its next answer."""
    lin = one_good_workers(effort=2.0, capacity=10.0)
    truth = replace(lin, effort_at_capacity=np.array([3.2]))
    belief = EffortBelief.prior(lin)
    for price in (1.2, 1.6, 1.3, 1.8, 1.5):
        prices = np.array([price, 1.0])
        belief = belief.observe(lin, prices, linear_supply(truth, prices))
    assert belief.speed == pytest.approx([1.0])
    assert belief.floor() == pytest.approx([0.0])
    assert belief.supply(lin, np.array([0.9])) == pytest.approx(
        linear_supply(truth, np.array([1.9, 1.0]))
    )


def _misstating(truth: LinearWorkers, prices: np.ndarray, factor: float) -> tuple:
    """What a council on ``truth``'s curve proposes at ``prices``, stating ``factor`` times
    its marginal effort cost ``E x / K``."""
    x = linear_supply(truth, prices)
    return x, factor * truth.effort_at_capacity * x / truth.capacity


def test_moves_overrule_a_statement_they_contradict() -> None:
    """A council whose effort costs 1.5 times the prior and that states four times its
    marginal effort cost: its word puts the slope at a quarter of what its moves show. After
    two moves between idle and capacity the belief is its true curve."""
    lin = one_good_workers(effort=2.0, capacity=10.0)
    truth = replace(lin, effort_at_capacity=lin.effort_at_capacity * 1.5)
    belief = EffortBelief.prior(lin)
    # 4, then 2: a council whose word puts its choice at a quarter of what it proposes
    # could be half way there (a slow council), so neither move contradicts the word alone
    for price in (2.2, 1.6):
        prices = np.array([price, 1.0])
        belief = belief.observe(lin, prices, *_misstating(truth, prices, 4.0))
    assert belief.effort == pytest.approx([12.0])  # one move: the council's word stands
    prices = np.array([1.3, 1.0])  # 1: two moves that the word's slope misses
    belief = belief.observe(lin, prices, *_misstating(truth, prices, 4.0))
    for price in (1.3, 2.0, 2.4, 4.0):
        other = np.array([price, 1.0])
        assert belief.supply(lin, unit_margin(lin, other)) == pytest.approx(
            linear_supply(truth, other)
        )


def test_a_true_statement_is_not_overruled() -> None:
    """A council that states its marginal effort cost truly keeps its word's slope, however
    far its effort is from the prior."""
    lin = one_good_workers(effort=2.0, capacity=10.0)
    truth = replace(lin, effort_at_capacity=lin.effort_at_capacity * 0.6)
    belief = EffortBelief.prior(lin)
    for price in (1.3, 1.9, 1.5, 1.7):
        prices = np.array([price, 1.0])
        belief = belief.observe(lin, prices, *_misstating(truth, prices, 1.0))
        assert belief.effort == pytest.approx([1.2])
        assert belief.speed == pytest.approx([1.0])


def test_a_move_to_capacity_counts_against_a_statement() -> None:
    """Moves between idle and capacity all at one margin cannot tell slopes apart; a jump
    to capacity where the stated slope keeps the council well below it can."""
    lin = one_good_workers(effort=2.0, capacity=10.0)
    truth = replace(lin, effort_at_capacity=lin.effort_at_capacity * 1.5)
    belief = EffortBelief.prior(lin)
    for margin in (0.6, 3.5, 0.62, 0.58):
        prices = np.array([1.0 + margin, 1.0])
        belief = belief.observe(lin, prices, *_misstating(truth, prices, 4.0))
    assert belief.effort == pytest.approx([3.0])
    assert belief.supply(lin, np.array([2.4])) == pytest.approx([8.0])


def test_a_council_that_moves_half_way_and_states_its_effort_is_recognised() -> None:
    """A council heading for the prior's curve half way each round, stating its true
    marginal effort cost at what it proposes: each proposal lies on the stated curve, but
    its moves do not follow that curve's slope. Near the plan they miss it by under 2 % of
    capacity, which must still overrule the statement (:data:`OVERRULE_FLOOR`)."""
    lin = one_good_workers(effort=2.0, capacity=10.0)
    belief, x = _half_way(lin, (1.85, 1.75, 1.82, 1.78, 1.8), start=4.0, states=True)
    assert belief.speed == pytest.approx([0.5], abs=0.1)
    after = np.array([1.6, 1.0])  # the council heads for 3 and gets half way
    expected = belief.expected_activity(lin, after)
    assert expected == pytest.approx([x + 0.5 * (3.0 - x)], abs=0.05)


def _expected(lin: LinearWorkers, belief: EffortBelief, price: float) -> float:
    """The belief's next proposal at the good's ``price``."""
    return float(belief.expected_activity(lin, np.array([price, 1.0]))[0])


def test_a_council_easing_towards_idle_half_way_is_recognised() -> None:
    """At a loss (margin -0.5) a council moving half way each round eases from 6 to 3, 1.5
    and 0.75. Every move heads for idle, so no slope can be read from them; only a lag of
    one half explains them, and the board expects 0.375 next, not a curve through 0.75."""
    lin = one_good_workers(effort=2.0, capacity=10.0)
    belief = EffortBelief.prior(lin).observe(lin, np.array([3.0, 1.0]), np.array([6.0]))
    for x in (3.0, 1.5, 0.75):
        belief = belief.observe(lin, np.array([0.5, 1.0]), np.array([x]))
    assert belief.speed == pytest.approx([0.5])
    assert _expected(lin, belief, 0.5) == pytest.approx(0.375)


def test_a_slow_council_near_capacity_is_expected_to_reach_it() -> None:
    """A council known to move half way, heading for capacity (margin 3 against an effort
    cost of 2 at capacity): it closes half its distance to 10 each round, which the board
    reads as half way to capacity, not as a curve through its proposal."""
    lin = one_good_workers(effort=2.0, capacity=10.0)
    belief, x = _half_way(lin, (1.2, 1.6, 1.3, 1.8, 1.5), start=0.0, states=False)
    assert belief.speed == pytest.approx([0.5])
    for _ in range(4):  # to 9.5 and past it, where no scale is read from a proposal
        x = x + 0.5 * (10.0 - x)
        belief = belief.observe(lin, np.array([4.0, 1.0]), np.array([x]))
    assert belief.speed == pytest.approx([0.5])
    assert _expected(lin, belief, 4.0) == pytest.approx(x + 0.5 * (10.0 - x))


def test_an_unstated_proposal_just_below_capacity_reveals_the_effort_scale() -> None:
    """A council whose effort costs 1.5 at capacity proposes 9.7 of 10 at a margin of
    1.455: as readable as a proposal further from capacity (E = 10 x 1.455 / 9.7 = 1.5),
    so the board expects 8 at a margin of 1.2, not a shifted curve of the prior's slope."""
    lin = one_good_workers(effort=2.0, capacity=10.0)
    belief = EffortBelief.prior(lin).observe(lin, np.array([2.455, 1.0]), np.array([9.7]))
    assert belief.effort == pytest.approx([1.5])
    assert belief.shift == pytest.approx([0.0])
    assert belief.supply(lin, np.array([1.2])) == pytest.approx([8.0])


def test_a_council_caught_misstating_is_not_heard_the_round_after() -> None:
    """A council twice as responsive as the prior (effort 1 at capacity) that states twice
    its marginal effort cost, so that its word is the prior's slope. Moving up from 5 to 8
    while it states 1.6 at a margin of 0.8 contradicts its word; its next move, down to 4
    stating 0.8 at a margin of 0.4, would not on its own (half way down to the 2 its word
    implies), but the board still reads it as unstated: effort 10 x 0.4 / 4 = 1."""
    lin = one_good_workers(effort=2.0, capacity=10.0)
    belief = EffortBelief.prior(lin)
    for margin, x in ((0.5, 5.0), (0.8, 8.0), (0.4, 4.0)):
        stated = np.array([2.0 * 1.0 * x / 10.0])
        belief = belief.observe(lin, np.array([1.0 + margin, 1.0]), np.array([x]), stated)
        if margin == 0.8:
            assert belief.caught.tolist() == [True]
            assert belief.effort == pytest.approx([1.0])
    assert belief.caught.tolist() == [False]
    assert belief.effort == pytest.approx([1.0])
    assert belief.supply(lin, np.array([0.6])) == pytest.approx([6.0])
