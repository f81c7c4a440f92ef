"""Alembic environment of the monthly-review tables; app.review_store.migrate hands in the connection.

The review tables have their own version table (`alembic_version_reviews`), so this chain is
independent of the saved-scenario migrations in app/storage/migrations on the same database.
"""
from __future__ import annotations

from alembic import context

from app.review_store import VERSION_TABLE, ReviewBase

config = context.config


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(connection=connection, target_metadata=ReviewBase.metadata, version_table=VERSION_TABLE,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run the review migrations through app.review_store.migrate(engine)")
_run(connection)
