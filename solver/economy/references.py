"""The checks that read across an economy's parts: every cross-reference, duplicate id,
wrong kind of good, federation cycle and cap vote that cannot be held.

Each check yields :class:`~solver.economy.problems.Problem` s naming the offending field,
so that one answer lists every problem.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

from solver.economy.parts import (
    VOTE,
    ConsumerCouncil,
    Federation,
    Good,
    GoodKind,
    Pollutant,
    PrimaryInput,
    Technique,
    WorkerCouncil,
)
from solver.economy.problems import Problem

__all__ = ["EconomyParts", "reference_problems"]


class EconomyParts(Protocol):
    """What the checks read of an economy (:class:`~solver.economy.model.Economy`)."""

    goods: list[Good]
    primary_inputs: list[PrimaryInput]
    pollutants: list[Pollutant]
    worker_councils: list[WorkerCouncil]
    consumer_councils: list[ConsumerCouncil]
    federations: list[Federation]

    def techniques(self) -> list[tuple[WorkerCouncil, Technique]]:
        """Every (council, technique) pair, in declaration order."""

    def federation_ancestors(self) -> dict[str, list[str]]:
        """Federation id -> itself followed by its ancestors."""


def _duplicates(ids: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    dup: list[str] = []
    for i in ids:
        if i in seen and i not in dup:
            dup.append(i)
        seen.add(i)
    return dup


def _unknown(
    field: str, quantities: Mapping[str, object], known: set[str], what: str
) -> Iterable[Problem]:
    if quantities.keys() <= known:  # the usual case, checked at C speed
        return
    for key in quantities:
        if key not in known:
            yield Problem(field=f"{field}[{key!r}]", message=f"unknown {what} {key!r}")


def reference_problems(eco: EconomyParts) -> Iterable[Problem]:
    """Every cross-reference problem in ``eco``; field-level checks are pydantic's."""
    for field, ids in (
        ("goods", [g.id for g in eco.goods]),
        ("primary_inputs", [p.id for p in eco.primary_inputs]),
        ("pollutants", [p.id for p in eco.pollutants]),
        ("worker_councils", [w.id for w in eco.worker_councils]),
        ("consumer_councils", [c.id for c in eco.consumer_councils]),
        ("federations", [f.id for f in eco.federations]),
        ("worker_councils[*].techniques", [t.id for _, t in eco.techniques()]),
    ):
        for d in _duplicates(ids):
            yield Problem(field=field, message=f"duplicate id {d!r}")
    clash = {g.id for g in eco.goods} & {p.id for p in eco.primary_inputs}
    for c in sorted(clash):
        yield Problem(field="primary_inputs", message=f"id {c!r} is also a good's id")

    goods = {g.id for g in eco.goods}
    kind = {g.id: g.kind for g in eco.goods}
    primaries = {p.id for p in eco.primary_inputs}
    pollutants = {p.id for p in eco.pollutants}
    feds = {f.id for f in eco.federations}
    techniques = {t.id: t for _, t in eco.techniques()}

    for i, wc in enumerate(eco.worker_councils):
        if wc.federation is not None and wc.federation not in feds:
            yield Problem(
                field=f"worker_councils[{i}].federation",
                message=f"unknown federation {wc.federation!r}",
            )
        for j, t in enumerate(wc.techniques):
            base = f"worker_councils[{i}].techniques[{j}]"
            yield from _unknown(f"{base}.outputs", t.outputs, goods, "good")
            yield from _unknown(f"{base}.inputs", t.inputs, goods, "good")
            yield from _unknown(
                f"{base}.primary_inputs", t.primary_inputs, primaries, "primary input"
            )
            yield from _unknown(f"{base}.emissions", t.emissions, pollutants, "pollutant")
            yield from _unknown(f"{base}.capital", t.capital, goods, "good")
            if not any(v > 0 for v in t.outputs.values()):
                yield Problem(field=f"{base}.outputs", message="a technique must output some good")

    for i, cc in enumerate(eco.consumer_councils):
        if cc.federation is not None and cc.federation not in feds:
            yield Problem(
                field=f"consumer_councils[{i}].federation",
                message=f"unknown federation {cc.federation!r}",
            )
        for name, why in (
            ("requests", "request private goods (public goods are requested by federations)"),
            ("preferences", "weigh private goods (public goods are weighed by federations)"),
        ):
            quantities = getattr(cc, name)
            yield from _unknown(f"consumer_councils[{i}].{name}", quantities, goods, "good")
            yield from _wrong_kind(
                f"consumer_councils[{i}].{name}",
                quantities,
                kind,
                GoodKind.PRIVATE,
                f"; consumer councils {why}",
            )

    for i, f in enumerate(eco.federations):
        if f.parent is not None and f.parent not in feds:
            yield Problem(
                field=f"federations[{i}].parent", message=f"unknown federation {f.parent!r}"
            )
        for name in ("public_requests", "public_preferences"):
            quantities = getattr(f, name)
            yield from _unknown(f"federations[{i}].{name}", quantities, goods, "good")
            yield from _wrong_kind(
                f"federations[{i}].{name}", quantities, kind, GoodKind.PUBLIC, ", not public"
            )
        yield from _unknown(
            f"federations[{i}].pollution_caps", f.pollution_caps, pollutants, "pollutant"
        )
        yield from _unknown(
            f"federations[{i}].preferred_caps", f.preferred_caps, pollutants, "pollutant"
        )
        for tid in f.capacity_investments:
            field = f"federations[{i}].capacity_investments[{tid!r}]"
            invested = techniques.get(tid)
            if invested is None:
                yield Problem(field=field, message=f"unknown technique {tid!r}")
            elif invested.capacity is None:
                yield Problem(
                    field=field, message=f"technique {tid!r} has no capacity limit to raise"
                )
            elif not any(q > 0 for q in invested.capital.values()):
                yield Problem(
                    field=field,
                    message=f"technique {tid!r} states no capital (what a unit of new "
                    "capacity takes)",
                )

    cycles = list(_federation_cycles(eco))
    yield from cycles
    if not cycles and all(f.parent is None or f.parent in feds for f in eco.federations):
        yield from _vote_problems(eco)


