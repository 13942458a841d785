"""Readers of four published input-output tables, each with its own layout and quirks.

The Eurostat manual's Germany 1995 table (Beutel, Table 15.4), the UK ONS analytical tables
2010, the WIOD 2016 USA national table for 2014 with its socio-economic accounts, and the
US BEA 2007 detailed Make and Use tables. Each quirk met (a sector without output, totals
that do not add up, ...) is recorded in the table's notes; nothing is changed silently.
"""

from __future__ import annotations

import numpy as np

from solver.economy.io.csv_files import (
    PathLike,
    align,
    code_vector,
    numbers,
    read_csv,
    table_folder,
)
from solver.economy.io.table import BALANCE_RTOL, IOTable, IOTableError, assemble_table

__all__ = ["read_bea_2007", "read_eurostat_beutel", "read_ons_2010", "read_wiod_2014"]


def read_eurostat_beutel(directory: PathLike) -> IOTable:
    """Eurostat Manual (2008) Table 15.4: Germany 1995, 6 product groups.

    Reads ``germany_1995_beutel_15_4.csv``. ``x`` is the ``P1`` row (the ``output_bp``
    column differs for manufacturing; the difference is noted), ``y`` the sum of the five
    final-demand columns; primary inputs ``employment`` (row ``EMP``, thousand persons)
    and ``compensation`` (row ``D1``, million EUR).
    """
    t = read_csv(table_folder(directory) / "germany_1995_beutel_15_4.csv")
    quadrant = t.column("quadrant")
    products = [r for r in t.rows if r.cells[quadrant].strip() == "10" and r.key != "cpa_total"]
    code_col = t.column("iotables_row")
    sector_cols = [t.column(r.cells[code_col].strip()) for r in products]
    fd_names = (
        "consumption_expenditure_household",
        "consumption_expenditure_government",
        "gross_capital_formation",
        "inventory_change",
        "export_goods_services",
    )
    fd_cols = [t.column(c) for c in fd_names]
    sectors = [r.key for r in products]
    labels = [r.cells[t.column("t_rows2_lab")].strip() for r in products]
    z = numbers(t, products, sector_cols)
    y = numbers(t, products, fd_cols).sum(axis=1)
    x = numbers(t, [t.row("P1")], sector_cols)[0]
    notes = []
    col_total = numbers(t, products, [t.column("output_bp")])[:, 0]
    differ = np.flatnonzero(col_total != x)
    if len(differ):
        notes.append(
            "output_bp column differs from the P1 row for "
            + ", ".join(f"{sectors[i]} ({col_total[i]:.6g} vs {x[i]:.6g})" for i in differ)
            + "; the P1 row is used as x"
        )
    primary = {
        "employment": numbers(t, [t.row("EMP")], sector_cols)[0],
        "compensation": numbers(t, [t.row("D1")], sector_cols)[0],
    }
    units = {
        "output": "million EUR",
        "employment": "thousand persons",
        "compensation": "million EUR",
    }
    return assemble_table(
        sectors=sectors,
        labels=labels,
        flows=z,
        gross=x,
        final_demand=y,
        primary=primary,
        units=units,
        notes=notes,
        source=f"eurostat-beutel: Eurostat Manual (2008) Table 15.4, Germany 1995 ({t.name})",
    )


ONS_FINAL_DEMAND = (
    "Households",
    "Non-profit instns serving households",
    "Central government",
    "Local government",
    "Gross fixed capital formation",
    "Valuables",
    "Changes in inventories",
    "Exports of goods",
    "Exports of services",
)


