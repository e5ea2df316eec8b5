"""Verify a report: the issued file is recognised with its date; one changed byte, a forged record or
an edited chain event is not."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from governance.db import db
from governance.models import AuditEvent
from reports.issue import verify_copy
from reports.models import IssuedReport
from tests.conftest import csrf_token
from tests.reports.conftest import JAN, World


def _issue_audit_pdf(app: Any, world: World) -> tuple[Any, bytes]:
    client = world.client(app, world.officer)
    return client, client.get("/reports/audit.pdf", query_string=JAN).get_data()


def _upload(client: Any, content: bytes, name: str = "report.pdf") -> str:
    token = csrf_token(client, "/reports/verify")
    response = client.post("/reports/verify", data={"csrf_token": token, "document": (io.BytesIO(content), name)},
                           content_type="multipart/form-data")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_issued_pdf_is_recognised_with_its_date_and_issuer(app: Any, report_world: World) -> None:
    client, content = _issue_audit_pdf(app, report_world)
    record = db.session.scalars(select(IssuedReport)).one()
    page = _upload(client, content)
    assert "Genuine." in page
    assert f"Issued by this portal on {record.issued_at.strftime('%Y-%m-%d at %H:%M UTC')}" in page
    assert "audit report (PDF) for 2026-01-01 to 2026-01-31" in page and "Sophie Laurent" in page


def test_a_copy_with_one_changed_byte_is_rejected(app: Any, report_world: World) -> None:
    client, content = _issue_audit_pdf(app, report_world)
    middle = len(content) // 2
    changed = content[:middle] + bytes([content[middle] ^ 0x01]) + content[middle + 1:]
    page = _upload(client, changed)
    assert "Not verified." in page and "Genuine." not in page


def test_a_forged_record_without_a_chain_event_is_rejected(app: Any, report_world: World) -> None:
    client, content = _issue_audit_pdf(app, report_world)
    forged = content + b"%% forged\n"
    import hashlib

    db.session.execute(update(IssuedReport).values(sha256=hashlib.sha256(forged).hexdigest(), byte_size=len(forged)))
    db.session.commit()
    result = verify_copy(db.session, forged, report_world.key)
    assert not result.issued and "audit chain does not confirm" in result.message


def test_an_edited_chain_event_is_detected(app: Any, report_world: World) -> None:
    _client, content = _issue_audit_pdf(app, report_world)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "report.issued")).one()
    db.session.execute(update(AuditEvent).where(AuditEvent.id == event.id)
                       .values(details={**event.details, "period_to": "2026-12-31"}))
    db.session.commit()
    db.session.expire_all()
    result = verify_copy(db.session, content, report_world.key)
    assert not result.issued and "altered" in result.message


def test_staff_verify_csv_copies_too(app: Any, report_world: World) -> None:
    client = report_world.client(app, report_world.admin)
    content = client.get("/reports/cost.csv", query_string=JAN).get_data()
    assert "Genuine." in _upload(client, content, "cost.csv")


def test_an_upload_without_a_file_asks_for_one(app: Any, report_world: World) -> None:
    client = report_world.client(app, report_world.officer)
    token = csrf_token(client, "/reports/verify")
    page = client.post("/reports/verify", data={"csrf_token": token}, content_type="multipart/form-data")
    assert page.status_code == 200 and "This field is required." in page.get_data(as_text=True)


def test_verify_command_says_issued_or_not(app: Any, runner: Any, report_world: World, tmp_path: Path) -> None:
    _client, content = _issue_audit_pdf(app, report_world)
    genuine, changed = tmp_path / "genuine.pdf", tmp_path / "changed.pdf"
    genuine.write_bytes(content)
    changed.write_bytes(content[:-1] + bytes([content[-1] ^ 0xFF]))
    ok = runner.invoke(args=["reports", "verify", str(genuine)])
    assert ok.exit_code == 0 and "Issued by this portal" in ok.output
    bad = runner.invoke(args=["reports", "verify", str(changed)])
    assert bad.exit_code == 1 and "not issued by this portal" in bad.output
