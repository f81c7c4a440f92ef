"""Stored monthly reviews: one per scenario and month, with per-service rows for the trend over months.

Lives in the same database as the saved scenarios (app/storage: TIERSIZER_DATABASE_URL, else the SQLite
file in the data folder). Its tables come from its own Alembic chain (app/review_migrations, version
table `alembic_version_reviews`), applied on first use. Money is kept as exact decimal strings.
"""
from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Engine, ForeignKey, Integer, String, Text, UniqueConstraint, delete, inspect, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from review.variance import Review, review_to_dict
from sizing.scenario import Scenario

VERSION_TABLE = "alembic_version_reviews"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "review_migrations"
PG_LOCK_ID = 7_314_159_266


class ReviewStoreError(RuntimeError):
    """The review database could not do what was asked; the message says what and why."""


class ReviewBase(DeclarativeBase):
    """Metadata of the review tables (described by app/review_migrations)."""


class ReviewRow(ReviewBase):
    __tablename__ = "monthly_reviews"
    __table_args__ = (UniqueConstraint("scenario_name", "month", name="uq_monthly_reviews_scenario_month"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scenario_name: Mapped[str] = mapped_column(String(200), nullable=False)
    month: Mapped[str] = mapped_column(String(7), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    source: Mapped[str] = mapped_column(String(20), nullable=False)
    source_name: Mapped[str] = mapped_column(String(300), nullable=False)
    basis: Mapped[str] = mapped_column(String(20), nullable=False)
    tier: Mapped[str] = mapped_column(String(16), nullable=False)
    recommended_tier: Mapped[str] = mapped_column(String(16), nullable=False)
    estimate_usd: Mapped[str] = mapped_column(String(40), nullable=False)
    actual_usd: Mapped[str] = mapped_column(String(40), nullable=False)
    actual_usage_usd: Mapped[str] = mapped_column(String(40), nullable=False)
    tax_and_credits_usd: Mapped[str] = mapped_column(String(40), nullable=False)
    flags: Mapped[int] = mapped_column(Integer, nullable=False)
    scenario_json: Mapped[str] = mapped_column(Text, nullable=False)
    review_json: Mapped[str] = mapped_column(Text, nullable=False)


class ReviewServiceRow(ReviewBase):
    __tablename__ = "monthly_review_services"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("monthly_reviews.id", ondelete="CASCADE"), nullable=False,
                                           index=True)
    service: Mapped[str] = mapped_column(String(200), nullable=False)
    estimate_usd: Mapped[str] = mapped_column(String(40), nullable=False)
    actual_usd: Mapped[str] = mapped_column(String(40), nullable=False)


@dataclass(frozen=True, slots=True)
class StoredReview:
    scenario_name: str
    month: str
    created_at: datetime
    source: str
    tier: str
    recommended_tier: str
    estimate_usd: Decimal
    actual_usd: Decimal
    flags: int


@dataclass(frozen=True, slots=True)
class TrendPoint:
    month: str
    service: str
    estimate_usd: Decimal
    actual_usd: Decimal


def _alembic_config(connection: Any):  # type: ignore[no-untyped-def]
    from alembic.config import Config
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    if head is None:
        raise RuntimeError(f"no review migrations in {MIGRATIONS_DIR}")
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table(VERSION_TABLE):
            return None
        return conn.exec_driver_sql(f"SELECT version_num FROM {VERSION_TABLE}").scalar()


def migrate(engine: Engine) -> str:
    """Bring the review tables to the newest migration (no-op when current)."""
    from alembic import command
    head = head_revision()
    if current_revision(engine) == head:
        return head
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_LOCK_ID})")
        command.upgrade(_alembic_config(conn), "head")
    return head


def _s(x: Decimal) -> str:
    return format(x, "f")


