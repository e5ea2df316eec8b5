"""Database engine, session and declarative base.

Plain SQLAlchemy 2.x (no Flask-SQLAlchemy): the web app, the CLI, the scheduler and the tests all
use the same :class:`Database` object, so a service function behaves identically wherever it runs.
One request, command or job is one unit of work: it commits once at the end or rolls back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base for every table of the portal."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UtcDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every backend.

    SQLite has no time zones and hands back naive values; this type refuses naive datetimes on the
    way in and re-attaches UTC on the way out, so comparisons never mix naive and aware times.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    """The current time, timezone-aware UTC (never ``datetime.utcnow()``)."""
    return datetime.now(UTC)


def make_engine(url: str) -> Engine:
    """Create an engine with the per-backend settings the portal relies on.

    ``hide_parameters`` keeps bound values (which may be personal data) out of error messages and
    logged tracebacks; the SQL text alone is enough to diagnose a failure.
    """
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, hide_parameters=True)


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not pysqlite, decide when a transaction begins (see _sqlite_on_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # With WAL, NORMAL never corrupts the database; a power cut may lose the last commits. It saves an
    # fsync per commit, which dominates short transactions such as claiming a task.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_on_begin(connection: Any) -> None:
    # BEGIN IMMEDIATE takes the write lock up front: two writers queue instead of both reading a
    # state that one of them is about to change (the audit chain head, a task being claimed).
    connection.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """Owns the engine and a scoped session; bound to a Flask app with :meth:`init_app`."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self.session_factory = sessionmaker(expire_on_commit=False)
        self.session = scoped_session(self.session_factory)

    def configure(self, url: str) -> None:
        """Point the session at a database (called by the app factory and by tests)."""
        if self.engine is not None:
            self.session.remove()
            self.engine.dispose()
        self.engine = make_engine(url)
        self.session_factory.configure(bind=self.engine)

    def init_app(self, app: Any, url: str) -> None:
        """Bind to ``app``: configure the engine and end each request's session with the request."""
        self.configure(url)
        app.teardown_appcontext(self._teardown)

    def _teardown(self, exc: BaseException | None) -> None:
        if exc is not None:
            self.session.rollback()
        self.session.remove()

    @property
    def dialect(self) -> str:
        """The backend's name (``sqlite`` or ``postgresql``)."""
        assert self.engine is not None, "database not configured"
        return self.engine.dialect.name

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """A session that commits at the end or rolls back on any exception (CLI and jobs)."""
        session = self.session()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


db = Database()
