"""A :class:`~reports.document.Document` written as CSV or PDF.

CSV: one file, one block per table (a ``Table,<title>`` row, the header, the rows, a blank line),
UTF-8 with a byte-order mark so spreadsheets read accents and dashes. Text cells that a spreadsheet
would run as a formula — starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return — are
prefixed with an apostrophe (OWASP "CSV injection"); numbers are written as numbers, never quoted.

PDF: ``templates/pdf/report.html`` (cover, table of contents with page numbers, the sections, page
"n of N" from CSS counters) rendered by :func:`governance.pdf.render_pdf`, which fetches nothing
from outside the portal. The template gets only the Document, whose fields are primitives.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask import render_template

from governance.pdf import render_pdf
from reports.document import Document, plain_cell

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Make a text cell inert in a spreadsheet; numbers pass through unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def csv_bytes(document: Document, issued_at: datetime) -> bytes:
    """The document's tables as one CSV (what the page and the PDF show, row for row)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in _preamble(document, issued_at):
        writer.writerow([neutralise(cell) for cell in row])
    for table in document.tables():
        writer.writerow(["Table", neutralise(table.title)])
        writer.writerow([neutralise(column.label) for column in table.columns])
        for row in table.rows:
            writer.writerow([neutralise(plain_cell(cell)) for cell in row])
        writer.writerow([])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _preamble(document: Document, issued_at: datetime) -> list[list[str]]:
    return [["Report", document.title], ["Covers", document.description],
            ["Issued", issued_at.strftime("%Y-%m-%dT%H:%M:%SZ")], []]


def pdf_bytes(document: Document, issued_at: datetime, issued_by: str) -> bytes:
    """The document as a PDF with cover, contents and page numbers."""
    check_primitives(document)
    html = render_template("pdf/report.html", doc=document, issued_at=issued_at.strftime("%Y-%m-%d %H:%M UTC"),
                           issued_by=issued_by)
    return render_pdf(html)


def check_primitives(value: Any, path: str = "doc") -> None:
    """Refuse anything but primitives (and dataclasses and lists of them) in a PDF context.

    An ORM object in a template can lazy-load, or print more than was meant; this makes sure the PDF
    is rendered from values that were chosen, not from whatever a relationship reaches.
    """
    if value is None or isinstance(value, str | int | float | Decimal | date | datetime | bool):
        return
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            check_primitives(item, f"{path}[{index}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            check_primitives(item, f"{path}.{key}")
        return
    if is_dataclass(value) and not isinstance(value, type):
        for item in fields(value):
            check_primitives(getattr(value, item.name), f"{path}.{item.name}")
        return
    raise TypeError(f"{path} is a {type(value).__name__}, not a primitive")


def write_atomically(path: Path, content: bytes) -> None:
    """Write next to the target and rename, so nobody ever opens half a report."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
