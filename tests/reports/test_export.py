"""CSV safety, the PDF (opens, cover, contents, page numbers, digest in the chain) and the promise that
page, CSV and PDF show the same figures."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from governance import audit
from governance.db import db
from governance.models import AuditEvent
from reports.document import Column, Document, Section, Table, format_cell
from reports.export import check_primitives, csv_bytes, neutralise
from reports.models import IssuedReport
from tests.reports.conftest import JAN, World, csv_tables

TRIGGERS = ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR"]


@pytest.mark.parametrize("text", TRIGGERS)
def test_formula_triggers_are_neutralised(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Saigon", "", "1-2", Decimal("-12.50"), -3, 7])
def test_ordinary_text_and_numbers_pass_through(value: Any) -> None:
    assert neutralise(value) == value


def test_csv_writes_negative_numbers_as_numbers_but_neutralises_text() -> None:
    table = Table("t", "=evil()", [Column("@label"), Column("Difference", "usd")],
                  [("=HYPERLINK(\"http://x\")", Decimal("-70.80")), ("-cmd", Decimal("1.00"))])
    doc = Document("cost", "+Title", "-covers", date(2026, 1, 1), date(2026, 1, 31),
                   [Section("s", "S", tables=[table])])
    text = csv_bytes(doc, datetime(2026, 2, 1, tzinfo=UTC)).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'-cmd" in text and "'@label" in text and "Table,'=evil()" in text
    assert "Report,'+Title" in text and "Covers,'-covers" in text
    assert ",-70.80\r\n" in text  # a number stays a number


def test_vendor_names_that_look_like_formulas_are_neutralised_in_the_download(
        app: Any, login_as: Any, make_vendor: Any) -> None:
    for index, name in enumerate(TRIGGERS):
        make_vendor(f"{name} vendor {index}", "VN", "10.00")
    client = login_as("admin")
    response = client.get("/reports/audit.csv", query_string=JAN)  # its DPA table lists every vendor
    cells = [cell for row in _csv_rows(response.get_data()) for cell in row]
    vendor_cells = [c for c in cells if re.search(r" vendor \d$", c)]
    assert len(vendor_cells) == len(TRIGGERS)
    assert all(cell.startswith("'") for cell in vendor_cells)


def _csv_rows(content: bytes) -> list[list[str]]:
    import csv

    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_pdf_context_refuses_anything_but_primitives(report_world: World) -> None:
    doc = Document("cost", "T", "d", date(2026, 1, 1), date(2026, 1, 31),
                   [Section("s", "S", facts=[("Vendor", report_world.saigon, "text")])])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="Vendor"):
        check_primitives(doc)


def test_pdf_opens_with_cover_contents_and_page_numbers(app: Any, report_world: World) -> None:
    client = report_world.client(app, report_world.officer)
    response = client.get("/reports/audit.pdf", query_string=JAN)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert 'filename="audit-2026-01-01-to-2026-01-31.pdf"' in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.get_data()))
    pages = [page.extract_text() for page in reader.pages]
    total = len(pages)
    assert total >= 5
    assert "Audit report" in pages[0] and "Sophie Laurent" in pages[0] and "Page " not in pages[0]
    assert "Contents" in pages[1] and re.search(r"Reveals of raw data\W+\d+", pages[1])
    for number, text in enumerate(pages[1:], start=2):
        assert f"Page {number} of {total}" in text


def test_issued_pdf_digest_is_the_one_the_audit_chain_holds(app: Any, report_world: World) -> None:
    client = report_world.client(app, report_world.marta)
    content = client.get("/reports/cost.pdf", query_string=JAN).get_data()
    digest = hashlib.sha256(content).hexdigest()
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "report.issued")).one()
    assert event.details["sha256"] == digest
    assert event.details["bytes"] == len(content)
    assert (event.actor_id, event.details["kind"], event.details["format"]) == (report_world.marta.id, "cost", "pdf")
    assert event.details["vendor_ids"] == sorted([report_world.saigon.id, report_world.bangalore.id])
    record = db.session.get(IssuedReport, int(event.target_id))
    assert (record.sha256, record.byte_size, record.period_from) == (digest, len(content), date(2026, 1, 1))
    assert audit.verify(db.session, report_world.key).ok


def test_csv_downloads_are_issued_and_recorded_too(app: Any, report_world: World) -> None:
    content = report_world.client(app, report_world.admin).get("/reports/cost.csv", query_string=JAN).get_data()
    record = db.session.scalars(select(IssuedReport)).one()
    assert (record.file_format, record.sha256) == ("csv", hashlib.sha256(content).hexdigest())


class _Tables(HTMLParser):
    """Collects the text of every cell of every ``data-testid="table-…"`` table on a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        testid = dict(attrs).get("data-testid") or ""
        if tag == "table" and testid.startswith("table-"):
            self._table = testid[len("table-"):]
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._table and self._cell is not None:
            self.tables[self._table][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _page_tables(html: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


KINDS = {"Items": "int", "Accepted": "int", "Reviewed": "int", "Rejected": "int", "Gold correct": "int",
         "Vendors observed": "int", "Active hours": "decimal", "Hours": "decimal", "Items per hour": "decimal"}


def _shown(header: str, value: str) -> str:
    """A CSV value as the page and the PDF print it."""
    if value == "":
        return "—"
    if "(USD" in header:
        return format_cell(Decimal(value), "usd")
    if "(%)" in header:
        return format_cell(Decimal(value), "pct")
    kind = KINDS.get(header, "text")
    return format_cell(int(value) if kind == "int" else Decimal(value) if kind != "text" else value, kind)


@pytest.mark.parametrize(("table_title", "key"), [("Totals", "total"), ("By vendor", "by_vendor"),
                                              ("By region", "by_region"), ("By dataset", "by_dataset"),
                                              ("Same volume in each region", "regional_comparison")])
def test_page_csv_and_pdf_show_the_same_cost_figures(app: Any, report_world: World, table_title: str,
                                                     key: str) -> None:
    client = report_world.client(app, report_world.admin)
    csv_rows = csv_tables(client.get("/reports/cost.csv", query_string=JAN).get_data())[table_title]
    page = _page_tables(client.get("/reports/cost", query_string=JAN).get_data(as_text=True))[key]
    pdf = PdfReader(io.BytesIO(client.get("/reports/cost.pdf", query_string=JAN).get_data()))
    pdf_text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pdf.pages))
    expected = [[_shown(header, value) for header, value in row.items()] for row in csv_rows]
    assert page[1:] == expected  # page row 0 is the header
    for row in expected:
        figures = row[1:] if key != "by_vendor" else row[3:]  # labels may wrap in the PDF; figures do not
        assert re.search(r"\s*".join(re.escape(cell) for cell in figures), pdf_text), row


def test_audit_page_csv_and_pdf_agree_on_the_summary(app: Any, report_world: World) -> None:
    client = report_world.client(app, report_world.officer)
    csv_rows = csv_tables(client.get("/reports/audit.csv", query_string=JAN).get_data())
    page = _page_tables(client.get("/reports/audit", query_string=JAN).get_data(as_text=True))
    pdf_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(
        client.get("/reports/audit.pdf", query_string=JAN).get_data())).pages)
    by_action = {row["Action"]: row["Events"] for row in csv_rows["Events in the period by action"]}
    assert by_action == {row[0]: row[1] for row in page["events_by_action"][1:]}
    assert by_action == {"auth.locked_out": "1", "auth.login": "1", "dataset.assignment_refused": "1",
                         "item.raw_revealed": "1"}
    reason = csv_rows["Reveals of raw data"][0]["Stated reason"]
    assert reason == "Checking leak report 42 before release"
    assert reason in " ".join(" ".join(r) for r in page["reveals"])
    assert reason in re.sub(r"\s+", " ", pdf_text)
