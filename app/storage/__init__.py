"""Both stores in one database (SQLite file by default, PostgreSQL via TIERSIZER_DATABASE_URL), one Alembic chain.

- saved scenarios: app/storage/repository.py (`open_repository`);
- monthly reviews: app/storage/reviews.py (`open_review_store`);
- engines and migrations: app/storage/db.py; migrations in app/storage/migrations (also `alembic upgrade head`);
- owners and visibility: app/storage/owner.py; the audit table: app/storage/audit.py.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.storage.owner import Owner
    from app.storage.repository import ScenarioRepository

#: Public name -> the submodule holding it. Loaded on first use (PEP 562), so `import app.storage.owner` (the
#: web app's sign-in, drawn before the estimate) does not load SQLAlchemy; `from app.storage import X` works as
#: before.
_EXPORTS = {
    **dict.fromkeys(("AuditEntry", "AuditError", "AuditLog"), "audit"),
    **dict.fromkeys(("DATA_DIR_ENV", "DATABASE_URL_ENV", "DatabaseConfigError", "database_url", "db_error_reason",
                     "dispose_engines", "get_engine", "make_engine", "mask_url", "migrate"), "db"),
    **dict.fromkeys(("LOCAL_OWNER", "PRIVATE", "TEAM", "VISIBILITIES", "Owner", "OwnerError"), "owner"),
    **dict.fromkeys(("InvalidFieldError", "SavedScenario", "ScenarioExistsError", "ScenarioNotFoundError",
                     "ScenarioPermissionError", "ScenarioRepository", "ScenarioSummary", "StorageError", "Totals",
                     "scenario_json"), "repository"),
    **dict.fromkeys(("ReviewStore", "ReviewStoreError", "StoredReview", "TrendPoint", "open_review_store"), "reviews"),
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'app.storage' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"app.storage.{module}"), name)
    globals()[name] = value
    return value


def open_repository(url: str | None = None, owner: Owner | None = None) -> ScenarioRepository:
    """The repository on `url` (default: TIERSIZER_DATABASE_URL or the SQLite file), migrated to head, acting as
    `owner` (the local user by default).

    Raises StorageError (incl. DatabaseConfigError wrapped) with a readable message when the database
    cannot be reached or set up.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from app.storage.db import DatabaseConfigError, database_url, db_error_reason, get_engine, mask_url
    from app.storage.owner import LOCAL_OWNER
    from app.storage.repository import ScenarioRepository, StorageError

    try:
        return ScenarioRepository(get_engine(url), owner or LOCAL_OWNER)
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
