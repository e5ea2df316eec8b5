"""Cost and throughput of completed work, by vendor, region, month, dataset and task kind.

The database aggregates (see :mod:`reports.cost_queries`: per vendor and dataset over the period, and
per vendor and month); everything else folds those few hundred cells, so the page stays fast at a
million tasks. Money is Decimal USD throughout and rounded to cents only when a figure is shown.

Definitions (also printed with the report):
- completed item: a task with status ``submitted`` whose ``submitted_at`` falls in the period;
- active hours: the annotators' active time on those tasks;
- cost: active hours × the vendor's hourly rate (the rate on record today);
- cost per accepted item: cost ÷ items a reviewer accepted;
- cost per gold-correct item: cost of the gold tasks ÷ gold tasks answered correctly (what a
  verifiably correct answer cost);
- rework rate: rejected ÷ reviewed (accepted + rejected).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from governance.models import Dataset, Vendor
from governance.regions import region_of
from reports.cost_queries import SECONDS_PER_HOUR, Cell, Tally, month_cells, period_cells
from reports.filters import ReportFilter, concrete_ids

CENT = Decimal("0.01")
TENTH = Decimal("0.1")
NO_REGION = ("other", "Other countries")


@dataclass(frozen=True)
class CostRow:
    """One line of the report; ``None`` where a ratio has no denominator (shown as a dash)."""

    key: str
    label: str
    items: int
    active_hours: Decimal
    cost_usd: Decimal
    accepted: int
    reviewed: int
    rejected: int
    gold_correct: int
    cost_per_accepted_usd: Decimal | None
    cost_per_gold_correct_usd: Decimal | None
    items_per_hour: Decimal | None
    rework_rate_pct: Decimal | None
    region: str = ""
    rate_usd: Decimal | None = None


@dataclass(frozen=True)
class RegionEstimate:
    """What the selection's volume would cost in one region (see :func:`regional_comparison`)."""

    region: str
    label: str
    basis: str  # "observed" | "published band midpoint"
    vendors: int
    items_per_hour: Decimal | None
    acceptance_pct: Decimal | None
    rate_usd: Decimal
    hours: Decimal | None
    cost_usd: Decimal | None
    difference_usd: Decimal | None


@dataclass(frozen=True)
class CostReport:
    """Everything the page, the CSV and the PDF show, as Decimals, ints and strings."""

    period_from: date
    period_to: date
    description: str
    total: CostRow
    by_vendor: list[CostRow]
    by_region: list[CostRow]
    by_month: list[CostRow]
    by_dataset: list[CostRow]
    by_kind: list[CostRow]
    comparison: list[RegionEstimate]
    comparison_note: str
    notes: list[str] = field(default_factory=list)


def _ratio(numerator: Decimal, denominator: Decimal | int, unit: Decimal) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(unit)


def row_of(key: str, label: str, tally: Tally, **extra: object) -> CostRow:
    """Turn a tally into the figures a reader sees, rounding each only at the end."""
    hours = Decimal(tally.seconds) / SECONDS_PER_HOUR
    return CostRow(
        key=key, label=label, items=tally.items, active_hours=hours.quantize(CENT),
        cost_usd=tally.cost.quantize(CENT), accepted=tally.accepted, reviewed=tally.reviewed,
        rejected=tally.rejected, gold_correct=tally.gold_correct,
        cost_per_accepted_usd=_ratio(tally.cost, tally.accepted, CENT),
        cost_per_gold_correct_usd=_ratio(tally.gold_rate_seconds / SECONDS_PER_HOUR, tally.gold_correct, CENT),
        items_per_hour=_ratio(Decimal(tally.items), hours, TENTH),
        rework_rate_pct=_ratio(Decimal(100 * tally.rejected), tally.reviewed, TENTH),
        **extra,  # type: ignore[arg-type]
    )


def fold(cells: Iterable[Cell], key: Callable[[Cell], str]) -> dict[str, Tally]:
    """Sum the cells that share ``key`` (a few hundred cells: cheap, and exact)."""
    groups: dict[str, Tally] = {}
    for cell in cells:
        groups.setdefault(key(cell), Tally()).add(cell.tally)
    return groups


def region_code(country: str) -> tuple[str, str]:
    """(code, label) of a vendor's region; countries no region lists fall under "other"."""
    region = region_of(country)
    return (region.code, region.label) if region else NO_REGION


def cost_report(session: Session, flt: ReportFilter) -> CostReport:
    """The cost and throughput report for ``flt`` (the reader's scope is already inside it)."""
    from reports.comparison import regional_comparison

    vendors = {v.id: v for v in session.scalars(select(Vendor))}
    rates = {vid: v.hourly_rate_usd for vid, v in vendors.items()}
    datasets = dict(session.execute(select(Dataset.id, Dataset.name)).all())
    period = (flt.period_from, flt.period_to)
    selected, dataset_ids = concrete_ids(session, flt)
    cells = period_cells(session, period, selected, dataset_ids, rates)
    total = Tally()
    for cell in cells:
        total.add(cell.tally)
    # The regional benchmark draws on everything the reader may see in the period, not only the
    # vendors or region filtered to; when nothing narrows the scope the same cells serve both.
    scope = list(vendors) if flt.scope_ids is None else flt.scope_ids
    scope_cells = cells if set(selected) == set(scope) else period_cells(session, period, scope, dataset_ids, rates)
    comparison, note = regional_comparison(flt, total, scope_cells, vendors)
    return CostReport(
        period_from=flt.period_from, period_to=flt.period_to, description=flt.describe(),
        total=row_of("total", "All selected work", total),
        by_vendor=_vendor_rows(cells, vendors),
        by_region=_rows(fold(cells, lambda c: region_code(vendors[c.vendor_id].country)[0]),
                        lambda code: _region_label(code)),
        by_month=_rows(fold(month_cells(session, period, selected, dataset_ids, rates), lambda c: c.month), str),
        by_dataset=_rows(fold(cells, lambda c: str(c.dataset_id)), lambda k: datasets.get(int(k), f"#{k}")),
        by_kind=_rows(fold(cells, lambda c: c.kind), str),
        comparison=comparison, comparison_note=note,
        notes=["Cost uses each vendor's hourly rate on record today.",
               "Time on skipped, declined or abandoned tasks is not counted."],
    )


def _region_label(code: str) -> str:
    from governance.regions import regions

    known = regions()
    return known[code].label if code in known else NO_REGION[1]


def _rows(groups: dict[str, Tally], label: Callable[[str], str]) -> list[CostRow]:
    rows = [row_of(key, label(key), tally) for key, tally in groups.items()]
    return sorted(rows, key=lambda r: r.key if r.key[:4].isdigit() else r.label.lower())


def _vendor_rows(cells: list[Cell], vendors: dict[int, Vendor]) -> list[CostRow]:
    rows = []
    for key, tally in fold(cells, lambda c: str(c.vendor_id)).items():
        vendor = vendors[int(key)]
        rows.append(row_of(key, vendor.name, tally, region=region_code(vendor.country)[1],
                           rate_usd=vendor.hourly_rate_usd))
    return sorted(rows, key=lambda r: r.label.lower())