def _vote_problems(eco: EconomyParts) -> Iterable[Problem]:
    """A cap left to a vote needs voters, and emitters whose exposure can be measured."""
    ancestors = eco.federation_ancestors()
    for i, f in enumerate(eco.federations):
        for pollutant, cap in f.pollution_caps.items():
            if cap != VOTE:
                continue
            field = f"federations[{i}].pollution_caps[{pollutant!r}]"
            if not any(
                g.id != f.id and f.id in ancestors[g.id] and pollutant in g.preferred_caps
                for g in eco.federations
            ):
                yield Problem(
                    field=field,
                    message=f"left to a vote, but no federation below {f.id!r} states "
                    f"preferred_caps[{pollutant!r}]",
                )
            root = ancestors[f.id][-1]
            for j, wc in enumerate(eco.worker_councils):
                if wc.federation is None or ancestors[wc.federation][-1] != root:
                    continue
                for k, t in enumerate(wc.techniques):
                    if t.emissions.get(pollutant, 0.0) > 0 and t.capacity is None:
                        yield Problem(
                            field=f"worker_councils[{j}].techniques[{k}].capacity",
                            message=f"unlimited, but it emits {pollutant!r} and {field} is "
                            "left to a vote: a voter's exposure is measured by capacity",
                        )


def _wrong_kind(
    field: str,
    quantities: Mapping[str, float],
    kind: Mapping[str, GoodKind],
    expected: GoodKind,
    why: str,
) -> Iterable[Problem]:
    for g in quantities:
        if g in kind and kind[g] is not expected:
            yield Problem(field=f"{field}[{g!r}]", message=f"good {g!r} is {kind[g].value}{why}")


def _federation_cycles(eco: EconomyParts) -> Iterable[Problem]:
    parent = {f.id: f.parent for f in eco.federations}
    index = {f.id: i for i, f in enumerate(eco.federations)}
    reported: set[str] = set()
    for start in parent:
        path: list[str] = []
        node: str | None = start
        while node is not None and node in parent and node not in path:
            path.append(node)
            node = parent[node]
        if node is not None and node in path:
            cycle = path[path.index(node) :]
            if not reported.intersection(cycle):
                reported.update(cycle)
                first = min(cycle, key=index.__getitem__)
                yield Problem(
                    field=f"federations[{index[first]}].parent",
                    message="federation tree has a cycle: " + " -> ".join([*cycle, cycle[0]]),
                )
