"""Saved-scenario storage: the same behaviour on SQLite and on a real PostgreSQL server."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.scenario_input import scenario_yaml
from app.storage import (
    InvalidFieldError,
    ScenarioExistsError,
    ScenarioNotFoundError,
    ScenarioRepository,
    StorageError,
    make_engine,
    migrate,
)
from app.storage.db import current_revision, head_revision
from pricing.engine import estimate
from sizing.scenario import parse_scenario
from tests.pg import fresh_database_url, pg_url  # noqa: F401  (module fixture: a throwaway PostgreSQL server)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    """A fresh, migrated database of each kind."""
    url = fresh_database_url(request, tmp_path, request.param, "t")
    eng = make_engine(url)
    migrate(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def repo(engine) -> ScenarioRepository:
    return ScenarioRepository(engine)


def scen(users: int = 250, **kw):
    return parse_scenario({"concurrent_users": users, **kw})


def test_save_then_load_returns_the_exact_input_and_the_estimate_totals(repo):
    s = scen(5000, compliance="hipaa,pci", client="Acme Health", region="eu-west-1",
             api_requests_per_user_per_minute=2.35, growth_pct_per_month=-3.5, availability_zones=2)
    est = estimate(s)
    saved = repo.save("Acme prod", s, notes="first call\nwith two lines")
    assert saved.scenario == s
    assert saved.input_yaml == scenario_yaml(s)
    assert saved.client == "Acme Health"                   # defaults to the scenario's client
    assert saved.notes == "first call\nwith two lines"
    assert saved.created_at == saved.updated_at and saved.created_at.tzinfo is not None
    t = saved.totals
    assert (t.tier, t.monthly_usd, t.upfront_usd, t.first_year_usd) == (
        est.plan.tier, est.monthly_usd, est.upfront_usd, est.first_year_usd)
    assert (t.infrastructure_usd, t.llm_usd, t.compliance_usd, t.cost_per_user_usd) == (
        est.infrastructure_usd, est.llm_usd, est.compliance_usd, est.cost_per_user_usd)
    assert t.prices_as_of == est.prices_as_of and t.prices_checksum == est.prices_checksum
    assert Decimal(saved.estimate_doc["cost"]["monthly_usd"]) == est.monthly_usd
    again = repo.load("Acme prod")
    assert again.scenario == s and again.totals == saved.totals


def test_save_refuses_to_overwrite_unless_asked_and_keeps_created_time(repo):
    first = repo.save("A", scen(100), client="c1")
    with pytest.raises(ScenarioExistsError, match="'A' already exists"):
        repo.save("A", scen(9000))
    assert repo.load("A").scenario.concurrent_users == 100
    second = repo.save("A", scen(9000), client="c2", overwrite=True)
    assert second.scenario.concurrent_users == 9000 and second.client == "c2"
    assert second.totals.tier == "Large"
    assert second.created_at == first.created_at and second.updated_at >= first.updated_at
    assert repo.count() == 1


def test_rename_delete_and_missing_names(repo):
    repo.save("old", scen())
    repo.save("taken", scen())
    assert repo.rename("old", "new").name == "new"
    assert repo.names() == ["new", "taken"]
    with pytest.raises(ScenarioExistsError):
        repo.rename("new", "taken")
    with pytest.raises(ScenarioNotFoundError, match="no saved scenario named 'ghost'"):
        repo.rename("ghost", "x")
    repo.delete("new")
    assert repo.names() == ["taken"]
    with pytest.raises(ScenarioNotFoundError):
        repo.delete("new")
    with pytest.raises(ScenarioNotFoundError):
        repo.load("new")


def test_list_is_newest_first_and_filters_by_client(repo):
    repo.save("one", scen(10), client="X")
    repo.save("two", scen(20), client="Y")
    repo.save("three", scen(30), client="X")
    repo.save("one", scen(10), client="X", notes="touched", overwrite=True)   # now the most recent
    rows = repo.list()
    assert [r.name for r in rows] == ["one", "three", "two"]
    assert rows[0].notes == "touched" and rows[0].concurrent_users == 10
    assert [r.name for r in repo.list(client="X")] == ["one", "three"]


@pytest.mark.parametrize("name,field,fragment", [
    ("", "name", "must not be empty (1..200"),
    ("   ", "name", "must not be empty"),
    ("x" * 201, "name", "allowed: 1..200"),
    ("bad\x00name", "name", "control characters"),
])
def test_invalid_names_are_refused_with_the_field_and_range(repo, name, field, fragment):
    with pytest.raises(InvalidFieldError) as info:
        repo.save(name, scen())
    assert info.value.field == field and fragment in str(info.value)
    assert repo.count() == 0


def test_client_too_long_is_refused(repo):
    with pytest.raises(InvalidFieldError, match=r"client: is 201 characters long \(allowed: 0..200\)"):
        repo.save("n", scen(), client="c" * 201)


def test_concurrent_saves_from_threads_lose_nothing(repo):
    threads, per_thread = 8, 6

    def work(t: int) -> list[str]:
        names = []
        for i in range(per_thread):
            name = f"t{t}-s{i}"
            repo.save(name, scen(1 + t * 100 + i))
            names.append(name)
        return names

    with ThreadPoolExecutor(threads) as pool:
        done = [n for names in pool.map(work, range(threads)) for n in names]
    assert len(done) == threads * per_thread
    assert sorted(repo.names()) == sorted(done)
    for t, i in ((0, 0), (3, 5), (7, 2)):
        assert repo.load(f"t{t}-s{i}").scenario.concurrent_users == 1 + t * 100 + i


def test_concurrent_saves_of_one_new_name_keep_exactly_one(repo):
    barrier = threading.Barrier(6)
    results: list[str] = []
    lock = threading.Lock()

    def work(users: int) -> None:
        barrier.wait()
        try:
            repo.save("same", scen(users))
            outcome = f"saved {users}"
        except ScenarioExistsError:
            outcome = "exists"
        with lock:
            results.append(outcome)

    ts = [threading.Thread(target=work, args=(u,)) for u in range(100, 106)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    saved = [r for r in results if r.startswith("saved")]
    assert len(saved) == 1 and results.count("exists") == 5
    assert repo.count() == 1
    assert saved[0] == f"saved {repo.load('same').scenario.concurrent_users}"


def test_a_save_that_fails_in_the_database_leaves_it_unchanged(repo, engine):
    repo.save("keep", scen(300), notes="v1")
    before = repo.load("keep")

    def fail_writes(conn, cursor, statement, params, context, executemany):
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE")):
            raise OperationalError(statement, params, RuntimeError("disk full (simulated)"))

    event.listen(engine, "before_cursor_execute", fail_writes)
    try:
        with pytest.raises(StorageError, match="could not save scenario 'new': the disk is full"):
            repo.save("new", scen(5000))
        with pytest.raises(StorageError, match="could not save scenario 'keep'"):
            repo.save("keep", scen(5000), overwrite=True)
    finally:
        event.remove(engine, "before_cursor_execute", fail_writes)
    assert repo.names() == ["keep"]
    assert repo.load("keep") == before


def test_a_save_that_fails_at_commit_rolls_back_the_written_row(repo, monkeypatch):
    repo.save("keep", scen(300), notes="v1")
    before = repo.load("keep")

    def boom(session):
        raise OperationalError("COMMIT", {}, RuntimeError("connection lost at commit (simulated)"))

    event.listen(Session, "before_commit", boom)
    try:
        with pytest.raises(StorageError, match="could not save scenario .*: the connection to the server failed"):
            repo.save("keep", scen(7000), notes="v2", overwrite=True)
        with pytest.raises(StorageError):
            repo.save("other", scen(10))
    finally:
        event.remove(Session, "before_commit", boom)
    assert repo.load("keep") == before
    assert repo.count() == 1


def test_migrations_are_at_head_idempotent_and_match_the_models(engine):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from app.storage.models import Base

    assert current_revision(engine) == head_revision() == "0003_owners_audit"
    assert migrate(engine) == head_revision()
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diffs == []


def test_sqlite_file_runs_in_wal_mode(tmp_path):
    eng = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    with eng.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    eng.dispose()


def test_concurrent_first_start_migrates_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'race.db'}"
    engines = [make_engine(url) for _ in range(4)]
    with ThreadPoolExecutor(4) as pool:
        revs = list(pool.map(migrate, engines))
    assert revs == [head_revision()] * 4
    ScenarioRepository(engines[0]).save("ok", scen())
    assert ScenarioRepository(engines[3]).names() == ["ok"]
    for e in engines:
        e.dispose()
