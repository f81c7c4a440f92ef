"""The audit table: who (OIDC subject + e-mail) saved, renamed, deleted, re-shared, exported or reviewed what, and
when (UTC). `record` adds a row to the caller's session, so it commits or rolls back with the change it describes.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Engine, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.storage.db import db_failure
from app.storage.models import DETAIL_CHARS, OBJECT_NAME_CHARS, AuditRow
from app.storage.owner import LOCAL_OWNER, Owner

ACTIONS: tuple[str, ...] = ("save", "rename", "delete", "visibility", "export", "review")
KINDS: tuple[str, ...] = ("scenario", "review", "bundle")
DEFAULT_LIMIT = 200


class AuditError(RuntimeError):
    """The audit table could not be read or written; the message says why."""


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    actor_sub: str
    actor_email: str
    action: str
    object_kind: str
    object_name: str
    object_owner_sub: str
    detail: str


def record(session: Session, actor: Owner, action: str, kind: str, name: str, *, object_owner: str | None = None,
           detail: str = "") -> None:
    """Add one audit row to `session` (committed with the change it describes)."""
    if action not in ACTIONS or kind not in KINDS:
        raise ValueError(f"audit: unknown action {action!r} or kind {kind!r}")
    session.add(AuditRow(at=datetime.now(timezone.utc), actor_sub=actor.subject, actor_email=actor.email,
                         action=action, object_kind=kind, object_name=name[:OBJECT_NAME_CHARS],
                         object_owner_sub=object_owner or actor.subject, detail=detail[:DETAIL_CHARS]))


def _entry(row: AuditRow) -> AuditEntry:
    at = row.at.replace(tzinfo=timezone.utc) if row.at.tzinfo is None else row.at.astimezone(timezone.utc)
    return AuditEntry(at, row.actor_sub, row.actor_email, row.action, row.object_kind, row.object_name,
                      row.object_owner_sub, row.detail)


class AuditLog:
    """Read the audit table; `record_export` writes the one action that changes nothing else."""

    def __init__(self, engine: Engine, owner: Owner = LOCAL_OWNER) -> None:
        self.engine = engine
        self.owner = owner

    @contextmanager
    def _tx(self, action: str) -> Iterator[Session]:
        try:
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                yield session
        except SQLAlchemyError as exc:
            raise AuditError(db_failure(action, exc)) from exc

    def record_export(self, kind: str, name: str, detail: str = "") -> None:
        """An export (a bundle or report downloaded or written) by this log's owner."""
        with self._tx("record an export in the audit table") as session:
            record(session, self.owner, "export", kind, name, detail=detail)

    def entries(self, *, subject: str | None = None, limit: int = DEFAULT_LIMIT) -> list[AuditEntry]:
        """Newest first; with `subject`, only what that user did or what was done to that user's objects."""
        stmt = select(AuditRow).order_by(AuditRow.at.desc(), AuditRow.id.desc()).limit(limit)
        if subject is not None:
            stmt = stmt.where(or_(AuditRow.actor_sub == subject, AuditRow.object_owner_sub == subject))
        with self._tx("read the audit table") as session:
            return [_entry(r) for r in session.scalars(stmt)]


def known_email(engine: Engine, subject: str) -> str:
    """The e-mail `subject` last acted with (audit table), or "" when unknown."""
    stmt = (select(AuditRow.actor_email).where(AuditRow.actor_sub == subject, AuditRow.actor_email != "")
            .order_by(AuditRow.at.desc(), AuditRow.id.desc()).limit(1))
    try:
        with Session(engine) as session:
            return session.scalar(stmt) or ""
    except SQLAlchemyError as exc:
        raise AuditError(db_failure("read the audit table", exc)) from exc
