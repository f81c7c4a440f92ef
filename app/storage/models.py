"""SQLAlchemy 2 models of the saved-scenario store (schema changes go through Alembic migrations)."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import DateTime, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAME_MAX_CHARS = 200
CLIENT_MAX_CHARS = 200
NOTES_MAX_CHARS = 10_000
MONEY = Numeric(14, 2)


class Base(DeclarativeBase):
    """Declarative base; its metadata is what migrations describe."""


class ScenarioRow(Base):
    """One named scenario: who it is for, the exact input and the totals of its estimate when saved."""

    __tablename__ = "saved_scenarios"
    __table_args__ = (UniqueConstraint("name", name="uq_saved_scenarios_name"),
                      Index("ix_saved_scenarios_updated_at", "updated_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX_CHARS), nullable=False)
    client: Mapped[str] = mapped_column(String(CLIENT_MAX_CHARS), nullable=False, server_default="")
    notes: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    # The exact input: canonical JSON (what is loaded back) and the same data as YAML (for people).
    input_json: Mapped[str] = mapped_column(Text, nullable=False)
    input_yaml: Mapped[str] = mapped_column(Text, nullable=False)
    environment: Mapped[str] = mapped_column(String(16), nullable=False)
    region: Mapped[str] = mapped_column(String(32), nullable=False)
    concurrent_users: Mapped[int] = mapped_column(Integer, nullable=False)
    tier: Mapped[str] = mapped_column(String(16), nullable=False)
    monthly_usd: Mapped[Decimal] = mapped_column(MONEY, nullable=False)
    upfront_usd: Mapped[Decimal] = mapped_column(MONEY, nullable=False)
    first_year_usd: Mapped[Decimal] = mapped_column(MONEY, nullable=False)
    infrastructure_usd: Mapped[Decimal] = mapped_column(MONEY, nullable=False)
    llm_usd: Mapped[Decimal] = mapped_column(MONEY, nullable=False)
    compliance_usd: Mapped[Decimal] = mapped_column(MONEY, nullable=False)
    cost_per_user_usd: Mapped[Decimal] = mapped_column(MONEY, nullable=False)
    prices_as_of: Mapped[str] = mapped_column(String(10), nullable=False)
    prices_checksum: Mapped[str] = mapped_column(String(80), nullable=False)
    # The whole estimate document (pricing.schema.estimate_to_dict) as saved, for the monthly review.
    estimate_json: Mapped[str] = mapped_column(Text, nullable=False)
