"""Sophie (JOURNEYS.md, step 4): the quarter's audit report as PDF, then "verify a report" accepts that
file and rejects a copy with one changed byte."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from governance.models import Role
from tests.conftest import TEST_PASSWORD
from tests.e2e.conftest import sign_in_through_the_form

pytestmark = pytest.mark.e2e


def test_officer_downloads_the_quarters_audit_report_and_verifies_it(page: Any, make_user: Any) -> None:
    sophie = make_user(Role.COMPLIANCE_OFFICER, display_name="Sophie Laurent")
    sign_in_through_the_form(page, sophie.email, TEST_PASSWORD)
    page.get_by_role("link", name="Reports").click()
    page.get_by_role("link", name="Audit report").click()
    page.get_by_role("link", name="Last quarter").click()
    expect(page.get_by_test_id("report-title")).to_have_text("Audit report")
    expect(page.get_by_test_id("section-summary")).to_contain_text("intact")
    with page.expect_download() as download:
        page.get_by_test_id("download-pdf").click()
    content = Path(download.value.path()).read_bytes()
    assert content.startswith(b"%PDF")

    page.get_by_role("link", name="Reports").click()
    page.get_by_role("link", name="Verify a report").click()
    page.get_by_label("Report file").set_input_files(
        {"name": "audit.pdf", "mimeType": "application/pdf", "buffer": content})
    page.get_by_role("button", name="Check this file").click()
    expect(page.get_by_test_id("verify-result")).to_contain_text("Genuine.")
    expect(page.get_by_test_id("verify-result")).to_contain_text("Sophie Laurent")

    changed = content[:100] + bytes([content[100] ^ 0x20]) + content[101:]
    page.get_by_label("Report file").set_input_files(
        {"name": "audit-copy.pdf", "mimeType": "application/pdf", "buffer": changed})
    page.get_by_role("button", name="Check this file").click()
    expect(page.get_by_test_id("verify-result")).to_contain_text("Not verified.")
