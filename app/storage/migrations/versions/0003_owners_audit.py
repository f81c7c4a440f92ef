"""Owners and visibility of saved scenarios and reviews; the audit table.

saved_scenarios and monthly_reviews get owner_sub, owner_email and visibility; every existing row becomes the
local user's ("local", no e-mail) and private. Names are unique per owner (saved_scenarios: owner + name;
monthly_reviews: owner + scenario name + month) instead of globally. audit_log records who saved, renamed,
deleted, exported or reviewed what, and when.

SQLite rebuilds a table to change its constraints (batch mode); dropping monthly_reviews would cascade to
monthly_review_services (foreign keys are on and cannot be switched off inside the migration's transaction), so
the service rows are read first and written back after the rebuild. (Offline, `alembic upgrade head --sql`, the
tables' known shapes stand in for reflection; run that SQL with foreign keys off, the sqlite3 shell's default.)

Downgrade drops the audit table and the owner columns; it refuses (nothing changed) when two owners hold the same
scenario name, or the same review month of one scenario, which the old global constraints cannot hold.

Revision ID: 0003_owners_audit
Revises: 0002_monthly_reviews
Create Date: 2026-11-30
"""
from decimal import Decimal
from typing import Any, Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0003_owners_audit"
down_revision: Union[str, Sequence[str], None] = "0002_monthly_reviews"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

SERVICES = "monthly_review_services"


def _owner_columns() -> list[sa.Column]:
    return [sa.Column("owner_sub", sa.String(255), nullable=False, server_default="local"),
            sa.Column("owner_email", sa.String(320), nullable=False, server_default=""),
            sa.Column("visibility", sa.String(8), nullable=False, server_default="private")]


def _tables(owned: bool) -> dict[str, sa.Table]:
    """saved_scenarios and monthly_reviews as 0002 left them (`owned` False) or as this revision makes them: what
    SQLite's batch mode copies when it cannot reflect them (`alembic upgrade head --sql`)."""
    md = sa.MetaData()
    money = [sa.Column(c, sa.Numeric(14, 2), nullable=False) for c in (
        "monthly_usd", "upfront_usd", "first_year_usd", "infrastructure_usd", "llm_usd", "compliance_usd",
        "cost_per_user_usd")]
    review_money = [sa.Column(c, sa.Numeric(24, 10), nullable=False) for c in (
        "estimate_usd", "actual_usd", "actual_usage_usd", "tax_and_credits_usd")]
    owner = _owner_columns() if owned else []
    scenarios = sa.Table(
        "saved_scenarios", md, sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("client", sa.String(200), nullable=False, server_default=""),
        sa.Column("notes", sa.Text(), nullable=False, server_default=""),
        *(sa.Column(c, sa.DateTime(timezone=True), nullable=False) for c in ("created_at", "updated_at")),
        *(sa.Column(c, sa.Text(), nullable=False) for c in ("input_json", "input_yaml")),
        sa.Column("environment", sa.String(16), nullable=False), sa.Column("region", sa.String(32), nullable=False),
        sa.Column("concurrent_users", sa.Integer(), nullable=False), sa.Column("tier", sa.String(16), nullable=False),
        *money, sa.Column("prices_as_of", sa.String(10), nullable=False),
        sa.Column("prices_checksum", sa.String(80), nullable=False),
        sa.Column("estimate_json", sa.Text(), nullable=False), *owner,
        sa.UniqueConstraint(*(["owner_sub", "name"] if owned else ["name"]),
                            name="uq_saved_scenarios_owner_name" if owned else "uq_saved_scenarios_name"),
        sa.Index("ix_saved_scenarios_updated_at", "updated_at"))
    owner = _owner_columns() if owned else []
    reviews = sa.Table(
        "monthly_reviews", md, sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("scenario_name", sa.String(200), nullable=False), sa.Column("month", sa.String(7), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(20), nullable=False), sa.Column("source_name", sa.String(300), nullable=False),
        sa.Column("basis", sa.String(20), nullable=False), sa.Column("tier", sa.String(16), nullable=False),
        sa.Column("recommended_tier", sa.String(16), nullable=False), *review_money,
        sa.Column("flags", sa.Integer(), nullable=False),
        *(sa.Column(c, sa.Text(), nullable=False) for c in ("scenario_json", "review_json")), *owner,
        sa.UniqueConstraint(*(["owner_sub", "scenario_name", "month"] if owned else ["scenario_name", "month"]),
                            name="uq_monthly_reviews_owner_scenario_month" if owned
                            else "uq_monthly_reviews_scenario_month"))
    return {"saved_scenarios": scenarios, "monthly_reviews": reviews}


