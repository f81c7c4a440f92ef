"""Owners, visibility and the audit table on SQLite and PostgreSQL: user A's private scenarios are out of user B's
reach by list, name or id; team scenarios are seen by both and changed only by their owner; names are unique per
owner; every change leaves one audit row written with it; 0002 databases upgrade with their rows made the local
user's, and downgrade again."""
from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from app.storage import (
    LOCAL_OWNER,
    AuditLog,
    InvalidFieldError,
    Owner,
    ScenarioExistsError,
    ScenarioNotFoundError,
    ScenarioPermissionError,
    ScenarioRepository,
    StorageError,
    make_engine,
    migrate,
)
from app.storage.db import alembic_config, current_revision
from app.storage.reviews import ReviewStore
from pricing.engine import estimate
from review.sources import read_cur
from review.variance import build_review
from sizing.scenario import parse_scenario
from tests.helpers.cur import bill_rows, write_cur_csv
from tests.pg import fresh_database_url, pg_url  # noqa: F401  (module fixture: a throwaway PostgreSQL server)
from tests.storage.test_migrations import CREATED, insert_old_scenario

ALICE = Owner("alice-sub", "alice@example.com")
BOB = Owner("bob-sub", "bob@example.com")
TAGS = {"Project": "ChatApp", "Environment": "prod"}


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    url = fresh_database_url(request, tmp_path, request.param, "w")
    eng = make_engine(url)
    migrate(eng)
    yield eng
    eng.dispose()


def scen(users: int, **kw):
    return parse_scenario({"concurrent_users": users, **kw})


@pytest.fixture
def two(engine):
    """Alice: 'Acme private' (100 users, private) and 'Shared plan' (800, team); Bob: 'Bob own' (250, private)."""
    alice, bob = ScenarioRepository(engine, ALICE), ScenarioRepository(engine, BOB)
    alice.save("Acme private", scen(100), client="Acme")
    alice.save("Shared plan", scen(800), visibility="team")
    bob.save("Bob own", scen(250))
    return alice, bob


def test_each_user_lists_their_own_and_the_team_scenarios(two):
    alice, bob = two
    assert sorted(r.name for r in alice.list()) == ["Acme private", "Shared plan"]
    assert sorted(r.name for r in bob.list()) == ["Bob own", "Shared plan"]
    assert bob.names() == ["Bob own", "Shared plan"] and bob.count() == 2     # 1 own + 1 team, not Alice's private
    assert bob.list(client="Acme") == []
    shared = next(r for r in bob.list() if r.name == "Shared plan")
    assert (shared.owner_sub, shared.owner_email, shared.visibility) == ("alice-sub", "alice@example.com", "team")
    # the local user (CLI without --owner) owns nothing here and sees only the team's
    assert [r.name for r in ScenarioRepository(two[0].engine).list()] == ["Shared plan"]


def test_another_users_private_scenario_is_not_found_by_name_or_id(two):
    alice, bob = two
    private_id = alice.load("Acme private").id
    for call in (lambda: bob.load("Acme private"), lambda: bob.rename("Acme private", "Mine now"),
                 lambda: bob.delete("Acme private"), lambda: bob.set_visibility("Acme private", "team"),
                 lambda: bob.load_id(private_id)):
        with pytest.raises(ScenarioNotFoundError):
            call()
    with pytest.raises(ScenarioNotFoundError):
        bob.load_id(private_id + 1000)                 # a made-up id reads the same as a private one
    assert alice.load("Acme private").scenario.concurrent_users == 100   # untouched


def test_team_scenarios_open_for_everyone_but_change_only_by_their_owner(two):
    alice, bob = two
    assert bob.load("Shared plan").scenario.concurrent_users == 800
    assert bob.load_id(alice.load("Shared plan").id).name == "Shared plan"
    for call, verb in ((lambda: bob.rename("Shared plan", "Taken"), "rename"), (lambda: bob.delete("Shared plan"),
                       "delete"), (lambda: bob.set_visibility("Shared plan", "private"), "share")):
        with pytest.raises(ScenarioPermissionError, match=f"belongs to alice@example.com; only its owner can {verb}"):
            call()
    assert bob.count() == 2
    # Bob may keep his own copy under the same name: names are unique per owner, and his own comes first
    bob.save("Shared plan", scen(9000))
    assert bob.load("Shared plan").scenario.concurrent_users == 9000
    assert alice.load("Shared plan").scenario.concurrent_users == 800
    assert bob.names() == ["Bob own", "Shared plan"] and bob.count() == 3   # names distinct; 2 own + 1 team


