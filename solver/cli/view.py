"""``parplan view LEDGER_DIR ...``: a read-only web page per session, from ledgers that
``parplan plan --ledger DIR`` (or a server) wrote (:mod:`solver.planning.ledger_view`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from solver.cli.common import EXIT_BAD_INPUT, EXIT_OK
from solver.planning.ledger import LedgerError
from solver.usecases import ledger_page

__all__ = ["run_view", "view_server"]


def _handler(folders: Sequence[Path]) -> type[BaseHTTPRequestHandler]:
    class LedgerPages(BaseHTTPRequestHandler):
        """``/`` and ``/session/K[?round=N]``: pages; anything else 404; GET and HEAD only."""

        def do_GET(self) -> None:  # the name http.server calls
            url = urlsplit(self.path)
            parts = [p for p in url.path.split("/") if p]
            try:
                if not parts:
                    session = 0
                elif len(parts) == 2 and parts[0] == "session" and parts[1].isdigit():
                    session = int(parts[1])
                else:
                    self._send(HTTPStatus.NOT_FOUND, f"no page {url.path}: try /")
                    return
                wanted = parse_qs(url.query).get("round", [])
                if wanted and not wanted[0].isdigit():
                    raise LedgerError(f"round: a round number, got {wanted[0]!r}")
                page = ledger_page(folders, session, int(wanted[0]) if wanted else None)
            except LedgerError as err:
                self._send(HTTPStatus.NOT_FOUND, str(err))
                return
            self._send(HTTPStatus.OK, page, "text/html")

        def do_HEAD(self) -> None:
            self.do_GET()

        def _send(self, status: HTTPStatus, body: str, kind: str = "text/plain") -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header(
                "Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'"
            )
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: a page view is not news."""

    return LedgerPages


def view_server(folders: Sequence[Path], host: str, port: int) -> ThreadingHTTPServer:
    """A server of the ledgers' pages (checked to be ledgers first), not yet serving."""
    for k in range(len(folders)):
        ledger_page(folders, k)  # a folder that is not a ledger is refused before serving
    return ThreadingHTTPServer((host, port), _handler(list(folders)))


def run_view(args: argparse.Namespace) -> int:
    """Serve the pages until interrupted; print the address first."""
    try:
        server = view_server(args.ledgers, args.host, args.port)
    except LedgerError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    host, port = str(server.server_address[0]), int(server.server_address[1])
    print(f"serving http://{host}:{port}/ (read-only; Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return EXIT_OK
