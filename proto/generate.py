"""Generate the Python modules of the gRPC contract into ``server/api``.

Usage::

    python proto/generate.py          # regenerate server/api/planning/v1/*_pb2*.py(i)
    python proto/generate.py --check  # exit 1 if the committed modules are out of date

The ``.proto`` files under ``proto/planning/v1`` are the source of truth. They are compiled
under their canonical names (``planning/v1/planning.proto``, as reflection serves them and
as a client in another language compiles them), and the modules are then placed in
``server/api/planning/v1`` with their imports rewritten to ``server.api.planning.v1``, so
that they import each other inside our own package instead of as a top-level ``planning``
package. The output depends on the grpcio-tools version, which the ``dev`` extra pins.
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import sys
import tempfile
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROTO_ROOT = ROOT / "proto"
PACKAGE_ROOT = "server/api"  # where `planning/v1/...` lands, as an import path
SOURCES = sorted(p.relative_to(PROTO_ROOT) for p in (PROTO_ROOT / "planning").rglob("*.proto"))


def generate(out: Path) -> list[Path]:
    """Compile every ``.proto`` into ``out``; returns the generated files (relative)."""
    from grpc_tools import protoc

    well_known = resources.files("grpc_tools") / "_proto"
    raw = out / "_protoc"
    raw.mkdir()
    args = [
        "grpc_tools.protoc",
        f"-I{PROTO_ROOT}",
        f"-I{well_known}",
        f"--python_out={raw}",
        f"--pyi_out={raw}",
        f"--grpc_python_out={raw}",
        *(source.as_posix() for source in SOURCES),
    ]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed")
    package = PACKAGE_ROOT.replace("/", ".")
    files = []
    for made in sorted(p for p in raw.rglob("*") if p.is_file()):
        relative = made.relative_to(raw)
        text = made.read_text()
        # `planning.v1` lives inside our package: its modules import each other from there
        text = text.replace("from planning.v1 import", f"from {package}.planning.v1 import")
        text = text.replace(  # the module the message classes say they are in
            "(DESCRIPTOR, 'planning.v1.", f"(DESCRIPTOR, '{package}.planning.v1."
        )
        target = out / PACKAGE_ROOT / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        files.append(target.relative_to(out))
    shutil.rmtree(raw)
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare, write nothing")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        files = generate(Path(tmp))
        stale = [
            f
            for f in files
            if not (ROOT / f).exists() or not filecmp.cmp(Path(tmp) / f, ROOT / f, shallow=False)
        ]
        # generated modules whose .proto is gone
        generated = ROOT / PACKAGE_ROOT
        orphans = [
            p.relative_to(ROOT)
            for p in generated.rglob("*_pb2*")
            if p.suffix in (".py", ".pyi") and p.relative_to(ROOT) not in set(files)
        ]
        if args.check:
            for f in stale:
                print(f"out of date: {f} (run python proto/generate.py)", file=sys.stderr)
            for f in orphans:
                print(f"no .proto makes {f} any more: delete it", file=sys.stderr)
            return 1 if stale or orphans else 0
        for f in files:
            (ROOT / f).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(Path(tmp) / f, ROOT / f)
            print(f"wrote {f}")
        for f in orphans:
            (ROOT / f).unlink()
            print(f"deleted {f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
