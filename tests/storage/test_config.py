"""Where the database lives: env settings, URL normalisation and readable errors."""
from __future__ import annotations

from pathlib import Path

import pytest

from app.storage import StorageError, open_repository
from app.storage.db import DatabaseConfigError, database_url, normalise_url


def test_default_is_a_sqlite_file_in_the_data_folder(tmp_path):
    assert database_url({}) == f"sqlite:///{(Path('data') / 'tiersizer.db').resolve()}"
    assert database_url({"TIERSIZER_DATA_DIR": str(tmp_path)}) == f"sqlite:///{tmp_path / 'tiersizer.db'}"


def test_database_url_wins_and_postgres_uses_psycopg3(tmp_path):
    env = {"TIERSIZER_DATA_DIR": str(tmp_path), "TIERSIZER_DATABASE_URL": "postgres://u:p@db.internal:5433/ts"}
    assert database_url(env) == "postgresql+psycopg://u:p@db.internal:5433/ts"
    assert normalise_url("postgresql://h/db") == "postgresql+psycopg://h/db"


@pytest.mark.parametrize("url,fragment", [
    ("mysql://h/db", "unsupported database 'mysql'; allowed: postgresql (psycopg 3), sqlite"),
    ("not a url", "is not a valid database URL"),
])
def test_bad_urls_are_named(url, fragment):
    with pytest.raises(DatabaseConfigError) as info:
        normalise_url(url)
    assert "TIERSIZER_DATABASE_URL" in str(info.value) and fragment in str(info.value)


def test_open_repository_creates_the_data_folder_and_migrates(tmp_path, monkeypatch):
    folder = tmp_path / "nested" / "data"
    monkeypatch.setenv("TIERSIZER_DATA_DIR", str(folder))
    monkeypatch.delenv("TIERSIZER_DATABASE_URL", raising=False)
    repo = open_repository()
    assert repo.names() == [] and (folder / "tiersizer.db").is_file()


def test_unreachable_server_is_a_storage_error_not_a_traceback():
    with pytest.raises(StorageError, match="cannot open the scenario database"):
        open_repository("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")
    with pytest.raises(StorageError, match="unsupported database 'mysql'"):
        open_repository("mysql://h/db")


def test_a_server_that_never_answers_times_out(monkeypatch):
    """A port that accepts connections but never speaks (a hung server, a proxy) fails after the default
    connect timeout instead of blocking the page for minutes."""
    import socket
    import time

    import app.storage.db as db

    monkeypatch.setattr(db, "PG_CONNECT_TIMEOUT_S", 2)       # libpq's minimum
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        start = time.monotonic()
        with pytest.raises(StorageError, match="cannot open the scenario database"):
            open_repository(f"postgresql://nobody@127.0.0.1:{port}/none")
        assert time.monotonic() - start < 10


@pytest.mark.parametrize("url,shown", [
    ("postgresql+psycopg://u:s3cret@h:5432/db", "postgresql+psycopg://u:***@h:5432/db"),
    ("postgresql+psycopg//u:s3cret@h/db", "postgresql+psycopg//u:***@h/db"),          # missing ':'
    ("postgresql+psycopg:/u:s3cret@h/db", "postgresql+psycopg:/u:***@h/db"),
    ("postgresql://u:s3cret@h:notaport/db", "postgresql://u:***@h:notaport/db"),       # does not parse
    ("postgresql://u:p@ss:w/rd@h:x/db", "postgresql://u:***@h:x/db"),                  # '@' in the password
    ("u:s3cret@h/db", "u:***@h/db"),                                                   # no scheme
    ("postgresql://u:s3cret", "postgresql://u:***"),                                   # password read as a port
    ("postgres://u@h:x/db", "***@h:x/db"),
    ("postgresql://u@h/db?password=s3cret&sslmode=require", "postgresql://u@h/db?password=%2A%2A%2A&sslmode=require"),
    ("postgresql://h:5432/db", "postgresql://h:5432/db"),
    ("sqlite:///data/tiersizer.db", "sqlite:///data/tiersizer.db"),
])
def test_mask_url_hides_the_password_parsed_or_not(url, shown):
    from app.storage.db import mask_url
    assert mask_url(url) == shown and "s3cret" not in mask_url(url)


def test_driver_text_is_logged_not_shown(caplog):
    with pytest.raises(StorageError) as info:
        open_repository("postgresql://nobody:s3cret@127.0.0.1:1/none?connect_timeout=2")
    assert str(info.value) == ("cannot open the scenario database at postgresql://nobody:***@127.0.0.1:1/"
                               "none?connect_timeout=2: the server refused the connection (is PostgreSQL running "
                               "on that host and port?)")
    assert any(r.exc_info and "Connection refused" in str(r.exc_info[1]) for r in caplog.records)