def read_ons_2010(directory: PathLike) -> IOTable:
    """UK ONS input-output analytical tables 2010: 127 products, domestic use, basic prices.

    Reads ``siot_domestic_basic_pxp.csv``. ``x`` is the ``Total output`` row, ``y`` the sum
    of the nine final-demand columns; primary input ``compensation`` (``Compensation of
    employees``, GBP million).
    """
    t = read_csv(table_folder(directory) / "siot_domestic_basic_pxp.csv")
    row_codes = set(t.codes())
    sector_cols = [c for c, h in enumerate(t.header) if c >= 2 and h.strip() in row_codes]
    sectors = [t.header[c].strip() for c in sector_cols]
    by_code = {r.key: r for r in t.rows}
    products = [by_code[c] for c in sectors]
    z = numbers(t, products, sector_cols)
    y = numbers(t, products, [t.column(c) for c in ONS_FINAL_DEMAND]).sum(axis=1)
    x = numbers(t, [t.row("Total output")], sector_cols)[0]
    comp = numbers(t, [t.row("Compensation of employees")], sector_cols)[0]
    return assemble_table(
        sectors=sectors,
        labels=[r.cells[1].strip() for r in products],
        flows=z,
        gross=x,
        final_demand=y,
        primary={"compensation": comp},
        units={"output": "GBP million", "compensation": "GBP million"},
        source=f"ons-2010: UK ONS input-output analytical tables 2010, pxp ({t.name})",
    )


def read_wiod_2014(directory: PathLike) -> IOTable:
    """WIOD 2016 release, USA national IO table for 2014 (56 industries) with the SEA.

    Reads ``usa2014_Z_domestic.csv`` (domestic flows; imported intermediates are not part of
    ``A``), ``usa2014_Y_domestic.csv`` (the six final-demand columns are summed),
    ``usa2014_primary_rows.csv`` (``GO`` row as ``x``) and ``usa2014_SEA.csv``: primary
    inputs ``hours`` (``H_EMPE``, million hours worked by employees), ``employment``
    (``EMP``, thousand persons) and ``compensation`` (``COMP``, million USD). Industry U
    has no output in the USA and is dropped.
    """
    d = table_folder(directory)
    zt = read_csv(d / "usa2014_Z_domestic.csv")
    sectors = [h.strip() for h in zt.header[1:]]
    perm = align(sectors, zt.codes(), lambda i: f"{zt.name}, row {zt.rows[i].line}", "its header")
    z = numbers(zt, zt.rows, range(1, len(zt.header)))[perm]
    _, fd = code_vector(d / "usa2014_Y_domestic.csv", sectors, zt.name)
    pt = read_csv(d / "usa2014_primary_rows.csv")
    cols = align(
        sectors, [h.strip() for h in pt.header[1:]], lambda i: f"{pt.name}, column {i + 2}", zt.name
    )
    x = numbers(pt, [pt.row("GO")], range(1, len(pt.header)))[0][cols]

    sea = read_csv(d / "usa2014_SEA.csv")
    rows = align(sectors, sea.codes(), lambda i: f"{sea.name}, row {sea.rows[i].line}", zt.name)
    sea_rows = [sea.rows[i] for i in rows]
    labels = [r.cells[sea.column("description")].strip() for r in sea_rows]

    def sea_col(name: str) -> np.ndarray:
        return numbers(sea, sea_rows, [sea.column(name)])[:, 0]

    notes = ["domestic flows only: imported intermediate inputs are not part of A"]
    go_sea = sea_col("GO")
    gap = np.abs(go_sea - x) / np.maximum(np.abs(x), 1e-300)
    if np.any(gap[x > 0] > BALANCE_RTOL):
        notes.append(
            "SEA gross output differs from the NIOT GO row by up to "
            f"{gap[x > 0].max():.3g} (relative)"
        )
    primary = {
        "hours": sea_col("H_EMPE"),
        "employment": sea_col("EMP"),
        "compensation": sea_col("COMP"),
    }
    units = {
        "output": "million USD",
        "hours": "million hours worked by employees",
        "employment": "thousand persons",
        "compensation": "million USD",
    }
    return assemble_table(
        sectors=sectors,
        labels=labels,
        flows=z,
        gross=x,
        final_demand=fd.sum(axis=1),
        primary=primary,
        units=units,
        notes=notes,
        source=f"wiod-2014: WIOD 2016 release, USA 2014 national IO table and SEA ({d})",
    )


