"""What a report covers: the period, and the vendors and dataset inside the reader's scope.

Every report (page, CSV, PDF, command line, monthly job) starts from one :class:`ReportFilter`, so
the three formats of a report always cover the same rows. :func:`resolve_filter` is the single place
where a reader's request is checked against their scope: a vendor or dataset they may not see is a
:class:`OutOfScope` (the page answers 404), never a silently widened query.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from governance.errors import PortalError
from governance.models import Dataset, DatasetAssignment, Vendor
from governance.regions import regions

MAX_PERIOD_DAYS = 3 * 366


class OutOfScope(LookupError):
    """A filter names a vendor or dataset the reader may not see (answered as 404)."""


@dataclass(frozen=True)
class ReportFilter:
    """A resolved filter: ``vendor_ids`` is the exact set of vendors covered (``None`` = every vendor)."""

    period_from: date
    period_to: date
    vendor_ids: frozenset[int] | None = None
    scope_ids: frozenset[int] | None = None
    region: str | None = None
    dataset_id: int | None = None
    labels: dict[str, str] = field(default_factory=dict, compare=False)

    def describe(self) -> str:
        """One line naming the period and filters, printed on pages, covers and CSV headers."""
        parts = [f"{self.period_from.isoformat()} to {self.period_to.isoformat()} (UTC days)"]
        parts += [f"{key}: {value}" for key, value in self.labels.items()]
        return "; ".join(parts)

    def as_record(self) -> dict[str, int | str | None]:
        """The filter as ids and codes, for the issued-report record and its audit event."""
        return {"vendor_ids": sorted(self.vendor_ids) if self.vendor_ids is not None else None,
                "region": self.region, "dataset_id": self.dataset_id}


def last_month(today: date) -> tuple[date, date]:
    """The calendar month before ``today``'s (the default period: "last month")."""
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def last_quarter(today: date) -> tuple[date, date]:
    """The calendar quarter before ``today``'s (Sophie's quarterly audit report)."""
    first_month = 3 * ((today.month - 1) // 3) + 1
    end = today.replace(month=first_month, day=1) - timedelta(days=1)
    return end.replace(month=end.month - 2, day=1), end


def check_period(period_from: date, period_to: date) -> None:
    """Refuse a reversed or absurdly long period with a message a person can act on."""
    if period_from > period_to:
        raise PortalError("The period starts after it ends: swap the dates.")
    if (period_to - period_from).days > MAX_PERIOD_DAYS:
        raise PortalError("A report covers at most three years; choose a shorter period.")


def resolve_filter(session: Session, scope: set[int] | None, period: tuple[date, date],
                   vendors: Collection[int] = (), region: str | None = None,
                   dataset_id: int | None = None) -> ReportFilter:
    """Turn a request into the vendors and dataset it covers, within ``scope`` (``None`` = all).

    Raises :class:`OutOfScope` for a vendor or dataset outside the scope (or unknown), and
    :class:`PortalError` for an unknown region or a bad period.
    """
    check_period(*period)
    labels: dict[str, str] = {}
    vendor_ids = None if scope is None else frozenset(scope)
    if vendors:
        names = [_vendor_name_in_scope(session, scope, vendor_id) for vendor_id in sorted(set(vendors))]
        vendor_ids, labels["Vendor"] = frozenset(vendors), ", ".join(names)
    if region:
        vendor_ids = _narrow_to_region(session, vendor_ids, region)
        labels["Region"] = regions()[region].label
    if dataset_id is not None:
        labels["Dataset"] = _dataset_name_in_scope(session, scope, dataset_id)
    scope_ids = None if scope is None else frozenset(scope)
    return ReportFilter(period[0], period[1], vendor_ids, scope_ids, region or None, dataset_id, labels)


def _vendor_name_in_scope(session: Session, scope: set[int] | None, vendor_id: int) -> str:
    vendor = session.get(Vendor, vendor_id)
    if vendor is None or (scope is not None and vendor_id not in scope):
        raise OutOfScope("vendor")
    return vendor.name


def _narrow_to_region(session: Session, vendor_ids: frozenset[int] | None, region: str) -> frozenset[int]:
    known = regions()
    if region not in known:
        raise PortalError(f"Unknown region; choose one of {', '.join(sorted(known))}.")
    countries = region_countries(region)
    in_region = set(session.scalars(select(Vendor.id).where(Vendor.country.in_(countries))))
    return frozenset(in_region if vendor_ids is None else in_region & vendor_ids)


def region_countries(region: str) -> list[str]:
    """The country codes of a configured region."""
    from config import load_policy

    return list(load_policy("regions")["regions"][region]["countries"])


def _dataset_name_in_scope(session: Session, scope: set[int] | None, dataset_id: int) -> str:
    dataset = session.get(Dataset, dataset_id)
    if dataset is None:
        raise OutOfScope("dataset")
    if scope is not None:
        assigned = session.scalar(select(DatasetAssignment.id).where(
            DatasetAssignment.dataset_id == dataset_id, DatasetAssignment.vendor_id.in_(scope)).limit(1))
        if assigned is None:
            raise OutOfScope("dataset")
    return dataset.name


def concrete_ids(session: Session, flt: ReportFilter) -> tuple[list[int], list[int]]:
    """Every vendor and dataset id the filter covers, spelled out.

    Report queries name them (IN lists) even when the filter means "all": the report index is ordered
    by vendor and dataset, and a query that names both is read in that order without sorting.
    """
    vendors = (sorted(flt.vendor_ids) if flt.vendor_ids is not None
               else list(session.scalars(select(Vendor.id).order_by(Vendor.id))))
    datasets = ([flt.dataset_id] if flt.dataset_id is not None
                else list(session.scalars(select(Dataset.id).order_by(Dataset.id))))
    return vendors, datasets