def test_owner_shares_renames_and_deletes_their_own(two):
    alice, bob = two
    alice.set_visibility("Acme private", "team")
    assert bob.load("Acme private").owner_sub == "alice-sub"
    alice.set_visibility("Acme private", "private")
    with pytest.raises(ScenarioNotFoundError):
        bob.load("Acme private")
    alice.rename("Acme private", "Acme 2026")
    with pytest.raises(ScenarioExistsError):
        alice.rename("Acme 2026", "Shared plan")
    with pytest.raises(ScenarioExistsError):
        alice.save("Shared plan", scen(100))
    kept = alice.save("Shared plan", scen(300), overwrite=True)         # overwrite keeps visibility team
    assert (kept.visibility, kept.scenario.concurrent_users) == ("team", 300)
    alice.delete("Acme 2026")
    assert alice.names() == ["Shared plan"]
    with pytest.raises(InvalidFieldError, match="visibility: 'everyone' is not allowed"):
        alice.save("X", scen(100), visibility="everyone")


def test_every_change_leaves_one_audit_row_in_order(two):
    alice, bob = two
    alice.rename("Acme private", "Acme 2026")
    alice.set_visibility("Acme 2026", "team")
    alice.delete("Acme 2026")
    with pytest.raises(ScenarioPermissionError):
        bob.delete("Shared plan")                  # refused: no row
    AuditLog(alice.engine, BOB).record_export("bundle", "Shared plan", "zip")
    rows = AuditLog(alice.engine).entries()[::-1]   # oldest first
    assert [(r.actor_email, r.action, r.object_kind, r.object_name, r.detail) for r in rows] == [
        ("alice@example.com", "save", "scenario", "Acme private", "new, private"),
        ("alice@example.com", "save", "scenario", "Shared plan", "new, team"),
        ("bob@example.com", "save", "scenario", "Bob own", "new, private"),
        ("alice@example.com", "rename", "scenario", "Acme private", "to 'Acme 2026'"),
        ("alice@example.com", "visibility", "scenario", "Acme 2026", "team"),
        ("alice@example.com", "delete", "scenario", "Acme 2026", ""),
        ("bob@example.com", "export", "bundle", "Shared plan", "zip"),
    ]
    assert all(r.at.tzinfo is not None for r in rows)
    assert len(AuditLog(alice.engine).entries(subject="bob-sub")) == 2     # Bob's save and export
    assert len(AuditLog(alice.engine).entries(limit=3)) == 3


