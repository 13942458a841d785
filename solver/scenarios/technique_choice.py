"""Planning economies with technique choice, of any size.

:func:`technique_choice_economy` makes a planning economy in which prices must decide how
goods are made, not only how much of them:

* every good has three techniques (:func:`~solver.scenarios.synthetic.synthetic_economy`):
  a clean one that uses more labour, and cheaper ones that may use a natural resource and
  emit one of two pollutants; every technique can run at a sizeable share of its good's
  output, so the councils switch between them as prices move;
* some goods are made by two worker councils, the second running one of the good's
  techniques;
* the first natural resource is scarce (:data:`SCARCE_RESOURCE`, 80 % of its use in the
  calibration plan);
* the two pollutants are capped by federations at different levels, the first by the city
  over every workplace, the second by one neighbourhood over its own;
* consumer councils have CES preferences with elasticities drawn from a range (default
  0.5-1.5), and federations request the public goods.

The councils are those of :func:`~solver.scenarios.io_examples.with_simulated_councils`
(calibrated at the round LP's plan for the synthetic requests), so the economy is a plain
economy file: ``parplan generate technique-choice --goods 300 -o economy.json``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from solver.economy.model import Economy, WorkerCouncil
from solver.economy.production import technology_matrices
from solver.lp.solve import solve_round
from solver.scenarios.io_examples import CITY, with_simulated_councils
from solver.scenarios.synthetic import synthetic_economy

__all__ = ["SCARCE_RESOURCE", "technique_choice_economy"]

SCARCE_RESOURCE = 0.8  # the first resource: share of its use in the calibration plan


def technique_choice_economy(
    n_goods: int,
    *,
    seed: int = 0,
    n_consumer_councils: int | None = None,
    n_federations: int = 3,
    substitution_elasticity: tuple[float, float] = (0.5, 1.5),
    technique_capacity: float = 0.6,
    second_council_share: float = 0.2,
    cap_share: float = 0.6,
) -> Economy:
    """A planning economy with technique choice (see the module docstring).

    Parameters
    ----------
    n_goods
        Number of goods (at least 4).
    seed
        Seed of every random draw: the same arguments give the same economy.
    n_consumer_councils
        Default ``max(12, min(1000, n_goods // 10))``.
    n_federations
        Neighbourhood federations under the city.
    substitution_elasticity
        Range of the consumer councils' CES elasticities, drawn uniformly; ``(1, 1)`` for
        Cobb-Douglas consumers.
    technique_capacity
        Capacity of every technique, at least this share of its good's output in the
        calibration plan (and at least 1.3 times its own activity there).
    second_council_share
        Share of goods whose last technique is run by a second worker council.
    cap_share
        Each pollution cap as a share of what its area emits in the calibration plan.

    Raises
    ------
    ValueError
        For arguments out of range, naming the argument.
    """
    low, high = (float(x) for x in substitution_elasticity)
    if not 0.0 < low <= high:
        raise ValueError(
            f"substitution_elasticity: need 0 < low <= high, got {substitution_elasticity}"
        )
    if not technique_capacity > 0.0:
        raise ValueError(f"technique_capacity: must be positive, got {technique_capacity}")
    if not 0.0 <= second_council_share <= 1.0:
        raise ValueError(f"second_council_share: must be in [0, 1], got {second_council_share}")
    if not cap_share > 0.0:
        raise ValueError(f"cap_share: must be positive, got {cap_share}")
    councils = (
        max(12, min(1000, n_goods // 10)) if n_consumer_councils is None else n_consumer_councils
    )
    base = synthetic_economy(
        n_goods, techniques_per_good=3, n_pollutants=2, n_federations=0, seed=seed
    )
    eco = with_simulated_councils(
        base,
        n_consumer_councils=councils,
        n_federations=n_federations,
        pollutant=None,
        seed=seed,
    ).model_copy(deep=True)
    rng = np.random.default_rng([seed, 7])

    # The calibration plan: the round LP for the requests, every limit in force.
    plan = solve_round(base)
    if not plan.is_ok or plan.activity is None:
        raise ValueError(f"{base.name}: the calibration round LP did not solve")
    activity = np.asarray(plan.activity, dtype=float)
    tech = technology_matrices(eco)
    output = tech.outputs @ activity  # gross output of every good
    goods = {g: i for i, g in enumerate(eco.good_ids())}

    techniques = [t for _, t in eco.techniques()]
    for t, x in zip(techniques, activity, strict=True):
        (good, per_unit), *_ = t.outputs.items()
        t.capacity = _sig(
            max(1.3 * float(x), technique_capacity * float(output[goods[good]]) / per_unit)
        )

    # A second council for some goods: it takes over the good's last technique.
    neighbourhoods = [f.id for f in eco.federations if f.id != CITY]
    split = rng.random(len(eco.worker_councils)) < second_council_share
    seconds = []
    for wc, move in zip(eco.worker_councils, split, strict=True):
        if move and len(wc.techniques) > 1:
            seconds.append(
                WorkerCouncil(
                    id=f"{wc.id}-2",
                    name=f"{wc.name or wc.id} (second council)",
                    federation=neighbourhoods[int(rng.integers(len(neighbourhoods)))],
                    techniques=[wc.techniques.pop()],
                    effort_cost_share=wc.effort_cost_share,
                )
            )
    eco.worker_councils.extend(seconds)

    # Caps: pollutant 0 by the city over every workplace, pollutant 1 by the neighbourhood
    # that emits most of it, each at cap_share of its area's emissions in the calibration
    # plan (a pollutant nobody emits there gets no cap).
    emitted: dict[tuple[str, str], float] = {}
    index = {t.id: k for k, t in enumerate(techniques)}
    for wc in eco.worker_councils:
        for t in wc.techniques:
            for pol, q in t.emissions.items():
                key = (pol, wc.federation or CITY)
                emitted[key] = emitted.get(key, 0.0) + q * float(activity[index[t.id]])
    pollutants = [p.id for p in eco.pollutants]
    caps: dict[str, dict[str, float | Literal["vote"]]] = {}
    if pollutants:
        total = sum(v for (pol, _), v in emitted.items() if pol == pollutants[0])
        if total > 0:
            caps[CITY] = {pollutants[0]: _sig(cap_share * total)}
    if len(pollutants) > 1:
        local = {f: v for (pol, f), v in emitted.items() if pol == pollutants[1] and v > 0}
        if local:
            where = max(local, key=local.__getitem__)
            caps.setdefault(where, {})[pollutants[1]] = _sig(cap_share * local[where])
    for f in eco.federations:
        f.pollution_caps = caps.get(f.id, {})

    # The first resource is scarce: with effort costs the councils' plan needs less of it
    # than the calibration plan, so at its use there it could end up slack.
    resource = next((p for p in eco.primary_inputs if p.kind == "natural_resource"), None)
    if resource is not None and resource.availability is not None:
        resource.availability = _sig(SCARCE_RESOURCE * resource.availability)

    sigmas = rng.uniform(low, high, len(eco.consumer_councils))
    for cc, sigma in zip(eco.consumer_councils, sigmas, strict=True):
        cc.substitution_elasticity = _sig(float(sigma))

    eco.name = f"technique-choice-{n_goods}-seed{seed}"
    eco.description = (
        f"Technique choice: {n_goods} goods with 3 techniques each (clean and labour-using, "
        f"or cheaper with a scarce resource and emissions), {len(seconds)} goods also made "
        f"by a second council, {len(eco.consumer_councils)} CES consumer councils "
        f"(elasticities {low:g}-{high:g}), caps {caps} "
        f"(solver.scenarios.technique_choice, seed {seed})."
    )
    return Economy.model_validate(eco.model_dump())


def _sig(x: float, digits: int = 6) -> float:
    return float(f"{x:.{digits}g}")
