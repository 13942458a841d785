"""``parplan-server``: run the planning service, or a demo session with two live councils."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path

from .app import DEFAULT_MAX_MESSAGE_MB, DEFAULT_MAX_UPLOAD_MB, ServerConfig, run_server
from .auth import new_token
from .health import MAX_WATCHERS

TOKEN_ENV = "PARPLAN_ADMIN_TOKEN"


def admin_token(args: argparse.Namespace) -> str:
    """``--admin-token``, else ``$PARPLAN_ADMIN_TOKEN``, else the token file beside the
    database (created with a new random token, readable by its owner only)."""
    if args.admin_token:
        return str(args.admin_token)
    if os.environ.get(TOKEN_ENV):
        return os.environ[TOKEN_ENV]
    path = Path(f"{args.db}.admin-token")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(new_token() + "\n")
        print(f"admin token written to {path}", file=sys.stderr)
    return path.read_text().strip()


def _cmd_serve(args: argparse.Namespace) -> int:
    config = ServerConfig(
        database=args.db,
        admin_token=admin_token(args),
        address=f"{args.host}:{args.port}",
        max_message_mb=args.max_message_mb,
        max_upload_mb=args.max_upload_mb,
        solve_workers=args.solve_workers,
        tls_cert=args.tls_cert,
        tls_key=args.tls_key,
        grace_seconds=args.grace,
        max_health_watchers=args.max_health_watchers,
    )
    asyncio.run(run_server(config))
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from .live_demo import run_demo

    token = args.admin_token or os.environ.get(TOKEN_ENV)
    if not token:
        token = Path(f"{args.db}.admin-token").read_text().strip()
    return run_demo(args.target, token, example=args.example, councils=args.council)


def main(argv: list[str] | None = None) -> int:
    """``parplan-server``: parse the command line and run ``serve`` or ``demo``."""
    parser = argparse.ArgumentParser(prog="parplan-server", description=__doc__)
    parser.add_argument("--log-level", default="INFO")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the gRPC planning service")
    serve.add_argument("--db", type=Path, default=Path("parplan.db"), help="SQLite database")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=50051, help="0: any free port")
    serve.add_argument(
        "--admin-token",
        help=f"token of management calls (default: ${TOKEN_ENV}, else DB.admin-token)",
    )
    serve.add_argument(
        "--max-message-mb",
        type=int,
        default=DEFAULT_MAX_MESSAGE_MB,
        help="largest message either way (MiB)",
    )
    serve.add_argument(
        "--max-upload-mb",
        type=int,
        default=DEFAULT_MAX_UPLOAD_MB,
        help="largest economy streamed by UploadEconomy (MiB)",
    )
    serve.add_argument("--solve-workers", type=int, default=2, help="threads that solve rounds")
    serve.add_argument("--tls-cert", type=Path, help="PEM certificate (with --tls-key)")
    serve.add_argument("--tls-key", type=Path, help="PEM private key (with --tls-cert)")
    serve.add_argument("--grace", type=float, default=5.0, help="seconds to finish calls")
    serve.add_argument(
        "--max-health-watchers",
        type=int,
        default=MAX_WATCHERS,
        help="most grpc.health.v1.Health/Watch streams open at once (more: RESOURCE_EXHAUSTED)",
    )
    serve.set_defaults(func=_cmd_serve)

    demo = sub.add_parser("demo", help="a planning session with two live councils")
    demo.add_argument("--target", default="127.0.0.1:50051")
    demo.add_argument("--db", type=Path, default=Path("parplan.db"), help="for its token file")
    demo.add_argument("--admin-token", help=f"default: ${TOKEN_ENV}, else DB.admin-token")
    demo.add_argument("--example", default="planning-town")
    demo.add_argument(
        "--council", action="append", help="a live council (repeat; default: two of them)"
    )
    demo.set_defaults(func=_cmd_demo)

    args = parser.parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        return int(args.func(args))
    except (ValueError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
