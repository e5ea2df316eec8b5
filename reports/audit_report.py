"""The compliance officer's audit report for a period: what the chain says happened, and whether
the chain itself is intact.

It summarises (events by action and over time, counted in SQL) and then lists the events a
regulator asks about: reveals of raw data with their stated reasons, deletions and erasure
requests against their deadlines, DPAs and transfers in force, refusals by the transfer gate,
sign-in lock-outs and welfare refusals. Detail lists are cut at ``limit`` rows for the page and the
PDF (each says how many it holds in all) and complete in the CSV, so a 100,000-event period still
renders in seconds; every count is computed in SQL whatever the limit, so the formats agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from governance import audit
from governance.models import AuditEvent, Dataset, User, Vendor
from reports.audit_sections import (
    CertificateRow,
    DpaRow,
    ErasureRow,
    TransferRow,
    certificates,
    dpa_rows,
    erasure_outcomes,
    erasure_rows,
    transfers_in_force,
)
from reports.filters import ReportFilter
from reports.sql import day_bounds, utc_day, utc_month
from workforce.models import WelfareRefusal

T = TypeVar("T")
DAILY_TIMELINE_MAX_DAYS = 62


@dataclass(frozen=True)
class Detail(Generic[T]):
    """A detail list: the rows shown and how many there are in all."""

    rows: list[T]
    total: int

    @property
    def truncated(self) -> bool:
        return self.total > len(self.rows)


@dataclass(frozen=True)
class ChainStatus:
    ok: bool
    events_checked: int
    head_seq: int
    head_hash: str
    broken_seq: int | None
    message: str


@dataclass(frozen=True)
class Count:
    key: str
    count: int


@dataclass(frozen=True)
class RevealRow:
    revealed_at: datetime
    officer: str
    dataset: str
    item_id: int | None
    reason: str
    event_seq: int | None


@dataclass(frozen=True)
class RefusalRow:
    occurred_at: datetime
    actor: str
    dataset: str
    vendor: str
    code: str
    event_seq: int


@dataclass(frozen=True)
class LockoutRow:
    occurred_at: datetime
    user: str
    role: str
    minutes: int | None
    event_seq: int


@dataclass(frozen=True)
class WelfareCount:
    vendor: str
    code: str
    count: int


@dataclass(frozen=True)
class AuditReport:
    period_from: date
    period_to: date
    as_of: date
    description: str
    chain: ChainStatus
    events_in_period: int
    by_action: list[Count]
    timeline_unit: str
    timeline: list[Count]
    reveals: Detail[RevealRow]
    reveal_events: int
    certificates: Detail[CertificateRow]
    erasures: Detail[ErasureRow]
    erasure_outcomes: dict[str, int]
    dpas: list[DpaRow]
    transfers: Detail[TransferRow]
    refusals: Detail[RefusalRow]
    lockouts: Detail[LockoutRow]
    welfare_refusals: list[WelfareCount]
    notes: list[str] = field(default_factory=list)


def audit_report(session: Session, flt: ReportFilter, chain_key: bytes, today: date,
                 limit: int | None = 200) -> AuditReport:
    """Build the report; ``limit`` caps each detail list (``None``: every row, for the CSV)."""
    start, end = day_bounds(flt.period_from, flt.period_to)
    as_of = min(flt.period_to, today)
    names = _names(session)
    return AuditReport(
        period_from=flt.period_from, period_to=flt.period_to, as_of=as_of, description=flt.describe(),
        chain=chain_status(session, chain_key), events_in_period=_event_count(session, start, end),
        by_action=_by_action(session, start, end), **_timeline(session, flt, start, end),
        reveals=reveals(session, flt, start, end, limit, names),
        reveal_events=_event_count(session, start, end, "item.raw_revealed"),
        certificates=certificates(session, flt, start, end, limit),
        erasures=erasure_rows(session, flt, start, end, as_of, limit),
        erasure_outcomes=erasure_outcomes(session, flt, start, as_of),
        dpas=dpa_rows(session, flt, as_of), transfers=transfers_in_force(session, flt, as_of, limit),
        refusals=gate_refusals(session, flt, start, end, limit, names),
        lockouts=lockouts(session, start, end, limit), welfare_refusals=welfare_counts(session, flt, start, end),
        notes=[
            "Chain verification covers the whole chain as it stands when the report is produced.",
            "Vendor, region and dataset filters apply to the sections they concern; the event summary, "
            "lock-outs and erasure requests always cover the whole portal.",
            "People locked out are shown by account number and role only.",
        ],
    )


def chain_status(session: Session, chain_key: bytes) -> ChainStatus:
    """Verify the whole chain without recording a checkpoint (a report reads; it does not write)."""
    result = audit.verify(session, chain_key, record_checkpoint=False)
    return ChainStatus(result.ok, result.count, result.head_seq, result.head_hash, result.broken_seq,
                       result.message)


def _in_period(query: Select, start: datetime, end: datetime) -> Select:
    return query.where(AuditEvent.occurred_at >= start, AuditEvent.occurred_at < end)


def _event_count(session: Session, start: datetime, end: datetime, action: str | None = None) -> int:
    query = _in_period(select(func.count()).select_from(AuditEvent), start, end)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    return session.scalar(query) or 0


def _by_action(session: Session, start: datetime, end: datetime) -> list[Count]:
    rows = session.execute(_in_period(select(AuditEvent.action, func.count()), start, end)
                           .group_by(AuditEvent.action).order_by(func.count().desc(), AuditEvent.action))
    return [Count(action, count) for action, count in rows]


def _timeline(session: Session, flt: ReportFilter, start: datetime, end: datetime) -> dict:
    """Events per day, or per month for periods longer than two months (so a chart stays legible)."""
    daily = (flt.period_to - flt.period_from).days < DAILY_TIMELINE_MAX_DAYS
    bucket = utc_day(AuditEvent.occurred_at) if daily else utc_month(AuditEvent.occurred_at)
    rows = session.execute(_in_period(select(bucket, func.count()), start, end).group_by(bucket).order_by(bucket))
    return {"timeline_unit": "day" if daily else "month", "timeline": [Count(k, n) for k, n in rows]}


def _names(session: Session) -> dict[str, dict[int, str]]:
    """Names of staff, datasets and vendors (small tables) for the detail lists."""
    from governance.models import Role

    staff = select(User.id, User.display_name).where(User.role.in_([Role.ADMIN, Role.COMPLIANCE_OFFICER]))
    return {"staff": dict(session.execute(staff).all()),
            "datasets": dict(session.execute(select(Dataset.id, Dataset.name)).all()),
            "vendors": dict(session.execute(select(Vendor.id, Vendor.name)).all())}


def _limited(query: Select, limit: int | None) -> Select:
    return query if limit is None else query.limit(limit)


def reveals(session: Session, flt: ReportFilter, start: datetime, end: datetime, limit: int | None,
            names: dict[str, dict[int, str]]) -> Detail[RevealRow]:
    """Every reveal of raw data in the period with the officer's stated reason and its chain link."""
    from pii.models import RawReveal

    query = select(RawReveal).where(RawReveal.revealed_at >= start, RawReveal.revealed_at < end)
    if flt.dataset_id is not None:
        query = query.where(RawReveal.dataset_id == flt.dataset_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = list(session.scalars(_limited(query.order_by(RawReveal.revealed_at, RawReveal.id), limit)))
    links = _reveal_links(session, start, end)
    return Detail([RevealRow(r.revealed_at, names["staff"].get(r.officer_id, f"user #{r.officer_id}"),
                             names["datasets"].get(r.dataset_id, f"dataset #{r.dataset_id}"), r.item_id, r.reason,
                             links.get(r.id)) for r in rows], total)


def _reveal_links(session: Session, start: datetime, end: datetime) -> dict[int, int]:
    """reveal id → sequence number of the ``item.raw_revealed`` event that records it."""
    events = session.execute(_in_period(select(AuditEvent.seq, AuditEvent.details), start, end)
                             .where(AuditEvent.action == "item.raw_revealed"))
    return {int(details["reveal_id"]): seq for seq, details in events if details.get("reveal_id") is not None}


def gate_refusals(session: Session, flt: ReportFilter, start: datetime, end: datetime, limit: int | None,
                  names: dict[str, dict[int, str]]) -> Detail[RefusalRow]:
    """Assignments the transfer gate refused: who tried, when, which dataset and vendor, and why."""
    query = _in_period(select(AuditEvent), start, end).where(AuditEvent.action == "dataset.assignment_refused")
    if flt.dataset_id is not None:
        query = query.where(AuditEvent.target_id == str(flt.dataset_id))
    if flt.vendor_ids is not None:
        query = query.where(AuditEvent.details["vendor_id"].as_integer().in_(sorted(flt.vendor_ids)))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    events = session.scalars(_limited(query.order_by(AuditEvent.seq), limit))
    return Detail([RefusalRow(e.occurred_at, names["staff"].get(e.actor_id or 0, e.actor_role),
                              names["datasets"].get(int(e.target_id or 0), f"dataset #{e.target_id}"),
                              names["vendors"].get(e.details.get("vendor_id") or 0, "—"),
                              str(e.details.get("code", "")), e.seq) for e in events], total)


def lockouts(session: Session, start: datetime, end: datetime, limit: int | None) -> Detail[LockoutRow]:
    """Sign-in lock-outs, naming accounts by number and role only (they may be annotators)."""
    query = _in_period(select(AuditEvent), start, end).where(AuditEvent.action == "auth.locked_out")
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    events = list(session.scalars(_limited(query.order_by(AuditEvent.seq), limit)))
    ids = {_user_id(e) for e in events} - {None}
    roles = dict(session.execute(select(User.id, User.role).where(User.id.in_(ids))).all()) if ids else {}
    return Detail([LockoutRow(e.occurred_at, f"user #{e.target_id}", _role_name(roles.get(_user_id(e))),
                              e.details.get("minutes"), e.seq) for e in events], total)


def _user_id(event: AuditEvent) -> int | None:
    return int(event.target_id) if (event.target_id or "").isdigit() else None


def _role_name(role: object) -> str:
    return str(getattr(role, "value", role or "unknown"))


def welfare_counts(session: Session, flt: ReportFilter, start: datetime, end: datetime) -> list[WelfareCount]:
    """Welfare refusals in the period by vendor and reason code (counts, no people)."""
    query = (select(Vendor.name, WelfareRefusal.code, func.count())
             .join(Vendor, Vendor.id == WelfareRefusal.vendor_id)
             .where(WelfareRefusal.refused_at >= start, WelfareRefusal.refused_at < end)
             .group_by(Vendor.name, WelfareRefusal.code).order_by(Vendor.name, WelfareRefusal.code))
    if flt.vendor_ids is not None:
        query = query.where(WelfareRefusal.vendor_id.in_(sorted(flt.vendor_ids)))
    return [WelfareCount(vendor, code, count) for vendor, code, count in session.execute(query)]
