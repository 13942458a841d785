"""Realistic planning examples: imported input-output economies with simulated councils.

An economy imported from an input-output table (:func:`~solver.economy.io.economy_from_io_table`)
has one worker council per sector with an unlimited technique, labour without an availability
limit, and a single consumer council asking for the observed final demand. Planning needs
more (see :func:`~solver.planning.from_economy.market_from_economy`): finite capacities and
availabilities, consumer councils with preferences, federations. :func:`with_simulated_councils`
adds them, calibrated on the observed year so that the observed plan is (nearly) what the
simulated councils want at labour-value prices:

- the observed plan is the round LP's solution for the observed final demand (``x = L y``);
- every technique gets the capacity ``capacity_headroom x`` its observed activity;
- every primary input is available exactly in its observed use, so labour is scarce and, with
  the default consumption budget (the total labour availability), prices are in labour units;
- public-sector goods (public administration, education, health; see
  :data:`PUBLIC_KEYWORDS`) become public goods requested by federations;
- a pollutant is emitted in proportion to output by energy, heavy industry and transport (see
  :data:`EMITTER_RULES`; rough intensities, not measured), and the city
  federation caps it at ``cap_share`` x the observed emissions, so the cap binds;
- consumer councils of varied size and effort rating sit in neighbourhood federations under
  the city federation, with Cobb-Douglas preferences proportional to the observed final demand
  valued at labour values, randomly perturbed; worker councils are located in the
  neighbourhoods, so the city's cap covers every one of them.

The bundled examples ``solver/scenarios/examples/germany_1995_planning.json`` and
``solver/scenarios/examples/usa_2014_planning.json`` are regenerated from the repository root with::

    python -m solver.scenarios.io_examples solver/scenarios/examples

from ``solver/scenarios/examples/germany_1995.json`` (itself ``parplan import-io
../shared/data/eurostat_germany_1995 --format eurostat-beutel --primary employment --name
germany-1995``) and from the WIOD 2016 USA 2014 table in ``tests/data/wiod2016_usa_niot_sea``
(a verbatim copy of ``../shared/data/wiod2016_usa_niot_sea``; labour in hours worked).
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from solver.economy.io.readers import read_io_table
from solver.economy.io.to_economy import economy_from_io_table
from solver.economy.model import (
    ConsumerCouncil,
    Economy,
    Federation,
    FederationLevel,
    GoodKind,
    Pollutant,
    load_economy,
    save_economy,
)
from solver.economy.production import technology_matrices
from solver.lp.solve import solve_round
from solver.scenarios.io_calibration import (
    EMITTER_RULES,
    PUBLIC_IDS,
    PUBLIC_KEYWORDS,
    default_emitters,
    default_public_goods,
    emissions,
)

__all__ = [
    "EMITTER_RULES",
    "PUBLIC_IDS",
    "PUBLIC_KEYWORDS",
    "default_emitters",
    "default_public_goods",
    "emissions",
    "germany_1995_planning",
    "usa_2014_planning",
    "with_simulated_councils",
    "write_bundled_examples",
]

SIGNIFICANT = 6
"""Significant digits kept in derived numbers, so that regenerated files do not drift with
the last bits of the LP solution."""

RATING_RANGE = (0.8, 1.25)
MEMBERS_RANGE = (50, 500)
PREFERENCE_NOISE = 0.25
"""Standard deviation of the log-normal perturbation of each council's preference weights."""
CITY = "city"


def _sig(value: float) -> float:
    return float(f"{value:.{SIGNIFICANT}g}")


def _observed(economy: Economy) -> tuple[np.ndarray, np.ndarray]:
    """Activity of each technique and price of each good in the round LP for the requests."""
    result = solve_round(economy)
    if not result.is_ok or result.activity is None or result.price is None or not result.feasible:
        raise ValueError(
            f"{economy.name}: the round LP for the observed final demand did not solve "
            f"({result.termination.value}); cannot calibrate councils"
        )
    return np.asarray(result.activity, dtype=float), np.asarray(result.price, dtype=float)


