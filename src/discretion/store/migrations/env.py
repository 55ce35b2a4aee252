"""Alembic environment: migrate the store handed over in the config's attributes."""

from __future__ import annotations

from alembic import context

from discretion.store.models import Base

store = context.config.attributes["store"]
with store.engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=store.dialect == "sqlite",
    )
    context.run_migrations()
