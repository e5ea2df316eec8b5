"""The cost report's SQL, shaped so that neither backend has to sort a million rows.

SQLite answers a GROUP BY by sorting every row that enters it unless the rows already arrive in
group order, and that sort costs seconds at a million tasks. The covering index ``ix_tasks_report``
(status, vendor_id, dataset_id, submitted_at, …; migration 0008) hands out submitted tasks in vendor
and dataset order when a query names the vendors and datasets it wants (IN lists of a few dozen ids)
and a time range, so:

- :func:`period_cells` is one pass grouped by vendor and dataset, in index order: no sort;
- :func:`month_cells` is one query per calendar month grouped by vendor, also in index order.

A task's kind is its dataset's task kind, so each (vendor, dataset) group has one kind; the query
checks that (``min(kind) = max(kind)``) and splits a group that mixes kinds with a query of its own.
PostgreSQL answers the same statements with index-only scans and hash aggregates.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from reports.sql import day_bounds
from workforce.models import Task, TaskStatus

SECONDS_PER_HOUR = Decimal(3600)


@dataclass
class Tally:
    """Additive counts of one group of tasks; ``rate_seconds`` is Σ seconds × hourly rate (exact)."""

    items: int = 0
    seconds: int = 0
    rate_seconds: Decimal = Decimal(0)
    accepted: int = 0
    rejected: int = 0
    gold_rate_seconds: Decimal = Decimal(0)
    gold_correct: int = 0

    def add(self, other: Tally) -> None:
        """Fold another group into this one (all fields are sums, so folding is exact)."""
        self.items += other.items
        self.seconds += other.seconds
        self.rate_seconds += other.rate_seconds
        self.accepted += other.accepted
        self.rejected += other.rejected
        self.gold_rate_seconds += other.gold_rate_seconds
        self.gold_correct += other.gold_correct

    @property
    def cost(self) -> Decimal:
        """Exact cost in USD (unrounded, so ratios are computed before rounding)."""
        return self.rate_seconds / SECONDS_PER_HOUR

    @property
    def reviewed(self) -> int:
        return self.accepted + self.rejected


@dataclass(frozen=True)
class Cell:
    """One aggregated group: a vendor's work on a dataset (``month`` empty) or in a month (``dataset_id`` None)."""

    vendor_id: int
    month: str
    dataset_id: int | None
    kind: str
    tally: Tally


def _aggregates() -> list[Any]:
    return [func.count(), func.coalesce(func.sum(Task.active_seconds), 0),
            func.sum(case((Task.review_outcome == "accepted", 1), else_=0)),
            func.sum(case((Task.review_outcome == "rejected", 1), else_=0)),
            func.sum(case((Task.is_gold.is_(True), Task.active_seconds), else_=0)),
            func.sum(case((Task.gold_correct.is_(True), 1), else_=0))]


def _submitted(columns: list[Any], vendor_ids: Collection[int], dataset_ids: Collection[int],
               start: datetime, end: datetime) -> Select:
    """Submitted tasks of these vendors and datasets in [start, end), in the index's order."""
    return select(*columns).where(
        Task.status == TaskStatus.SUBMITTED, Task.vendor_id.in_(sorted(vendor_ids)),
        Task.dataset_id.in_(sorted(dataset_ids)), Task.submitted_at >= start, Task.submitted_at < end)


def _tally(values: tuple, rate: Decimal) -> Tally:
    items, seconds, accepted, rejected, gold_seconds, gold_ok = (int(v or 0) for v in values)
    return Tally(items, seconds, seconds * rate, accepted, rejected, gold_seconds * rate, gold_ok)


def period_cells(session: Session, period: tuple[date, date], vendor_ids: Collection[int],
                 dataset_ids: Collection[int], rates: dict[int, Decimal]) -> list[Cell]:
    """Completed work per vendor and dataset (and so per kind) over the whole period."""
    start, end = day_bounds(*period)
    query = _submitted([Task.vendor_id, Task.dataset_id, func.min(Task.kind), func.max(Task.kind), *_aggregates()],
                       vendor_ids, dataset_ids, start, end).group_by(Task.vendor_id, Task.dataset_id)
    cells = []
    for vendor_id, dataset_id, low, high, *values in session.execute(query):
        if low == high:
            cells.append(Cell(vendor_id, "", dataset_id, low, _tally(values, rates[vendor_id])))
        else:
            cells += _split_by_kind(session, vendor_id, dataset_id, start, end, rates[vendor_id])
    return cells


def _split_by_kind(session: Session, vendor_id: int, dataset_id: int, start: datetime, end: datetime,
                   rate: Decimal) -> list[Cell]:
    query = _submitted([Task.kind, *_aggregates()], [vendor_id], [dataset_id], start, end).group_by(Task.kind)
    return [Cell(vendor_id, "", dataset_id, kind, _tally(values, rate)) for kind, *values in session.execute(query)]


def month_cells(session: Session, period: tuple[date, date], vendor_ids: Collection[int],
                dataset_ids: Collection[int], rates: dict[int, Decimal]) -> list[Cell]:
    """Completed work per vendor in each calendar month of the period (one streamed query a month)."""
    cells = []
    for label, first, last in months_of(*period):
        start, end = day_bounds(first, last)
        query = _submitted([Task.vendor_id, *_aggregates()], vendor_ids, dataset_ids, start, end).group_by(
            Task.vendor_id)
        cells += [Cell(vendor_id, label, None, "", _tally(values, rates[vendor_id]))
                  for vendor_id, *values in session.execute(query)]
    return cells


def months_of(first: date, last: date) -> list[tuple[str, date, date]]:
    """(``YYYY-MM``, first day, last day) of each calendar month the period touches, clipped to it."""
    months = []
    cursor = first.replace(day=1)
    while cursor <= last:
        following = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
        months.append((cursor.strftime("%Y-%m"), max(cursor, first), min(following - timedelta(days=1), last)))
        cursor = following
    return months
