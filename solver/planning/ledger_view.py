"""A session's ledger as a page a person can read: whether the chain holds, how the rounds
converged, the items of a round and every council's proposal in it with the board's
decision.

The page is plain HTML with an inline SVG plot, rendered here from the ledger's files
(:func:`~solver.planning.ledger.ledger_tables`, :func:`~solver.planning.ledger.verify_ledger`)
and nothing else: no script, no outside resource, every text escaped (ids come from
economies, which anyone may write). Several ledgers side by side (sessions of one economy
under different rules, say) share the convergence plot; each has its own page.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape
from pathlib import Path

import pandas as pd

from solver.planning.ledger import LedgerError, ledger_tables, verify_ledger

__all__ = ["ledger_page"]

COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")
WIDTH, HEIGHT, PAD = 640, 260, 48
STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; max-width: 72em; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { padding: 0.2em 0.8em; border-bottom: 1px solid #ddd; text-align: right; }
th:first-child, td:first-child, .text { text-align: left; }
.intact { color: #1a7f37; font-weight: bold; } .altered { color: #c62828; font-weight: bold; }
.rejected { color: #c62828; } nav a { margin-right: 0.6em; } nav a.here { font-weight: bold; }
"""


def _number(value: object) -> str:
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value + 0.0:.6g}"
    return escape(str(value))


def _table(frame: pd.DataFrame, caption: str, *, css: Sequence[str] = ()) -> str:
    head = "".join(
        f'<th class="text">{escape(str(c))}</th>'
        if frame[c].dtype == object
        else f"<th>{escape(str(c))}</th>"
        for c in frame.columns
    )
    rows = []
    for k, row in enumerate(frame.itertuples(index=False)):
        cls = f' class="{css[k]}"' if css else ""
        cells = "".join(
            f'<td class="text">{escape(v)}</td>' if isinstance(v, str) else f"<td>{_number(v)}</td>"
            for v in row
        )
        rows.append(f"<tr{cls}>{cells}</tr>")
    return f"<table><caption>{escape(caption)}</caption><tr>{head}</tr>{''.join(rows)}</table>"


