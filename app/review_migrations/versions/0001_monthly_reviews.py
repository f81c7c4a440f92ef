"""Create monthly_reviews and monthly_review_services: one stored review per scenario and month.

Revision ID: r0001_monthly_reviews
Revises:
Create Date: 2026-11-26
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "r0001_monthly_reviews"
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Reviews (money as exact decimal strings) and their per-service rows for the trend."""
    op.create_table(
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
        sa.Column("estimate_usd", sa.String(40), nullable=False),
        sa.Column("actual_usd", sa.String(40), nullable=False),
        sa.Column("actual_usage_usd", sa.String(40), nullable=False),
        sa.Column("tax_and_credits_usd", sa.String(40), nullable=False),
        sa.Column("flags", sa.Integer(), nullable=False),
        sa.Column("scenario_json", sa.Text(), nullable=False),
        sa.Column("review_json", sa.Text(), nullable=False),
        sa.UniqueConstraint("scenario_name", "month", name="uq_monthly_reviews_scenario_month"),
    )
    op.create_table(
        "monthly_review_services",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("review_id", sa.Integer(), sa.ForeignKey("monthly_reviews.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("service", sa.String(200), nullable=False),
        sa.Column("estimate_usd", sa.String(40), nullable=False),
        sa.Column("actual_usd", sa.String(40), nullable=False),
    )
    op.create_index("ix_monthly_review_services_review_id", "monthly_review_services", ["review_id"])


def downgrade() -> None:
    op.drop_index("ix_monthly_review_services_review_id", table_name="monthly_review_services")
    op.drop_table("monthly_review_services")
    op.drop_table("monthly_reviews")
