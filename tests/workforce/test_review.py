"""Review: a reviewer accepts or rejects colleagues' work at their own vendor, never their own."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from governance.db import db, utcnow
from governance.errors import PortalError, Refused
from governance.models import AuditEvent, Role, TransferMechanism
from tests.conftest import csrf_token, sign_in
from tests.workforce import history as h
from workforce import quality as q
from workforce.models import AnnotatorProfile, Task
from workforce.review import review_queue, review_task

N = Role.ANNOTATOR


@pytest.fixture
def desk(make_vendor: Any, make_dpa: Any, make_dataset: Any, make_user: Any) -> dict[str, Any]:
    """A lawful vendor with a reviewer and a colleague who submitted three tasks; another vendor too."""
    vendor = make_vendor("Saigon Data Labs", country="VN")
    make_dpa(vendor, transfer_mechanism=TransferMechanism.SCC, scc_module=2,
             tia_completed_on=utcnow().date() - timedelta(days=30), storage_countries=["VN", "IE"])
    other = make_vendor("Krakow Annotation Studio", country="PL")
    make_dpa(other)
    dataset = make_dataset("Support chats", vendors=[vendor, other])
    reviewer = make_user(N, vendor=vendor, display_name="Thao Reviewer")
    db.session.add(AnnotatorProfile(user_id=reviewer.id, is_reviewer=True, opt_outs=["violence"], team=""))
    colleague = make_user(N, vendor=vendor)
    outsider = make_user(N, vendor=other)
    tasks = [h.task(item, colleague) for item in h.items(dataset, 3)]
    own = h.task(h.items(dataset, 1)[0], reviewer)
    foreign = h.task(h.items(dataset, 1)[0], outsider)
    db.session.commit()
    return {"vendor": vendor, "dataset": dataset, "reviewer": reviewer, "colleague": colleague,
            "tasks": tasks, "own": own, "foreign": foreign}


def queued(desk: dict[str, Any]) -> list[int]:
    return [e.task.id for e in review_queue(db.session, desk["reviewer"], utcnow().date())]


def test_queue_holds_colleagues_work_of_the_same_vendor_only(desk: dict[str, Any]) -> None:
    assert queued(desk) == [t.id for t in desk["tasks"]]


def test_queue_leaves_out_gold_opted_out_and_untrained_s3_items(desk: dict[str, Any]) -> None:
    colleague, dataset = desk["colleague"], desk["dataset"]
    h.task(h.items(dataset, 1, gold=True)[0], colleague, gold_correct=True)
    # opted out: the reviewer's "violence" opt-out covers gore
    h.task(h.items(dataset, 1, severity=2, categories=("gore",))[0], colleague)
    h.task(h.items(dataset, 1, severity=3, categories=("torture",))[0], colleague)
    sensitive = h.task(h.items(dataset, 1, severity=2, categories=("hate",))[0], colleague)
    db.session.commit()
    assert queued(desk) == [*(t.id for t in desk["tasks"]), sensitive.id]


def test_queue_is_empty_when_the_vendor_has_no_lawful_path(desk: dict[str, Any]) -> None:
    for dpa in desk["vendor"].dpas:
        dpa.expires_on = utcnow().date() - timedelta(days=1)
    db.session.commit()
    assert queued(desk) == []


def test_reject_needs_a_reason_and_rework_rate_follows(desk: dict[str, Any]) -> None:
    first, second, _ = desk["tasks"]
    reviewer = desk["reviewer"]
    with pytest.raises(PortalError, match="reason"):
        review_task(db.session, reviewer, first, "rejected", None, utcnow())
    review_task(db.session, reviewer, first, "rejected", "wrong_label", utcnow())
    review_task(db.session, reviewer, second, "accepted", "wrong_label", utcnow())
    db.session.commit()
    assert (first.review_outcome, first.reviewed_by_id) == ("rejected", reviewer.id)
    assert second.review_outcome == "accepted"
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "task.reviewed")
                                .order_by(AuditEvent.seq)).all()
    assert [(e.target_id, e.details["outcome"], e.details["reason"]) for e in events] == [
        (str(first.id), "rejected", "wrong_label"), (str(second.id), "accepted", None)]
    now = utcnow()
    rows = q.annotator_dataset_quality(db.session, None, q.Window(now - timedelta(days=1), now))
    row = next(r for r in rows if r.annotator_id == desk["colleague"].id)
    assert (row.reviewed, row.rejected, row.rework_rate) == (2, 1, 0.5)
    assert queued(desk) == [desk["tasks"][2].id]


@pytest.mark.parametrize(("which", "message"), [("own", "your own work"), ("reviewed", "already reviewed")])
def test_own_or_already_reviewed_work_is_refused_and_unchanged(desk: dict[str, Any], which: str,
                                                               message: str) -> None:
    task = desk["own"] if which == "own" else desk["tasks"][0]
    if which == "reviewed":
        task.review_outcome = "accepted"
        db.session.commit()
    with pytest.raises(Refused, match=message):
        review_task(db.session, desk["reviewer"], task, "rejected", "guidelines", utcnow())
    db.session.rollback()
    assert db.session.get(Task, task.id).reviewed_by_id is None


def test_a_non_reviewer_cannot_review(desk: dict[str, Any]) -> None:
    with pytest.raises(Refused, match="Only reviewers"):
        review_task(db.session, desk["colleague"], desk["tasks"][0], "accepted", None, utcnow())


# --- pages ---------------------------------------------------------------------------------------------


def test_reviewer_rejects_through_the_page(app: Any, desk: dict[str, Any]) -> None:
    client = sign_in(app.test_client(), desk["reviewer"])
    page = client.get("/review/").get_data(as_text=True)
    assert "Parcel &lt;PERSON_1&gt;" in page and page.count('data-testid="review-entry"') == 3
    task = desk["tasks"][0]
    response = client.post(f"/review/tasks/{task.id}", data={
        "csrf_token": csrf_token(client, "/review/"), "outcome": "rejected", "reason": "incomplete"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Task, task.id).review_outcome == "rejected"


def test_another_vendors_task_answers_404_and_own_work_is_refused(app: Any, desk: dict[str, Any]) -> None:
    client = sign_in(app.test_client(), desk["reviewer"])
    token = csrf_token(client, "/review/")
    accept = {"csrf_token": token, "outcome": "accepted"}
    foreign = client.post(f"/review/tasks/{desk['foreign'].id}", data=accept)
    assert foreign.status_code == 404
    own = client.post(f"/review/tasks/{desk['own'].id}", data={"csrf_token": token, "outcome": "accepted"},
                      follow_redirects=True)
    assert "You cannot review your own work." in own.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Task, desk["own"].id).review_outcome is None


def test_an_annotator_without_the_reviewer_flag_gets_403(app: Any, desk: dict[str, Any]) -> None:
    client = sign_in(app.test_client(), desk["colleague"])
    assert client.get("/review/").status_code == 403


def test_reviewer_panel_shows_the_queue_size(app: Any, desk: dict[str, Any]) -> None:
    page = sign_in(app.test_client(), desk["reviewer"]).get("/").get_data(as_text=True)
    assert 'data-testid="review-panel"' in page and "3 waiting" in page
    other = sign_in(app.test_client(), desk["colleague"]).get("/").get_data(as_text=True)
    assert 'data-testid="review-panel"' not in other