def _plot(series: dict[str, pd.Series]) -> str:
    """Max excess per round of every ledger, on a log scale, as an SVG."""
    values = [v for s in series.values() for v in s.to_numpy() if v > 0]
    if not values:
        return "<p>no rounds with an excess to plot</p>"
    low = math.floor(math.log10(min(values)))
    high = max(math.ceil(math.log10(max(values))), low + 1)
    last = max(int(s.index.max()) for s in series.values())

    def x(r: float) -> float:
        return PAD + (WIDTH - 2 * PAD) * ((r - 1) / max(last - 1, 1))

    def y(v: float) -> float:
        level = math.log10(max(v, 10.0**low))
        return HEIGHT - PAD - (HEIGHT - 2 * PAD) * (level - low) / (high - low)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        'role="img" aria-label="largest relative excess per round">',
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
        'stroke="#888"/>',
        f'<line x1="{PAD}" y1="{PAD}" x2="{PAD}" y2="{HEIGHT - PAD}" stroke="#888"/>',
    ]
    for level in range(low, high + 1):
        parts.append(
            f'<text x="{PAD - 6}" y="{y(10.0**level) + 4:.1f}" font-size="11" '
            f'text-anchor="end">1e{level}</text>'
        )
    for r in sorted({1, last, *range(1, last + 1, max(1, last // 8))}):
        parts.append(
            f'<text x="{x(r):.1f}" y="{HEIGHT - PAD + 16}" font-size="11" '
            f'text-anchor="middle">{r}</text>'
        )
    parts.append(
        f'<text x="{WIDTH / 2}" y="{HEIGHT - 8}" font-size="12" text-anchor="middle">round</text>'
    )
    for k, (name, s) in enumerate(series.items()):
        colour = COLOURS[k % len(COLOURS)]
        points = " ".join(f"{x(r):.1f},{y(v):.1f}" for r, v in s.items())
        parts.append(
            f'<polyline class="session" data-session="{escape(name)}" fill="none" '
            f'stroke="{colour}" stroke-width="2" points="{points}"/>'
        )
        parts.append(
            f'<text x="{WIDTH - PAD + 4}" y="{PAD + 14 * k}" font-size="11" '
            f'fill="{colour}">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def ledger_page(folders: Sequence[Path | str], session: int = 0, round: int | None = None) -> str:
    """The page of ledger ``folders[session]`` at ``round`` (default: the last).

    Raises
    ------
    LedgerError
        When a folder holds no ledger, or ``session`` or ``round`` is not one of them.
    """
    paths = [Path(f) for f in folders]
    if not 0 <= session < len(paths):
        raise LedgerError(f"session: 0 to {len(paths) - 1}, got {session}")
    names = [p.resolve().name or str(p) for p in paths]
    tables = [ledger_tables(p) for p in paths]
    for p, t in zip(paths, tables, strict=True):
        if t["rounds"].empty:
            raise LedgerError(f"{p}: no round-NNNN.json files: not a ledger")
    mine = tables[session]
    rounds = mine["rounds"]["round"].tolist()
    shown = rounds[-1] if round is None else round
    if shown not in rounds:
        raise LedgerError(f"round: {rounds[0]} to {rounds[-1]}, got {shown}")
    broken, detail = verify_ledger(paths[session])
    state = (
        f'<p class="intact">ledger intact: {len(rounds)} rounds, head {escape(detail[:16])}...</p>'
        if broken is None
        else f'<p class="altered">ledger altered: round {broken}: {escape(detail)}</p>'
    )
    series = {
        name: t["rounds"].set_index("round")["max_excess"]
        for name, t in zip(names, tables, strict=True)
    }

    # a mask, not ``query("round == ...")``: with numexpr installed pandas evaluates a query
    # there, where ``round`` names numexpr's function, not the column (the page failed)
    def in_shown(name: str) -> pd.DataFrame:
        table = mine[name]
        return table[table["round"] == shown]

    items = in_shown("items").drop(columns=["round"])
    total = items["supply"] + items["demand"]
    items = items.assign(relative_excess=(2 * items["excess"].abs() / total).where(total > 0, 0))
    proposals = in_shown("proposals").drop(columns=["round"])
    decisions = in_shown("decisions")
    decided = decisions[["council", "kind", "approved", "reason"]].copy()
    decided["approved"] = decided["approved"].map({True: "approved", False: "rejected"})
    sessions = " ".join(
        f'<a href="/session/{k}"{" class=here" if k == session else ""}>{escape(n)}</a>'
        for k, n in enumerate(names)
    )
    round_links = " ".join(
        f'<a href="/session/{session}?round={r}"{" class=here" if r == shown else ""}>{r}</a>'
        for r in rounds
    )
    return "".join(
        [
            "<!doctype html><html lang=en><head><meta charset=utf-8>",
            f"<title>{escape(names[session])}: round {shown}</title><style>{STYLE}</style>",
            "</head><body>",
            f"<h1>{escape(names[session])}</h1>",
            f"<nav>sessions: {sessions}</nav>" if len(names) > 1 else "",
            state,
            "<h2>Convergence</h2>",
            f"<p>largest relative excess per round: {escape(', '.join(names))}</p>",
            _plot(series),
            f"<h2>Round {shown}</h2><nav>rounds: {round_links}</nav>",
            _table(items, f"items at the prices of round {shown}"),
            _table(
                decided,
                f"the board's decisions on the proposals of round {shown}",
                css=["rejected" if d == "rejected" else "" for d in decided["approved"]],
            ),
            _table(proposals, f"every council's proposal in round {shown}"),
            "</body></html>",
        ]
    )
