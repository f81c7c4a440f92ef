"""Alembic environment: migrate the connection handed in by app.storage.db.migrate, or the configured URL."""
from __future__ import annotations

from alembic import context

from app.storage.models import Base

config = context.config
target_metadata = Base.metadata


def run_offline() -> None:
    """Emit SQL for the configured URL without connecting (`alembic upgrade head --sql`)."""
    from app.storage.db import database_url

    context.configure(url=config.get_main_option("sqlalchemy.url") or database_url(),
                      target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Migrate the given connection (the app's path) or one opened from TIERSIZER_* settings (CLI path)."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from app.storage.db import make_engine

    engine = make_engine(config.get_main_option("sqlalchemy.url") or None)
    try:
        with engine.begin() as conn:
            _run(conn)
    finally:
        engine.dispose()


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
