"""Cost and throughput: figures worked out by hand from tests/reports/conftest.py, and scope."""

from __future__ import annotations

import csv
import io
from decimal import Decimal as D
from typing import Any

import pytest

from governance.db import db
from reports.comparison import BAND, OBSERVED
from reports.cost import cost_report
from reports.filters import OutOfScope, resolve_filter
from tests.reports.conftest import JAN, PERIOD, World, csv_tables


def _report(world: World, scope: set[int] | None, **filters: Any):
    return cost_report(db.session, resolve_filter(db.session, scope, PERIOD, **filters))


def test_totals_for_staff_cover_every_vendor_and_only_submitted_work_in_the_period(report_world: World) -> None:
    total = _report(report_world, None).total
    # 7 submitted tasks in January: 10,800 + 10,800 + 3,600 s = 7 h; $54 + $114 + $68 = $236.
    assert (total.items, total.active_hours, total.cost_usd) == (7, D("7.00"), D("236.00"))
    assert (total.accepted, total.reviewed, total.rejected, total.gold_correct) == (5, 6, 1, 1)
    assert total.cost_per_accepted_usd == D("47.20")  # 236 / 5
    assert total.cost_per_gold_correct_usd == D("27.00")  # gold tasks 1.5 h × $18 / 1 correct
    assert total.items_per_hour == D("1.0")  # 7 items / 7 h
    assert total.rework_rate_pct == D("16.7")  # 1 rejected / 6 reviewed


def test_per_vendor_figures(report_world: World) -> None:
    rows = {r.label: r for r in _report(report_world, None).by_vendor}
    saigon, bangalore = rows["Saigon Data Labs"], rows["Bangalore Label Works"]
    assert (saigon.items, saigon.active_hours, saigon.cost_usd, saigon.rate_usd) == (4, D("3.00"), D("54.00"),
                                                                                    D("18.00"))
    assert saigon.cost_per_accepted_usd == D("27.00")  # 54 / 2
    assert saigon.items_per_hour == D("1.3")  # 4 / 3
    assert saigon.rework_rate_pct == D("33.3")  # 1 / 3
    assert saigon.region == "Southeast Asia"
    assert (bangalore.cost_usd, bangalore.cost_per_accepted_usd, bangalore.items_per_hour) == (
        D("114.00"), D("57.00"), D("0.7"))
    assert bangalore.cost_per_gold_correct_usd is None and bangalore.rework_rate_pct == D("0.0")
    assert rows["Krakow Annotation Studio"].cost_usd == D("68.00")


def test_breakdowns_by_region_month_dataset_and_kind(report_world: World) -> None:
    report = _report(report_world, None)
    assert {r.label: r.cost_usd for r in report.by_region} == {
        "Southeast Asia": D("54.00"), "South Asia": D("114.00"), "Eastern Europe": D("68.00")}
    assert [(r.label, r.items) for r in report.by_month] == [("2026-01", 7)]
    assert {r.label: r.items for r in report.by_dataset} == {"Support chat intents": 6, "Preference pairs": 1}
    assert {r.label: (r.items, r.cost_usd) for r in report.by_kind} == {
        "classification": (6, D("218.00")), "preference": (1, D("18.00"))}  # 36 + 114 + 68; 1 h × $18


def test_vendor_manager_sees_only_her_vendors(report_world: World) -> None:
    scope = {report_world.saigon.id, report_world.bangalore.id}
    report = _report(report_world, scope)
    assert [r.label for r in report.by_vendor] == ["Bangalore Label Works", "Saigon Data Labs"]
    assert (report.total.items, report.total.cost_usd, report.total.cost_per_accepted_usd) == (6, D("168.00"),
                                                                                               D("42.00"))
    assert report.total.rework_rate_pct == D("20.0")


def test_regional_comparison_uses_observed_figures_and_band_midpoints(report_world: World) -> None:
    scope = {report_world.saigon.id, report_world.bangalore.id}
    rows = {r.region: r for r in _report(report_world, scope).comparison}
    # Selection: 6 items, 80 % accepted, 6 h, $168.
    # Southeast Asia observed: 4 items / 3 h, 2/3 accepted, $18/h → 6 × (0.8 / ⅔) ÷ (4/3) = 5.4 h → $97.20.
    sea = rows["southeast_asia"]
    assert (sea.basis, sea.vendors, sea.hours, sea.cost_usd, sea.difference_usd) == (
        OBSERVED, 1, D("5.40"), D("97.20"), D("-70.80"))
    assert (sea.items_per_hour, sea.acceptance_pct, sea.rate_usd) == (D("1.3"), D("66.7"), D("18.00"))
    # South Asia observed: 2 items / 3 h, all accepted, $38/h → 6 × 0.8 ÷ ⅔ = 7.2 h → $273.60.
    assert (rows["south_asia"].hours, rows["south_asia"].cost_usd) == (D("7.20"), D("273.60"))
    # Eastern Europe: Krakow is outside Marta's scope, so the band midpoint ($70) at the selection's 6 h.
    east = rows["eastern_europe"]
    assert (east.basis, east.rate_usd, east.hours, east.cost_usd) == (BAND, D("70.00"), D("6.00"), D("420.00"))
    assert rows["western_europe_uk"].cost_usd == D("630.00")  # $105 midpoint × 6 h


