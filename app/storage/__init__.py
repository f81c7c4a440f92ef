"""Both stores in one database (SQLite file by default, PostgreSQL via TIERSIZER_DATABASE_URL), one Alembic chain.

- saved scenarios: app/storage/repository.py (`open_repository`);
- monthly reviews: app/storage/reviews.py (`open_review_store`);
- engines and migrations: app/storage/db.py; migrations in app/storage/migrations (also `alembic upgrade head`);
- owners and visibility: app/storage/owner.py; the audit table: app/storage/audit.py.
"""
from __future__ import annotations

from app.storage.audit import AuditEntry, AuditError, AuditLog
from app.storage.db import (
    DATA_DIR_ENV,
    DATABASE_URL_ENV,
    DatabaseConfigError,
    database_url,
    db_error_reason,
    dispose_engines,
    get_engine,
    make_engine,
    mask_url,
    migrate,
)
from app.storage.owner import LOCAL_OWNER, PRIVATE, TEAM, VISIBILITIES, Owner, OwnerError
from app.storage.repository import (
    InvalidFieldError,
    SavedScenario,
    ScenarioExistsError,
    ScenarioNotFoundError,
    ScenarioPermissionError,
    ScenarioRepository,
    ScenarioSummary,
    StorageError,
    Totals,
    scenario_json,
)
from app.storage.reviews import ReviewStore, ReviewStoreError, StoredReview, TrendPoint, open_review_store


def open_repository(url: str | None = None, owner: Owner = LOCAL_OWNER) -> ScenarioRepository:
    """The repository on `url` (default: TIERSIZER_DATABASE_URL or the SQLite file), migrated to head, acting as
    `owner` (the local user by default).

    Raises StorageError (incl. DatabaseConfigError wrapped) with a readable message when the database
    cannot be reached or set up.
    """
    from sqlalchemy.exc import SQLAlchemyError

    try:
        return ScenarioRepository(get_engine(url), owner)
    except DatabaseConfigError as exc:
        raise StorageError(str(exc)) from None
    except SQLAlchemyError as exc:
        raise StorageError(f"cannot open the scenario database at {mask_url(url or database_url())}: "
                           f"{db_error_reason(exc)}") from exc


__all__ = ["LOCAL_OWNER", "PRIVATE", "TEAM", "VISIBILITIES", "AuditEntry", "AuditError", "AuditLog", "Owner",
           "OwnerError", "ScenarioPermissionError", "DATA_DIR_ENV", "DATABASE_URL_ENV", "DatabaseConfigError", "InvalidFieldError", "ReviewStore",
           "ReviewStoreError", "SavedScenario", "ScenarioExistsError", "ScenarioNotFoundError", "ScenarioRepository",
           "ScenarioSummary", "StorageError", "StoredReview", "Totals", "TrendPoint", "database_url", "dispose_engines",
           "get_engine", "make_engine", "mask_url", "migrate", "open_repository", "open_review_store", "scenario_json"]
