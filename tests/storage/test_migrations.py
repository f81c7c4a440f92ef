"""One Alembic chain for both stores (0001 saved scenarios, 0002 monthly reviews), on SQLite and PostgreSQL:
a fresh database, a database of the old layout (reviews from their own chain, money as strings) adopted
with its rows, and `alembic upgrade head` run from the repository root."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.orm import Session

from app.storage.db import alembic_config, current_revision, head_revision, make_engine, migrate
from app.storage.models import ReviewRow, ReviewServiceRow
from app.storage.repository import ScenarioRepository
from app.storage.reviews import ReviewStore
from sizing.scenario import parse_scenario
from tests.pg import fresh_database_url, pg_url  # noqa: F401  (module fixture: a throwaway PostgreSQL server)

ROOT = Path(__file__).resolve().parents[2]
KINDS = ["sqlite", "postgresql"]
TABLES = {"saved_scenarios", "monthly_reviews", "monthly_review_services"}
CREATED = datetime(2025, 6, 3, 12, 0, tzinfo=timezone.utc)


def old_layout(url: str) -> None:
    """What the code before the shared chain left: scenarios at 0001 and reviews from their own chain."""
    engine = make_engine(url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0001_saved_scenarios")
    md = sa.MetaData()
    reviews = sa.Table(
        "monthly_reviews", md,
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("scenario_name", sa.String(200), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("source_name", sa.String(300), nullable=False),
        sa.Column("basis", sa.String(20), nullable=False),
        sa.Column("tier", sa.String(16), nullable=False),
        sa.Column("recommended_tier", sa.String(16), nullable=False),
        *(sa.Column(c, sa.String(40), nullable=False)
          for c in ("estimate_usd", "actual_usd", "actual_usage_usd", "tax_and_credits_usd")),
        sa.Column("flags", sa.Integer(), nullable=False),
        sa.Column("scenario_json", sa.Text(), nullable=False),
        sa.Column("review_json", sa.Text(), nullable=False),
        sa.UniqueConstraint("scenario_name", "month", name="uq_monthly_reviews_scenario_month"))
    services = sa.Table(
        "monthly_review_services", md,
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("review_id", sa.Integer(), sa.ForeignKey("monthly_reviews.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("service", sa.String(200), nullable=False),
        sa.Column("estimate_usd", sa.String(40), nullable=False),
        sa.Column("actual_usd", sa.String(40), nullable=False))
    version = sa.Table("alembic_version_reviews", md, sa.Column("version_num", sa.String(32), primary_key=True))
    with engine.begin() as conn:
        md.create_all(conn)
        conn.execute(version.insert(), {"version_num": "r0001_monthly_reviews"})
        for i, month in enumerate(("2025-05", "2025-06"), start=1):
            conn.execute(reviews.insert(), {
                "id": i, "scenario_name": "Acme", "month": month, "created_at": CREATED, "source": "cur",
                "source_name": "cur.csv", "basis": "unblended", "tier": "Medium", "recommended_tier": "Medium",
                "estimate_usd": "1000.50", "actual_usd": f"123{i}.1234567891", "actual_usage_usd": "1200",
                "tax_and_credits_usd": "31.1234567891", "flags": i, "scenario_json": "{}",
                "review_json": '{"month": "%s"}' % month})
            conn.execute(services.insert(), [
                {"review_id": i, "service": "EC2 - Other", "estimate_usd": "40.25", "actual_usd": f"5{i}.0000000001"},
                {"review_id": i, "service": "Amazon Elastic Compute Cloud - Compute", "estimate_usd": "960.25",
                 "actual_usd": "960.25"}])
    with engine.begin() as conn:
        insert_old_scenario(conn, "Acme", parse_scenario({"name": "Acme", "concurrent_users": 800}))
    engine.dispose()


def insert_old_scenario(conn: sa.Connection, name: str, scenario) -> None:  # type: ignore[no-untyped-def]
    """A saved_scenarios row as the code before owners wrote it (no owner columns)."""
    from app.storage.repository import _row_values
    from pricing.engine import estimate

    values = {"name": name, "client": scenario.client, "notes": "", "created_at": CREATED, "updated_at": CREATED,
              **_row_values(scenario, estimate(scenario))}
    table = sa.table("saved_scenarios", *(sa.column(k, sa.Numeric(14, 2)) if k.endswith("_usd") else sa.column(k)
                                          for k in values))
    conn.execute(table.insert(), values)


def assert_adopted(engine: sa.Engine) -> None:
    assert current_revision(engine) == head_revision() == "0003_owners_audit"
    insp = sa.inspect(engine)
    assert TABLES <= set(insp.get_table_names()) and not insp.has_table("alembic_version_reviews")
    for table in ("monthly_reviews", "monthly_review_services"):
        money = [c for c in insp.get_columns(table) if c["name"].endswith("_usd")]
        assert money and all(isinstance(c["type"], sa.Numeric) for c in money), (table, money)
    store = ReviewStore(engine)
    rows = store.list("Acme")
    assert [(r.month, r.flags, r.created_at.replace(tzinfo=timezone.utc)) for r in rows] == [
        ("2025-05", 1, CREATED), ("2025-06", 2, CREATED)]
    assert [r.actual_usd for r in rows] == [Decimal("1231.1234567891"), Decimal("1232.1234567891")]
    assert rows[0].estimate_usd == Decimal("1000.50")
    assert store.load("Acme", "2025-06") == {"month": "2025-06"}
    trend = store.trend("Acme")
    assert [(t.month, t.actual_usd) for t in trend if t.service == "EC2 - Other"] == [
        ("2025-05", Decimal("51.0000000001")), ("2025-06", Decimal("52.0000000001"))]
    assert ScenarioRepository(engine).names() == ["Acme"]


@pytest.mark.parametrize("kind", KINDS)
def test_fresh_database_gets_both_tables_in_one_chain(request, tmp_path, kind):
    engine = make_engine(fresh_database_url(request, tmp_path, kind, "m"))
    try:
        assert migrate(engine) == "0003_owners_audit"
        insp = sa.inspect(engine)
        assert TABLES | {"alembic_version"} <= set(insp.get_table_names())
        assert not insp.has_table("alembic_version_reviews")
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalars().all() == [
                "0003_owners_audit"]
    finally:
        engine.dispose()


@pytest.mark.parametrize("kind", KINDS)
def test_old_layout_is_adopted_with_its_rows(request, tmp_path, kind):
    url = fresh_database_url(request, tmp_path, kind, "o")
    old_layout(url)
    engine = make_engine(url)
    try:
        assert current_revision(engine) == "0001_saved_scenarios"
        assert migrate(engine) == "0003_owners_audit"
        assert_adopted(engine)
        # new rows after the adoption: ids continue past the copied ones (PostgreSQL sequences moved on)
        with Session(engine) as s, s.begin():
            row = ReviewRow(scenario_name="Acme", month="2025-07", created_at=CREATED, source="cur", source_name="x",
                            basis="unblended", tier="Medium", recommended_tier="Medium", estimate_usd=Decimal(1),
                            actual_usd=Decimal(2), actual_usage_usd=Decimal(2), tax_and_credits_usd=Decimal(0),
                            flags=0, scenario_json="{}", review_json="{}")
            s.add(row)
            s.flush()
            assert row.id == 3
            s.add(ReviewServiceRow(review_id=row.id, service="S", estimate_usd=Decimal(1), actual_usd=Decimal(2)))
        with engine.begin() as conn:        # the foreign key still cascades
            conn.exec_driver_sql("DELETE FROM monthly_reviews WHERE month = '2025-05'")
            assert conn.exec_driver_sql("SELECT COUNT(*) FROM monthly_review_services").scalar() == 3
    finally:
        engine.dispose()


@pytest.mark.parametrize("kind", KINDS)
def test_scenarios_only_database_at_0001_gets_the_review_tables(request, tmp_path, kind):
    url = fresh_database_url(request, tmp_path, kind, "s")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0001_saved_scenarios")
        assert migrate(engine) == "0003_owners_audit"
        assert TABLES <= set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


@pytest.mark.parametrize("kind", KINDS)
def test_alembic_cli_upgrades_an_old_layout_database(request, tmp_path, kind):
    url = fresh_database_url(request, tmp_path, kind, "c")
    old_layout(url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIERSIZER_")}
    env["TIERSIZER_DATABASE_URL"] = url
    res = subprocess.run([sys.executable, "-m", "alembic", "upgrade", "head"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=180)
    assert res.returncode == 0, res.stderr
    res = subprocess.run([sys.executable, "-m", "alembic", "current"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=180)
    assert res.returncode == 0 and "0003_owners_audit (head)" in res.stdout, res.stdout + res.stderr
    engine = make_engine(url)
    try:
        assert_adopted(engine)
    finally:
        engine.dispose()


def test_alembic_cli_offline_sql_and_downgrade(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIERSIZER_")}
    env["TIERSIZER_DATA_DIR"] = str(tmp_path / "data")
    run = [sys.executable, "-m", "alembic"]
    res = subprocess.run([*run, "upgrade", "head", "--sql"], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=180)
    assert res.returncode == 0, res.stderr
    assert "CREATE TABLE saved_scenarios" in res.stdout and "CREATE TABLE monthly_reviews" in res.stdout
    for step in (["upgrade", "head"], ["downgrade", "0001_saved_scenarios"], ["upgrade", "head"]):
        res = subprocess.run([*run, *step], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
        assert res.returncode == 0, res.stderr
    engine = make_engine(f"sqlite:///{tmp_path / 'data' / 'tiersizer.db'}")
    try:
        assert current_revision(engine) == "0003_owners_audit"
        assert TABLES <= set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()
