"""Saved scenarios: save / rename / load / delete / list, each in one transaction.

A save stores the exact input (canonical JSON + YAML) and the totals of its estimate; it either
happens whole or not at all. Names are unique; a concurrent save of the same new name fails with
`ScenarioExistsError` for all but one writer.
"""
from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from app.storage.db import db_failure
from app.storage.models import CLIENT_MAX_CHARS, NAME_MAX_CHARS, NOTES_MAX_CHARS, ScenarioRow
from sizing.scenario import Scenario, ScenarioError, parse_scenario

if TYPE_CHECKING:
    from pricing.engine import Estimate


class StorageError(RuntimeError):
    """The database could not do what was asked; the message says what and why."""


class ScenarioNotFoundError(StorageError, LookupError):
    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"no saved scenario named {name!r}")


class ScenarioExistsError(StorageError):
    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"a saved scenario named {name!r} already exists; choose another name or overwrite it")


class InvalidFieldError(StorageError, ValueError):
    """A name, client or notes value out of its allowed range."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True, slots=True)
class Totals:
    """The estimate's totals when the scenario was saved."""

    tier: str
    monthly_usd: Decimal
    upfront_usd: Decimal
    first_year_usd: Decimal
    infrastructure_usd: Decimal
    llm_usd: Decimal
    compliance_usd: Decimal
    cost_per_user_usd: Decimal
    prices_as_of: str
    prices_checksum: str


@dataclass(frozen=True, slots=True)
class ScenarioSummary:
    """One row of the list: enough to choose a scenario without loading it."""

    id: int
    name: str
    client: str
    notes: str
    created_at: datetime
    updated_at: datetime
    environment: str
    region: str
    concurrent_users: int
    totals: Totals


@dataclass(frozen=True, slots=True)
class SavedScenario:
    """A loaded scenario: the validated input plus what was stored with it."""

    id: int
    name: str
    client: str
    notes: str
    created_at: datetime
    updated_at: datetime
    scenario: Scenario
    input_json: str
    input_yaml: str
    totals: Totals
    estimate_doc: dict[str, Any]


def scenario_json(s: Scenario) -> str:
    """Canonical JSON of a scenario's input (field order of the model, enums as values)."""
    return json.dumps(s.to_yaml_dict(), ensure_ascii=False, separators=(",", ":"))


def _utc(dt: datetime) -> datetime:
    return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)


