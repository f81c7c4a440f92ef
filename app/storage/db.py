"""Where both stores live (saved scenarios, monthly reviews): engine creation (SQLite in WAL mode, or PostgreSQL)
and migrations.

`TIERSIZER_DATABASE_URL` selects a server database (``postgresql://...`` is driven by psycopg 3);
otherwise a SQLite file ``tiersizer.db`` in `TIERSIZER_DATA_DIR` (default ``./data``) is used.
Migrations (one Alembic chain, ``app/storage/migrations``: 0001 saved scenarios, 0002 monthly reviews) are
applied programmatically on first use, under a lock so that several processes starting at once do not race;
``alembic upgrade head`` at the repository root runs the same chain on the same database.
"""
from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DATA_DIR_ENV = "TIERSIZER_DATA_DIR"
DATABASE_URL_ENV = "TIERSIZER_DATABASE_URL"
DEFAULT_DATA_DIR = "data"
DB_FILE_NAME = "tiersizer.db"
SQLITE_BUSY_TIMEOUT_MS = 30_000
MIGRATIONS_DIR: Path = Path(__file__).resolve().parent / "migrations"
ALEMBIC_INI: Path = Path(__file__).resolve().parents[2] / "alembic.ini"
# A PostgreSQL server that accepts the TCP connection but never answers (or a dropped route) would
# otherwise block every page rerun and CLI call for minutes; a URL's own ?connect_timeout= wins.
PG_CONNECT_TIMEOUT_S = 5
# Arbitrary constant for pg_advisory_xact_lock: serialises concurrent migrations on one server.
PG_MIGRATION_LOCK_ID = 7_314_159_265


log = logging.getLogger("tiersizer.storage")
URL_SHAPE = "dialect+driver://user:***@host:port/db, e.g. postgresql://user:***@db.internal:5432/tiersizer, " \
    "or sqlite:///path/to/file.db"


class DatabaseConfigError(ValueError):
    """The configured database URL or data folder cannot be used."""


# Text that is not a URL SQLAlchemy can parse: a scheme (possibly mistyped: "x//", "x:/", "x://"), then
# "user:password@"; the password (everything up to the last "@") is masked.
_USERINFO = re.compile(r"^(?P<scheme>[A-Za-z][\w+.-]*(?::/{0,2}(?=[^:@]*:[^@]*@)|:?//))?"
                       r"(?P<user>[^:@/\s]*):(?P<pw>(?!/).*)@(?P<rest>[^@]*)$", re.S)


def mask_url(url: object) -> str:
    """`url` safe to show: the password replaced by ``***`` (SQLAlchemy's rendering where it parses; for text
    that does not parse, anything between ``//user:`` and the last ``@``; nothing before an ``@`` otherwise)."""
    text = _SECRET_PARAM.sub(r"\1***", str(url))
    try:
        return make_url(text).render_as_string(hide_password=True)
    except (ArgumentError, ValueError, TypeError):
        pass
    m = _USERINFO.match(text)
    if m:
        return f"{m['scheme'] or ''}{m['user']}:***@{m['rest']}"
    if "@" in text:                             # no "user:" found but credentials may still be there
        return "***@" + text.rsplit("@", 1)[1]
    # "scheme://user:password" without "@": what follows "//name:" is a password unless it is a port number
    return _HOST_COLON.sub(lambda m: m[0] if m[2].isdigit() or not m[2] else f"{m[1]}***", text)


# libpq also takes secrets as query parameters (?password=, ?sslpassword=); any *secret*/*token*/*key* too.
_SECRET_PARAM = re.compile(r"([?&](?:password|sslpassword|passwd|pwd|[^=&#]*(?:secret|token|key)[^=&#]*)=)"
                           r"[^&#]*", re.I)
_HOST_COLON = re.compile(r"(//[^/:@?#\s]*:)([^/?#\s]*)")


def db_error_reason(exc: BaseException) -> str:
    """Our own words for why a database call failed; the driver's traceback goes to the log, never to the user
    (its text may quote the server's configuration or data)."""
    log.warning("database call failed", exc_info=exc)
    text = str(getattr(exc, "orig", None) or exc).lower()
    for needles, reason in _REASONS:
        if any(n in text for n in needles):
            return reason
    return ("the database reported an error (details in the log; the CLI prints them with "
            "TIERSIZER_LOG_LEVEL=WARNING)")


