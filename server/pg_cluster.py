"""A throwaway PostgreSQL server for tests, benchmarks and CI: Debian's ``initdb`` into a
folder, ``postgres`` on a free loopback port with trust authentication, stopped at the end.

    python -m server.pg_cluster start FOLDER   # prints the server's URL; leaves it running
    python -m server.pg_cluster stop FOLDER

PostgreSQL refuses to run as root; as root the server runs as the ``postgres`` user that
Debian's package creates.
"""

from __future__ import annotations

import argparse
import os
import pwd
import shutil
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg

__all__ = ["PostgresCluster", "PostgresUnavailable", "find_bin"]

SUPERUSER = "postgres"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server can be started here; the message says why."""


def find_bin() -> Path:
    """The folder of PostgreSQL's server programs: ``initdb`` on the ``PATH``, else the
    newest ``/usr/lib/postgresql/*/bin`` (where Debian puts them, off the ``PATH``)."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if not versions:
        raise PostgresUnavailable(
            "no initdb on the PATH or in /usr/lib/postgresql/*/bin "
            "(install Debian's postgresql package)"
        )
    return versions[-1].parent


def _as_postgres_user() -> list[str]:
    """The prefix that runs PostgreSQL's programs: as root (which PostgreSQL refuses), as
    Debian's ``postgres`` user."""
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresCluster:
    """A PostgreSQL server whose databases tests create and drop.

    Parameters
    ----------
    url
        The ``postgresql://`` URL of a role that may create databases (its ``postgres``
        database or any other).
    folder
        The data folder, where this object started the server (``None``: a server someone
        else runs).
    """

    def __init__(self, url: str, folder: Path | None = None) -> None:
        self.url = url
        self.folder = folder

    @classmethod
    def start(cls, folder: Path, *, fsync: bool = True) -> PostgresCluster:
        """``initdb`` into ``folder / 'data'`` and start the server on a free port.

        ``fsync=False`` makes commits as fast as memory, for tests that never crash the
        database server itself; benchmarks keep it on.

        Raises
        ------
        PostgresUnavailable
            No PostgreSQL here, or it would not start (its log's last lines).
        """
        bin_dir = find_bin()
        folder = folder.resolve()
        data = folder / "data"
        folder.mkdir(parents=True, exist_ok=True)
        as_user = _as_postgres_user()
        if as_user:
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError as err:
                raise PostgresUnavailable("running as root and there is no postgres user") from err
            os.chown(folder, owner.pw_uid, owner.pw_gid)
        port = _free_port()
        log = folder / "server.log"
        durable = "on" if fsync else "off"
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={folder} "
            f"-c max_connections=300 -c fsync={durable} -c synchronous_commit={durable} "
            f"-c full_page_writes={durable}"
        )
        initdb = ["-D", str(data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8"]
        pg_ctl = ["-D", str(data), "-l", str(log), "-o", options, "-w", "start"]
        steps = [[str(bin_dir / "initdb"), *initdb], [str(bin_dir / "pg_ctl"), *pg_ctl]]
        for step in steps:
            done = subprocess.run([*as_user, *step], capture_output=True, text=True, check=False)
            if done.returncode != 0:
                said = (done.stderr or done.stdout).strip().splitlines()[-3:]
                tail = log.read_text().splitlines()[-3:] if log.exists() else []
                raise PostgresUnavailable(
                    f"{Path(step[0]).name} failed: " + " / ".join(said + tail)
                )
        return cls(f"postgresql://{SUPERUSER}@127.0.0.1:{port}/postgres", folder)

    def create_database(self, prefix: str = "parplan") -> str:
        """A new empty database; its URL."""
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        return self.database_url(name)

    def database_url(self, name: str) -> str:
        """The URL of database ``name`` on this server."""
        base, _, _ = self.url.rpartition("/")
        query = self.url.partition("?")[2]
        return f"{base}/{name}" + (f"?{query}" if query else "")

    def stop(self) -> None:
        """Stop the server this object started (fast shutdown); a no-op for another's."""
        if self.folder is None:
            return
        stop_folder(self.folder)


def stop_folder(folder: Path) -> None:
    """Stop the server whose data lies in ``folder / 'data'``."""
    as_user = _as_postgres_user()
    command = [str(find_bin() / "pg_ctl"), "-D", str(folder / "data"), "-m", "fast", "-w", "stop"]
    subprocess.run([*as_user, *command], capture_output=True, check=False)


def main(argv: list[str] | None = None) -> int:
    """``python -m server.pg_cluster start|stop FOLDER``."""
    parser = argparse.ArgumentParser(prog="python -m server.pg_cluster", description=__doc__)
    parser.add_argument("action", choices=["start", "stop"])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--no-fsync", action="store_true", help="commits in memory only (tests)")
    args = parser.parse_args(argv)
    if args.action == "stop":
        stop_folder(args.folder.resolve())
        return 0
    try:
        cluster = PostgresCluster.start(args.folder, fsync=not args.no_fsync)
    except PostgresUnavailable as err:
        print(f"pg_cluster: {err}", file=sys.stderr)
        return 2
    print(cluster.url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
