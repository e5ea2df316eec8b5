"""The DPA register: derived status, field-level errors that change nothing, the encrypted signed PDF."""

from __future__ import annotations

import hashlib
import io
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from governance.db import db, utcnow
from governance.dpas import DpaStatus, dpa_status
from governance.models import AuditEvent, Dpa, Role
from tests.conftest import csrf_token

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _form(**overrides: Any) -> dict[str, Any]:
    today = utcnow().date()
    data = {
        "reference": "DPA-VN-100", "signed_on": (today - timedelta(days=10)).isoformat(),
        "expires_on": (today + timedelta(days=400)).isoformat(), "storage_countries": "vn, ie",
        "transfer_mechanism": "scc", "scc_module": "2", "tia_completed_on": (today - timedelta(days=5)).isoformat(),
        "sub_processors": "Hetzner (DE)\nOVH (FR)", "deletion_sla_days": "30",
        "art28_clauses": ["a_documented_instructions", "b_confidentiality"],
    }
    data.update(overrides)
    return data


def _dpa_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Dpa)) or 0


def test_compliance_officer_records_a_dpa_with_its_signed_pdf(login_as: Any, make_vendor: Any) -> None:
    vendor = make_vendor("Saigon Data Labs", country="VN")
    officer = login_as(Role.COMPLIANCE_OFFICER)
    data = _form(csrf_token=csrf_token(officer, f"/vendors/{vendor.id}/dpas/new"),
                 document=(io.BytesIO(PDF), "signed.pdf"))
    response = officer.post(f"/vendors/{vendor.id}/dpas/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    dpa = db.session.scalars(select(Dpa)).one()
    assert dpa.storage_countries == ["IE", "VN"] and dpa.sub_processors == ["Hetzner (DE)", "OVH (FR)"]
    assert dpa.document_digest == hashlib.sha256(PDF).hexdigest()
    assert PDF not in dpa.document_ciphertext
    download = officer.get(f"/dpas/{dpa.id}/document")
    assert download.status_code == 200 and download.data == PDF
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"dpa.created", "dpa.document_attached"} <= actions


@pytest.mark.parametrize(("overrides", "message"), [
    ({"expires_on": "2020-01-01", "signed_on": "2021-01-01"}, "expiry date must come after"),
    ({"storage_countries": "VN, XX"}, "Unknown country code(s): XX"),
    ({"transfer_mechanism": "scc", "scc_module": ""}, "need their module"),
    ({"document": (io.BytesIO(b"GIF89a not a pdf"), "x.pdf")}, "must be a PDF"),
])
def test_bad_dpa_input_is_refused_next_to_the_field_and_changes_nothing(
        login_as: Any, make_vendor: Any, overrides: dict, message: str) -> None:
    vendor = make_vendor(country="VN")
    admin = login_as(Role.ADMIN)
    data = _form(**overrides, csrf_token=csrf_token(admin, f"/vendors/{vendor.id}/dpas/new"))
    page = admin.post(f"/vendors/{vendor.id}/dpas/new", data=data, content_type="multipart/form-data")
    assert page.status_code == 200 and message in page.get_data(as_text=True)
    assert _dpa_count() == 0


def test_an_oversized_upload_is_refused(login_as: Any, make_vendor: Any, app: Any) -> None:
    vendor = make_vendor(country="VN")
    admin = login_as(Role.ADMIN)
    app.config["MAX_CONTENT_LENGTH"] = 2048
    data = _form(csrf_token=csrf_token(admin, f"/vendors/{vendor.id}/dpas/new"),
                 document=(io.BytesIO(PDF + b"0" * 4096), "big.pdf"))
    response = admin.post(f"/vendors/{vendor.id}/dpas/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 413 and _dpa_count() == 0


def test_status_is_derived_from_dates(make_vendor: Any, make_dpa: Any) -> None:
    today = date(2026, 6, 1)
    vendor = make_vendor()
    dpa = make_dpa(vendor, signed_on=date(2025, 1, 1), expires_on=date(2026, 6, 20))
    assert dpa_status(dpa, today) == DpaStatus.EXPIRING
    assert dpa_status(dpa, date(2026, 4, 1)) == DpaStatus.ACTIVE
    assert dpa_status(dpa, date(2026, 6, 21)) == DpaStatus.EXPIRED
    dpa.signed_on = None
    assert dpa_status(dpa, today) == DpaStatus.DRAFT


def test_a_dpa_missing_clauses_is_shown_incomplete(login_as: Any, make_vendor: Any, make_dpa: Any) -> None:
    vendor = make_vendor("Pune Partners", country="IN")
    make_dpa(vendor, art28_clauses=["a_documented_instructions"], transfer_mechanism="scc", scc_module=2,
             tia_completed_on=utcnow().date())
    page = login_as(Role.COMPLIANCE_OFFICER).get(f"/vendors/{vendor.id}").get_data(as_text=True)
    assert "incomplete:" in page
