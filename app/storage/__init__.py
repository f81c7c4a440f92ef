"""Saved scenarios in a real database (SQLite file by default, PostgreSQL via TIERSIZER_DATABASE_URL)."""
from __future__ import annotations

from app.storage.db import (
    DATA_DIR_ENV,
    DATABASE_URL_ENV,
    DatabaseConfigError,
    database_url,
    dispose_engines,
    get_engine,
    make_engine,
    migrate,
)
from app.storage.repository import (
    InvalidFieldError,
    SavedScenario,
    ScenarioExistsError,
    ScenarioNotFoundError,
    ScenarioRepository,
    ScenarioSummary,
    StorageError,
    Totals,
    scenario_json,
)


def open_repository(url: str | None = None) -> ScenarioRepository:
    """The repository on `url` (default: TIERSIZER_DATABASE_URL or the SQLite file), migrated to head.

    Raises StorageError (incl. DatabaseConfigError wrapped) with a readable message when the database
    cannot be reached or set up.
    """
    from sqlalchemy.exc import SQLAlchemyError

    try:
        return ScenarioRepository(get_engine(url))
    except DatabaseConfigError as exc:
        raise StorageError(str(exc)) from None
    except SQLAlchemyError as exc:
        detail = getattr(exc, "orig", None) or exc
        raise StorageError(f"cannot open the scenario database: {str(detail).strip().splitlines()[0]}") from exc


__all__ = ["DATA_DIR_ENV", "DATABASE_URL_ENV", "DatabaseConfigError", "InvalidFieldError", "SavedScenario",
           "ScenarioExistsError", "ScenarioNotFoundError", "ScenarioRepository", "ScenarioSummary", "StorageError",
           "Totals", "database_url", "dispose_engines", "get_engine", "make_engine", "migrate", "open_repository",
           "scenario_json"]
