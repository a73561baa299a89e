"""A throwaway PostgreSQL cluster of a test's own, for tests that stop the server or read its WAL and files.

The shared test server (`NUDGEBOT_TEST_POSTGRES_URL`) serves every other test at once, so a test that stops
PostgreSQL or decodes `pg_wal` must not use it. This starts a new cluster with `initdb` in a fresh folder,
on a free loopback port, with trust authentication for one superuser role, and removes it afterwards. As
root (CI), the server runs as the `postgres` system user, since PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROLE = "nudgebot_private"


def postgres_bin_dir() -> Path:
    """The newest installed PostgreSQL's binaries (Debian keeps them out of PATH)."""
    root = Path("/usr/lib/postgresql")
    installed = (p for p in root.glob("*") if (p / "bin" / "initdb").exists())
    versions = sorted(installed, key=lambda p: int(p.name))
    if not versions:
        raise RuntimeError("no PostgreSQL server binaries under /usr/lib/postgresql (install 'postgresql')")
    return versions[-1] / "bin"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _as_server_user(argv: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return argv
    return ["runuser", "-u", "postgres", "--", *argv]


@dataclass
class PrivatePostgres:
    """One running cluster: its folder, port and binaries, and how to stop and start it again."""

    data_dir: Path
    port: int
    bin_dir: Path

    @property
    def url(self) -> str:
        return f"postgresql://{ROLE}@127.0.0.1:{self.port}/postgres"

    def url_for(self, database: str) -> str:
        return f"postgresql://{ROLE}@127.0.0.1:{self.port}/{database}"

    def run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
        """Run one of the server's own tools (pg_waldump, psql, pg_ctl, …) as the server's user."""
        argv = _as_server_user([str(self.bin_dir / tool), *args])
        return subprocess.run(argv, check=check, capture_output=True, timeout=120)

    def psql(self, sql: str, database: str = "postgres") -> str:
        where = ("-h", "127.0.0.1", "-p", str(self.port), "-U", ROLE, "-d", database)
        return self.run("psql", *where, "-qAtc", sql).stdout.decode()

    def start(self) -> None:
        self.run("pg_ctl", "-D", str(self.data_dir), "-l", str(self.data_dir / "server.log"), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self.run("pg_ctl", "-D", str(self.data_dir), "-m", mode, "-w", "stop")

    @property
    def wal_dir(self) -> Path:
        return self.data_dir / "pg_wal"


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    """Start a fresh cluster, yield it, and stop and delete it whatever happened."""
    bin_dir = postgres_bin_dir()
    parent = Path(tempfile.mkdtemp(prefix="nudgebot-pg-"))
    data_dir = parent / "data"
    data_dir.mkdir()
    if os.geteuid() == 0:
        shutil.chown(parent, "postgres", "postgres")
        shutil.chown(data_dir, "postgres", "postgres")
    cluster = PrivatePostgres(data_dir=data_dir, port=_free_port(), bin_dir=bin_dir)
    try:
        cluster.run("initdb", "-D", str(data_dir), "-U", ROLE, "--auth=trust", "--no-sync", "-E", "UTF8")
        with (data_dir / "postgresql.conf").open("a") as conf:
            conf.write(
                f"\nport = {cluster.port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{data_dir}'\nfsync = off\n"
            )
        cluster.start()
        yield cluster
    finally:
        cluster.run("pg_ctl", "-D", str(data_dir), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(parent, ignore_errors=True)
