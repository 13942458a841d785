"""The service in a child process, for tests, benchmarks and scripts that need a real server."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from collections import deque
from pathlib import Path

from .store import is_postgres_url

__all__ = ["ServerProcess"]


class ServerProcess:
    """``parplan-server serve`` on a free localhost port, until :meth:`stop` or :meth:`kill`.

    Parameters
    ----------
    database
        SQLite file; a restarted process on the same file continues where the last one was.
    admin_token
        Passed through ``$PARPLAN_ADMIN_TOKEN``.
    extra_args
        More ``serve`` options, e.g. ``["--max-message-mb", "1"]``.
    init
        Start with ``--init`` (create the store if there is none).
    """

    def __init__(
        self,
        database: Path | str,
        admin_token: str,
        extra_args: list[str] | None = None,
        *,
        init: bool = True,
    ) -> None:
        self.init = init
        # an SQLite file, or a postgresql:// URL
        self.database: Path | str = database if is_postgres_url(database) else Path(database)
        self.admin_token = admin_token
        self.extra_args = list(extra_args or [])
        self.process: subprocess.Popen[str] | None = None
        self.port = 0
        self.output: deque[str] = deque(maxlen=2000)
        self._ended_on_purpose = False

    @property
    def target(self) -> str:
        """The ``host:port`` the server listens on."""
        return f"127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> ServerProcess:
        """Start and wait until the server listens."""
        command = [
            sys.executable,
            # a crash in native code (a solver, a driver) leaves every thread's stack in output
            "-X",
            "faulthandler",
            "-m",
            "server",
            "--log-level",
            "WARNING",
            "serve",
            "--db",
            str(self.database),
            "--port",
            "0",
            *(["--init"] if self.init else []),
            *self.extra_args,
        ]
        env = os.environ | {"PARPLAN_ADMIN_TOKEN": self.admin_token}
        self._ended_on_purpose = False
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            cwd=Path(__file__).resolve().parent.parent,
        )
        listening = threading.Event()
        stream = self.process.stdout
        assert stream is not None

        def read() -> None:
            for line in stream:
                self.output.append(line.rstrip())
                found = re.match(r"listening on .*:(\d+)$", line.strip())
                if found:
                    self.port = int(found.group(1))
                    listening.set()

        threading.Thread(target=read, daemon=True).start()
        if not listening.wait(timeout):
            self.kill()
            raise RuntimeError("the server did not start:\n" + "\n".join(self.output))
        return self

    def unexpected_exit(self) -> int | None:
        """The exit status where the process has ended without :meth:`kill` or :meth:`stop`,
        else None."""
        if self.process is None or self._ended_on_purpose:
            return None
        return self.process.poll()

    def last_output(self, lines: int = 60) -> str:
        """The last lines the process wrote (stdout and stderr together); after a crash, from
        the crash's report (faulthandler's), whose first stack is the crashing thread's."""
        written = list(self.output)
        crash = [i for i, line in enumerate(written) if line.startswith("Fatal Python error")]
        return "\n".join(written[crash[-1] :] if crash else written[-lines:])

    def kill(self) -> None:
        """SIGKILL: no shutdown, nothing flushed beyond what was committed."""
        self._ended_on_purpose = True
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self, timeout: float = 30.0) -> int:
        """SIGTERM (graceful shutdown); returns the exit status."""
        assert self.process is not None
        self._ended_on_purpose = True
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout)

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.kill()
