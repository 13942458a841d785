"""Benchmark ``parplan import-io`` + ``parplan solve`` against pymrio's ``calc_all`` on the
same input-output tables, from the files on disk to the labour values.

Each table is written once in the generic layout (:mod:`solver.economy.io.readers`): the
US BEA 2007 detail table (``tests/data``, 387 sectors after its two empty ones are dropped)
and synthetic tables whose sectors each buy from ``--inputs`` others (coefficients summing
to 0.2-0.6, labour per unit of output drawn, gross output ``x = L y``), in the wide layout
up to ``--wide-up-to`` sectors and in long form (``flows_long.csv``) above. Then, side by
side in one run:

* ours as a user runs it: ``python -m solver.cli import-io DIR -o economy.json`` and
  ``python -m solver.cli solve economy.json --json``, two processes, wall time each;
* ours in one process: read the table, build the economy, check and solve the round;
* pymrio as an IO economist runs it, in its own process: pandas reads the same files,
  ``IOSystem`` with the labour row as an extension, ``calc_all``; the time of the whole
  process, and of ``calc_all`` alone. Above ``--pymrio-up-to`` sectors it is not run: its
  dense ``L`` alone needs ``8 n^2`` bytes.

A size ``N:K`` gives ``N`` sectors buying from ``K`` others each: ``3000:1500`` is a table as
dense as the BEA's (57 % of its coefficients are non-zero).

The prices (our round's duals) are compared with pymrio's labour multipliers ``M``.
Processes on tables of up to 3,000 sectors take a second or two, where one run is at the
mercy of the machine's noise: each is run three times and the median taken. The solver's
bytecode is compiled first, as ``pip install`` does, so that no command pays for it.

    python benchmarks/bench_io.py --sizes bea 1000 3000 3000:1500 10000 100000
"""

from __future__ import annotations

import argparse
import compileall
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from bench_common import machine, peak_rss_gib, solver_version

from solver.economy.io import economy_from_io_table, read_io_table
from solver.usecases import solve_round

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
MEDIAN_UP_TO = 3000  # sectors: processes this small take a second or two, so median of three

PYMRIO_SCRIPT = r"""
import sys, time, json
started = time.perf_counter()
import numpy as np, pandas as pd, pymrio
imported = time.perf_counter()
folder, out = sys.argv[1], sys.argv[2]
y = pd.read_csv(f"{folder}/final_demand.csv", index_col=0).sum(axis=1)
codes = pd.Index(y.index.astype(str))
x = pd.read_csv(f"{folder}/gross_output.csv", index_col=0).iloc[:, 0].reindex(codes)
try:
    z = pd.read_csv(f"{folder}/flows.csv", index_col=0).fillna(0.0).reindex(
        index=codes, columns=codes)
except FileNotFoundError:
    long = pd.read_csv(f"{folder}/flows_long.csv", dtype={"supplier": str, "user": str})
    dense = np.zeros((len(codes), len(codes)))
    dense[codes.get_indexer(long["supplier"]), codes.get_indexer(long["user"])] = long["value"]
    z = pd.DataFrame(dense, index=codes, columns=codes)
f = pd.read_csv(f"{folder}/primary_inputs.csv", index_col=0)[list(codes)]
f = f.loc[[f.index[0]]]
sectors = pd.MultiIndex.from_product([["r"], codes], names=["region", "sector"])
z.index = z.columns = sectors
final = pd.DataFrame({("r", "final demand"): y.to_numpy()}, index=sectors)
final.columns = pd.MultiIndex.from_tuples(final.columns, names=["region", "category"])
f.columns = sectors
read = time.perf_counter()
io = pymrio.IOSystem(Z=z, Y=final, x=pd.DataFrame({"indout": x.to_numpy()}, index=sectors))
io.labour = pymrio.Extension(name="labour", F=f)
io.calc_all()
done = time.perf_counter()
np.save(out, io.labour.M.to_numpy()[0])
print(json.dumps({"import": imported - started, "read": read - imported,
                  "calc_all": done - read}))
"""


def write_bea(folder: Path) -> None:
    """The BEA 2007 detail table (387 sectors) in the generic wide layout."""
    table = read_io_table(DATA / "bea_2007_detail_389", "bea-2007")
    _write(
        folder,
        table.sectors,
        np.asarray(table.flows),
        table.y,
        table.x,
        table.primary["compensation"],
        wide=True,
    )


