"""The audit report's contract sections: deletions and erasure deadlines, DPAs and transfers in force.

Split from :mod:`reports.audit_report` to keep each module about one thing; these read the
governance tables (certificates, erasure requests, DPAs, assignments) rather than the event stream.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from governance.dashboard import PERSONAL_DATA
from governance.dpas import current_dpa, dpa_status
from governance.models import Dataset, DatasetAssignment, DatasetStatus, Dpa, Vendor
from governance.ops_models import DeletionCertificate, ErasureRequest, ErasureStatus
from governance.regions import region_of
from governance.transfers import DatasetFacts, DpaFacts, VendorFacts, decide
from reports.filters import ReportFilter
from reports.sql import utc_date

if TYPE_CHECKING:
    from reports.audit_report import Detail


@dataclass(frozen=True)
class CertificateRow:
    issued_at: datetime
    reference: str
    scope: str
    dataset: str
    items: int
    keys_destroyed: int
    digest: str


@dataclass(frozen=True)
class ErasureRow:
    reference: str
    received_on: date
    deadline: date
    extended: bool
    status: str
    closed_on: date | None
    outcome: str  # met | missed | overdue | open
    certificate: str


@dataclass(frozen=True)
class DpaRow:
    vendor: str
    country: str
    region: str
    reference: str
    status: str
    expires_on: date | None
    mechanism: str
    lawful: bool
    transfers: int


@dataclass(frozen=True)
class TransferRow:
    dataset: str
    vendor: str
    country: str
    basis: str
    dpa: str


def _detail(rows: list, total: int) -> Detail:
    from reports.audit_report import Detail

    return Detail(rows, total)


def certificates(session: Session, flt: ReportFilter, start: datetime, end: datetime,
                 limit: int | None) -> Detail[CertificateRow]:
    """Deletion certificates issued in the period (retention and erasure), with their digests."""
    query = select(DeletionCertificate).where(DeletionCertificate.issued_at >= start,
                                              DeletionCertificate.issued_at < end)
    if flt.dataset_id is not None:
        query = query.where(DeletionCertificate.dataset_id == flt.dataset_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    query = query.order_by(DeletionCertificate.issued_at, DeletionCertificate.id)
    rows = session.scalars(query if limit is None else query.limit(limit))
    return _detail([CertificateRow(c.issued_at, c.reference, c.scope, c.dataset_name or "—",
                                   int((c.counts or {}).get("items", 0)), len(c.key_ids_destroyed or []), c.digest)
                    for c in rows], total)


def _deadline():
    return func.coalesce(ErasureRequest.extended_due_on, ErasureRequest.due_on)


def _outcome(as_of: date):
    """met / missed for requests closed by ``as_of``; overdue / open for the rest (computed in SQL)."""
    closed = and_(ErasureRequest.closed_at.isnot(None), utc_date(ErasureRequest.closed_at) <= as_of)
    return case(
        (and_(closed, utc_date(ErasureRequest.closed_at) <= _deadline()), "met"),
        (closed, "missed"),
        (_deadline() < as_of, "overdue"),
        else_="open",
    )


def erasure_rows(session: Session, flt: ReportFilter, start: datetime, end: datetime, as_of: date,
                 limit: int | None) -> Detail[ErasureRow]:
    """Requests open at some point in the period, each with its deadline met, missed or still running."""
    outcome = _outcome(as_of).label("outcome")
    query = (select(ErasureRequest, outcome, DeletionCertificate.reference)
             .outerjoin(DeletionCertificate, DeletionCertificate.id == ErasureRequest.certificate_id)
             .where(ErasureRequest.received_on <= flt.period_to,
                    or_(ErasureRequest.closed_at.is_(None), ErasureRequest.closed_at >= start)))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    query = query.order_by(_deadline(), ErasureRequest.id)
    rows = session.execute(query if limit is None else query.limit(limit))
    return _detail([ErasureRow(r.reference, r.received_on, r.deadline, r.extended_due_on is not None,
                               ErasureStatus(r.status).value, r.closed_at.date() if r.closed_at else None,
                               outcome_value, cert or "—") for r, outcome_value, cert in rows], total)


def erasure_outcomes(session: Session, flt: ReportFilter, start: datetime, as_of: date) -> dict[str, int]:
    """How many of those requests met, missed, are overdue or still open (GROUP BY in SQL)."""
    outcome = _outcome(as_of)
    rows = session.execute(select(outcome, func.count())
                           .where(ErasureRequest.received_on <= flt.period_to,
                                  or_(ErasureRequest.closed_at.is_(None), ErasureRequest.closed_at >= start))
                           .group_by(outcome))
    counts = dict.fromkeys(("met", "missed", "overdue", "open"), 0)
    counts.update({key: count for key, count in rows})
    return counts


def _vendors(session: Session, flt: ReportFilter) -> list[Vendor]:
    query = select(Vendor).order_by(Vendor.name)
    if flt.vendor_ids is not None:
        query = query.where(Vendor.id.in_(sorted(flt.vendor_ids)))
    return list(session.scalars(query))


def _dpas_by_vendor(session: Session) -> dict[int, list[Dpa]]:
    grouped: dict[int, list[Dpa]] = defaultdict(list)
    for dpa in session.scalars(select(Dpa)):
        grouped[dpa.vendor_id].append(dpa)
    return grouped


def _allowed_pairs(session: Session, flt: ReportFilter, as_of: date) -> list[tuple[Dataset, Vendor, str, str]]:
    """Active assignments the transfer gate allows on ``as_of``: (dataset, vendor, basis, DPA reference)."""
    dpas = _dpas_by_vendor(session)
    query = (select(Dataset, Vendor).join(DatasetAssignment, DatasetAssignment.dataset_id == Dataset.id)
             .join(Vendor, Vendor.id == DatasetAssignment.vendor_id)
             .where(Dataset.status == DatasetStatus.ACTIVE).order_by(Dataset.name, Vendor.name))
    if flt.vendor_ids is not None:
        query = query.where(Vendor.id.in_(sorted(flt.vendor_ids)))
    if flt.dataset_id is not None:
        query = query.where(Dataset.id == flt.dataset_id)
    allowed = []
    for dataset, vendor in session.execute(query):
        dpa = current_dpa(dpas.get(vendor.id, []), as_of)
        decision = decide(VendorFacts.of(vendor), DpaFacts.of(dpa) if dpa else None, DatasetFacts.of(dataset), as_of)
        if decision.allowed:
            allowed.append((dataset, vendor, decision.basis or decision.code, dpa.reference if dpa else "—"))
    return allowed


def transfers_in_force(session: Session, flt: ReportFilter, as_of: date, limit: int | None) -> Detail[TransferRow]:
    """Dataset → vendor transfers the gate allows on ``as_of``, with their legal basis."""
    pairs = _allowed_pairs(session, flt, as_of)
    shown = pairs if limit is None else pairs[:limit]
    return _detail([TransferRow(d.name, v.name, v.country, basis, ref) for d, v, basis, ref in shown], len(pairs))


def dpa_rows(session: Session, flt: ReportFilter, as_of: date) -> list[DpaRow]:
    """Each vendor's governing DPA on ``as_of``: status, mechanism, and whether personal data may flow."""
    dpas = _dpas_by_vendor(session)
    transfers: dict[int, int] = defaultdict(int)
    for _dataset, vendor, _basis, _ref in _allowed_pairs(session, flt, as_of):
        transfers[vendor.id] += 1
    rows = []
    for vendor in _vendors(session, flt):
        dpa = current_dpa(dpas.get(vendor.id, []), as_of)
        gate = decide(VendorFacts.of(vendor), DpaFacts.of(dpa) if dpa else None, PERSONAL_DATA, as_of)
        region = region_of(vendor.country)
        rows.append(DpaRow(vendor.name, vendor.country, region.label if region else "—",
                           dpa.reference if dpa else "—", dpa_status(dpa, as_of).value if dpa else "none",
                           dpa.expires_on if dpa else None, dpa.transfer_mechanism.value if dpa else "none",
                           gate.allowed, transfers[vendor.id]))
    return rows
