"""Marta (JOURNEYS.md, steps 2 and 4): last month's cost and throughput for her vendors, filtered to one
region, downloaded as CSV and PDF; then her teams' welfare, with names only of her own people."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from governance.db import db, utcnow
from governance.models import Role
from reports.filters import last_month
from tests.conftest import TEST_PASSWORD
from tests.e2e.conftest import sign_in_through_the_form
from tests.reports.conftest import _task, csv_tables

pytestmark = pytest.mark.e2e


@pytest.fixture
def marta(make_vendor: Any, make_user: Any, make_dataset: Any) -> Any:
    """Marta manages a Vietnamese and an Indian vendor; a Polish vendor is not hers. Work last month."""
    saigon = make_vendor("Saigon Data Labs", "VN", "18.00")
    bangalore = make_vendor("Bangalore Label Works", "IN", "38.00")
    krakow = make_vendor("Krakow Annotation Studio", "PL", "68.00")
    dataset = make_dataset("Support chat intents", vendors=[saigon, bangalore, krakow])
    first, _last = last_month(utcnow().date())
    day = datetime.combine(first + timedelta(days=9), time(10), UTC)
    people = {vendor.id: make_user(Role.ANNOTATOR, vendor=vendor, display_name=name)
              for vendor, name in ((saigon, "Linh Nguyen"), (bangalore, "Priya Raman"), (krakow, "Anna Kowalska"))}
    db.session.add_all([
        _task(saigon, dataset, people[saigon.id], day, 3600, review="accepted", severity=2),
        _task(saigon, dataset, people[saigon.id], day + timedelta(hours=1), 3600, review="rejected"),
        _task(bangalore, dataset, people[bangalore.id], day, 7200, review="accepted"),
        _task(krakow, dataset, people[krakow.id], day, 3600, review="accepted"),
    ])
    db.session.commit()
    return make_user(Role.VENDOR_MANAGER, managed=[saigon, bangalore], display_name="Marta Silva")


def test_vendor_manager_filters_cost_report_to_a_region_and_downloads_csv_and_pdf(page: Any, marta: Any) -> None:
    sign_in_through_the_form(page, marta.email, TEST_PASSWORD)
    page.get_by_role("link", name="Reports").click()
    page.get_by_role("link", name="Cost and throughput").click()
    expect(page.get_by_test_id("report-title")).to_have_text("Cost and throughput")
    by_vendor = page.get_by_test_id("table-by_vendor")
    expect(by_vendor).to_contain_text("Saigon Data Labs")
    expect(by_vendor).to_contain_text("Bangalore Label Works")
    expect(page.locator("body")).not_to_contain_text("Krakow")
    expect(page.get_by_test_id("table-total")).to_contain_text("$112.00")  # 2 h × $18 + 2 h × $38

    page.get_by_label("Region").select_option(label="South Asia")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_test_id("report-covers")).to_contain_text("Region: South Asia")
    expect(by_vendor).not_to_contain_text("Saigon Data Labs")
    expect(page.get_by_test_id("table-total")).to_contain_text("$76.00")
    expect(page.get_by_test_id("table-regional_comparison")).to_contain_text("published band midpoint")

    with page.expect_download() as csv_download:
        page.get_by_test_id("download-csv").click()
    assert re.fullmatch(r"cost-\d{4}-\d{2}-01-to-\d{4}-\d{2}-\d{2}\.csv", csv_download.value.suggested_filename)
    tables = csv_tables(Path(csv_download.value.path()).read_bytes())
    assert [row["Vendor"] for row in tables["By vendor"]] == ["Bangalore Label Works"]
    assert tables["Totals"][0]["Cost (USD)"] == "76.00"

    with page.expect_download() as pdf_download:
        page.get_by_test_id("download-pdf").click()
    content = Path(pdf_download.value.path()).read_bytes()
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages))
    assert "Cost and throughput" in text and "Region: South Asia" in text and "$76.00" in text
    assert "Saigon" not in text and "Krakow" not in text


def test_vendor_manager_sees_her_teams_welfare_with_her_people_named(page: Any, marta: Any) -> None:
    sign_in_through_the_form(page, marta.email, TEST_PASSWORD)
    page.goto("/reports/welfare")
    expect(page.get_by_test_id("report-title")).to_have_text("Welfare report")
    people = page.get_by_test_id("table-people")
    expect(people).to_contain_text("Linh Nguyen")
    expect(page.locator("body")).not_to_contain_text("Anna Kowalska")
