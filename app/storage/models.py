"""SQLAlchemy 2 models of both stores, saved scenarios and monthly reviews (schema changes go through the one
Alembic chain in app/storage/migrations)."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import DateTime, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAME_MAX_CHARS = 200
CLIENT_MAX_CHARS = 200
NOTES_MAX_CHARS = 10_000
MONEY = Numeric(14, 2)
# Reviews keep what the bill says: CUR amounts carry up to 10 decimals (SQLite keeps 15 significant digits).
REVIEW_MONEY = Numeric(24, 10)


# Owner columns (revision 0003): the OIDC subject and e-mail, "local" for the single local user.
SUBJECT_CHARS = 255
EMAIL_CHARS = 320
VISIBILITY_CHARS = 8
OBJECT_NAME_CHARS = 200
DETAIL_CHARS = 400


class Base(DeclarativeBase):
    """Declarative base; its metadata is what migrations describe."""


class OwnedMixin:
    """Who owns the row (OIDC subject + e-mail) and who else sees it (visibility private | team)."""

    owner_sub: Mapped[str] = mapped_column(String(SUBJECT_CHARS), nullable=False, server_default="local")
    owner_email: Mapped[str] = mapped_column(String(EMAIL_CHARS), nullable=False, server_default="")
    visibility: Mapped[str] = mapped_column(String(VISIBILITY_CHARS), nullable=False, server_default="private")


class ScenarioRow(OwnedMixin, Base):
    """One named scenario: who it is for, the exact input and the totals of its estimate when saved.
    Names are unique per owner."""

    __tablename__ = "saved_scenarios"
    __table_args__ = (UniqueConstraint("owner_sub", "name", name="uq_saved_scenarios_owner_name"),
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


class ReviewRow(OwnedMixin, Base):
    """One stored monthly review: a scenario's estimate against a month's actual spend (one per owner, scenario
    name and month)."""

    __tablename__ = "monthly_reviews"
    __table_args__ = (UniqueConstraint("owner_sub", "scenario_name", "month",
                                       name="uq_monthly_reviews_owner_scenario_month"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scenario_name: Mapped[str] = mapped_column(String(NAME_MAX_CHARS), nullable=False)
    month: Mapped[str] = mapped_column(String(7), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    source: Mapped[str] = mapped_column(String(20), nullable=False)
    source_name: Mapped[str] = mapped_column(String(300), nullable=False)
    basis: Mapped[str] = mapped_column(String(20), nullable=False)
    tier: Mapped[str] = mapped_column(String(16), nullable=False)
    recommended_tier: Mapped[str] = mapped_column(String(16), nullable=False)
    estimate_usd: Mapped[Decimal] = mapped_column(REVIEW_MONEY, nullable=False)
    actual_usd: Mapped[Decimal] = mapped_column(REVIEW_MONEY, nullable=False)
    actual_usage_usd: Mapped[Decimal] = mapped_column(REVIEW_MONEY, nullable=False)
    tax_and_credits_usd: Mapped[Decimal] = mapped_column(REVIEW_MONEY, nullable=False)
    flags: Mapped[int] = mapped_column(Integer, nullable=False)
    scenario_json: Mapped[str] = mapped_column(Text, nullable=False)
    review_json: Mapped[str] = mapped_column(Text, nullable=False)


class ReviewServiceRow(Base):
    """Estimate and actual of one service in a stored review (the trend over months)."""

    __tablename__ = "monthly_review_services"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("monthly_reviews.id", ondelete="CASCADE"), nullable=False,
                                           index=True)
    service: Mapped[str] = mapped_column(String(200), nullable=False)
    estimate_usd: Mapped[Decimal] = mapped_column(REVIEW_MONEY, nullable=False)
    actual_usd: Mapped[Decimal] = mapped_column(REVIEW_MONEY, nullable=False)


class AuditRow(Base):
    """Who did what to which object, and when (UTC); written in the transaction of the change itself."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    actor_sub: Mapped[str] = mapped_column(String(SUBJECT_CHARS), nullable=False)
    actor_email: Mapped[str] = mapped_column(String(EMAIL_CHARS), nullable=False)
    action: Mapped[str] = mapped_column(String(16), nullable=False)
    object_kind: Mapped[str] = mapped_column(String(16), nullable=False)
    object_name: Mapped[str] = mapped_column(String(OBJECT_NAME_CHARS), nullable=False)
    object_owner_sub: Mapped[str] = mapped_column(String(SUBJECT_CHARS), nullable=False)
    detail: Mapped[str] = mapped_column(String(DETAIL_CHARS), nullable=False, server_default="")
