"""Alembic environment: runs on the connection the portal hands over (see governance/migrate.py)."""

from alembic import context

import governance.all_models  # noqa: F401  (registers every table on Base.metadata)
from governance.db import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Run migrations with `flask --app app db upgrade`.")

context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True,
                  compare_type=True)
with context.begin_transaction():
    context.run_migrations()