def _batch(table: str, owned: bool):  # type: ignore[no-untyped-def]
    """batch_alter_table; offline, with the table's known shape instead of reflection."""
    if op.get_context().as_sql:
        return op.batch_alter_table(table, copy_from=_tables(owned)[table])
    return op.batch_alter_table(table)


def _keep_services() -> list[dict[str, Any]]:
    """The review service rows, removed before monthly_reviews is rebuilt (written back by `_restore_services`)."""
    if op.get_context().as_sql:
        return []
    bind = op.get_bind()
    rows = [dict(r._mapping) for r in bind.execute(sa.text(f"SELECT * FROM {SERVICES} ORDER BY id"))]
    for r in rows:
        r.update({c: Decimal(str(r[c])) for c in ("estimate_usd", "actual_usd")})
    op.execute(f"DELETE FROM {SERVICES}")
    return rows


def _restore_services(rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    table = sa.table(SERVICES, sa.column("id", sa.Integer()), sa.column("review_id", sa.Integer()),
                     sa.column("service", sa.String()), sa.column("estimate_usd", sa.Numeric(24, 10)),
                     sa.column("actual_usd", sa.Numeric(24, 10)))
    op.bulk_insert(table, rows)


def upgrade() -> None:
    with _batch("saved_scenarios", owned=False) as batch:
        for column in _owner_columns():
            batch.add_column(column)
        batch.drop_constraint("uq_saved_scenarios_name", type_="unique")
        batch.create_unique_constraint("uq_saved_scenarios_owner_name", ["owner_sub", "name"])
    services = _keep_services()
    with _batch("monthly_reviews", owned=False) as batch:
        for column in _owner_columns():
            batch.add_column(column)
        batch.drop_constraint("uq_monthly_reviews_scenario_month", type_="unique")
        batch.create_unique_constraint("uq_monthly_reviews_owner_scenario_month",
                                       ["owner_sub", "scenario_name", "month"])
    _restore_services(services)
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_sub", sa.String(255), nullable=False),
        sa.Column("actor_email", sa.String(320), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("object_kind", sa.String(16), nullable=False),
        sa.Column("object_name", sa.String(200), nullable=False),
        sa.Column("object_owner_sub", sa.String(255), nullable=False),
        sa.Column("detail", sa.String(400), nullable=False, server_default=""),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])


def _refuse_shared_names() -> None:
    if op.get_context().as_sql:
        return
    bind = op.get_bind()
    for table, key in (("saved_scenarios", "name"), ("monthly_reviews", "scenario_name, month")):
        dup = bind.execute(sa.text(f"SELECT {key} FROM {table} GROUP BY {key} HAVING COUNT(*) > 1")).first()
        if dup is not None:
            raise RuntimeError(f"cannot downgrade: several owners hold {table} rows with the same {key} "
                               f"{tuple(dup)!r}; rename or delete them first")


def downgrade() -> None:
    _refuse_shared_names()
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_table("audit_log")
    services = _keep_services()
    with _batch("monthly_reviews", owned=True) as batch:
        batch.drop_constraint("uq_monthly_reviews_owner_scenario_month", type_="unique")
        batch.create_unique_constraint("uq_monthly_reviews_scenario_month", ["scenario_name", "month"])
        for name in ("visibility", "owner_email", "owner_sub"):
            batch.drop_column(name)
    _restore_services(services)
    with _batch("saved_scenarios", owned=True) as batch:
        batch.drop_constraint("uq_saved_scenarios_owner_name", type_="unique")
        batch.create_unique_constraint("uq_saved_scenarios_name", ["name"])
        for name in ("visibility", "owner_email", "owner_sub"):
            batch.drop_column(name)