def test_comparison_draws_on_the_whole_scope_when_filtered_to_one_region(report_world: World) -> None:
    scope = {report_world.saigon.id, report_world.bangalore.id}
    report = _report(report_world, scope, region="south_asia")
    assert [r.label for r in report.by_vendor] == ["Bangalore Label Works"]
    sea = next(r for r in report.comparison if r.region == "southeast_asia")
    # 2 items, all accepted; Saigon needs 1.5× the volume at 4/3 items an hour: 2.25 h × $18.
    assert (sea.basis, sea.hours, sea.cost_usd) == (OBSERVED, D("2.25"), D("40.50"))


def test_another_vendors_id_is_out_of_scope(report_world: World) -> None:
    with pytest.raises(OutOfScope):
        resolve_filter(db.session, {report_world.saigon.id}, PERIOD, [report_world.krakow.id])


def test_vendor_managers_csv_never_holds_another_vendors_rows(app: Any, report_world: World) -> None:
    client = report_world.client(app, report_world.marta)
    response = client.get("/reports/cost.csv", query_string=JAN)
    assert response.status_code == 200
    cells = {cell for row in csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))) for cell in row}
    assert not any("Krakow" in cell or "Kowalska" in cell for cell in cells)
    assert "68.00" not in cells  # Krakow's rate and cost
    tables = csv_tables(response.get_data())
    assert {row["Vendor"] for row in tables["By vendor"]} == {"Saigon Data Labs", "Bangalore Label Works"}
    assert tables["Totals"][0]["Cost (USD)"] == "168.00"


@pytest.mark.parametrize("path", ["/reports/cost", "/reports/cost.csv", "/reports/cost.pdf", "/reports/welfare",
                                  "/reports/welfare.csv"])
def test_another_vendors_id_in_the_filter_answers_404(app: Any, report_world: World, path: str) -> None:
    client = report_world.client(app, report_world.marta)
    assert client.get(path, query_string={**JAN, "vendor": report_world.krakow.id}).status_code == 404
    assert client.get(path, query_string={**JAN, "vendor": 999_999}).status_code == 404
    assert client.get(path, query_string={**JAN, "vendor": report_world.saigon.id}).status_code == 200


def test_a_dataset_outside_the_managers_vendors_answers_404(app: Any, report_world: World, make_dataset: Any) -> None:
    elsewhere = make_dataset("Krakow only", vendors=[report_world.krakow])
    client = report_world.client(app, report_world.marta)
    assert client.get("/reports/cost", query_string={**JAN, "dataset": elsewhere.id}).status_code == 404


def test_the_page_offers_only_the_managers_vendors(app: Any, report_world: World) -> None:
    page = report_world.client(app, report_world.marta).get("/reports/cost", query_string=JAN).get_data(as_text=True)
    assert "Saigon Data Labs" in page and "Bangalore Label Works" in page
    assert "Krakow" not in page


def test_a_reversed_period_is_explained_not_an_error(app: Any, report_world: World) -> None:
    client = report_world.client(app, report_world.admin)
    page = client.get("/reports/cost", query_string={"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert page.status_code == 200
    assert "starts after it ends" in page.get_data(as_text=True)
    assert client.get("/reports/cost.csv", query_string={"date_from": "2026-02-01",
                                                        "date_to": "2026-01-01"}).status_code == 400


def test_region_filter_narrows_to_that_regions_vendors(app: Any, report_world: World) -> None:
    client = report_world.client(app, report_world.admin)
    tables = csv_tables(client.get("/reports/cost.csv", query_string={**JAN, "region": "eastern_europe"}).get_data())
    assert [row["Vendor"] for row in tables["By vendor"]] == ["Krakow Annotation Studio"]
    assert tables["Totals"][0]["Cost (USD)"] == "68.00"


def test_months_are_calendar_months_clipped_to_the_period(report_world: World) -> None:
    from datetime import date

    flt = resolve_filter(db.session, None, (date(2025, 12, 15), date(2026, 2, 10)))
    report = cost_report(db.session, flt)
    assert [(r.label, r.items) for r in report.by_month] == [("2025-12", 1), ("2026-01", 7), ("2026-02", 1)]
    assert sum(r.items for r in report.by_month) == report.total.items == 9


def test_a_dataset_whose_tasks_mix_kinds_is_split_by_kind(report_world: World) -> None:
    from tests.reports.conftest import _task, at

    db.session.add(_task(report_world.saigon, report_world.prefs, report_world.annotators["minh"], at(1, 13), 1800,
                         kind="rewrite"))
    db.session.commit()
    kinds = {r.label: (r.items, r.cost_usd) for r in _report(report_world, None).by_kind}
    assert kinds == {"classification": (6, D("218.00")), "preference": (1, D("18.00")), "rewrite": (1, D("9.00"))}


def test_a_manager_without_vendors_gets_an_empty_report_not_an_error(app: Any, login_as: Any,
                                                                     report_world: World) -> None:
    client = login_as("vendor_manager", managed=[])
    page = client.get("/reports/cost", query_string=JAN).get_data(as_text=True)
    assert "No completed work in this selection." in page and "Saigon" not in page
    assert csv_tables(client.get("/reports/cost.csv", query_string=JAN).get_data())["Totals"][0]["Items"] == "0"
