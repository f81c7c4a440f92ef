"""Create monthly_reviews and monthly_review_services (one stored review per scenario and month), money Numeric.

Databases made before the two stores shared this chain already hold these tables (created by a separate
review chain, version table `alembic_version_reviews`, money as decimal strings). Those are adopted: their
rows are read, the tables are made again as below and the rows written back with Numeric money; the old
version table is dropped. Offline (`alembic upgrade head --sql`) the tables are simply created.

Revision ID: 0002_monthly_reviews
Revises: 0001_saved_scenarios
Create Date: 2026-11-29
"""
from decimal import Decimal
from typing import Any, Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0002_monthly_reviews"
down_revision: Union[str, Sequence[str], None] = "0001_saved_scenarios"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

OLD_VERSION_TABLE = "alembic_version_reviews"
REVIEW_MONEY = ("estimate_usd", "actual_usd", "actual_usage_usd", "tax_and_credits_usd")
SERVICE_MONEY = ("estimate_usd", "actual_usd")


def _money(name: str) -> sa.Column:
    return sa.Column(name, sa.Numeric(24, 10), nullable=False)


def _create() -> tuple[sa.Table, sa.Table]:
    reviews = op.create_table(
        "monthly_reviews",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("scenario_name", sa.String(200), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("source_name", sa.String(300), nullable=False),
        sa.Column("basis", sa.String(20), nullable=False),
        sa.Column("tier", sa.String(16), nullable=False),
        sa.Column("recommended_tier", sa.String(16), nullable=False),
        *(_money(c) for c in REVIEW_MONEY),
        sa.Column("flags", sa.Integer(), nullable=False),
        sa.Column("scenario_json", sa.Text(), nullable=False),
        sa.Column("review_json", sa.Text(), nullable=False),
        sa.UniqueConstraint("scenario_name", "month", name="uq_monthly_reviews_scenario_month"),
    )
    services = op.create_table(
        "monthly_review_services",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("review_id", sa.Integer(), sa.ForeignKey("monthly_reviews.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("service", sa.String(200), nullable=False),
        *(_money(c) for c in SERVICE_MONEY),
    )
    op.create_index("ix_monthly_review_services_review_id", "monthly_review_services", ["review_id"])
    return reviews, services


def _read(bind: Any, table: str, money: tuple[str, ...]) -> list[dict[str, Any]]:
    query = sa.text(f"SELECT * FROM {table} ORDER BY id")
    if table == "monthly_reviews":
        query = query.columns(created_at=sa.DateTime(timezone=True))
    rows = [dict(r._mapping) for r in bind.execute(query)]
    for r in rows:
        r.update({c: Decimal(str(r[c])) for c in money})
    return rows


def _drop() -> None:
    op.drop_index("ix_monthly_review_services_review_id", table_name="monthly_review_services")
    op.drop_table("monthly_review_services")
    op.drop_table("monthly_reviews")


def upgrade() -> None:
    """Create the review tables, or adopt the ones the separate review chain made (rows kept)."""
    if op.get_context().as_sql:                    # `alembic upgrade --sql`: no database to look at
        _create()
        return
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    if not inspector.has_table("monthly_reviews"):
        _create()
    else:
        reviews = _read(bind, "monthly_reviews", REVIEW_MONEY)
        services = _read(bind, "monthly_review_services", SERVICE_MONEY)
        _drop()                                     # children first: no cascade touches the kept rows
        reviews_table, services_table = _create()
        if reviews:
            op.bulk_insert(reviews_table, reviews)
        if services:
            op.bulk_insert(services_table, services)
        if bind.dialect.name == "postgresql":      # explicit ids were written: move the id sequences past them
            for table in ("monthly_reviews", "monthly_review_services"):
                op.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)")
    if inspector.has_table(OLD_VERSION_TABLE):
        op.drop_table(OLD_VERSION_TABLE)


def downgrade() -> None:
    _drop()