def write_synthetic(folder: Path, n: int, inputs: int, seed: int, wide: bool) -> None:
    """A productive table of ``n`` sectors, each buying from ``inputs`` others."""
    rng = np.random.default_rng(seed)
    k = min(inputs, n)
    cols = np.repeat(np.arange(n), k)
    rows = np.concatenate([rng.choice(n, size=k, replace=False) for _ in range(n)])
    weights = rng.uniform(size=n * k).reshape(n, k)
    share = rng.uniform(0.2, 0.6, size=n)  # intermediate inputs per unit of output
    data = (weights / weights.sum(axis=1, keepdims=True) * share[:, None]).ravel()
    a = sp.csr_array(sp.coo_array((data, (rows, cols)), shape=(n, n)))
    y = rng.uniform(10.0, 1000.0, size=n)
    x = y.copy()
    for _ in range(200):  # x = y + A x: the column sums below 0.6 make this contract
        new = y + a @ x
        if np.abs(new - x).max() <= 1e-13 * new.max():
            break
        x = new
    flows = a @ sp.diags_array(x)
    labour = rng.uniform(0.2, 1.0, size=n) * (1.0 - share) * x
    codes = [f"s{i:06d}" for i in range(n)]
    _write(folder, codes, flows.toarray() if wide else sp.coo_array(flows), y, x, labour, wide)


