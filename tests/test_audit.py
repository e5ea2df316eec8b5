"""The audit chain: linear, verifiable, and loud about any edit, deletion or truncation."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import delete, select, text, update

from governance import audit
from governance.audit import SYSTEM, AuditDetailsError
from governance.db import db
from governance.models import AuditEvent, Role


def _write(key: bytes, n: int, action: str = "test.event") -> None:
    for i in range(n):
        audit.record(db.session, key, SYSTEM, action, "thing", i, {"count": i})
    db.session.commit()


def _verify(runner: Any) -> Any:
    return runner.invoke(args=["audit", "verify"])


def test_intact_chain_verifies_with_count_and_head(runner: Any, chain_key: bytes) -> None:
    _write(chain_key, 5)
    head = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    result = _verify(runner)
    assert result.exit_code == 0
    assert result.output.strip() == f"OK 5 events, head {head.hash}"


def test_changed_details_are_detected_and_named(runner: Any, chain_key: bytes) -> None:
    _write(chain_key, 6)
    db.session.execute(text("UPDATE audit_events SET details = :d WHERE seq = 3"), {"d": '{"count": 99}'})
    db.session.commit()
    result = _verify(runner)
    assert result.exit_code == 1
    assert "event 3" in result.output and "changed" in result.output


def test_deleted_middle_event_is_detected(runner: Any, chain_key: bytes) -> None:
    _write(chain_key, 6)
    db.session.execute(delete(AuditEvent).where(AuditEvent.seq == 4))
    db.session.commit()
    result = _verify(runner)
    assert result.exit_code == 1
    assert "event 5" in result.output and "missing" in result.output


def test_truncating_the_newest_events_is_detected_by_the_head(runner: Any, chain_key: bytes) -> None:
    _write(chain_key, 6)
    db.session.execute(delete(AuditEvent).where(AuditEvent.seq > 4))
    db.session.commit()
    result = _verify(runner)
    assert result.exit_code == 1
    assert "removed" in result.output


def test_truncation_with_a_forged_head_is_detected_by_the_checkpoint(runner: Any, chain_key: bytes) -> None:
    _write(chain_key, 6)
    assert _verify(runner).exit_code == 0  # records a checkpoint: 6 events
    survivor = db.session.scalars(select(AuditEvent).where(AuditEvent.seq == 4)).one()
    db.session.execute(delete(AuditEvent).where(AuditEvent.seq > 4))
    db.session.execute(text("UPDATE audit_head SET seq = 4, hash = :h"), {"h": survivor.hash})
    db.session.commit()
    result = _verify(runner)
    assert result.exit_code == 1
    assert "earlier verification saw 6 events" in result.output


def test_rewritten_event_with_recomputed_links_but_no_key_is_detected(runner: Any, chain_key: bytes) -> None:
    _write(chain_key, 3)
    db.session.execute(update(AuditEvent).where(AuditEvent.seq == 2).values(action="test.other"))
    db.session.commit()
    assert "event 2" in _verify(runner).output


def test_wrong_key_fails_verification(app: Any, chain_key: bytes) -> None:
    _write(chain_key, 2)
    assert audit.verify(db.session, b"k" * 32).ok is False
    assert audit.verify(db.session, chain_key).ok is True


@pytest.mark.parametrize("details", [
    {"email": "linh@example.com"},
    {"note": "called Linh Nguyen about it"},
    {"Bad Key": 1},
    {"nested": {"phone": "+84 90 123 4567"}},
    {"ratio": 0.5},
])
def test_details_refuse_anything_but_ids_and_counts(chain_key: bytes, details: dict) -> None:
    with pytest.raises(AuditDetailsError):
        audit.record(db.session, chain_key, SYSTEM, "test.event", "thing", 1, details)


def test_state_changes_through_pages_are_audited_with_actor_and_role(login_as: Any) -> None:
    from tests.conftest import csrf_token

    admin = login_as(Role.ADMIN)
    admin.post("/vendors/new", data={"name": "Hanoi Labels", "country": "VN", "hourly_rate_usd": "15.5",
                                     "active": "y", "csrf_token": csrf_token(admin, "/vendors/new")})
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "vendor.created")).one()
    assert (event.actor_id, event.actor_role, event.target_type) == (admin.user.id, "admin", "vendor")


def test_audit_page_filters_and_paginates(login_as: Any, chain_key: bytes) -> None:
    _write(chain_key, 60, "test.bulk")
    _write(chain_key, 3, "test.rare")
    officer = login_as(Role.COMPLIANCE_OFFICER)
    page = officer.get("/audit/?action=test.rare").get_data(as_text=True)
    assert page.count("test.rare</td>") == 3 and "test.bulk</td>" not in page
    first = officer.get("/audit/?action=test.bulk").get_data(as_text=True)
    assert "Page 1 of 2" in first and first.count("test.bulk</td>") == 50
    assert officer.get("/audit/?action=test.bulk&page=2").get_data(as_text=True).count("test.bulk</td>") == 10
    assert "No events match" in officer.get("/audit/?since=2001-01-01&until=2001-01-02").get_data(as_text=True)


def test_verify_button_reports_the_result(login_as: Any, chain_key: bytes) -> None:
    from tests.conftest import csrf_token

    _write(chain_key, 2)
    officer = login_as(Role.COMPLIANCE_OFFICER)
    page = officer.post("/audit/verify", data={"csrf_token": csrf_token(officer, "/audit/")},
                        follow_redirects=True).get_data(as_text=True)
    assert "OK 2 events, head" in page


def test_twenty_concurrent_writers_keep_the_chain_linear(app: Any, chain_key: bytes) -> None:
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            with app.app_context():
                session = db.session_factory()
                for i in range(10):
                    audit.record(session, chain_key, SYSTEM, "test.concurrent", "thread", n, {"i": i})
                    session.commit()
                session.close()
        except BaseException as exc:  # noqa: BLE001  (collected and asserted below)
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    result = audit.verify(db.session, chain_key)
    assert result.ok and result.count == 200, result.summary()
