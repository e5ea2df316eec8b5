"""No assignment without a lawful path (DESIGN rule 2): the gate at assignment, audited either way."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from governance.assignments import assign_dataset
from governance.audit import SYSTEM
from governance.db import db, utcnow
from governance.models import AuditEvent, DatasetAssignment, Role, TransferMechanism
from tests.conftest import csrf_token


def _assign(client: Any, dataset_id: int, vendor_id: int) -> str:
    token = csrf_token(client, f"/datasets/{dataset_id}")
    return client.post(f"/datasets/{dataset_id}/assign", data={"vendor": str(vendor_id), "csrf_token": token},
                       follow_redirects=True).get_data(as_text=True)


def test_assigning_to_an_eu_vendor_is_allowed_and_audited(login_as: Any, make_vendor: Any, make_dpa: Any,
                                                          make_dataset: Any) -> None:
    vendor = make_vendor("Krakow Studio", country="PL")
    make_dpa(vendor)
    dataset = make_dataset()
    admin = login_as(Role.ADMIN)
    assert "assigned to Krakow Studio" in _assign(admin, dataset.id, vendor.id)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "dataset.assigned")).one()
    assert event.actor_id == admin.user.id and event.details == {"vendor_id": vendor.id, "basis": "eea"}


def test_assigning_to_a_vendor_without_mechanism_is_refused_with_reason(login_as: Any, make_vendor: Any,
                                                                          make_dpa: Any, make_dataset: Any) -> None:
    vendor = make_vendor("Da Nang Collective", country="VN")
    make_dpa(vendor, transfer_mechanism=TransferMechanism.NONE)
    dataset = make_dataset()
    admin = login_as(Role.ADMIN)
    page = _assign(admin, dataset.id, vendor.id)
    assert "Assignment to Da Nang Collective refused" in page and "transfer mechanism" in page
    assert db.session.scalars(select(DatasetAssignment)).all() == []
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "dataset.assignment_refused")).one()
    assert event.actor_id == admin.user.id and event.details["code"] == "no_mechanism"
    dashboard = login_as(Role.COMPLIANCE_OFFICER).get("/").get_data(as_text=True)
    refusals = dashboard[dashboard.index('data-testid="gate-refusals"'):]
    assert "Da Nang Collective" in refusals and "no mechanism" in refusals


def test_a_dataset_without_personal_data_needs_no_transfer_tool(app: Any, make_vendor: Any,
                                                                make_dataset: Any) -> None:
    vendor = make_vendor(country="VN")
    dataset = make_dataset(contains_personal_data=False)
    outcome = assign_dataset(db.session, SYSTEM, dataset, vendor, utcnow().date())
    assert outcome.assignment is not None and outcome.decision.code == "no_personal_data"


def test_expired_dpa_shows_the_assignment_as_stopped(login_as: Any, make_vendor: Any, make_dpa: Any,
                                                     make_dataset: Any) -> None:
    vendor = make_vendor("Pune Partners", country="IN")
    today = utcnow().date()
    make_dpa(vendor, transfer_mechanism="scc", scc_module=2, tia_completed_on=today - timedelta(days=20),
             signed_on=today - timedelta(days=400), expires_on=today - timedelta(days=1))
    dataset = make_dataset(vendors=[vendor])
    officer = login_as(Role.COMPLIANCE_OFFICER)
    assert "stopped" in officer.get(f"/datasets/{dataset.id}").get_data(as_text=True)
    assert "tasks are stopped" in officer.get("/").get_data(as_text=True)


def test_vendor_people_see_only_datasets_assigned_to_their_vendors(login_as: Any, make_vendor: Any,
                                                                   make_dataset: Any) -> None:
    mine, other = make_vendor("Mine", country="VN"), make_vendor("Other", country="PL")
    visible, hidden = make_dataset("Visible set", vendors=[mine]), make_dataset("Hidden set", vendors=[other])
    annotator = login_as(Role.ANNOTATOR, vendor=mine)
    listing = annotator.get("/datasets/").get_data(as_text=True)
    assert "Visible set" in listing and "Hidden set" not in listing
    assert annotator.get(f"/datasets/{hidden.id}").status_code == 404
    assert annotator.get(f"/datasets/{visible.id}").status_code == 200
