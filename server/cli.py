"""``parplan-server``: run the planning service, or a demo session with two live councils."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path

from solver import __version__
from solver.usecases import port, positive_count, positive_seconds, seconds

from .app import (
    DEFAULT_MAX_MESSAGE_MB,
    DEFAULT_MAX_UPLOAD_MB,
    MAX_PENDING_CALLS,
    MIN_ADMIN_TOKEN,
    ServerConfig,
    run_server,
)
from .auth import new_token
from .client_errors import PlanningError
from .health import MAX_WATCHERS
from .services.planning import MAX_SESSION_WATCHERS, WATCH_IDLE_SECONDS
from .sessions import CLOSE_LEASE
from .store import StoreError, is_postgres_url

TOKEN_ENV = "PARPLAN_ADMIN_TOKEN"
DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 50051


def admin_token(args: argparse.Namespace, *, create: bool) -> str:
    """``$PARPLAN_ADMIN_TOKEN``, else ``--admin-token-file``, else the token file beside the
    database (where ``create``, made with a new random token, readable by its owner only).

    Never from the command line, where every user of the machine could read it in the
    process table; at least :data:`~server.app.MIN_ADMIN_TOKEN` characters.
    """
    if os.environ.get(TOKEN_ENV):
        token, source = os.environ[TOKEN_ENV].strip(), f"${TOKEN_ENV}"
    else:
        if args.admin_token_file is None and is_postgres_url(args.db):
            raise ValueError(
                f"admin token: with a PostgreSQL store give ${TOKEN_ENV} or --admin-token-file "
                "(there is no file beside the database to keep one in)"
            )
        path = args.admin_token_file or Path(f"{args.db}.admin-token")
        if not path.exists() and create and args.admin_token_file is None:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as out:
                out.write(new_token() + "\n")
            print(f"admin token written to {path}", file=sys.stderr)
        if not path.exists():
            raise ValueError(
                f"admin token: no ${TOKEN_ENV} and no file {path} (give --admin-token-file)"
            )
        token, source = path.read_text().strip(), str(path)
    if len(token) < MIN_ADMIN_TOKEN:
        raise ValueError(
            f"admin token: at least {MIN_ADMIN_TOKEN} characters, the one in {source} has "
            f"{len(token)}; make one with: python -c 'import secrets; "
            "print(secrets.token_urlsafe(32))'"
        )
    return token


def _cmd_serve(args: argparse.Namespace) -> int:
    if args.target is not None:
        if (args.host, args.port) != (DEFAULT_HOST, DEFAULT_PORT):
            raise ValueError("--target: give --target, or --host and --port, not both")
        host, _, port = args.target.rpartition(":")
        if not host or not port.isdigit():
            raise ValueError(f"--target: HOST:PORT, e.g. 127.0.0.1:50051, got {args.target!r}")
    config = ServerConfig(
        database=args.db,
        admin_token=admin_token(args, create=True),
        address=args.target or f"{args.host}:{args.port}",
        max_message_mb=args.max_message_mb,
        max_upload_mb=args.max_upload_mb,
        solve_workers=args.solve_workers,
        tls_cert=args.tls_cert,
        tls_key=args.tls_key,
        grace_seconds=args.grace,
        max_health_watchers=args.max_health_watchers,
        max_session_watchers=args.max_session_watchers,
        max_pending_calls=args.max_pending_calls,
        watch_idle_seconds=args.watch_idle_seconds or None,
        close_lease_seconds=args.close_lease_seconds,
        create=args.init,
    )
    asyncio.run(run_server(config))
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from .live_demo import run_demo

    token = admin_token(args, create=False)
    return run_demo(args.target, token, example=args.example, councils=args.council)


def main(argv: list[str] | None = None) -> int:
    """``parplan-server``: parse the command line and run ``serve`` or ``demo``."""
    parser = argparse.ArgumentParser(prog="parplan-server", description=__doc__, allow_abbrev=False)
    parser.add_argument("--log-level", default="INFO")
    parser.add_argument("--version", action="version", version=f"parplan-server {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    # no abbreviations: --admin-token must not pass for --admin-token-file
    serve = sub.add_parser("serve", help="run the gRPC planning service", allow_abbrev=False)
    serve.add_argument(
        "--db",
        default="parplan.db",
        help="the store: an SQLite file, or postgresql://user@host:port/database, which "
        "several servers may share (password from $PGPASSWORD or ~/.pgpass)",
    )
    serve.add_argument("--host", default=DEFAULT_HOST, help="address to listen on")
    serve.add_argument("--port", type=port, default=DEFAULT_PORT, help="0: any free port")
    serve.add_argument(
        "--target",
        default=None,
        metavar="HOST:PORT",
        help="where to listen, as the demo and clients name the server (instead of "
        "--host and --port)",
    )
    serve.add_argument(
        "--init",
        action="store_true",
        help="create the store if there is none (without it a missing or empty file is "
        "refused, so that a mistyped --db cannot start an empty service); with PostgreSQL, "
        "the service's tables in an existing database",
    )
    serve.add_argument(
        "--admin-token-file",
        type=Path,
        help=f"file holding the token of management calls, at least {MIN_ADMIN_TOKEN} "
        f"characters (default: ${TOKEN_ENV}, else DB.admin-token, made on first start)",
    )
    serve.add_argument(
        "--max-message-mb",
        type=positive_count,
        default=DEFAULT_MAX_MESSAGE_MB,
        help="largest message either way (MiB)",
    )
    serve.add_argument(
        "--max-upload-mb",
        type=positive_count,
        default=DEFAULT_MAX_UPLOAD_MB,
        help="largest economy streamed by UploadEconomy (MiB)",
    )
    serve.add_argument(
        "--solve-workers", type=positive_count, default=2, help="threads that solve rounds"
    )
    serve.add_argument("--tls-cert", type=Path, help="PEM certificate (with --tls-key)")
    serve.add_argument("--tls-key", type=Path, help="PEM private key (with --tls-cert)")
    serve.add_argument("--grace", type=seconds, default=5.0, help="seconds to finish calls")
    serve.add_argument(
        "--max-health-watchers",
        type=positive_count,
        default=MAX_WATCHERS,
        help="most grpc.health.v1.Health/Watch streams open at once (more: RESOURCE_EXHAUSTED)",
    )
    serve.add_argument(
        "--max-pending-calls",
        type=positive_count,
        default=MAX_PENDING_CALLS,
        help="calls that may wait to be taken up (gRPC's own default, 1,000, cancels calls "
        "of a burst)",
    )
    serve.add_argument(
        "--max-session-watchers",
        type=positive_count,
        default=MAX_SESSION_WATCHERS,
        help="most WatchSession streams open at once (more: RESOURCE_EXHAUSTED)",
    )
    serve.add_argument(
        "--watch-idle-seconds",
        type=seconds,
        default=WATCH_IDLE_SECONDS,
        help="a WatchSession stream waiting this long for a round ends with UNAVAILABLE (0: never)",
    )
    serve.add_argument(
        "--close-lease-seconds",
        type=positive_seconds,
        default=CLOSE_LEASE,
        help="how long a round's close is held before it is renewed; where this server "
        "dies mid-close, another sharing the store takes it over after this long",
    )
    serve.set_defaults(func=_cmd_serve)

    demo = sub.add_parser(
        "demo", help="a planning session with two live councils", allow_abbrev=False
    )
    demo.add_argument("--target", default="127.0.0.1:50051")
    demo.add_argument("--db", default="parplan.db", help="for its token file")
    demo.add_argument(
        "--admin-token-file", type=Path, help=f"default: ${TOKEN_ENV}, else DB.admin-token"
    )
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
    except (ValueError, OSError, StoreError) as err:
        print(f"parplan-server: {err}", file=sys.stderr)
        return 2
    except PlanningError as err:  # the demo's calls: one line, not a traceback
        print(f"parplan-server: {err.message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
