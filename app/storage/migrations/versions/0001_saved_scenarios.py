"""Create saved_scenarios: named scenarios with their exact input and estimate totals.

Revision ID: 0001_saved_scenarios
Revises:
Create Date: 2026-11-25
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0001_saved_scenarios"
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _money(name: str) -> sa.Column:
    return sa.Column(name, sa.Numeric(14, 2), nullable=False)


def upgrade() -> None:
    """Create the table and its unique name index."""
    op.create_table(
        "saved_scenarios",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("client", sa.String(200), nullable=False, server_default=""),
        sa.Column("notes", sa.Text(), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("input_json", sa.Text(), nullable=False),
        sa.Column("input_yaml", sa.Text(), nullable=False),
        sa.Column("environment", sa.String(16), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("concurrent_users", sa.Integer(), nullable=False),
        sa.Column("tier", sa.String(16), nullable=False),
        _money("monthly_usd"),
        _money("upfront_usd"),
        _money("first_year_usd"),
        _money("infrastructure_usd"),
        _money("llm_usd"),
        _money("compliance_usd"),
        _money("cost_per_user_usd"),
        sa.Column("prices_as_of", sa.String(10), nullable=False),
        sa.Column("prices_checksum", sa.String(80), nullable=False),
        sa.Column("estimate_json", sa.Text(), nullable=False),
        sa.UniqueConstraint("name", name="uq_saved_scenarios_name"),
    )
    op.create_index("ix_saved_scenarios_updated_at", "saved_scenarios", ["updated_at"])


def downgrade() -> None:
    """Drop the table."""
    op.drop_index("ix_saved_scenarios_updated_at", table_name="saved_scenarios")
    op.drop_table("saved_scenarios")
