"""Saved scenarios: save / rename / load / delete / list, each in one transaction, as one owner.

A save stores the exact input (canonical JSON + YAML) and the totals of its estimate; it either
happens whole or not at all. Names are unique per owner; a concurrent save of the same new name fails with
`ScenarioExistsError` for all but one writer.

Ownership (app/storage/owner.py): a repository acts as one `Owner`. It lists and loads the owner's scenarios and
the team's (visibility `team`), filtered in SQL; a name resolves to the owner's own scenario first, else to the
most recently updated team scenario of that name. Only the owner renames, deletes or re-shares a scenario: another
user's team scenario raises `ScenarioPermissionError`, another user's private one is "not found" (its existence
is not revealed). Each change writes its audit row (app/storage/audit.py) in the same transaction.
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

from sqlalchemy import Engine, func, or_, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from app.storage.audit import record
from app.storage.db import db_failure
from app.storage.models import CLIENT_MAX_CHARS, NAME_MAX_CHARS, NOTES_MAX_CHARS, ScenarioRow
from app.storage.owner import LOCAL_OWNER, PRIVATE, TEAM, Owner, OwnerError, check_visibility
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


class ScenarioPermissionError(StorageError, PermissionError):
    """A team scenario of another owner: visible, but only its owner may change it."""

    def __init__(self, name: str, owner: str, action: str) -> None:
        self.name = name
        super().__init__(f"{name!r} belongs to {owner}; only its owner can {action} it (save a copy under "
                         "your own name instead)")


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
    owner_sub: str
    owner_email: str
    visibility: str


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
    owner_sub: str
    owner_email: str
    visibility: str


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
                           row.environment, row.region, row.concurrent_users, _totals(row), row.owner_sub,
                           row.owner_email, row.visibility)


def _saved(row: ScenarioRow) -> SavedScenario:
    try:
        scenario = parse_scenario(json.loads(row.input_json))
    except (ScenarioError, ValueError) as exc:
        raise StorageError(f"saved scenario {row.name!r} no longer validates: {exc}") from None
    return SavedScenario(row.id, row.name, row.client, row.notes, _utc(row.created_at), _utc(row.updated_at),
                         scenario, row.input_json, row.input_yaml, _totals(row), json.loads(row.estimate_json),
                         row.owner_sub, row.owner_email, row.visibility)


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


def _visibility(value: str) -> str:
    try:
        return check_visibility(value)
    except OwnerError as exc:
        raise InvalidFieldError("visibility", str(exc).split(": ", 1)[1]) from None


class ScenarioRepository:
    """Named scenarios in one database (SQLite or PostgreSQL), seen and changed as `owner`."""

    def __init__(self, engine: Engine, owner: Owner = LOCAL_OWNER) -> None:
        self.engine = engine
        self.owner = owner

    def as_owner(self, owner: Owner) -> "ScenarioRepository":
        """The same database seen as another owner (cheap: shares the engine)."""
        return ScenarioRepository(self.engine, owner)

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

    def _visible(self):  # type: ignore[no-untyped-def]
        """SQL condition: the owner's rows and the team's."""
        return or_(ScenarioRow.owner_sub == self.owner.subject, ScenarioRow.visibility == TEAM)

    def _own(self, session: Session, name: str) -> ScenarioRow | None:
        return session.scalar(select(ScenarioRow).where(ScenarioRow.owner_sub == self.owner.subject,
                                                        ScenarioRow.name == name))

    def _get(self, session: Session, name: str) -> ScenarioRow | None:
        """The owner's scenario `name`, else the most recently updated team scenario of that name."""
        own = self._own(session, name)
        if own is not None:
            return own
        return session.scalar(select(ScenarioRow).where(ScenarioRow.name == name, ScenarioRow.visibility == TEAM)
                              .order_by(ScenarioRow.updated_at.desc(), ScenarioRow.id.desc()).limit(1))

    def _owned(self, session: Session, name: str, action: str) -> ScenarioRow:
        """The owner's own scenario `name` (to change it); a team one of someone else is refused by name."""
        row = self._own(session, name)
        if row is not None:
            return row
        other = self._get(session, name)
        if other is not None:
            raise ScenarioPermissionError(name, other.owner_email or other.owner_sub, action)
        raise ScenarioNotFoundError(name)

    def save(self, name: str, scenario: Scenario, *, client: str | None = None, notes: str = "",
             estimate: "Estimate | None" = None, overwrite: bool = False,
             visibility: str | None = None) -> SavedScenario:
        """Save `scenario` as `name` among the owner's (client defaults to the scenario's); overwrite only when
        asked. `visibility` (private | team): a new scenario defaults to private, an overwrite keeps its own."""
        name = _clean("name", name, NAME_MAX_CHARS, required=True)
        client = _clean("client", scenario.client if client is None else client, CLIENT_MAX_CHARS, required=False)
        notes = _clean("notes", notes, NOTES_MAX_CHARS, required=False, multiline=True)
        visibility = None if visibility is None else _visibility(visibility)
        if estimate is None:
            from pricing.engine import estimate as run_estimate
            estimate = run_estimate(scenario)
        elif estimate.scenario != scenario:
            raise ValueError("the estimate given is not the estimate of this scenario")
        values = _row_values(scenario, estimate)
        now = datetime.now(timezone.utc)
        try:
            with self._tx(f"save scenario {name!r}") as session:
                row = self._own(session, name)
                is_new = row is None
                if row is None:
                    row = ScenarioRow(name=name, client=client, notes=notes, created_at=now, updated_at=now,
                                      owner_sub=self.owner.subject, owner_email=self.owner.email,
                                      visibility=visibility or PRIVATE, **values)
                    session.add(row)
                elif not overwrite:
                    raise ScenarioExistsError(name)
                else:
                    changes = {"client": client, "notes": notes, "updated_at": now, **values}
                    if visibility is not None:
                        changes["visibility"] = visibility
                    for key, value in changes.items():
                        setattr(row, key, value)
                session.flush()
                record(session, self.owner, "save", "scenario", name,
                       detail=f"{'new' if is_new else 'overwritten'}, {row.visibility}")
        except StorageError as exc:
            if isinstance(exc.__cause__, IntegrityError):
                raise ScenarioExistsError(name) from None
            raise
        return self.load(name)

    def rename(self, old: str, new: str) -> SavedScenario:
        """Give one of the owner's saved scenarios a new name (which must be free among the owner's)."""
        new = _clean("new name", new, NAME_MAX_CHARS, required=True)
        try:
            with self._tx(f"rename scenario {old!r}") as session:
                row = self._owned(session, old, "rename")
                if new != old:
                    if self._own(session, new) is not None:
                        raise ScenarioExistsError(new)
                    row.name = new
                    row.updated_at = datetime.now(timezone.utc)
                    session.flush()
                    record(session, self.owner, "rename", "scenario", old, detail=f"to {new!r}")
        except StorageError as exc:
            if isinstance(exc.__cause__, IntegrityError):
                raise ScenarioExistsError(new) from None
            raise
        return self.load(new)

    def set_visibility(self, name: str, visibility: str) -> SavedScenario:
        """Share one of the owner's scenarios with the team (`team`) or make it private again."""
        visibility = _visibility(visibility)
        with self._tx(f"change the visibility of {name!r}") as session:
            row = self._owned(session, name, "share")
            if row.visibility != visibility:
                row.visibility = visibility
                record(session, self.owner, "visibility", "scenario", name, detail=visibility)
        return self.load(name)

    def load(self, name: str) -> SavedScenario:
        """The saved scenario `name` (the owner's, else the team's), its input validated again."""
        with self._tx(f"load scenario {name!r}") as session:
            row = self._get(session, name)
            if row is None:
                raise ScenarioNotFoundError(name)
            return _saved(row)

    def load_id(self, scenario_id: int) -> SavedScenario:
        """The saved scenario with this id when the owner may see it; "not found" otherwise (a link with an
        edited id never reveals whether another user's private scenario exists)."""
        with self._tx("load a linked scenario") as session:
            row = session.scalar(select(ScenarioRow).where(ScenarioRow.id == scenario_id, self._visible()))
            if row is None:
                raise ScenarioNotFoundError(f"#{scenario_id}")
            return _saved(row)

    def delete(self, name: str) -> None:
        """Delete one of the owner's scenarios; ScenarioNotFoundError when there is none."""
        with self._tx(f"delete scenario {name!r}") as session:
            row = self._owned(session, name, "delete")
            session.delete(row)
            record(session, self.owner, "delete", "scenario", name)

    def list(self, client: str | None = None) -> list[ScenarioSummary]:
        """The owner's and the team's saved scenarios (optionally of one client), most recently updated first."""
        stmt = (select(ScenarioRow).where(self._visible())
                .order_by(ScenarioRow.updated_at.desc(), ScenarioRow.name, ScenarioRow.id))
        if client is not None:
            stmt = stmt.where(ScenarioRow.client == client)
        with self._tx("list saved scenarios") as session:
            return [_summary(r) for r in session.scalars(stmt)]

    def names(self) -> list[str]:
        """Names the owner can open (own and team, each once), alphabetical."""
        stmt = select(ScenarioRow.name).where(self._visible()).distinct().order_by(ScenarioRow.name)
        with self._tx("list saved scenarios") as session:
            return list(session.scalars(stmt))

    def count(self) -> int:
        """How many saved scenarios the owner can see."""
        with self._tx("count saved scenarios") as session:
            return int(session.scalar(select(func.count()).select_from(ScenarioRow).where(self._visible())) or 0)
