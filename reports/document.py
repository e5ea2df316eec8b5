"""The shape every report takes before it becomes HTML, CSV or PDF.

A report is turned once into a :class:`Document` — sections of tables (and charts) holding only
strings, ints, Decimals and dates — and the page, the CSV writer and the PDF template all render
that same object. That is how the three formats show the same figures: there is nothing to drift.
It is also the primitives-only context the PDF template gets (no ORM object reaches a template).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from reports.charts import Chart

Cell = str | int | Decimal | date | datetime | bool | None
PRIMITIVES = (str, int, Decimal, date, datetime, bool, type(None))


@dataclass(frozen=True)
class Column:
    """A column: its heading and how its values read (text, hash, int, usd, decimal, pct, date, datetime, yesno)."""

    label: str
    kind: str = "text"

    @property
    def numeric(self) -> bool:
        return self.kind in ("int", "usd", "decimal", "pct")


@dataclass(frozen=True)
class Table:
    """A table; ``total`` is how many rows exist when ``rows`` is a shortened list (``None``: all shown)."""

    key: str
    title: str
    columns: list[Column]
    rows: list[tuple[Cell, ...]]
    total: int | None = None
    empty: str = "Nothing in this period."

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.columns) or not all(isinstance(v, PRIMITIVES) for v in row):
                raise TypeError(f"table {self.key}: rows must hold {len(self.columns)} primitive values")

    @property
    def truncated(self) -> bool:
        return self.total is not None and self.total > len(self.rows)


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str
    intro: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    facts: list[tuple[str, Cell, str]] = field(default_factory=list)  # label, value, column kind


@dataclass(frozen=True)
class Document:
    kind: str
    title: str
    description: str
    period_from: date
    period_to: date
    sections: list[Section]
    notes: list[str] = field(default_factory=list)

    def tables(self) -> list[Table]:
        return [table for section in self.sections for table in section.tables]


def format_cell(value: Cell, kind: str = "text") -> str:
    """How a value reads on the page and in the PDF (the CSV keeps the plain value)."""
    if value is None:
        return "—"
    if isinstance(value, bool) or kind == "yesno":
        return "yes" if value else "no"
    if kind == "usd":
        return f"${value:,.2f}" if value >= 0 else f"−${-value:,.2f}"
    if kind == "int":
        return f"{value:,}"
    if kind == "pct":
        return f"{value}%"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def plain_cell(value: Cell) -> str | int | Decimal:
    """How a value is written to the CSV: numbers as numbers, times in ISO 8601 UTC."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    return value
