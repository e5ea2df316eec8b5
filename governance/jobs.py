"""Scheduled jobs: a registry, and one runner that records every run and its outcome.

Jobs are plain functions ``(session, now) -> summary`` (a dict of counts). The runner opens the
unit of work, commits or rolls back, and records a :class:`JobRun`; the page, ``jobs run NAME`` and
the scheduler all go through :func:`run_job`, so a job behaves the same however it is started.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from governance.db import db, utcnow
from governance.errors import PortalError
from governance.ops_models import JobRun

log = logging.getLogger(__name__)
JobFunc = Callable[[Session, datetime], dict[str, Any]]


@dataclass(frozen=True)
class JobSpec:
    name: str
    func: JobFunc
    description: str
    cron: dict[str, Any] = field(default_factory=dict)

    @property
    def schedule(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self.cron.items()) or "on demand"


_JOBS: dict[str, JobSpec] = {}


def register_job(name: str, func: JobFunc, description: str, **cron: Any) -> None:
    """Make a job known to the scheduler, the Jobs page and ``jobs run`` (cron fields: APScheduler's)."""
    _JOBS[name] = JobSpec(name, func, description, cron)


def jobs() -> dict[str, JobSpec]:
    return dict(sorted(_JOBS.items()))


def run_job(name: str, trigger: str = "manual", now: datetime | None = None) -> JobRun:
    """Run one job now in its own unit of work and record the run; failures are recorded, not raised."""
    spec = _JOBS.get(name)
    if spec is None:
        raise PortalError(f"No job named {name!r}; known jobs: {', '.join(_JOBS)}.")
    session = db.session
    session.rollback()  # a job starts from a clean transaction, whatever the caller did before
    run = JobRun(job=name, trigger=trigger, started_at=utcnow(), status="running")
    session.add(run)
    session.commit()
    try:
        summary = spec.func(session, now or utcnow())
        run.summary, run.status = _counts_only(summary), "ok"
        run.finished_at = utcnow()
        session.commit()
    except Exception as exc:  # noqa: BLE001  (recorded on the run; the scheduler keeps going)
        session.rollback()
        log.exception("job %s failed", name)
        run = session.get(JobRun, run.id)
        run.status, run.message, run.finished_at = "failed", _safe_message(exc), utcnow()
        session.commit()
    return run


def _counts_only(summary: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in (summary or {}).items() if isinstance(v, int | str | bool | None)}


def _safe_message(exc: Exception) -> str:
    # Domain errors carry messages written for users; anything else shows only its type.
    return exc.message[:500] if isinstance(exc, PortalError) else f"{type(exc).__name__} (details in the log)"


def last_runs(session: Session) -> dict[str, JobRun]:
    """The most recent run of each job."""
    latest = select(JobRun.job, func.max(JobRun.id).label("id")).group_by(JobRun.job).subquery()
    runs = session.scalars(select(JobRun).join(latest, JobRun.id == latest.c.id)).all()
    return {run.job: run for run in runs}


def recent_runs(session: Session, limit: int = 30) -> list[JobRun]:
    return list(session.scalars(select(JobRun).order_by(JobRun.id.desc()).limit(limit)))
