"""SQL building blocks the report queries share: calendar buckets that run on SQLite and PostgreSQL.

Reports group by UTC day and month inside the database, so a million tasks never travel to Python.
The two backends spell "the month of this timestamp" differently; these constructs compile to each
backend's own form, so a query is written once and runs on both.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Date, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class utc_month(FunctionElement):  # noqa: N801  (reads like the SQL function it stands for)
    """``YYYY-MM`` of a UTC timestamp column."""

    type = String()
    inherit_cache = True


class utc_day(FunctionElement):  # noqa: N801
    """``YYYY-MM-DD`` of a UTC timestamp column."""

    type = String()
    inherit_cache = True


@compiles(utc_month, "sqlite")
def _month_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    # The portal stores SQLite timestamps as 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC: the prefix is the
    # month, and substr is several times cheaper than strftime over a million rows.
    return f"substr({compiler.process(element.clauses, **kw)}, 1, 7)"


@compiles(utc_day, "sqlite")
def _day_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    return f"substr({compiler.process(element.clauses, **kw)}, 1, 10)"


@compiles(utc_month, "postgresql")
def _month_pg(element: Any, compiler: Any, **kw: Any) -> str:
    return f"to_char({compiler.process(element.clauses, **kw)} AT TIME ZONE 'UTC', 'YYYY-MM')"


@compiles(utc_day, "postgresql")
def _day_pg(element: Any, compiler: Any, **kw: Any) -> str:
    return f"to_char({compiler.process(element.clauses, **kw)} AT TIME ZONE 'UTC', 'YYYY-MM-DD')"


def day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """The UTC instants [first 00:00, day after last 00:00): a period of whole days, both ends included."""
    return (datetime.combine(first, time.min, UTC), datetime.combine(last + timedelta(days=1), time.min, UTC))


class utc_date(FunctionElement):  # noqa: N801
    """The UTC calendar date of a timestamp, comparable with a ``Date`` column on both backends."""

    type = Date()
    inherit_cache = True


@compiles(utc_date, "sqlite")
def _date_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    # SQLite keeps Date columns as 'YYYY-MM-DD' text, so the timestamp's prefix compares correctly.
    return f"substr({compiler.process(element.clauses, **kw)}, 1, 10)"


@compiles(utc_date, "postgresql")
def _date_pg(element: Any, compiler: Any, **kw: Any) -> str:
    return f"CAST(({compiler.process(element.clauses, **kw)} AT TIME ZONE 'UTC') AS DATE)"
