"""The one door to a report: the page, the downloads, the command line and the monthly job all come
through :func:`build_document` and :func:`issue_file`, so they produce the same figures and every file
that leaves the portal is recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from governance import audit
from governance.audit import SYSTEM, Actor
from governance.keyring import purpose_key
from reports.audit_report import audit_report
from reports.cost import cost_report
from reports.document import Document
from reports.export import csv_bytes, pdf_bytes
from reports.filters import ReportFilter
from reports.issue import record_issue
from reports.models import IssuedReport
from reports.present_audit import audit_document
from reports.present_cost import cost_document
from reports.present_welfare import welfare_document
from reports.welfare import welfare_report

KINDS = ("audit", "cost", "welfare")
FORMATS = ("csv", "pdf")
PAGE_ROWS = 200  # detail rows shown on the page and in the PDF; the CSV carries every row
PSEUDONYM_PURPOSE = "report-pseudonyms"


@dataclass(frozen=True)
class Reader:
    """Who the report is for: names of annotators appear only for vendor managers (``names=True``)."""

    actor: Actor
    names: bool
    display_name: str


SYSTEM_READER = Reader(SYSTEM, names=False, display_name="the portal (scheduled or command-line run)")


def build_document(session: Session, kind: str, flt: ReportFilter, reader: Reader, master_key: bytes,
                   today: date, limit: int | None = PAGE_ROWS) -> Document:
    """Compute a report and lay it out (``limit=None``: every detail row, as the CSV needs)."""
    if kind == "cost":
        return cost_document(cost_report(session, flt))
    if kind == "audit":
        return audit_document(audit_report(session, flt, audit.chain_key(session, master_key), today, limit))
    if kind == "welfare":
        key = None if reader.names else purpose_key(session, master_key, PSEUDONYM_PURPOSE)
        return welfare_document(welfare_report(session, flt, key, limit))
    raise ValueError(f"unknown report kind {kind!r}")


def issue_file(session: Session, kind: str, file_format: str, flt: ReportFilter, reader: Reader,
               master_key: bytes, now: datetime) -> tuple[bytes, IssuedReport]:
    """Produce the CSV or PDF, record its digest (table and audit chain) and return the bytes.

    Flushes only: the caller commits once the file is on its way, so a failure leaves no record.
    """
    if file_format not in FORMATS:
        raise ValueError(f"unknown format {file_format!r}")
    limit = None if file_format == "csv" else PAGE_ROWS
    document = build_document(session, kind, flt, reader, master_key, now.date(), limit)
    content = csv_bytes(document, now) if file_format == "csv" else pdf_bytes(document, now, reader.display_name)
    return content, record_issue(session, reader.actor, kind, file_format, flt, content, now)


def file_name(kind: str, flt: ReportFilter, file_format: str) -> str:
    """A download name that says what the file holds (``cost-2026-01-01-to-2026-01-31.pdf``)."""
    return f"{kind}-{flt.period_from.isoformat()}-to-{flt.period_to.isoformat()}.{file_format}"