def with_simulated_councils(
    economy: Economy,
    *,
    n_consumer_councils: int = 12,
    n_federations: int = 3,
    public_goods: Sequence[str] | None = None,
    pollutant: str | None = "co2",
    emitters: Mapping[str, float] | None = None,
    capacity_headroom: float = 1.3,
    cap_share: float = 0.9,
    effort_cost_share: float = 0.5,
    substitution_elasticity: float = 1.0,
    seed: int = 0,
) -> Economy:
    """A planning economy from an imported input-output economy.

    Parameters
    ----------
    economy
        An economy as :func:`~solver.economy.io.economy_from_io_table` makes it: the observed
        final demand as consumer requests (all of them are pooled as the observed demand),
        labour with weights, techniques without capacity. It is not changed.
    n_consumer_councils
        Consumer councils to create, spread evenly over the neighbourhoods.
    n_federations
        Neighbourhood federations, all nested under one city federation (``"city"``).
    public_goods
        Goods to make public; their final demand is requested by the federations (half of
        it by the city, half by the neighbourhoods). ``None``: :func:`default_public_goods`.
    pollutant
        Id of the pollutant to add, capped by the city federation; ``None`` for none.
    emitters
        Good -> emission per unit of output of the techniques producing it; ``None``:
        :func:`default_emitters`.
    capacity_headroom
        Capacity of each technique as a multiple of its observed activity (at least 1).
    cap_share
        The city's cap as a share of the observed emissions; below 1 the cap binds.
    effort_cost_share
        Every worker council's marginal effort cost at capacity, as a share of unit cost.
    substitution_elasticity
        Every consumer council's CES elasticity (1: Cobb-Douglas).
    seed
        Seed of the random council sizes, ratings, preference perturbations and locations;
        the result is a pure function of the arguments.

    Returns
    -------
    Economy
        Named ``<name>-planning``, with the calibration described in ``description``.

    Raises
    ------
    ValueError
        For invalid arguments, unknown public goods or emitters, or when the observed round
        LP does not solve.

    Notes
    -----
    The cap binds at the observed plan by construction. Whether it still binds where the
    simulated councils settle depends on them: the effort costs raise the prices of goods
    with long supply chains, and the councils substitute. In the bundled examples it binds
    (the permit's price is positive at convergence); with ``cap_share`` close to 1 or a high
    ``substitution_elasticity`` it may end up slack.
    """
    if n_consumer_councils < 1 or n_federations < 1:
        raise ValueError("need at least one consumer council and one neighbourhood federation")
    if capacity_headroom < 1.0:
        raise ValueError(f"capacity_headroom: must be at least 1, got {capacity_headroom}")
    if not cap_share > 0.0:
        raise ValueError(f"cap_share: must be positive, got {cap_share}")
    eco = economy.model_copy(deep=True)
    goods = eco.good_ids()
    gi = {g: i for i, g in enumerate(goods)}
    public = list(default_public_goods(eco) if public_goods is None else public_goods)
    emit = dict(default_emitters(eco) if emitters is None else emitters)
    for what, ids in (("public_goods", public), ("emitters", list(emit))):
        unknown = sorted(set(ids) - set(goods))
        if unknown:
            raise ValueError(f"{what}: unknown goods {unknown}")
    if pollutant is not None and pollutant in {p.id for p in eco.pollutants}:
        raise ValueError(f"pollutant: {pollutant!r} already exists")

    # The observed plan: activity x = L y and labour values v of the observed final demand.
    activity, value = _observed(eco)
    tech = technology_matrices(eco)
    y = np.zeros(len(goods))
    for cc in eco.consumer_councils:
        for g, q in cc.requests.items():
            y[gi[g]] += q
    primary_use = tech.primary_use @ activity

    # Production: capacities, availabilities, emissions, locations.
    rng = np.random.default_rng(seed)
    floor = 1e-6 * float(activity.max(initial=0.0)) or 1e-6
    techniques = [t for _, t in eco.techniques()]
    for t, x in zip(techniques, activity, strict=True):
        t.capacity = _sig(max(capacity_headroom * float(x), floor))
    for p, use in zip(eco.primary_inputs, primary_use, strict=True):
        p.availability = _sig(float(use))
    neighbourhoods = [f"neighbourhood-{k + 1}" for k in range(n_federations)]
    for wc in eco.worker_councils:
        wc.federation = neighbourhoods[int(rng.integers(n_federations))]
        wc.effort_cost_share = effort_cost_share
    cap = None
    if pollutant is not None:
        emitted = 0.0
        for t, x in zip(techniques, activity, strict=True):
            e = sum(emit.get(g, 0.0) * q for g, q in t.outputs.items())
            if e > 0:
                t.emissions[pollutant] = e
                emitted += e * float(x)
        eco.pollutants.append(
            Pollutant(
                id=pollutant,
                name=f"{pollutant} (rough intensities)",
                unit="kt",
            )
        )
        cap = _sig(cap_share * emitted)

    # Demand: who wants what, valued at labour values.
    for g in public:
        eco.goods[gi[g]].kind = GoodKind.PUBLIC
    is_public = np.array([g in set(public) for g in goods])
    wanted = (y > 0) & ~is_public
    wanted_public = (y > 0) & is_public
    # A good the observed plan values at zero (a free by-product) still gets some weight, so
    # that the councils' shares of its demand are defined.
    positive = value[value > 0]
    floor = 1e-6 * float(positive.mean()) if positive.size else 1.0
    spend = np.maximum(value, floor) * np.maximum(y, 0.0)
    total = float(spend[wanted | wanted_public].sum())
    public_share = float(spend[wanted_public].sum()) / total if total > 0 else 0.0
    if public_share >= 0.95:
        raise ValueError(f"public goods take {public_share:.0%} of final demand; too much")

    members = rng.integers(MEMBERS_RANGE[0], MEMBERS_RANGE[1] + 1, n_consumer_councils)
    ratings = np.round(rng.uniform(*RATING_RANGE, n_consumer_councils), 2)
    home = [neighbourhoods[c % n_federations] for c in range(n_consumer_councils)]
    base = spend[wanted] / spend[wanted].sum()
    noise = rng.lognormal(0.0, PREFERENCE_NOISE, (n_consumer_councils, int(wanted.sum())))
    weights = base * noise
    weights /= weights.sum(axis=1, keepdims=True)
    # Federations: the city and each neighbourhood spend half of the public share each.
    fed_share = _sig(public_share / 2) if wanted_public.any() else 0.0
    pub_base = spend[wanted_public] / max(float(spend[wanted_public].sum()), 1e-300)
    pub_noise = rng.lognormal(0.0, PREFERENCE_NOISE, (n_federations, int(wanted_public.sum())))
    pub_weights = np.vstack([pub_base, pub_base * pub_noise])
    pub_weights /= np.maximum(pub_weights.sum(axis=1, keepdims=True), 1e-300)

    # Requests: the observed final demand, split in proportion to what each council would buy
    # at labour values (so the requests sum to y exactly).
    income = ratings * members
    income = income / income.sum()
    private_income = income * (1.0 - 2 * fed_share)
    fed_income = np.array(
        [fed_share]  # the city: a share of every income
        + [fed_share * income[[h == n for h in home]].sum() for n in neighbourhoods]
    )
    private_spend = private_income[:, None] * weights
    public_spend = fed_income[:, None] * pub_weights
    private_req = y[wanted] * private_spend / private_spend.sum(axis=0)
    public_req = y[wanted_public] * public_spend / np.maximum(public_spend.sum(axis=0), 1e-300)
    private_ids = [g for g, w in zip(goods, wanted, strict=True) if w]
    public_ids = [g for g, w in zip(goods, wanted_public, strict=True) if w]

    eco.consumer_councils = [
        ConsumerCouncil(
            id=f"cc-{c + 1}",
            name=f"consumer council {c + 1} ({home[c]})",
            members=int(members[c]),
            effort_rating=float(ratings[c]),
            federation=home[c],
            requests={g: _sig(q) for g, q in zip(private_ids, private_req[c], strict=True)},
            preferences={g: _sig(w) for g, w in zip(private_ids, weights[c], strict=True)},
            substitution_elasticity=substitution_elasticity,
        )
        for c in range(n_consumer_councils)
    ]

    def public_fields(k: int) -> dict[str, object]:
        if not public_ids:
            return {}
        return {
            "public_requests": {g: _sig(q) for g, q in zip(public_ids, public_req[k], strict=True)},
            "public_preferences": {
                g: _sig(w) for g, w in zip(public_ids, pub_weights[k], strict=True)
            },
            "budget_share": fed_share,
        }

    eco.federations = [
        Federation.model_validate(
            {
                "id": CITY,
                "name": "city federation",
                "level": FederationLevel.CITY,
                "pollution_caps": {} if cap is None else {pollutant: cap},
                **public_fields(0),
            }
        ),
        *(
            Federation.model_validate(
                {
                    "id": n,
                    "name": n.replace("-", " "),
                    "level": FederationLevel.NEIGHBOURHOOD,
                    "parent": CITY,
                    **public_fields(k + 1),
                }
            )
            for k, n in enumerate(neighbourhoods)
        ),
    ]
    eco.name = f"{economy.name}-planning"
    eco.description = "\n".join(
        [
            f"Planning economy with {n_consumer_councils} simulated consumer councils, "
            f"federations, public goods{' and a ' + pollutant + ' cap' if pollutant else ''}, "
            f"from {economy.name}.",
            economy.description,
            f"Planning calibration (solver.scenarios.io_examples.with_simulated_councils, seed "
            f"{seed}): capacities {capacity_headroom} x observed activity; primary inputs "
            f"available in their observed use; public goods {public_ids or 'none'} requested "
            f"by the city and {n_federations} neighbourhood federations (budget share "
            f"{fed_share:.3g} each); {n_consumer_councils} consumer councils (ratings "
            f"{RATING_RANGE[0]}-{RATING_RANGE[1]}) with Cobb-Douglas preferences from the "
            "observed final demand at labour values, perturbed"
            + (
                f"; {pollutant} emitted by {sorted(emit)} (rough intensities), capped "
                f"by the city at {cap_share} x observed emissions ({cap:.3g} kt)"
                if pollutant is not None
                else ""
            )
            + ".",
        ]
    ).strip()
    return Economy.model_validate(eco.model_dump())


