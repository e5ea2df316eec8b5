"""Erasure requests (DESIGN rule 4): identifiers kept as tokens only, Art 12(3) deadlines and their one
extension, preview per dataset, execution through the deletion engine, certificates, the watch."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from governance import deletion
from governance.audit import SYSTEM
from governance.db import db, utcnow
from governance.erasure import (
    ErasureInput,
    ErasureInputError,
    add_months,
    create_request,
    due_date,
    erasure_deadline_watch,
    execute,
    extend,
    preview,
)
from governance.errors import Refused
from governance.models import AuditEvent, Role
from governance.ops_models import DeletionCertificate, DeletionRun, ErasureRequest, ErasureStatus, Notification
from pii.datakeys import data_key
from pii.models import Item, ItemStatus, SubjectToken
from pii.vault import decrypt_payload
from tests.conftest import csrf_token
from tests.deletion_seed import NOBODY, Subject, seed_items, seed_tasks
from workforce.models import Task

LINH = Subject(email="Linh.Tran@Example.com", phone="+84 912 345 678", name="Trần Thị Linh")
LINH_EMAIL_ONLY = Subject(email="linh.tran@example.com")
LINH_PHONE_ONLY = Subject(phone="+84 912 345 678")
OTHER = Subject(email="jan.kowalski@example.pl", phone="+48 601 234 567", name="Jan Kowalski")
TODAY = date(2026, 12, 3)


@pytest.fixture
def master_key(app: Any) -> bytes:
    return app.extensions["portal"].master_key


@pytest.fixture
def officer(make_user: Any) -> Any:
    return make_user(Role.COMPLIANCE_OFFICER)


@pytest.fixture
def seeded(app: Any, make_dataset: Any, make_user: Any, master_key: bytes) -> dict[str, Any]:
    """Two datasets: Linh appears in items 0, 2 and 3 of the first (by e-mail and by phone) and item 1
    of the second; everyone else is someone else."""
    tickets, chats = make_dataset("Support tickets"), make_dataset("Chat transcripts")
    ticket_ids = seed_items(db.session, tickets, master_key, [LINH, OTHER, LINH_EMAIL_ONLY, LINH_PHONE_ONLY, NOBODY])
    chat_ids = seed_items(db.session, chats, master_key, [OTHER, LINH_EMAIL_ONLY, OTHER])
    annotator = make_user(Role.ANNOTATOR)
    seed_tasks(db.session, tickets, ticket_ids, annotator)
    seed_tasks(db.session, chats, chat_ids, annotator)
    linh = {ticket_ids[0], ticket_ids[2], ticket_ids[3], chat_ids[1]}
    return {"tickets": tickets, "chats": chats, "ticket_ids": ticket_ids, "chat_ids": chat_ids, "linh": linh}


def _request(officer: Any, master_key: bytes, received_on: date = TODAY, **identifiers: str) -> ErasureRequest:
    created = create_request(db.session, officer, master_key, ErasureInput(received_on, **identifiers), TODAY)
    db.session.commit()
    return created


def _matched(req: ErasureRequest) -> set[int]:
    found = deletion.subject_index().items_matching(db.session, set(req.tokens))
    return {item_id for ids in found.values() for item_id in ids}


# ---------------------------------------------------------------- deadlines
@pytest.mark.parametrize(("received", "due"), [
    (date(2026, 1, 31), date(2026, 2, 28)),
    (date(2028, 1, 31), date(2028, 2, 29)),  # leap year
    (date(2026, 3, 15), date(2026, 4, 15)),
    (date(2026, 3, 31), date(2026, 4, 30)),
    (date(2026, 12, 31), date(2027, 1, 31)),
    (date(2026, 2, 28), date(2026, 3, 28)),  # not "end of month → end of month"
])
def test_the_deadline_is_one_calendar_month_after_receipt(received: date, due: date) -> None:
    assert due_date(received) == due


def test_adding_months_across_years() -> None:
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 2, 28), 2) == date(2026, 4, 28)


# ---------------------------------------------------------------- recording
def test_a_request_keeps_tokens_and_kinds_never_the_identifiers(app: Any, officer: Any, master_key: bytes) -> None:
    created = _request(officer, master_key, email="Linh.Tran@Example.com", phone="+84 912 345 678")
    assert created.reference == f"ER-{TODAY.year}-0001" and created.due_on == date(2027, 1, 3)
    assert created.identifier_kinds == ["email", "phone"] and created.status == ErasureStatus.OPEN
    assert len(created.tokens) >= 2 and all(len(t) == 64 for t in created.tokens)
    stored = json.dumps([created.tokens, created.identifier_kinds, created.extension_reason]).lower()
    assert "linh" not in stored and "912" not in stored
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "erasure.created")).one()
    assert event.details["kinds"] == ["email", "phone"] and "linh" not in json.dumps(event.details).lower()


def test_a_request_without_any_identifier_is_refused_and_nothing_is_stored(
        app: Any, officer: Any, master_key: bytes) -> None:
    with pytest.raises(ErasureInputError) as refused:
        create_request(db.session, officer, master_key, ErasureInput(TODAY, email="  ", phone="", name=""), TODAY)
    assert refused.value.field == "email" and "at least one identifier" in refused.value.message
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ErasureRequest)) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


@pytest.mark.parametrize(("field", "value", "message"), [
    ("email", "linh.tran at example", "complete e-mail address"),
    ("phone", "12-34", "at least 7 digits"),
    ("name", "Linh", "full name"),
])
def test_an_identifier_that_identifies_nobody_is_named_next_to_its_field(
        app: Any, officer: Any, master_key: bytes, field: str, value: str, message: str) -> None:
    data = ErasureInput(TODAY, **({"email": "linh.tran@example.com"} | {field: value}))
    with pytest.raises(ErasureInputError) as refused:
        create_request(db.session, officer, master_key, data, TODAY)
    assert message in refused.value.errors[field]
    assert value not in refused.value.errors[field]


def test_a_receipt_date_in_the_future_is_refused(app: Any, officer: Any, master_key: bytes) -> None:
    with pytest.raises(ErasureInputError) as refused:
        create_request(db.session, officer, master_key,
                       ErasureInput(TODAY + timedelta(days=1), email="a.b@example.com"), TODAY)
    assert refused.value.errors == {"received_on": "The date received cannot be in the future."}


def test_the_input_object_never_prints_identifiers() -> None:
    text = repr(ErasureInput(TODAY, email="linh.tran@example.com", phone="0912 345 678"))
    assert "linh" not in text and "0912" not in text and "email" in text


# ---------------------------------------------------------------- matching
def test_email_in_another_case_finds_exactly_the_items_that_contain_it(
        seeded: dict[str, Any], officer: Any, master_key: bytes) -> None:
    req = _request(officer, master_key, email="  LINH.TRAN@example.COM ")
    email_items = {seeded["ticket_ids"][0], seeded["ticket_ids"][2], seeded["chat_ids"][1]}
    assert _matched(req) == email_items
    rows = preview(db.session, req)
    assert [(r.dataset_name, r.items) for r in rows] == [("Chat transcripts", 1), ("Support tickets", 2)]


def test_phone_in_another_format_finds_exactly_the_items_that_contain_it(
        seeded: dict[str, Any], officer: Any, master_key: bytes) -> None:
    req = _request(officer, master_key, phone="0912-345-678")
    assert _matched(req) == {seeded["ticket_ids"][0], seeded["ticket_ids"][3]}


def test_email_phone_and_name_together_find_every_item_of_the_subject(
        seeded: dict[str, Any], officer: Any, master_key: bytes) -> None:
    req = _request(officer, master_key, email="linh.tran@example.com", phone="0912 345 678", name="Tran Thi Linh")
    assert _matched(req) == seeded["linh"]


# ---------------------------------------------------------------- execution
def test_executing_erases_the_matched_items_only_and_issues_a_certificate(
        seeded: dict[str, Any], officer: Any, master_key: bytes) -> None:
    req = _request(officer, master_key, email="linh.tran@example.com", phone="+84912345678")
    tickets = seeded["tickets"]
    key_id = tickets.key_id
    tokens_of_linh_items = db.session.scalar(select(func.count()).select_from(SubjectToken)
                                             .where(SubjectToken.item_id.in_(seeded["linh"])))
    seconds_before = db.session.scalar(select(func.sum(Task.active_seconds)))

    certificate = execute(db.session, officer, req)

    assert certificate.counts == {"datasets": 2, "items": 4, "subject_tokens": tokens_of_linh_items,
                                  "task_answers": 4}
    assert certificate.scope == "erasure" and certificate.key_ids_destroyed == []
    assert certificate.erasure_request_id == req.id and deletion.verify_certificate(certificate)
    req = db.session.get(ErasureRequest, req.id)
    assert req.status == ErasureStatus.CLOSED and req.certificate_id == certificate.id and req.closed_at
    for item in db.session.scalars(select(Item)):
        erased = item.id in seeded["linh"]
        assert (item.status == ItemStatus.ERASED) is erased
        assert (item.raw_ciphertext is None and item.redacted is None and item.spans is None) is erased
    assert db.session.scalar(select(func.count()).select_from(SubjectToken)
                             .where(SubjectToken.item_id.in_(seeded["linh"]))) == 0
    answers = dict(db.session.execute(select(Task.item_id, Task.answer)).all())
    assert all((answers[i] is None) is (i in seeded["linh"]) for i in answers)
    assert db.session.scalar(select(func.sum(Task.active_seconds))) == seconds_before
    # No key shredding: the others in the dataset stay readable.
    tickets = db.session.get(type(tickets), tickets.id)
    assert tickets.key_id == key_id and tickets.wrapped_key is not None
    other = db.session.get(Item, seeded["ticket_ids"][1])
    assert b"Jan Kowalski" in decrypt_payload(data_key(tickets, master_key), str(other.id), other.raw_ciphertext)
    actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))
    assert actions == ["erasure.created", "erasure.execution_started", "erasure.closed",
                       "deletion.certificate_issued"]


def test_a_request_matching_nothing_is_closed_with_a_certificate_saying_so(
        seeded: dict[str, Any], officer: Any, master_key: bytes) -> None:
    req = _request(officer, master_key, email="nobody.here@example.com")
    assert preview(db.session, req) == []
    certificate = execute(db.session, officer, req)
    assert certificate.counts == {"datasets": 0, "items": 0, "subject_tokens": 0, "task_answers": 0}
    assert db.session.get(ErasureRequest, req.id).status == ErasureStatus.CLOSED
    with pytest.raises(Refused, match="closed already"):
        execute(db.session, officer, req)


def test_only_a_compliance_officer_executes(seeded: dict[str, Any], officer: Any, make_user: Any,
                                            master_key: bytes) -> None:
    req = _request(officer, master_key, email="linh.tran@example.com")
    for actor in (make_user(Role.ADMIN), SYSTEM):
        with pytest.raises(Refused, match="compliance officer"):
            execute(db.session, actor, req)
    assert db.session.scalar(select(func.count()).select_from(DeletionRun)) == 0


@pytest.mark.parametrize(("stage", "failing_call"), [("items", 2), ("task_answers", 1), ("subject_tokens", 2)])
def test_an_interrupted_erasure_resumes_with_exact_counts(
        seeded: dict[str, Any], officer: Any, master_key: bytes, monkeypatch: pytest.MonkeyPatch,
        stage: str, failing_call: int) -> None:
    req = _request(officer, master_key, email="linh.tran@example.com", phone="0912345678", name="Trần Thị Linh")
    tokens = db.session.scalar(select(func.count()).select_from(SubjectToken)
                               .where(SubjectToken.item_id.in_(seeded["linh"])))
    real = deletion._PURGERS[stage]
    calls = {"n": 0}

    def flaky(session: Any, dataset_id: int, item_ids: Any, size: int) -> int:
        calls["n"] += 1
        if calls["n"] == failing_call:
            raise RuntimeError("injected crash")
        return real.func(session, dataset_id, item_ids, size)

    monkeypatch.setitem(deletion._PURGERS, stage, deletion._Registered(stage, flaky, real.order))
    with pytest.raises(RuntimeError):
        execute(db.session, officer, req, batch_size=1)
    db.session.rollback()
    assert db.session.get(ErasureRequest, req.id).status == ErasureStatus.EXECUTING
    monkeypatch.undo()
    certificate = execute(db.session, officer, db.session.get(ErasureRequest, req.id), batch_size=1)
    assert certificate.counts == {"datasets": 2, "items": 4, "subject_tokens": tokens, "task_answers": 4}
    assert db.session.scalar(select(func.count()).select_from(DeletionRun)) == 1


# ---------------------------------------------------------------- extension
def test_a_deadline_is_extended_once_by_up_to_two_months_with_a_reason(
        app: Any, officer: Any, master_key: bytes) -> None:
    req = _request(officer, master_key, received_on=date(2026, 11, 30), email="a.b@example.com")
    assert req.due_on == date(2026, 12, 30)
    extend(db.session, officer, req, 2, "Forty datasets to search across two vendors", TODAY)
    assert req.extended_due_on == date(2027, 2, 28) and req.deadline == date(2027, 2, 28)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "erasure.extended")).one()
    assert event.details == {"months": 2, "extended_due_on": "2027-02-28"}
    with pytest.raises(Refused, match="already extended once"):
        extend(db.session, officer, req, 1, "And once more, please", TODAY)


@pytest.mark.parametrize(("months", "reason", "field"), [
    (3, "Many datasets to search", "months"),
    (0, "Many datasets to search", "months"),
    (None, "Many datasets to search", "months"),
    (1, "  busy  ", "reason"),
])
def test_an_extension_needs_one_or_two_months_and_a_reason(app: Any, officer: Any, master_key: bytes,
                                                            months: Any, reason: str, field: str) -> None:
    req = _request(officer, master_key, email="a.b@example.com")
    with pytest.raises(ErasureInputError) as refused:
        extend(db.session, officer, req, months, reason, TODAY)
    assert field in refused.value.errors and req.extended_due_on is None


def test_an_extension_after_the_first_month_is_refused(app: Any, officer: Any, master_key: bytes) -> None:
    req = _request(officer, master_key, received_on=date(2026, 10, 31), email="a.b@example.com")
    assert req.due_on == date(2026, 11, 30)
    with pytest.raises(Refused, match="within the first month"):
        extend(db.session, officer, req, 1, "We only noticed it now", TODAY)


# ---------------------------------------------------------------- the deadline watch
def test_the_watch_warns_a_week_ahead_and_when_overdue_once_each(app: Any, officer: Any, master_key: bytes) -> None:
    req = _request(officer, master_key, received_on=date(2026, 11, 8), email="a.b@example.com")  # due 8 Dec
    _request(officer, master_key, received_on=date(2026, 11, 30), email="c.d@example.com")  # due 30 Dec
    now = utcnow().replace(year=2026, month=12, day=3)
    assert erasure_deadline_watch(db.session, now) == {"notifications": 1}
    assert erasure_deadline_watch(db.session, now) == {"notifications": 0}
    note = db.session.scalars(select(Notification)).one()
    assert note.role == "compliance_officer" and "(5 days left)" in note.message and req.reference in note.message
    assert erasure_deadline_watch(db.session, now.replace(day=9)) == {"notifications": 1}
    assert "overdue" in db.session.scalars(select(Notification).order_by(Notification.id.desc())).first().message


def test_an_extension_rearms_the_watch_and_closed_requests_are_quiet(
        app: Any, officer: Any, master_key: bytes) -> None:
    req = _request(officer, master_key, received_on=date(2026, 11, 8), email="a.b@example.com")
    now = utcnow().replace(year=2026, month=12, day=3)
    erasure_deadline_watch(db.session, now)
    extend(db.session, officer, req, 1, "Three vendors must confirm deletion", TODAY)
    assert erasure_deadline_watch(db.session, now.replace(year=2027, month=1, day=5)) == {"notifications": 1}
    execute(db.session, officer, req)
    assert erasure_deadline_watch(db.session, now.replace(year=2027, month=3, day=1)) == {"notifications": 0}


# ---------------------------------------------------------------- pages
def test_new_request_form_shows_errors_next_to_fields_and_changes_nothing(login_as: Any) -> None:
    client = login_as(Role.COMPLIANCE_OFFICER)
    token = csrf_token(client, "/erasure/new")
    page = client.post("/erasure/new", data={"csrf_token": token, "received_on": "2026-12-01", "email": "",
                                             "phone": "", "name": "Linh"}).get_data(as_text=True)
    assert "full name (two words or more)" in page and "is-invalid" in page
    page = client.post("/erasure/new", data={"csrf_token": token, "received_on": "", "email": "",
                                             "phone": "", "name": ""}).get_data(as_text=True)
    assert "at least one identifier" in page and "Enter the date the request was received." in page
    assert db.session.scalar(select(func.count()).select_from(ErasureRequest)) == 0


def test_officer_records_previews_executes_and_downloads_the_certificate(
        login_as: Any, seeded: dict[str, Any]) -> None:
    client = login_as(Role.COMPLIANCE_OFFICER)
    response = client.post("/erasure/new", data={
        "csrf_token": csrf_token(client, "/erasure/new"), "received_on": utcnow().date().isoformat(),
        "email": "LINH.TRAN@EXAMPLE.COM", "phone": "0912 345 678", "name": ""})
    assert response.status_code == 302
    req = db.session.scalars(select(ErasureRequest)).one()
    page = client.get(f"/erasure/{req.id}").get_data(as_text=True)
    assert "Support tickets" in page and "Chat transcripts" in page and "linh" not in page.lower()
    response = client.post(f"/erasure/{req.id}/execute", data={"csrf_token": csrf_token(client, f"/erasure/{req.id}")})
    certificate = db.session.scalars(select(DeletionCertificate)).one()
    assert response.headers["Location"] == f"/certificates/{certificate.id}"
    page = client.get(f"/certificates/{certificate.id}").get_data(as_text=True)
    assert certificate.reference in page and "The digest matches" in page and req.reference in page
    pdf = client.get(f"/certificates/{certificate.id}.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert f"{certificate.reference}.pdf" in pdf.headers["Content-Disposition"]
    assert certificate.reference in client.get("/certificates").get_data(as_text=True)


def test_extend_form_errors_are_shown_on_the_request_page(login_as: Any, master_key: bytes) -> None:
    client = login_as(Role.COMPLIANCE_OFFICER)
    req = _request(client.user, master_key, received_on=utcnow().date(), email="a.b@example.com")
    response = client.post(f"/erasure/{req.id}/extend", data={
        "csrf_token": csrf_token(client, f"/erasure/{req.id}"), "months": "2", "reason": "no"})
    assert response.status_code == 200 and "Give the reason" in response.get_data(as_text=True)
    response = client.post(f"/erasure/{req.id}/extend", data={
        "csrf_token": csrf_token(client, f"/erasure/{req.id}"), "months": "1", "reason": "Complex: six datasets"})
    assert response.status_code == 302
    assert db.session.get(ErasureRequest, req.id).extended_due_on == add_months(req.due_on, 1)


def test_admins_see_requests_but_cannot_act(login_as: Any, officer: Any, master_key: bytes) -> None:
    req = _request(officer, master_key, received_on=utcnow().date(), email="a.b@example.com")
    admin = login_as(Role.ADMIN)
    page = admin.get(f"/erasure/{req.id}").get_data(as_text=True)
    assert req.reference in page and "Execute erasure" not in page and "Extend deadline" not in page
    token = csrf_token(admin, f"/erasure/{req.id}")
    assert admin.post(f"/erasure/{req.id}/execute", data={"csrf_token": token}).status_code == 403
    assert db.session.get(ErasureRequest, req.id).status == ErasureStatus.OPEN


def test_dashboard_shows_a_request_due_in_five_days(login_as: Any, officer: Any, master_key: bytes) -> None:
    today = utcnow().date()
    req = _request(officer, master_key, received_on=today - timedelta(days=26), email="a.b@example.com")
    req.due_on = today + timedelta(days=5)  # whatever the month lengths around today
    db.session.commit()
    page = login_as(Role.COMPLIANCE_OFFICER).get("/").get_data(as_text=True)
    assert 'data-testid="erasure-panel"' in page and req.reference in page
    panel = page.split('data-testid="erasure-panel"')[1].split("</table>")[0]
    assert '<td class="text-end">5</td>' in panel