def read_bea_2007(directory: PathLike) -> IOTable:
    """US BEA 2007 benchmark, 389 commodities, Make and Use before redefinitions.

    Commodity-by-commodity coefficients under the industry-technology assumption:
    ``B = U[commodity, industry] / g``, ``D = V[industry, commodity] / q`` (market shares),
    ``A = B D``; compensation per unit of each commodity ``(V00100 / g) D``, stored as
    absolute amounts ``* q``; ``y`` the row sum of the 20 ``F*`` final-demand columns (net
    of imports, so some entries are negative); ``x = q``. The two commodities with ``q = 0``
    (used goods, noncomparable imports) are dropped, with their intermediate use and final
    demand noted. ``NA`` cells are read as 0.
    """
    d = table_folder(directory)
    use = read_csv(d / "389_Use_2007_PRO_BeforeRedef.csv")
    make = read_csv(d / "389_Make_2007_PRO_BeforeRedef.csv")
    na = ("", "NA")
    heads = [h.strip() for h in use.header]
    n_ind = heads.index("T001") - 1
    industries = heads[1 : n_ind + 1]
    use_codes = use.codes()
    n_com = use_codes.index("T005")
    commodities = use_codes[:n_com]
    com_rows = use.rows[:n_com]

    ind_in_make = align(
        industries, make.codes()[:-1], lambda i: f"{make.name}, row {make.rows[i].line}", use.name
    )
    if make.rows[-1].key != "T007":
        raise IOTableError(f"{make.name}, row {make.rows[-1].line}: expected the T007 row last")
    make_heads = [h.strip() for h in make.header]
    com_in_make = align(
        commodities, make_heads[1:-1], lambda i: f"{make.name}, column {i + 2}", use.name
    )
    if make_heads[-1] != "T008":
        raise IOTableError(f"{make.name}: expected the T008 column last")
    make_ind_rows = [make.rows[i] for i in ind_in_make]
    v = numbers(make, make_ind_rows, [int(c) + 1 for c in com_in_make], na)
    g = numbers(make, make_ind_rows, [len(make_heads) - 1], na)[:, 0]
    q = numbers(make, [make.rows[-1]], [int(c) + 1 for c in com_in_make], na)[0]
    u = numbers(use, com_rows, range(1, n_ind + 1), na)
    f_cols = [c for c, h in enumerate(heads) if h.startswith("F")]
    y_full = numbers(use, com_rows, f_cols, na).sum(axis=1)
    comp_ind = numbers(use, [use.row("V00100")], range(1, n_ind + 1), na)[0]

    notes = [
        "industry-technology assumption: A = B D with B = U/g, D = V/q",
        f"final demand = sum of {len(f_cols)} F* columns, net of imports (F05000)",
    ]
    gap_q = np.abs(v.sum(axis=0) - q).max()
    gap_g = np.abs(v.sum(axis=1) - g).max()
    if gap_q or gap_g:
        notes.append(
            f"published totals T007 (q) and T008 (g) differ from the sums of the Make cells by "
            f"up to {max(gap_q, gap_g):.6g} (rounding); the published totals are used"
        )
    for what, m in (("Use", u), ("Make", v)):
        if np.any(m < 0):
            notes.append(f"{int((m < 0).sum())} negative cell(s) in the {what} table")
    if np.any(g <= 0):
        bad = [industries[i] for i in np.flatnonzero(g <= 0)]
        raise IOTableError(f"{make.name}: industries with non-positive output {bad}")

    inv_q = np.divide(1.0, q, out=np.zeros_like(q), where=q != 0)
    b = u / g[np.newaxis, :]
    dmat = v * inv_q[np.newaxis, :]
    a = b @ dmat
    comp = (comp_ind / g) @ dmat * q

    zero = np.flatnonzero(q == 0)
    if len(zero):
        use_total = u[zero].sum(axis=1)
        notes.append(
            f"dropped {len(zero)} commodit{'y' if len(zero) == 1 else 'ies'} with zero output q: "
            + "; ".join(
                f"{commodities[i]} (intermediate use {use_total[k]:.6g} left out of A, "
                f"final demand {y_full[i]:.6g} left out of y)"
                for k, i in enumerate(zero)
            )
        )
    keep = np.flatnonzero(q != 0)
    return assemble_table(
        sectors=[commodities[i] for i in keep],
        labels=[commodities[i] for i in keep],
        coefficients=a[np.ix_(keep, keep)],
        gross=q[keep],
        final_demand=y_full[keep],
        primary={"compensation": comp[keep]},
        units={"output": "million USD (2007, producer prices)", "compensation": "million USD"},
        notes=notes,
        source=f"bea-2007: US BEA 2007 benchmark, 389 detail, Make/Use before redefinitions ({d})",
    )
