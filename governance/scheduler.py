"""The scheduler: APScheduler 3 running the registered jobs, with one leader across processes.

Several web workers or a stray second ``flask scheduler`` must not run the retention sweep twice,
so a process acts only while it holds the leadership: a session-level advisory lock on PostgreSQL
(released by the server if the process dies), or on SQLite a lease row renewed every
``LEASE_RENEW_SECONDS`` that another process may take over once it has lapsed.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from datetime import timedelta
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import Engine, delete, insert, text, update
from sqlalchemy.exc import IntegrityError

from governance.db import utcnow
from governance.jobs import jobs, run_job
from governance.ops_models import SchedulerLease

log = logging.getLogger(__name__)
ADVISORY_LOCK_KEY = 0x60_76_E2_7A  # "governance portal scheduler"
LEASE_NAME = "scheduler"
LEASE_SECONDS = 90
LEASE_RENEW_SECONDS = 30


class Leadership:
    """Whether this process may run scheduled jobs right now."""

    def __init__(self, engine: Engine, holder: str | None = None, lease_seconds: int = LEASE_SECONDS) -> None:
        self.engine = engine
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.lease_seconds = lease_seconds
        self._pg_connection: Any = None

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def acquire(self) -> bool:
        """Take or keep the leadership; ``False`` while another live process holds it."""
        return self._acquire_postgres() if self.is_postgres else self._acquire_lease()

    def release(self) -> None:
        if self._pg_connection is not None:
            # Unlock explicitly: closing only returns the connection to the pool, session and lock alive.
            self._pg_connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY})
            self._pg_connection.commit()
            self._pg_connection.close()
            self._pg_connection = None
        elif not self.is_postgres:
            with self.engine.begin() as conn:
                conn.execute(delete(SchedulerLease).where(SchedulerLease.name == LEASE_NAME,
                                                          SchedulerLease.holder == self.holder))

    def _acquire_postgres(self) -> bool:
        if self._pg_connection is not None:
            return True
        connection = self.engine.connect()
        got = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY}).scalar()
        connection.commit()
        if got:
            self._pg_connection = connection
            return True
        connection.close()
        return False

    def _acquire_lease(self) -> bool:
        now = utcnow()
        expires = now + timedelta(seconds=self.lease_seconds)
        with self.engine.begin() as conn:
            taken = conn.execute(update(SchedulerLease).where(
                SchedulerLease.name == LEASE_NAME,
                (SchedulerLease.holder == self.holder) | (SchedulerLease.expires_at < now),
            ).values(holder=self.holder, expires_at=expires)).rowcount
            if taken:
                return True
            try:
                conn.execute(insert(SchedulerLease).values(name=LEASE_NAME, holder=self.holder, expires_at=expires))
            except IntegrityError:
                return False
            return True


class PortalScheduler:
    """APScheduler with every registered job, each run guarded by :class:`Leadership`."""

    def __init__(self, app: Any, leadership: Leadership | None = None) -> None:
        from governance.db import db

        self.app = app
        self.leadership = leadership or Leadership(db.engine)
        self.scheduler = BackgroundScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1})

    def start(self) -> None:
        for spec in jobs().values():
            if spec.cron:
                self.scheduler.add_job(self.tick, "cron", args=[spec.name], id=spec.name, **spec.cron)
        self.scheduler.add_job(self.leadership.acquire, "interval", seconds=LEASE_RENEW_SECONDS, id="leadership")
        self.leadership.acquire()
        self.scheduler.start()

    def stop(self) -> None:
        self.scheduler.shutdown(wait=True)
        self.leadership.release()

    def tick(self, name: str) -> bool:
        """Run ``name`` if this process leads; return whether it ran."""
        if not self.leadership.acquire():
            log.info("job %s skipped: another scheduler is the leader", name)
            return False
        with self.app.app_context():
            run_job(name, trigger="schedule")
        return True
