"""Linh's sitting (JOURNEYS.md): sign in, content warning declined without penalty, a non-sensitive
task labelled with the keyboard and submitted, and her panel updates."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from governance.db import db, utcnow
from governance.models import Role, TransferMechanism
from pii.models import Item, ItemStatus
from tests.conftest import TEST_PASSWORD
from tests.e2e.conftest import sign_in_through_the_form
from workforce.models import Task, TaskStatus

pytestmark = pytest.mark.e2e


def test_annotator_declines_a_warning_labels_with_the_keyboard_and_sees_her_panel(
        page: Any, make_vendor: Any, make_dpa: Any, make_dataset: Any, make_user: Any) -> None:
    vendor = make_vendor("Saigon Data Labs", country="VN")
    make_dpa(vendor, transfer_mechanism=TransferMechanism.SCC, scc_module=2,
             tia_completed_on=utcnow().date() - timedelta(days=20), storage_countries=["VN"])
    dataset = make_dataset("Support chats", vendors=[vendor], labels=["billing", "delivery", "other"], gold_rate=0)
    texts = [("A man threatened to stab the driver <PERSON_1>.", 2, ["violence"]),
             ("Hi, this is <PERSON_1>, my parcel is late. Call <PHONE_1>.", 0, []),
             ("Please refund order <ORDER_1>.", 0, [])]
    db.session.add_all([Item(dataset_id=dataset.id, external_id=f"i{n}", kind="classification",
                             status=ItemStatus.ACTIVE, redacted={"text": text}, spans=[], entity_counts={},
                             severity=severity, sensitivity=categories, open_slots=1)
                        for n, (text, severity, categories) in enumerate(texts)])
    db.session.commit()
    linh = make_user(Role.ANNOTATOR, vendor=vendor, time_zone="Asia/Ho_Chi_Minh", display_name="Linh Nguyen")

    sign_in_through_the_form(page, linh.email, TEST_PASSWORD)
    expect(page.get_by_test_id("welfare-panel")).to_be_visible()
    expect(page.get_by_test_id("submitted-today")).to_have_text("0")
    page.get_by_test_id("next-task").click()

    expect(page.get_by_test_id("content-warning")).to_contain_text("violence")
    page.get_by_test_id("decline").click()

    content = page.get_by_test_id("task-content")
    expect(content).to_contain_text("<PERSON_1>")
    expect(content).not_to_contain_text("stab")
    page.keyboard.press("2")
    expect(page.locator("#label-2")).to_be_checked()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Submitted.")).to_be_visible()

    page.goto("/")
    expect(page.get_by_test_id("submitted-today")).to_have_text("1")
    db.session.expire_all()
    statuses = {t.status for t in db.session.query(Task).all()}
    assert TaskStatus.DECLINED in statuses and TaskStatus.SUBMITTED in statuses
    submitted = db.session.query(Task).filter(Task.status == TaskStatus.SUBMITTED).one()
    assert submitted.answer == {"labels": ["delivery"]}