def _clean(field: str, value: str | None, max_chars: int, *, required: bool, multiline: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidFieldError(field, f"must be text, got {type(value).__name__}")
    value = value.strip()
    if required and not value:
        raise InvalidFieldError(field, f"must not be empty (1..{max_chars} characters)")
    if len(value) > max_chars:
        raise InvalidFieldError(field, f"is {len(value)} characters long (allowed: {int(required)}..{max_chars})")
    allowed_controls = {"\n", "\t"} if multiline else set()
    if any(unicodedata.category(ch) == "Cc" and ch not in allowed_controls for ch in value):
        raise InvalidFieldError(field, "must not contain control characters")
    return value


def _totals(row: ScenarioRow) -> Totals:
    return Totals(row.tier, Decimal(row.monthly_usd), Decimal(row.upfront_usd), Decimal(row.first_year_usd),
                  Decimal(row.infrastructure_usd), Decimal(row.llm_usd), Decimal(row.compliance_usd),
                  Decimal(row.cost_per_user_usd), row.prices_as_of, row.prices_checksum)


def _summary(row: ScenarioRow) -> ScenarioSummary:
    return ScenarioSummary(row.id, row.name, row.client, row.notes, _utc(row.created_at), _utc(row.updated_at),
                           row.environment, row.region, row.concurrent_users, _totals(row))


def _saved(row: ScenarioRow) -> SavedScenario:
    try:
        scenario = parse_scenario(json.loads(row.input_json))
    except (ScenarioError, ValueError) as exc:
        raise StorageError(f"saved scenario {row.name!r} no longer validates: {exc}") from None
    return SavedScenario(row.id, row.name, row.client, row.notes, _utc(row.created_at), _utc(row.updated_at),
                         scenario, row.input_json, row.input_yaml, _totals(row), json.loads(row.estimate_json))


def _row_values(scenario: Scenario, est: "Estimate") -> dict[str, Any]:
    """Column values derived from the scenario and its estimate (computed before any DB work)."""
    from app.scenario_input import scenario_yaml
    from pricing.schema import estimate_to_dict

    return {
        "input_json": scenario_json(scenario),
        "input_yaml": scenario_yaml(scenario),
        "environment": scenario.environment.value,
        "region": scenario.region,
        "concurrent_users": scenario.concurrent_users,
        "tier": est.plan.tier,
        "monthly_usd": est.monthly_usd,
        "upfront_usd": est.upfront_usd,
        "first_year_usd": est.first_year_usd,
        "infrastructure_usd": est.infrastructure_usd,
        "llm_usd": est.llm_usd,
        "compliance_usd": est.compliance_usd,
        "cost_per_user_usd": est.cost_per_user_usd,
        "prices_as_of": est.prices_as_of,
        "prices_checksum": est.prices_checksum,
        "estimate_json": json.dumps(estimate_to_dict(est), ensure_ascii=False, separators=(",", ":")),
    }


class ScenarioRepository:
    """Named scenarios in one database (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def _tx(self, action: str) -> Iterator[Session]:
        """One transaction; database errors become StorageError naming the action."""
        try:
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                yield session
        except StorageError:
            raise
        except SQLAlchemyError as exc:
            raise StorageError(db_failure(action, exc)) from exc

    @staticmethod
    def _get(session: Session, name: str) -> ScenarioRow | None:
        return session.scalar(select(ScenarioRow).where(ScenarioRow.name == name))

    def save(self, name: str, scenario: Scenario, *, client: str | None = None, notes: str = "",
             estimate: "Estimate | None" = None, overwrite: bool = False) -> SavedScenario:
        """Save `scenario` as `name` (client defaults to the scenario's); overwrite only when asked."""
        name = _clean("name", name, NAME_MAX_CHARS, required=True)
        client = _clean("client", scenario.client if client is None else client, CLIENT_MAX_CHARS, required=False)
        notes = _clean("notes", notes, NOTES_MAX_CHARS, required=False, multiline=True)
        if estimate is None:
            from pricing.engine import estimate as run_estimate
            estimate = run_estimate(scenario)
        elif estimate.scenario != scenario:
            raise ValueError("the estimate given is not the estimate of this scenario")
        values = _row_values(scenario, estimate)
        now = datetime.now(timezone.utc)
        try:
            with self._tx(f"save scenario {name!r}") as session:
                row = self._get(session, name)
                if row is None:
                    row = ScenarioRow(name=name, client=client, notes=notes, created_at=now, updated_at=now,
                                      **values)
                    session.add(row)
                elif not overwrite:
                    raise ScenarioExistsError(name)
                else:
                    for key, value in {"client": client, "notes": notes, "updated_at": now, **values}.items():
                        setattr(row, key, value)
                session.flush()
        except StorageError as exc:
            if isinstance(exc.__cause__, IntegrityError):
                raise ScenarioExistsError(name) from None
            raise
        return self.load(name)

    def rename(self, old: str, new: str) -> SavedScenario:
        """Give a saved scenario a new name (which must be free)."""
        new = _clean("new name", new, NAME_MAX_CHARS, required=True)
        try:
            with self._tx(f"rename scenario {old!r}") as session:
                row = self._get(session, old)
                if row is None:
                    raise ScenarioNotFoundError(old)
                if new != old:
                    if self._get(session, new) is not None:
                        raise ScenarioExistsError(new)
                    row.name = new
                    row.updated_at = datetime.now(timezone.utc)
                    session.flush()
        except StorageError as exc:
            if isinstance(exc.__cause__, IntegrityError):
                raise ScenarioExistsError(new) from None
            raise
        return self.load(new)

    def load(self, name: str) -> SavedScenario:
        """The saved scenario `name`, its input validated again."""
        with self._tx(f"load scenario {name!r}") as session:
            row = self._get(session, name)
            if row is None:
                raise ScenarioNotFoundError(name)
            return _saved(row)

    def delete(self, name: str) -> None:
        """Delete `name`; ScenarioNotFoundError when there is none."""
        with self._tx(f"delete scenario {name!r}") as session:
            row = self._get(session, name)
            if row is None:
                raise ScenarioNotFoundError(name)
            session.delete(row)

    def list(self, client: str | None = None) -> list[ScenarioSummary]:
        """All saved scenarios (optionally of one client), most recently updated first."""
        stmt = select(ScenarioRow).order_by(ScenarioRow.updated_at.desc(), ScenarioRow.name)
        if client is not None:
            stmt = stmt.where(ScenarioRow.client == client)
        with self._tx("list saved scenarios") as session:
            return [_summary(r) for r in session.scalars(stmt)]

    def names(self) -> list[str]:
        """Saved names, alphabetical."""
        with self._tx("list saved scenarios") as session:
            return list(session.scalars(select(ScenarioRow.name).order_by(ScenarioRow.name)))

    def count(self) -> int:
        with self._tx("count saved scenarios") as session:
            return int(session.scalar(select(func.count()).select_from(ScenarioRow)) or 0)
