"""The welfare report: figures from the January fixture, and who may see annotators' names."""

from __future__ import annotations

import io
import re
from decimal import Decimal as D
from typing import Any

import pytest
from pypdf import PdfReader

from governance.db import db
from reports.filters import resolve_filter
from reports.welfare import pseudonym, welfare_report
from tests.reports.conftest import JAN, PERIOD, World

NAMES = ("Linh Nguyen", "Minh Tran", "Priya Raman", "Anna Kowalska")
KEY = b"k" * 32


def _report(world: World, scope: set[int] | None, key: bytes | None = KEY, **filters: Any):
    return welfare_report(db.session, resolve_filter(db.session, scope, PERIOD, **filters), key)


def test_per_vendor_and_team_figures(report_world: World) -> None:
    teams = {(t.vendor, t.team): t for t in _report(report_world, None).teams}
    team_a = teams[("Saigon Data Labs", "Team A")]  # Linh: two sensitive tasks, 1 h + 0.5 h
    assert (team_a.annotators, team_a.sensitive_items, team_a.sensitive_hours) == (1, 2, D("1.50"))
    assert (team_a.rotation, team_a.caps, team_a.breaks, team_a.flags, team_a.with_opt_outs) == (1, 1, 0, 1, 0)
    team_b = teams[("Saigon Data Labs", "Team B")]  # Minh: one sensitive hour, a break, two opt-outs
    assert (team_b.sensitive_items, team_b.sensitive_hours, team_b.breaks, team_b.with_opt_outs) == (1, D("1.00"), 1,
                                                                                                      1)
    bangalore = teams[("Bangalore Label Works", "Team A")]
    assert (bangalore.annotators, bangalore.sensitive_items, bangalore.caps) == (1, 0, 1)


def test_exposure_distribution_counts_annotator_days_in_bands(report_world: World) -> None:
    report = _report(report_world, None)
    bands = {(b.vendor, b.bucket): b.annotator_days for b in report.exposure}
    assert report.buckets == ["none", "under 60 min", "60–119 min", "120–179 min", "180 min (daily cap) or more"]
    # Saigon: Linh 90 min on 10 Jan; Minh 0 min on 11 Jan and 60 min on 12 Jan. Bangalore: two days with none.
    assert bands == {("Saigon Data Labs", "none"): 1, ("Saigon Data Labs", "60–119 min"): 2,
                     ("Bangalore Label Works", "none"): 2, ("Krakow Annotation Studio", "60–119 min"): 1}


def test_refusals_flags_and_opt_outs(report_world: World) -> None:
    report = _report(report_world, {report_world.saigon.id, report_world.bangalore.id})
    assert {(r.vendor, r.group, r.code): r.count for r in report.refusals} == {
        ("Saigon Data Labs", "rotation", "rotation"): 1, ("Saigon Data Labs", "caps", "daily_cap"): 1,
        ("Saigon Data Labs", "breaks", "short_break"): 1, ("Bangalore Label Works", "caps", "sensitive_minutes_cap"): 1}
    assert [(f.vendor, f.category) for f in report.flags] == [("Saigon Data Labs", "violence")]
    assert {(o.vendor, o.category): o.count for o in report.opt_outs} == {
        ("Saigon Data Labs", "self_harm"): 1, ("Saigon Data Labs", "violence"): 1,
        ("Bangalore Label Works", "sexual_content"): 1}


def test_per_annotator_rows_with_pseudonyms(report_world: World) -> None:
    report = _report(report_world, None)
    linh = report_world.annotators["linh"]
    row = next(p for p in report.people if p.annotator == pseudonym(KEY, linh.id))
    assert (row.sensitive_items, row.sensitive_minutes, row.max_day_minutes) == (2, D("90.0"), D("90.0"))
    assert (row.rotation, row.caps, row.flags) == (1, 1, 1)
    assert not report.named and not any(name in str(report) for name in NAMES)
    assert re.fullmatch(r"P-[0-9A-F]{8}", row.annotator)


def test_names_only_with_a_vendor_managers_scope(report_world: World) -> None:
    with pytest.raises(ValueError, match="vendor managers"):
        _report(report_world, None, key=None)
    report = _report(report_world, {report_world.saigon.id, report_world.bangalore.id}, key=None)
    assert report.named
    assert {p.annotator for p in report.people} == {"Linh Nguyen", "Minh Tran", "Priya Raman"}


def test_vendor_manager_sees_her_annotators_named_and_no_one_else(app: Any, report_world: World) -> None:
    client = report_world.client(app, report_world.marta)
    page = client.get("/reports/welfare", query_string=JAN).get_data(as_text=True)
    csv_text = client.get("/reports/welfare.csv", query_string=JAN).get_data().decode("utf-8-sig")
    pdf = PdfReader(io.BytesIO(client.get("/reports/welfare.pdf", query_string=JAN).get_data()))
    pdf_text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pdf.pages))
    for text in (page, csv_text, pdf_text):
        assert "Linh Nguyen" in text and "Priya Raman" in text
        assert "Anna Kowalska" not in text and "Krakow" not in text


@pytest.mark.parametrize("role", ["officer", "admin"])
def test_staff_see_pseudonyms_never_names(app: Any, report_world: World, role: str) -> None:
    client = report_world.client(app, getattr(report_world, role))
    page = client.get("/reports/welfare", query_string=JAN).get_data(as_text=True)
    csv_text = client.get("/reports/welfare.csv", query_string=JAN).get_data().decode("utf-8-sig")
    pdf = PdfReader(io.BytesIO(client.get("/reports/welfare.pdf", query_string=JAN).get_data()))
    pdf_text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pdf.pages))
    for text in (page, csv_text, pdf_text):
        assert not any(name in text for name in NAMES)
        assert re.search(r"P-[0-9A-F]{8}", text)
    codes = set(re.findall(r"P-[0-9A-F]{8}", page))
    again = client.get("/reports/welfare", query_string=JAN).get_data(as_text=True)
    assert codes == set(re.findall(r"P-[0-9A-F]{8}", again)) and len(codes) == 4  # stable, one per person