def test_a_failed_save_writes_no_audit_row(two, engine):
    alice, _ = two

    def fail_insert(conn, cursor, statement, params, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO AUDIT_LOG"):
            raise OperationalError(statement, params, RuntimeError("disk full (simulated)"))
    event.listen(engine, "before_cursor_execute", fail_insert)
    try:
        with pytest.raises(StorageError, match="could not save scenario 'Later'"):
            alice.save("Later", scen(100))
    finally:
        event.remove(engine, "before_cursor_execute", fail_insert)
    assert "Later" not in alice.names()            # the scenario went with its audit row
    assert len(AuditLog(engine).entries()) == 3


def _review(tmp_path, est, month):
    return build_review(est, read_cur(write_cur_csv(tmp_path / f"{month}.csv", list(bill_rows(est, month))),
                                      month, TAGS))


def test_reviews_belong_to_who_ran_them(engine, tmp_path):
    est = estimate(parse_scenario({"name": "Acme", "concurrent_users": 800}))
    alice, bob = ReviewStore(engine, ALICE), ReviewStore(engine, BOB)
    alice.save(_review(tmp_path, est, "2025-05"), est.scenario)                       # private
    alice.save(_review(tmp_path, est, "2025-06"), est.scenario, visibility="team")
    bob.save(_review(tmp_path, est, "2025-06"), est.scenario)      # Bob's own June of the same name: allowed
    assert [(r.month, r.owner_sub) for r in alice.list("Acme")] == [("2025-05", "alice-sub"), ("2025-06", "alice-sub")]
    assert [(r.month, r.owner_sub) for r in bob.list("Acme")] == [("2025-06", "alice-sub"), ("2025-06", "bob-sub")]
    assert bob.load("Acme", "2025-05") is None                     # Alice's private May
    assert {t.month for t in bob.trend("Acme")} == {"2025-06"}     # one June (his own), not two
    assert len(bob.trend("Acme")) == len(alice.trend("Acme")) // 2    # Alice: two months of the same services
    audit = [(r.actor_sub, r.action, r.object_kind, r.detail) for r in AuditLog(engine).entries()[::-1]]
    assert audit == [("alice-sub", "review", "review", "2025-05, private"),
                     ("alice-sub", "review", "review", "2025-06, team"),
                     ("bob-sub", "review", "review", "2025-06, private")]


def test_owner_identity_is_checked():
    from app.storage import OwnerError
    assert LOCAL_OWNER.subject == "local" and LOCAL_OWNER.label == "local"
    with pytest.raises(OwnerError, match="owner subject: must not be empty"):
        Owner(" ")
    with pytest.raises(OwnerError, match="owner subject: is 256 characters long"):
        Owner("s" * 256)
    with pytest.raises(OwnerError, match="control characters"):
        Owner("a\nb")


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_0002_rows_become_the_local_users_and_downgrade_works(request, tmp_path, kind):
    url = fresh_database_url(request, tmp_path, kind, "u")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0002_monthly_reviews")
            insert_old_scenario(conn, "Acme", scen(800, name="Acme"))
            conn.execute(sa.text(
                "INSERT INTO monthly_reviews (id, scenario_name, month, created_at, source, source_name, basis, tier, "
                "recommended_tier, estimate_usd, actual_usd, actual_usage_usd, tax_and_credits_usd, flags, "
                "scenario_json, review_json) VALUES (1, 'Acme', '2025-05', :at, 'cur', 'x', 'unblended', 'Medium', "
                "'Medium', 10.5, 11.25, 11.25, 0, 0, '{}', '{}')"), {"at": CREATED})
            conn.execute(sa.text("INSERT INTO monthly_review_services (review_id, service, estimate_usd, actual_usd) "
                                 "VALUES (1, 'S1', 4.5, 5.25), (1, 'S2', 6, 6)"))
        assert migrate(engine) == "0003_owners_audit"
        local = ScenarioRepository(engine)
        saved = local.load("Acme")
        assert (saved.owner_sub, saved.owner_email, saved.visibility) == ("local", "", "private")
        assert ScenarioRepository(engine, ALICE).list() == []             # private to the local user
        store = ReviewStore(engine)
        assert [(r.owner_sub, r.visibility, r.actual_usd) for r in store.list()] == [
            ("local", "private", Decimal("11.25"))]
        # the service rows survived the rebuild of their parent table: 5.25 + 6 = 11.25
        assert sum(t.actual_usd for t in store.trend("Acme")) == Decimal("11.25")
        ScenarioRepository(engine, ALICE).save("Acme", scen(100))          # same name, another owner
        with engine.begin() as conn, pytest.raises(RuntimeError, match="several owners hold saved_scenarios"):
            command.downgrade(alembic_config(conn), "0002_monthly_reviews")
        ScenarioRepository(engine, ALICE).delete("Acme")
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0002_monthly_reviews")
        assert current_revision(engine) == "0002_monthly_reviews"
        insp = sa.inspect(engine)
        assert "owner_sub" not in {c["name"] for c in insp.get_columns("saved_scenarios")}
        assert not insp.has_table("audit_log")
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT COUNT(*) FROM monthly_review_services").scalar() == 2
            assert conn.exec_driver_sql("SELECT name FROM saved_scenarios").scalars().all() == ["Acme"]
        assert migrate(engine) == "0003_owners_audit"                     # and up again
    finally:
        engine.dispose()
