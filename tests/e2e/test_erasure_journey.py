"""Sophie, step 3 (JOURNEYS.md): records an erasure request from a data subject (e-mail and phone),
previews the matches per dataset, executes, and downloads the deletion certificate."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from governance.db import db
from governance.models import Role
from pii.models import Item, ItemStatus
from tests.conftest import TEST_PASSWORD
from tests.deletion_seed import NOBODY, Subject, seed_items
from tests.e2e.conftest import sign_in_through_the_form

pytestmark = pytest.mark.e2e

MARIA = Subject(email="Maria.Nowak@Example.pl", phone="+48 601 234 567", name="Maria Nowak")


def test_officer_erases_a_data_subject_and_downloads_the_certificate(
        app: Any, page: Any, make_user: Any, make_dataset: Any, tmp_path: Any) -> None:
    master_key = app.extensions["portal"].master_key
    seed_items(db.session, make_dataset("Support tickets PL"), master_key, [MARIA, NOBODY, Subject(email=MARIA.email)])
    seed_items(db.session, make_dataset("Call transcripts PL"), master_key, [Subject(phone=MARIA.phone), NOBODY])
    officer = make_user(Role.COMPLIANCE_OFFICER)

    sign_in_through_the_form(page, officer.email, TEST_PASSWORD)
    page.get_by_role("link", name="Erasure requests").click()
    page.get_by_role("link", name="New request").click()
    page.get_by_label("E-mail").fill("maria.nowak@example.pl")
    page.get_by_label("Phone").fill("601 234 567")
    page.get_by_role("button", name="Record request").click()

    expect(page.get_by_text("recorded; it is due on")).to_be_visible()
    preview = page.get_by_test_id("erasure-preview")
    expect(preview.get_by_role("row", name="Support tickets PL 2")).to_be_visible()
    expect(preview.get_by_role("row", name="Call transcripts PL 1")).to_be_visible()

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Execute erasure").click()
    expect(page.get_by_text("3 item(s) erased")).to_be_visible()
    expect(page.get_by_test_id("certificate-digest-check")).to_contain_text("matches")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename.startswith("DC-") and download.suggested_filename.endswith(".pdf")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")

    db.session.expire_all()
    statuses = [s for s in db.session.scalars(select(Item.status).order_by(Item.id))]
    assert statuses.count(ItemStatus.ERASED) == 3
