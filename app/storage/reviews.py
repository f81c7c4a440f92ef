"""Stored monthly reviews: one per scenario and month, with per-service rows for the trend over months.

Same database and the same Alembic chain as the saved scenarios (app/storage/migrations, revisions
0002_monthly_reviews and 0003_owners_audit); money columns are Numeric.

A store acts as one `Owner` (app/storage/owner.py): a review belongs to whoever ran it and takes the visibility
given (the web page and the CLI pass the reviewed scenario's); the owner sees their own reviews and the team's.
Saving a review writes its audit row in the same transaction.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, delete, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.storage.audit import record
from app.storage.db import db_failure
from app.storage.models import ReviewRow, ReviewServiceRow
from app.storage.owner import LOCAL_OWNER, PRIVATE, TEAM, Owner, check_visibility
from review.variance import Review, review_to_dict
from sizing.scenario import Scenario


class ReviewStoreError(RuntimeError):
    """The review database could not do what was asked; the message says what and why."""


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
    owner_sub: str = LOCAL_OWNER.subject
    owner_email: str = ""
    visibility: str = PRIVATE


@dataclass(frozen=True, slots=True)
class TrendPoint:
    month: str
    service: str
    estimate_usd: Decimal
    actual_usd: Decimal


class ReviewStore:
    """Reviews by scenario name and month, as `owner`; saving the same month again replaces the owner's."""

    def __init__(self, engine: Engine, owner: Owner = LOCAL_OWNER) -> None:
        self.engine = engine
        self.owner = owner

    def as_owner(self, owner: Owner) -> "ReviewStore":
        return ReviewStore(self.engine, owner)

    def _visible(self):  # type: ignore[no-untyped-def]
        return or_(ReviewRow.owner_sub == self.owner.subject, ReviewRow.visibility == TEAM)

    @contextmanager
    def _session(self, action: str) -> Iterator[Session]:
        """One transaction; database errors become ReviewStoreError naming the action."""
        try:
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                yield session
        except SQLAlchemyError as exc:
            raise ReviewStoreError(db_failure(action, exc)) from exc

    def save(self, review: Review, scenario: Scenario, scenario_name: str | None = None,
             visibility: str = PRIVATE) -> int:
        """Store `review` (with its scenario) under the owner, the scenario's name and the month; return the row id."""
        visibility = check_visibility(visibility)
        doc = review_to_dict(review)
        name = (scenario_name or scenario.name).strip()
        values = dict(created_at=datetime.now(timezone.utc), source=review.actuals.source,
                      source_name=review.actuals.source_name[:300], basis=review.actuals.basis, tier=review.tier,
                      recommended_tier=review.recommended_tier, estimate_usd=review.estimate_usd,
                      actual_usd=review.actual_usd, actual_usage_usd=review.actual_usage_usd,
                      tax_and_credits_usd=review.tax_and_credits_usd, flags=len(review.flagged),
                      scenario_json=json.dumps(scenario.to_yaml_dict(), separators=(",", ":")),
                      review_json=json.dumps(doc, separators=(",", ":")), owner_email=self.owner.email,
                      visibility=visibility)
        with self._session(f"save the {review.month} review of {name!r}") as s:
            row = s.scalar(select(ReviewRow).where(ReviewRow.owner_sub == self.owner.subject,
                                                  ReviewRow.scenario_name == name, ReviewRow.month == review.month))
            if row is None:
                row = ReviewRow(scenario_name=name, month=review.month, owner_sub=self.owner.subject, **values)
                s.add(row)
                s.flush()
            else:
                for k, v in values.items():
                    setattr(row, k, v)
                s.execute(delete(ReviewServiceRow).where(ReviewServiceRow.review_id == row.id))
            for v in review.services:
                s.add(ReviewServiceRow(review_id=row.id, service=v.service, estimate_usd=v.estimate_usd,
                                       actual_usd=v.actual_usd))
            record(s, self.owner, "review", "review", name, detail=f"{review.month}, {visibility}")
            return row.id

    def list(self, scenario_name: str | None = None) -> list[StoredReview]:
        stmt = (select(ReviewRow).where(self._visible())
                .order_by(ReviewRow.scenario_name, ReviewRow.month, ReviewRow.owner_sub))
        if scenario_name is not None:
            stmt = stmt.where(ReviewRow.scenario_name == scenario_name)
        with self._session("list reviews") as s:
            return [StoredReview(r.scenario_name, r.month, r.created_at, r.source, r.tier, r.recommended_tier,
                                 r.estimate_usd, r.actual_usd, r.flags, r.owner_sub, r.owner_email, r.visibility)
                    for r in s.scalars(stmt)]

    def load(self, scenario_name: str, month: str) -> dict[str, Any] | None:
        """The stored review document (the owner's, else the newest team one), or None."""
        with self._session("load a review") as s:
            row = s.scalar(select(ReviewRow).where(ReviewRow.scenario_name == scenario_name,
                                                  ReviewRow.month == month, self._visible())
                           .order_by((ReviewRow.owner_sub == self.owner.subject).desc(), ReviewRow.created_at.desc())
                           .limit(1))
            return None if row is None else json.loads(row.review_json)

    def trend(self, scenario_name: str) -> list[TrendPoint]:
        """Estimate vs actual per service and month, oldest month first (the owner's reviews; the team's of a
        month the owner has not reviewed)."""
        picks = (select(ReviewRow.id, ReviewRow.month, ReviewRow.owner_sub)
                 .where(ReviewRow.scenario_name == scenario_name, self._visible())
                 .order_by(ReviewRow.created_at.desc(), ReviewRow.id.desc()))
        with self._session("read the review trend") as s:
            chosen: dict[str, tuple[int, bool]] = {}          # month -> (review id, the owner's own)
            for rid, month, owner_sub in s.execute(picks):
                own = owner_sub == self.owner.subject
                if month not in chosen or (own and not chosen[month][1]):
                    chosen[month] = (rid, own)
            stmt = (select(ReviewRow.month, ReviewServiceRow.service, ReviewServiceRow.estimate_usd,
                           ReviewServiceRow.actual_usd)
                    .join(ReviewServiceRow, ReviewServiceRow.review_id == ReviewRow.id)
                    .where(ReviewRow.id.in_([rid for rid, _ in chosen.values()]))
                    .order_by(ReviewRow.month, ReviewServiceRow.service))
            return [TrendPoint(m, svc, e, a) for m, svc, e, a in s.execute(stmt)]


def open_review_store(url: str | None = None, owner: Owner = LOCAL_OWNER) -> ReviewStore:
    """The review store on the app's database (`url`, else TIERSIZER_DATABASE_URL or the SQLite file), migrated."""
    from app.storage.db import DatabaseConfigError, database_url, db_error_reason, get_engine, mask_url
    try:
        return ReviewStore(get_engine(url), owner)
    except DatabaseConfigError as exc:
        raise ReviewStoreError(str(exc)) from None
    except SQLAlchemyError as exc:
        raise ReviewStoreError(f"cannot open the review database at {mask_url(url or database_url())}: "
                               f"{db_error_reason(exc)}") from exc
