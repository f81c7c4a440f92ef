"""A throwaway local PostgreSQL server for the storage tests (Debian `postgresql` binaries).

`PgServer` runs initdb + pg_ctl from /usr/lib/postgresql/<version>/bin in a temp dir on a free
loopback port; as root it runs them as the `postgres` user (initdb refuses root). The `pg_url`
fixture starts one per test module and skips only when the binaries are absent and
TIERSIZER_REQUIRE_PG is unset (CI sets it, so a missing server fails there).
"""
from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine

REQUIRE_ENV = "TIERSIZER_REQUIRE_PG"
PG_USER = "tiersizer"
START_TIMEOUT_S = 60


def find_pg_bin() -> Path | None:
    """The bin folder of the newest installed PostgreSQL, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0)
    return Path(found[-1]).parent if found else None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgServer:
    """Start/stop one throwaway cluster; `url` is a SQLAlchemy psycopg 3 URL to its `postgres` database."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="tiersizer-pg-"))
        self.data = self.root / "data"
        self.socket_dir = self.root / "sock"
        self.log = self.root / "server.log"
        self.run_as: str | None = "postgres" if os.geteuid() == 0 else None

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://{PG_USER}@127.0.0.1:{self.port}/postgres"

    def _cmd(self, *args: str) -> list[str]:
        if self.run_as is None:
            return list(args)
        runuser = shutil.which("runuser")
        if runuser:
            return [runuser, "-u", self.run_as, "--", *args]
        return ["su", self.run_as, "-s", "/bin/sh", "-c", " ".join(f"'{a}'" for a in args)]

    def _run(self, *args: str, timeout: float = START_TIMEOUT_S) -> None:
        proc = subprocess.run(self._cmd(*args), capture_output=True, text=True, timeout=timeout, cwd=self.root)
        if proc.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(args[:2])} failed ({proc.returncode}): {proc.stderr.strip()}\n{log}")

    def start(self) -> "PgServer":
        self.socket_dir.mkdir()
        if self.run_as is not None:
            pw = pwd.getpwnam(self.run_as)
            for path in (self.root, self.socket_dir):
                os.chown(path, pw.pw_uid, pw.pw_gid)
        self._run(str(self.bin_dir / "initdb"), "-D", str(self.data), "-U", PG_USER, "-A", "trust",
                  "-E", "UTF8", "--no-sync", "--no-instructions")
        opts = (f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60")
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", opts,
                  "-w", "-t", str(START_TIMEOUT_S), "start")
        return self

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    """URL of a fresh PostgreSQL server for this module (skip only if not installed and not required)."""
    bin_dir = find_pg_bin()
    if bin_dir is None:
        if os.environ.get(REQUIRE_ENV):
            pytest.fail(f"{REQUIRE_ENV} is set but no PostgreSQL binaries under /usr/lib/postgresql/*/bin "
                        "(apt-get install postgresql)")
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    server = PgServer(bin_dir).start()
    try:
        yield server.url
    finally:
        server.stop()


_database_counter = itertools.count()


def fresh_database_url(request: pytest.FixtureRequest, tmp_path: Path, kind: str, prefix: str) -> str:
    """URL of an empty database: a SQLite file in tmp_path, or a new database on this module's PostgreSQL server."""
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / (prefix + '.db')}"
    server = request.getfixturevalue("pg_url")
    name = f"{prefix}{next(_database_counter)}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    admin.dispose()
    return server.rsplit("/", 1)[0] + f"/{name}"