_REASONS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("connection refused",), "the server refused the connection (is PostgreSQL running on that host and port?)"),
    (("resolve host", "name or service not known", "nodename nor servname", "temporary failure in name"),
     "the host name does not resolve"),
    (("timeout expired", "timed out"), "the server did not answer within the connect timeout"),
    (("password authentication failed", "authentication failed", "no password supplied", "no pg_hba.conf"),
     "the server refused the user name or password"),
    (("does not exist",), "the database or role named in the URL does not exist"),
    (("unable to open database file",), "the SQLite file cannot be opened (check the folder and permissions)"),
    (("database is locked",), "the SQLite file is locked by another process"),
    (("readonly database", "read-only"), "the database is read-only"),
    (("disk is full", "disk full", "no space left"), "the disk is full"),
    (("bad value for", "invalid sslmode", "invalid connection option", "invalid dsn", "invalid uri"),
     "an option in the URL's query string (?name=value) has an invalid name or value"),
    (("server closed the connection", "connection lost", "connection is closed", "terminating connection", "connection failed",
      "could not connect", "network is unreachable", "no route to host"), "the connection to the server failed"),
)


def db_failure(action: str, exc: BaseException) -> str:
    """``could not <action>: <our reason>``, with the driver's traceback logged (not shown)."""
    return f"could not {action}: {db_error_reason(exc)}"


def database_url(env: Mapping[str, str] | None = None) -> str:
    """The URL to use: `TIERSIZER_DATABASE_URL`, else a SQLite file in the data folder."""
    env = os.environ if env is None else env
    url = (env.get(DATABASE_URL_ENV) or "").strip()
    if url:
        return normalise_url(url, DATABASE_URL_ENV)
    data_dir = Path(env.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR).expanduser()
    return f"sqlite:///{(data_dir / DB_FILE_NAME).resolve()}"


def normalise_url(url: str, source: str = f"the database URL (--db or {DATABASE_URL_ENV})") -> str:
    """Accept ``postgres://``/``postgresql://`` and pin the psycopg 3 driver; reject other back ends.

    Errors name `source` and show the URL with its password masked, never the parser's text."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseConfigError(f"{source} is not a valid database URL: {mask_url(url)!r} "
                                  f"(expected {URL_SHAPE}; check the ':' after the scheme)") from None
    except ValueError:                           # SQLAlchemy: int(port) failed
        raise DatabaseConfigError(f"{source} is not a valid database URL: {mask_url(url)!r} (the host and port "
                                  f"cannot be read; the port must be a number; expected {URL_SHAPE})") from None
    backend = parsed.get_backend_name()
    if backend in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    elif backend != "sqlite":
        raise DatabaseConfigError(f"{source}: unsupported database {backend!r}; "
                                  "allowed: postgresql (psycopg 3), sqlite")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str | None = None) -> Engine:
    """An engine for `url` (default: `database_url()`); SQLite gets WAL, a busy timeout and IMMEDIATE writes."""
    url = normalise_url(url) if url else database_url()
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        connect_args = {} if "connect_timeout" in parsed.query else {"connect_timeout": PG_CONNECT_TIMEOUT_S}
        return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10, connect_args=connect_args)
    db = parsed.database or ""
    if db and db != ":memory:":
        folder = Path(db).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseConfigError(f"{DATA_DIR_ENV}: cannot create data folder {folder}: "
                                      f"{exc.strerror or exc}") from None
    engine = create_engine(url, connect_args={"check_same_thread": False,
                                              "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
    _sqlite_events(engine)
    return engine


def _set_wal(cur) -> None:  # type: ignore[no-untyped-def]
    """Switch to WAL; while another process creates the same new file, SQLite answers "locked" at once (the busy
    handler is not asked), so retry until the busy timeout."""
    import sqlite3
    import time

    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _sqlite_events(engine: Engine) -> None:
    """WAL journal, foreign keys, and BEGIN IMMEDIATE so concurrent writers wait instead of failing."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_conn.isolation_level = None        # let SQLAlchemy's begin event emit BEGIN itself
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        _set_wal(cur)
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def alembic_config(connection=None):  # type: ignore[no-untyped-def]
    """An Alembic Config for our migrations, independent of the working directory."""
    from alembic.config import Config

    cfg = Config(str(ALEMBIC_INI)) if ALEMBIC_INI.is_file() else Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations found in {MIGRATIONS_DIR}")
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None when never migrated)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def migrate(engine: Engine) -> str:
    """Upgrade the database to the newest migration (a no-op when current); return the revision."""
    from alembic import command

    head = head_revision()
    if current_revision(engine) == head:
        return head
    with engine.begin() as conn:                # SQLite: BEGIN IMMEDIATE serialises writers
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_MIGRATION_LOCK_ID})")
        command.upgrade(alembic_config(conn), "head")
    return head


_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def get_engine(url: str | None = None) -> Engine:
    """A migrated engine per URL, created once per process."""
    key = normalise_url(url) if url else database_url()
    with _engines_lock:
        engine = _engines.get(key)
        if engine is None:
            engine = make_engine(key)
            migrate(engine)
            _engines[key] = engine
        return engine


def dispose_engines() -> None:
    """Close every cached engine (tests, shutdown)."""
    with _engines_lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
