"""Tom's import (JOURNEYS.md step 2): upload JSONL, watch the progress page, read the summary with
entities by type and rejected lines with their numbers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from governance.models import Role
from pii.engine import OfflineSpacyNlpEngine, build_engine, offline_tld_extractor
from pii.settings import load_pii_settings
from tests.conftest import TEST_PASSWORD
from tests.e2e.conftest import sign_in_through_the_form
from tests.pii.conftest import fixture_pipeline

pytestmark = pytest.mark.e2e


def test_admin_imports_a_file_and_reads_the_summary(app: Any, page: Any, make_user: Any, make_dataset: Any,
                                                     tmp_path: Path) -> None:
    settings = load_pii_settings()
    app.extensions["pii_engine"] = build_engine(settings, OfflineSpacyNlpEngine(fixture_pipeline),
                                                offline_tld_extractor(None))
    dataset = make_dataset("Support chats")
    admin = make_user(Role.ADMIN)
    rows = [{"id": f"c{i}", "kind": "classification", "text": f"John Smith wrote from john{i}@example.com"}
            for i in range(300)]
    source = tmp_path / "chats.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in rows) + "\n{not json}\n", encoding="utf-8")

    sign_in_through_the_form(page, admin.email, TEST_PASSWORD)
    page.goto(f"/datasets/{dataset.id}")
    page.get_by_role("link", name="Import file").click()
    page.set_input_files("input[type=file]", str(source))
    page.get_by_label("Skip bad lines and import the rest").check()
    page.get_by_role("button", name="Import").click()

    expect(page.get_by_test_id("import-summary")).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("import-state")).to_contain_text("300 items imported, 1 bad line(s) skipped")
    expect(page.get_by_test_id("entity-counts")).to_contain_text("EMAIL_ADDRESS")
    expect(page.get_by_test_id("rejected-lines")).to_contain_text("301")
