"""The command line operators and scripts rely on."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from governance.db import db
from governance.demo import DEMO_LOGINS
from governance.models import AuditEvent, Role, User, Vendor


def test_users_create_reads_the_password_from_stdin(runner: Any, make_vendor: Any) -> None:
    make_vendor("Saigon Data Labs")
    result = runner.invoke(args=["users", "create", "new.person@example.com", "--role", "annotator",
                                 "--vendor", "Saigon Data Labs", "--password-stdin"], input="long enough pw\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalars(select(User).where(User.email == "new.person@example.com")).one()
    assert user.role == Role.ANNOTATOR and user.vendor.name == "Saigon Data Labs"
    assert "long enough pw" not in user.password_hash


def test_users_create_vendor_manager_with_several_vendors(runner: Any, make_vendor: Any) -> None:
    make_vendor("Hanoi A"), make_vendor("Pune B", country="IN")
    result = runner.invoke(args=["users", "create", "vm@example.com", "--role", "vendor_manager", "--vendor",
                                 "Hanoi A", "--vendor", "Pune B", "--password-stdin"], input="long enough pw\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalars(select(User).where(User.email == "vm@example.com")).one()
    assert sorted(v.name for v in user.managed_vendors) == ["Hanoi A", "Pune B"]


def test_users_create_refuses_bad_input_clearly_and_changes_nothing(runner: Any) -> None:
    before = db.session.scalar(select(func.count()).select_from(User))
    cases = [
        (["not-an-email", "--role", "admin"], "valid e-mail"),
        (["a@example.com", "--role", "annotator", "--vendor", "Nope"], "No vendor named"),
        (["a@example.com", "--role", "annotator"], "exactly one vendor"),
        (["a@example.com", "--role", "admin"], "at least 10 characters"),
    ]
    for args, message in cases:
        password = "short\n" if message.startswith("at least") else "long enough pw\n"
        result = runner.invoke(args=["users", "create", *args, "--password-stdin"], input=password)
        assert result.exit_code == 2 and message in result.output, result.output
        assert "Traceback" not in result.output
    assert runner.invoke(args=["users", "create", "a@example.com", "--role", "boss", "--password-stdin"]).exit_code == 2
    assert db.session.scalar(select(func.count()).select_from(User)) == before


def test_demo_seed_only_is_idempotent_and_audited(runner: Any, chain_key: bytes) -> None:
    first = runner.invoke(args=["demo", "--seed-only"])
    assert first.exit_code == 0, first.output
    assert all(email in first.output for _, email in DEMO_LOGINS)
    counts = (db.session.scalar(select(func.count()).select_from(User)),
              db.session.scalar(select(func.count()).select_from(Vendor)))
    db.session.rollback()  # end this test's read transaction before the command migrates
    second = runner.invoke(args=["demo", "--seed-only"])
    assert "already present" in second.output
    assert counts == (db.session.scalar(select(func.count()).select_from(User)),
                      db.session.scalar(select(func.count()).select_from(Vendor)))
    annotators = db.session.scalar(select(func.count()).select_from(User).where(User.role == Role.ANNOTATOR))
    assert annotators >= 18 and counts[1] >= 4
    countries = set(db.session.scalars(select(Vendor.country)))
    assert {"VN", "IN", "PL", "GB"} <= countries
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) > counts[0]
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0


def test_db_upgrade_reports_the_revision(runner: Any) -> None:
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0 and "Database at revision" in result.output


def test_healthz_reports_database_reachability(client: Any) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok", "database": "reachable"}


def test_demo_serves_the_portal_with_the_scheduler(runner: Any, monkeypatch: Any) -> None:
    import governance.cli as cli
    from governance.scheduler import PortalScheduler

    served: dict[str, Any] = {}
    monkeypatch.setattr(cli, "run_simple", lambda host, port, app, **kw: served.update(host=host, port=port, app=app))
    monkeypatch.setattr(PortalScheduler, "start", lambda self: served.update(scheduler=True))
    monkeypatch.setattr(PortalScheduler, "stop", lambda self: None)
    monkeypatch.setattr("governance.demo.seed_demo", lambda session: False)
    result = runner.invoke(args=["demo", "--port", "5099"])
    assert result.exit_code == 0, result.output
    assert served["host"] == "127.0.0.1" and served["port"] == 5099 and served["scheduler"] is True
    assert "Portal running on http://127.0.0.1:5099" in result.output