class ReviewStore:
    """Reviews by scenario name and month; saving the same month again replaces it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def _session(self, action: str) -> Iterator[Session]:
        """One transaction; database errors become ReviewStoreError naming the action."""
        try:
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                yield session
        except SQLAlchemyError as exc:
            detail = getattr(exc, "orig", None) or exc
            raise ReviewStoreError(f"could not {action}: {str(detail).strip().splitlines()[0]}") from exc

    def save(self, review: Review, scenario: Scenario, scenario_name: str | None = None) -> int:
        """Store `review` (with its scenario) under the scenario's name and month; return the row id."""
        doc = review_to_dict(review)
        name = (scenario_name or scenario.name).strip()
        values = dict(created_at=datetime.now(timezone.utc), source=review.actuals.source,
                      source_name=review.actuals.source_name[:300], basis=review.actuals.basis, tier=review.tier,
                      recommended_tier=review.recommended_tier, estimate_usd=_s(review.estimate_usd),
                      actual_usd=_s(review.actual_usd), actual_usage_usd=_s(review.actual_usage_usd),
                      tax_and_credits_usd=_s(review.tax_and_credits_usd), flags=len(review.flagged),
                      scenario_json=json.dumps(scenario.to_yaml_dict(), separators=(",", ":")),
                      review_json=json.dumps(doc, separators=(",", ":")))
        with self._session(f"save the {review.month} review of {name!r}") as s:
            row = s.scalar(select(ReviewRow).where(ReviewRow.scenario_name == name, ReviewRow.month == review.month))
            if row is None:
                row = ReviewRow(scenario_name=name, month=review.month, **values)
                s.add(row)
                s.flush()
            else:
                for k, v in values.items():
                    setattr(row, k, v)
                s.execute(delete(ReviewServiceRow).where(ReviewServiceRow.review_id == row.id))
            for v in review.services:
                s.add(ReviewServiceRow(review_id=row.id, service=v.service, estimate_usd=_s(v.estimate_usd),
                                       actual_usd=_s(v.actual_usd)))
            return row.id

    def list(self, scenario_name: str | None = None) -> list[StoredReview]:
        stmt = select(ReviewRow).order_by(ReviewRow.scenario_name, ReviewRow.month)
        if scenario_name is not None:
            stmt = stmt.where(ReviewRow.scenario_name == scenario_name)
        with self._session("list reviews") as s:
            return [StoredReview(r.scenario_name, r.month, r.created_at, r.source, r.tier, r.recommended_tier,
                                 Decimal(r.estimate_usd), Decimal(r.actual_usd), r.flags) for r in s.scalars(stmt)]

    def load(self, scenario_name: str, month: str) -> dict[str, Any] | None:
        """The stored review document, or None."""
        with self._session("load a review") as s:
            row = s.scalar(select(ReviewRow).where(ReviewRow.scenario_name == scenario_name,
                                                  ReviewRow.month == month))
            return None if row is None else json.loads(row.review_json)

    def trend(self, scenario_name: str) -> list[TrendPoint]:
        """Estimate vs actual per service and month, oldest month first."""
        stmt = (select(ReviewRow.month, ReviewServiceRow.service, ReviewServiceRow.estimate_usd,
                       ReviewServiceRow.actual_usd)
                .join(ReviewServiceRow, ReviewServiceRow.review_id == ReviewRow.id)
                .where(ReviewRow.scenario_name == scenario_name)
                .order_by(ReviewRow.month, ReviewServiceRow.service))
        with self._session("read the review trend") as s:
            return [TrendPoint(m, svc, Decimal(e), Decimal(a)) for m, svc, e, a in s.execute(stmt)]


_stores: dict[str, ReviewStore] = {}
_lock = threading.Lock()


def open_review_store(url: str | None = None) -> ReviewStore:
    """The review store on the app's database (saved-scenario migrations first, then the review ones)."""
    from app.storage import StorageError, get_engine
    from app.storage.db import DatabaseConfigError
    try:
        engine = get_engine(url)
        key = str(engine.url)
        with _lock:
            store = _stores.get(key)
            if store is None:
                migrate(engine)
                store = _stores[key] = ReviewStore(engine)
        return store
    except (DatabaseConfigError, StorageError) as exc:
        raise ReviewStoreError(str(exc)) from None
    except SQLAlchemyError as exc:
        detail = getattr(exc, "orig", None) or exc
        raise ReviewStoreError(f"cannot open the review database: {str(detail).strip().splitlines()[0]}") from exc
