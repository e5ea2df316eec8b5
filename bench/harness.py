"""What every benchmark needs first: a migrated portal app on a database of its own."""

from __future__ import annotations

import secrets
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import text


def make_app(database_url: str | None, **overrides: Any) -> tuple[Any, str]:
    """A migrated portal app on ``database_url`` (default: a new SQLite file).

    PostgreSQL: the schema of that database is dropped and re-created, so point it at a database
    kept for benchmarks, never at one holding data.
    """
    from app import create_app
    from config.settings import Settings
    from governance import migrate
    from governance.db import db

    url = database_url or f"sqlite:///{tempfile.mkdtemp(prefix='portal-bench-')}/bench.db"
    settings = Settings(mode="test", instance_path=Path(tempfile.mkdtemp()), database_url=url,
                        secret_key=secrets.token_urlsafe(16), master_key=secrets.token_bytes(32), **overrides)
    app = create_app(settings)
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        migrate.upgrade(db.engine)
    return app, url
