"""The audit report: each section against the January fixture, a broken chain, and a 100,000-event period."""

from __future__ import annotations

import io
import time
from datetime import date, timedelta
from typing import Any

from pypdf import PdfReader
from sqlalchemy import select, update

from governance.db import db, utcnow
from governance.models import AuditEvent
from reports.audit_report import audit_report, lockouts
from reports.filters import resolve_filter
from reports.produce import SYSTEM_READER, issue_file
from reports.sql import day_bounds
from tests.reports.conftest import JAN, PERIOD, World, append_events, at

TODAY = date(2026, 12, 3)


def _report(world: World, limit: int | None = 200, **filters: Any):
    flt = resolve_filter(db.session, None, PERIOD, **filters)
    return audit_report(db.session, flt, world.key, TODAY, limit)


def test_summary_counts_only_the_periods_events_and_verifies_the_whole_chain(report_world: World) -> None:
    report = _report(report_world)
    assert report.chain.ok and report.chain.events_checked == 5 and report.chain.head_seq == 5
    assert report.events_in_period == 4  # the February lock-out is outside
    assert {c.key: c.count for c in report.by_action} == {
        "auth.locked_out": 1, "auth.login": 1, "dataset.assignment_refused": 1, "item.raw_revealed": 1}
    assert report.timeline_unit == "day"
    assert [c.key for c in report.timeline] == ["2026-01-05", "2026-01-07", "2026-01-08", "2026-01-09"]


def test_reveals_carry_officer_dataset_reason_and_chain_link(report_world: World) -> None:
    report = _report(report_world)
    [reveal] = report.reveals.rows
    assert (reveal.officer, reveal.dataset, reveal.reason) == (
        "Sophie Laurent", "Support chat intents", "Checking leak report 42 before release")
    assert reveal.event_seq == 3 and report.reveal_events == 1


def test_deletions_and_erasure_deadlines(report_world: World) -> None:
    report = _report(report_world)
    assert [c.reference for c in report.certificates.rows] == ["DC-2026-0001"]
    assert report.certificates.rows[0].items == 120 and report.certificates.rows[0].keys_destroyed == 1
    outcomes = {e.reference: e.outcome for e in report.erasures.rows}
    assert outcomes == {"ER-1": "met", "ER-2": "missed", "ER-3": "overdue", "ER-4": "open"}
    assert report.erasure_outcomes == {"met": 1, "missed": 1, "overdue": 1, "open": 1}
    assert next(e for e in report.erasures.rows if e.reference == "ER-1").certificate == "DC-2026-0001"


def test_contracts_refusals_lockouts_and_welfare(report_world: World) -> None:
    report = _report(report_world)
    dpas = {d.vendor: d for d in report.dpas}
    # The test DPAs were signed 30 days before today (December), so on 31 January none was in force.
    assert dpas["Saigon Data Labs"].status == "draft" and not dpas["Saigon Data Labs"].lawful
    assert dpas["Krakow Annotation Studio"].reference == "—"
    assert report.transfers.total == 0
    [refusal] = report.refusals.rows
    assert (refusal.actor, refusal.dataset, refusal.vendor, refusal.code) == (
        "Tom Becker", "Preference pairs", "Krakow Annotation Studio", "no_dpa")
    [lockout] = report.lockouts.rows
    assert (lockout.user, lockout.role, lockout.minutes) == (
        f"user #{report_world.annotators['linh'].id}", "annotator", 15)
    assert {(w.vendor, w.code): w.count for w in report.welfare_refusals} == {
        ("Bangalore Label Works", "sensitive_minutes_cap"): 1, ("Krakow Annotation Studio", "weekly_cap"): 1,
        ("Saigon Data Labs", "daily_cap"): 1, ("Saigon Data Labs", "rotation"): 1,
        ("Saigon Data Labs", "short_break"): 1}


def test_transfers_in_force_today(report_world: World) -> None:
    flt = resolve_filter(db.session, None, (TODAY - timedelta(days=1), TODAY))
    report = audit_report(db.session, flt, report_world.key, TODAY)
    pairs = {(t.dataset, t.vendor) for t in report.transfers.rows}
    assert ("Support chat intents", "Saigon Data Labs") in pairs and ("Preference pairs", "Saigon Data Labs") in pairs
    assert not any(vendor == "Krakow Annotation Studio" for _, vendor in pairs)  # no DPA


def test_vendor_and_dataset_filters_narrow_their_sections(report_world: World) -> None:
    by_vendor = _report(report_world, vendors=[report_world.saigon.id])
    assert [d.vendor for d in by_vendor.dpas] == ["Saigon Data Labs"]
    assert by_vendor.refusals.total == 0  # the refusal concerned Krakow
    by_dataset = _report(report_world, dataset_id=report_world.prefs.id)
    assert by_dataset.reveals.total == 0 and by_dataset.refusals.total == 1


def test_a_broken_chain_is_reported_with_the_first_bad_event(report_world: World) -> None:
    db.session.execute(update(AuditEvent).where(AuditEvent.seq == 2).values(target_id="999"))
    db.session.commit()
    report = _report(report_world)
    assert not report.chain.ok and report.chain.broken_seq == 2


def test_detail_lists_are_cut_for_the_page_but_counted_in_full(report_world: World) -> None:
    append_events(db.session, report_world.key, [
        {"occurred_at": at(1, 20, 8, n), "action": "auth.locked_out", "target_type": "user",
         "target_id": str(report_world.annotators["minh"].id), "details": {"minutes": 15}} for n in range(5)])
    report = _report(report_world, limit=3)
    assert report.lockouts.total == 6 and len(report.lockouts.rows) == 3 and report.lockouts.truncated
    assert len(_report(report_world, limit=None).lockouts.rows) == 6


def test_a_period_of_100000_events_renders_page_and_pdf(app: Any, report_world: World) -> None:
    actions = [("auth.login", "user", {}), ("auth.logout", "user", {}), ("auth.locked_out", "user", {"minutes": 15}),
               ("dataset.assignment_refused", "dataset", {"vendor_id": report_world.krakow.id, "code": "no_dpa"}),
               ("welfare.refused", "user", {"code": "daily_cap"})]
    start = at(1, 1, 0)
    events = []
    for n in range(100_000):
        action, target_type, details = actions[n % len(actions)]
        events.append({"occurred_at": start + timedelta(seconds=26 * n), "action": action,
                       "target_type": target_type, "target_id": str(report_world.prefs.id), "details": details})
    append_events(db.session, report_world.key, events)
    began = time.monotonic()
    page = report_world.client(app, report_world.officer).get("/reports/audit", query_string=JAN)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Showing the first 200 of 20,001 rows" in html  # lock-outs: 20,000 + the fixture's one
    flt = resolve_filter(db.session, None, PERIOD)
    content, _ = issue_file(db.session, "audit", "pdf", flt, SYSTEM_READER, app.extensions["portal"].master_key,
                            utcnow())
    db.session.commit()
    elapsed = time.monotonic() - began
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "100,004" in text and "intact" in text  # events in the period, and the verified chain
    assert elapsed < 120, f"page and PDF took {elapsed:.0f} s"
    start, end = day_bounds(*PERIOD)
    assert len(lockouts(db.session, start, end, None).rows) == 20_001  # what the CSV gets: every row


def test_only_staff_get_the_audit_report(app: Any, report_world: World) -> None:
    assert report_world.client(app, report_world.marta).get("/reports/audit", query_string=JAN).status_code == 403
    assert report_world.client(app, report_world.admin).get("/reports/audit", query_string=JAN).status_code == 200
    rows = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "report.issued")).all()
    assert rows == []  # viewing a page issues nothing
