"""``flask --app app reports …`` and the monthly job: the same files as the page, with clear errors."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from governance.db import db
from governance.jobs import run_job
from governance.models import AuditEvent
from reports.issue import verify_copy
from reports.models import IssuedReport
from tests.reports.conftest import World, csv_tables

JANUARY = ["--from", "2026-01-01", "--to", "2026-01-31"]


def test_audit_pdf_from_the_command_line_is_issued_and_verifiable(runner: Any, report_world: World,
                                                                  tmp_path: Path) -> None:
    out = tmp_path / "audit.pdf"
    result = runner.invoke(args=["reports", "audit", *JANUARY, "--out", str(out)])
    assert result.exit_code == 0, result.output
    content = out.read_bytes()
    assert f"SHA-256 {hashlib.sha256(content).hexdigest()}" in result.output
    assert "Audit report" in PdfReader(io.BytesIO(content)).pages[0].extract_text()
    record = db.session.scalars(select(IssuedReport)).one()
    assert record.issued_by_id is None and record.kind == "audit"
    assert verify_copy(db.session, content, report_world.key).issued
    assert not list(tmp_path.glob(".*.part"))  # written atomically, nothing left behind


def test_cost_csv_filtered_by_vendor_and_region_names(runner: Any, report_world: World, tmp_path: Path) -> None:
    out = tmp_path / "cost.csv"
    result = runner.invoke(args=["reports", "cost", *JANUARY, "--vendor", "bangalore label works", "--vendor",
                                 str(report_world.saigon.id), "--region", "South Asia", "--out", str(out)])
    assert result.exit_code == 0, result.output
    tables = csv_tables(out.read_bytes())
    assert [row["Vendor"] for row in tables["By vendor"]] == ["Bangalore Label Works"]
    assert tables["Totals"][0]["Cost (USD)"] == "114.00"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "report.issued")).one()
    assert event.details["region"] == "south_asia" and event.actor_role == "system"


@pytest.mark.parametrize(("args", "message"), [
    (["--from", "2026-13-01", "--to", "2026-01-31"], "--from must be a date written YYYY-MM-DD"),
    (["--from", "2026-01-01", "--to", "31/01/2026"], "--to must be a date written YYYY-MM-DD"),
    (["--from", "2026-02-01", "--to", "2026-01-01"], "starts after it ends"),
    ([*JANUARY, "--vendor", "Nobody Ltd"], "No vendor named or numbered 'Nobody Ltd'"),
    ([*JANUARY, "--region", "atlantis"], "Unknown region 'atlantis'"),
])
def test_mistakes_get_one_clear_line_and_no_file(runner: Any, report_world: World, tmp_path: Path,
                                                 args: list[str], message: str) -> None:
    out = tmp_path / "cost.pdf"
    result = runner.invoke(args=["reports", "cost", *args, "--out", str(out)])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output
    assert not out.exists() and db.session.scalars(select(IssuedReport)).first() is None


@pytest.mark.parametrize(("out", "message"), [("missing/report.pdf", "does not exist; create it first"),
                                          ("report.docx", "--out must end in .pdf or .csv"),
                                          (".", "names a folder")])
def test_bad_output_paths_are_refused(runner: Any, report_world: World, tmp_path: Path, out: str,
                                      message: str) -> None:
    result = runner.invoke(args=["reports", "audit", *JANUARY, "--out", str(tmp_path / out)])
    assert result.exit_code == 2 and message in result.output


def test_monthly_job_writes_last_months_reports_once(app: Any, report_world: World) -> None:
    now = datetime(2026, 2, 3, 4, 15, tzinfo=UTC)
    run = run_job("monthly-reports", now=now)
    assert run.status == "ok", run.message
    assert run.summary == {"month": "2026-01", "written": 4, "skipped": 0}
    folder = Path(app.extensions["portal"].instance_path) / "reports" / "2026-01"
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["audit-2026-01.pdf", "cost-2026-01.csv", "cost-2026-01.pdf", "welfare-2026-01.pdf"]
    assert csv_tables((folder / "cost-2026-01.csv").read_bytes())["Totals"][0]["Cost (USD)"] == "236.00"
    welfare_text = " ".join(p.extract_text() for p in PdfReader(folder / "welfare-2026-01.pdf").pages)
    assert "Linh" not in welfare_text  # the scheduler is not a vendor manager: pseudonyms only
    assert db.session.query(IssuedReport).count() == 4
    again = run_job("monthly-reports", now=now)
    assert again.summary == {"month": "2026-01", "written": 0, "skipped": 4}


def test_monthly_job_is_registered_with_a_schedule(app: Any) -> None:
    from governance.jobs import jobs

    spec = jobs()["monthly-reports"]
    assert spec.cron == {"day": 1, "hour": 4, "minute": 15}