def _write(
    folder: Path,
    codes: list[str],
    flows: np.ndarray | sp.coo_array,
    y: np.ndarray,
    x: np.ndarray,
    labour: np.ndarray,
    wide: bool,
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if wide:
        frame = pd.DataFrame(np.asarray(flows), index=pd.Index(codes, name="code"), columns=codes)
        frame.to_csv(folder / "flows.csv", float_format="%.10g")
    else:
        coo = sp.coo_array(flows)
        pd.DataFrame(
            {
                "supplier": np.asarray(codes)[coo.row],
                "user": np.asarray(codes)[coo.col],
                "value": coo.data,
            }
        ).to_csv(folder / "flows_long.csv", index=False, float_format="%.10g")
    index = pd.Index(codes, name="code")
    pd.DataFrame({"final": y}, index=index).to_csv(
        folder / "final_demand.csv", float_format="%.12g"
    )
    pd.DataFrame({"value": x}, index=index).to_csv(
        folder / "gross_output.csv", float_format="%.12g"
    )
    pd.DataFrame([labour], index=pd.Index(["labour"], name="name"), columns=codes).to_csv(
        folder / "primary_inputs.csv", float_format="%.12g"
    )


def _timed(command: list[str], out: Path | None = None) -> float:
    started = time.perf_counter()
    with open(out, "w") if out is not None else open("/dev/null", "w") as sink:
        subprocess.run(command, check=True, stdout=sink, stderr=subprocess.PIPE)
    return time.perf_counter() - started


def _median(command: list[str], repeats: int, out: Path | None = None) -> float:
    return float(np.median([_timed(command, out) for _ in range(repeats)]))


def _row(label: str, folder: Path, pymrio_up_to: int, repeats: int) -> str:
    work = folder / "work"
    work.mkdir(exist_ok=True)
    cli = [sys.executable, "-m", "solver.cli"]
    economy_file = work / "economy.json"
    import_s = _median([*cli, "import-io", str(folder), "-o", str(economy_file)], repeats)
    solve_s = _median([*cli, "solve", str(economy_file), "--json"], repeats, work / "round.json")
    ours = json.loads((work / "round.json").read_text())

    started = time.perf_counter()
    table = read_io_table(folder)
    read_s = time.perf_counter() - started
    economy = economy_from_io_table(table, next(iter(table.primary)))
    convert_s = time.perf_counter() - started - read_s
    result = solve_round(economy)
    in_process = time.perf_counter() - started
    price = np.array([ours["prices"][c] for c in table.sectors])
    assert result.price is not None
    assert np.allclose(result.price, price, rtol=1e-9)

    n, nnz = table.n, int(sp.csc_array(table.A).nnz)
    layout = "wide" if (folder / "flows.csv").is_file() else "long"
    if n <= pymrio_up_to:
        runs = []
        for _ in range(repeats):
            started = time.perf_counter()
            run = subprocess.run(
                [sys.executable, "-c", PYMRIO_SCRIPT, str(folder), str(work / "m.npy")],
                check=True,
                capture_output=True,
                text=True,
            )
            inner = json.loads(run.stdout.strip().splitlines()[-1])
            runs.append((time.perf_counter() - started, inner))
        pymrio_s, inner = sorted(runs, key=lambda r: r[0])[len(runs) // 2]
        multipliers = np.load(work / "m.npy")
        gap = float(np.max(np.abs(price - multipliers) / np.maximum(np.abs(multipliers), 1e-300)))
        mrio = (
            f"{pymrio_s:.2f} | {inner['read'] + inner['calc_all']:.2f} | {inner['calc_all']:.2f} | "
            f"{pymrio_s / (import_s + solve_s):.2f}x | "
            f"{(inner['read'] + inner['calc_all']) / in_process:.2f}x | {gap:.1e}"
        )
    else:
        mrio = f"not run: its dense L alone needs {8 * n * n / 2**30:,.0f} GiB | – | – | – | – | –"
    return (
        f"| {label} | {n:,} | {nnz:,} | {layout} | {import_s:.2f} | {solve_s:.2f} | "
        f"{import_s + solve_s:.2f} | {read_s:.2f} + {convert_s:.2f} + "
        f"{in_process - read_s - convert_s:.2f} = {in_process:.2f} | {ours['method']} | {mrio} |"
    )


def main(argv: list[str] | None = None) -> int:
    """Write each table, run both sides, write the report (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        nargs="+",
        default=["bea", "1000", "3000", "3000:1500", "10000", "100000"],
        help="bea, or N sectors, or N:K for N sectors with K inputs each",
    )
    parser.add_argument("--inputs", type=int, default=40, help="inputs per synthetic sector")
    parser.add_argument("--wide-up-to", type=int, default=3000)
    parser.add_argument("--pymrio-up-to", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/io.md"))
    args = parser.parse_args(argv)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    compileall.compile_dir(Path(__file__).resolve().parents[1] / "solver", quiet=1)
    lines = [
        "# `parplan import-io` + `parplan solve` against pymrio's `calc_all`",
        "",
        f"`python benchmarks/bench_io.py --sizes {' '.join(args.sizes)} --inputs {args.inputs}`"
        f", {started}; {machine()}; {solver_version()}. All rows from one run; both "
        "sides read the same files of the generic layout. Seconds; tables of up to "
        f"{MEDIAN_UP_TO:,} sectors: the median of three runs of each process. *ratio*: "
        "pymrio's time over ours (above 1: ours is faster). *price gap*: the largest "
        "relative difference between our prices and pymrio's labour multipliers.",
        "",
        "| table | sectors | coefficients | layout | import-io | solve | ours, two commands | "
        "ours in one process: read + build + solve | method | pymrio, whole script | pymrio "
        "read + calc_all | of which calc_all | ratio, commands | ratio, in process | price gap |",
        "|---|---:|---:|---|---:|---:|---:|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            folder = Path(tmp) / size
            if size == "bea":
                write_bea(folder)
                label, n = "BEA 2007 detail", 387
            else:
                n, _, k = size.partition(":")
                n, inputs = int(n), int(k or args.inputs)
                write_synthetic(folder, n, inputs, args.seed, wide=n <= args.wide_up_to)
                label = f"synthetic, {min(inputs, n)} inputs per sector"
            repeats = 3 if n <= MEDIAN_UP_TO else 1
            lines.append(_row(label, folder, args.pymrio_up_to, repeats))
            print(lines[-1], flush=True)
    starts = sorted(_timed([sys.executable, "-m", "solver.cli", "--version"]) for _ in range(3))
    imports = sorted(
        _timed([sys.executable, "-c", "import numpy, pandas, pymrio"]) for _ in range(3)
    )
    lines += [
        "",
        f"Starting a command, before any work (`python -m solver.cli --version`, median of "
        f"3): {starts[1]:.2f} s; each of our two commands pays it. pymrio's script pays "
        f"`import numpy, pandas, pymrio` once: {imports[1]:.2f} s.",
        "",
        f"Peak memory of the benchmark process (ours in one process): {peak_rss_gib():.1f} GiB.",
    ]
    args.out.write_text("\n".join(lines) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