# --------------------------------------------------------------------------------------
# The bundled examples
# --------------------------------------------------------------------------------------
EXAMPLES = Path(__file__).resolve().parent / "examples"
WIOD_USA = Path(__file__).resolve().parents[2] / "tests" / "data" / "wiod2016_usa_niot_sea"


def germany_1995_planning() -> Economy:
    """The bundled Germany 1995 economy (6 sectors, employment) with simulated councils."""
    return with_simulated_councils(load_economy(EXAMPLES / "germany_1995.json"))


def usa_2014_planning(wiod_dir: str | Path = WIOD_USA) -> Economy:
    """WIOD 2016 USA 2014 (55 industries, hours worked) with simulated councils."""
    table = read_io_table(wiod_dir, "wiod-2014")
    imported = economy_from_io_table(table, "hours", name="usa-2014")
    # A path-free source, so that the file does not depend on where the table was read.
    imported.description = imported.description.replace(f" ({wiod_dir})", "")
    return with_simulated_councils(imported, n_consumer_councils=24, n_federations=4)


def write_bundled_examples(out_dir: str | Path = EXAMPLES) -> list[Path]:
    """Write ``germany_1995_planning.json`` and ``usa_2014_planning.json`` into ``out_dir``."""
    out = Path(out_dir)
    paths = []
    for name, make in (
        ("germany_1995_planning.json", germany_1995_planning),
        ("usa_2014_planning.json", usa_2014_planning),
    ):
        path = out / name
        save_economy(make(), path)
        paths.append(path)
    return paths


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("out_dir", nargs="?", default=str(EXAMPLES))
    args = parser.parse_args(argv)
    for path in write_bundled_examples(args.out_dir):
        print(path)


if __name__ == "__main__":
    main()
