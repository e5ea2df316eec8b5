"""Scheduled jobs: recorded runs, one acting scheduler among several, DPA expiry notifications."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, text

from governance import jobs
from governance.db import db, utcnow
from governance.jobs import run_job
from governance.models import Role
from governance.ops_models import JobRun, Notification
from governance.scheduler import Leadership, PortalScheduler
from tests.conftest import csrf_token


def test_jobs_run_cli_records_the_run(runner: Any) -> None:
    result = runner.invoke(args=["jobs", "run", "audit-verify"])
    assert result.exit_code == 0 and "audit-verify: ok" in result.output
    run = db.session.scalars(select(JobRun)).one()
    assert (run.job, run.trigger, run.status) == ("audit-verify", "cli", "ok")


def test_unknown_job_name_is_a_clear_error(runner: Any) -> None:
    result = runner.invoke(args=["jobs", "run", "no-such-job"])
    assert result.exit_code == 2 and "No job named 'no-such-job'" in result.output


def test_a_failing_job_is_recorded_without_leaking_details(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(session: Any, now: Any) -> dict:
        raise RuntimeError("secret linh@example.com")

    jobs.register_job("test-explode", explode, "fails on purpose")
    try:
        run = run_job("test-explode")
    finally:
        jobs._JOBS.pop("test-explode")
    assert run.status == "failed" and "RuntimeError" in run.message and "linh" not in run.message


def test_two_schedulers_only_one_acts(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    first = PortalScheduler(app, Leadership(db.engine, holder="first"))
    second = PortalScheduler(app, Leadership(db.engine, holder="second"))
    try:
        assert first.tick("audit-verify") is True
        assert second.tick("audit-verify") is False
        assert first.tick("audit-verify") is True
        runs = db.session.scalar(select(func.count()).select_from(JobRun))
        db.session.rollback()  # SQLite: end this read before another connection writes the lease
        assert runs == 2
        first.leadership.release()
        assert second.tick("audit-verify") is True
        assert first.tick("audit-verify") is False
    finally:
        first.leadership.release()
        second.leadership.release()


def test_a_dead_leader_is_replaced(app: Any) -> None:
    dead = Leadership(db.engine, holder="dead", lease_seconds=-1)  # SQLite: a lease that has lapsed
    alive = Leadership(db.engine, holder="alive")
    assert dead.acquire() is True
    if db.dialect == "postgresql":
        assert alive.acquire() is False
        dead._pg_connection.invalidate()  # the process died: the server ends its session and lock
    try:
        assert alive.acquire() is True
    finally:
        alive.release()


def test_dpa_expiry_watch_warns_at_30_and_7_days_and_on_expiry(app: Any, make_vendor: Any, make_dpa: Any,
                                                               login_as: Any) -> None:
    vendor = make_vendor("Bangalore Label Works", country="IN")
    today = utcnow().date()
    make_dpa(vendor, expires_on=today + timedelta(days=10))
    manager = login_as(Role.VENDOR_MANAGER, managed=[vendor])
    run_job("dpa-expiry-watch")
    run_job("dpa-expiry-watch")  # a second run repeats nothing
    notes = db.session.scalars(select(Notification)).all()
    assert {n.role for n in notes} == {"compliance_officer", "admin", "vendor_manager"} and len(notes) == 3
    assert all("expires on" in n.message and "(10 days)" in n.message for n in notes)
    run_job("dpa-expiry-watch", now=utcnow() + timedelta(days=4))
    run_job("dpa-expiry-watch", now=utcnow() + timedelta(days=11))
    messages = [n.message for n in db.session.scalars(select(Notification).where(Notification.role == "admin"))]
    assert len(messages) == 3 and "expired on" in messages[-1]

    page = manager.get("/").get_data(as_text=True)
    assert "Bangalore Label Works" in page and 'data-testid="notifications"' in page
    note = db.session.scalars(select(Notification).where(Notification.role == "vendor_manager")).first()
    manager.post(f"/notifications/{note.id}/read", data={"csrf_token": csrf_token(manager, "/")})
    assert f"/notifications/{note.id}/read" not in manager.get("/").get_data(as_text=True)


def test_notifications_of_another_vendor_are_not_shown(app: Any, make_vendor: Any, make_dpa: Any,
                                                       login_as: Any) -> None:
    theirs, mine = make_vendor("Theirs", country="PL"), make_vendor("Mine", country="PL")
    make_dpa(theirs, expires_on=utcnow().date() + timedelta(days=5))
    run_job("dpa-expiry-watch")
    page = login_as(Role.VENDOR_MANAGER, managed=[mine]).get("/").get_data(as_text=True)
    assert "Theirs" not in page


def test_jobs_page_runs_a_job_now(login_as: Any) -> None:
    officer = login_as(Role.COMPLIANCE_OFFICER)
    page = officer.post("/jobs/audit-verify/run", data={"csrf_token": csrf_token(officer, "/jobs")},
                        follow_redirects=True).get_data(as_text=True)
    assert "audit-verify: ok" in page and "events=" in page


def test_nightly_verify_notifies_when_the_chain_is_broken(app: Any, chain_key: bytes) -> None:
    from governance import audit
    from governance.audit import SYSTEM

    for i in range(3):
        audit.record(db.session, chain_key, SYSTEM, "test.event", "thing", i)
    db.session.commit()
    db.session.execute(text("UPDATE audit_events SET action = 'test.forged' WHERE seq = 2"))
    db.session.commit()
    run = run_job("audit-verify")
    assert run.summary["ok"] is False
    assert db.session.scalar(select(func.count()).select_from(Notification).where(Notification.level == "danger")) == 2
