"""What each role's home page shows: real figures from the database, computed in SQL.

Other packages add panels with :func:`register_panel`, so the home page grows with the product
without this module importing them (the dependency direction stays governance ← pii ← workforce).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from governance import audit
from governance.dpas import DpaStatus, current_dpa, dpa_status, missing_clauses
from governance.models import AuditEvent, Dataset, DatasetAssignment, DatasetStatus, Role, User, Vendor
from governance.permissions import vendors_visible_to
from governance.regions import region_of
from governance.transfers import DatasetFacts, DpaFacts, VendorFacts, decide, may_process

# What the gate says for a vendor in general: may it receive a dataset holding personal data today?
PERSONAL_DATA = DatasetFacts("any dataset with personal data", contains_personal_data=True)

Panel = Callable[[Session, User, datetime], dict[str, Any] | None]
_PANELS: dict[Role, list[tuple[str, Panel]]] = {role: [] for role in Role}


def register_panel(role: Role, template: str, panel: Panel) -> None:
    """Add a panel (a template fragment and the function that fills it) to a role's dashboard."""
    if (template, panel) not in _PANELS[role]:
        _PANELS[role].append((template, panel))


def _notifications_panel(session: Session, user: User, now: datetime) -> dict[str, Any] | None:
    from governance.notifications import unread_for

    notes = unread_for(session, user)
    return {"notes": notes} if notes else None


def extra_panels(session: Session, user: User, now: datetime) -> list[tuple[str, dict[str, Any]]]:
    """The registered panels for the user's role, each with its data (``None`` = nothing to show)."""
    filled = [(template, panel(session, user, now)) for template, panel in _PANELS[user.role]]
    return [(template, data) for template, data in filled if data is not None]


@dataclass(frozen=True)
class VendorRow:
    """One vendor as the dashboards and lists show it."""

    id: int
    name: str
    country: str
    region: str
    hourly_rate_usd: Any
    annotators: int
    dpa_reference: str | None
    dpa_status: str
    dpa_expires_on: date | None
    days_left: int | None
    mechanism: str
    incomplete: bool
    lawful: bool
    gate_message: str


def vendor_rows(session: Session, user: User, today: date) -> list[VendorRow]:
    """Vendors in the user's scope with region, head-count and the state of their current DPA."""
    vendors = session.scalars(vendors_visible_to(user).options(selectinload(Vendor.dpas))).all()
    counts = dict(session.execute(
        select(User.vendor_id, func.count()).where(User.role == Role.ANNOTATOR).group_by(User.vendor_id)
    ).all())
    return [_vendor_row(v, counts.get(v.id, 0), today) for v in vendors]


def _vendor_row(vendor: Vendor, annotators: int, today: date) -> VendorRow:
    dpa = current_dpa(vendor.dpas, today)
    region = region_of(vendor.country)
    gate = decide(VendorFacts.of(vendor), DpaFacts.of(dpa) if dpa else None, PERSONAL_DATA, today)
    return VendorRow(
        id=vendor.id, name=vendor.name, country=vendor.country, region=region.label if region else "—",
        hourly_rate_usd=vendor.hourly_rate_usd, annotators=annotators,
        dpa_reference=dpa.reference if dpa else None,
        dpa_status=dpa_status(dpa, today).value if dpa else "none",
        dpa_expires_on=dpa.expires_on if dpa else None,
        days_left=(dpa.expires_on - today).days if dpa and dpa.expires_on else None,
        mechanism=dpa.transfer_mechanism.value if dpa else "none",
        incomplete=bool(dpa and missing_clauses(dpa)),
        lawful=gate.allowed, gate_message=gate.message,
    )


def admin_summary(session: Session) -> dict[str, Any]:
    """Head-counts per role, vendors, datasets by status, and the latest audit events."""
    roles = dict(session.execute(select(User.role, func.count()).group_by(User.role)).all())
    datasets = dict(session.execute(select(Dataset.status, func.count()).group_by(Dataset.status)).all())
    return {
        "users_by_role": {role: roles.get(role, 0) for role in Role},
        "vendors": session.scalar(select(func.count()).select_from(Vendor)) or 0,
        "datasets_by_status": {status: datasets.get(status, 0) for status in DatasetStatus},
        "recent_events": session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(8)).all(),
    }


def compliance_summary(session: Session, user: User, now: datetime) -> dict[str, Any]:
    """DPAs needing attention, chain health, lock-outs, and datasets nearing retention end."""
    rows = vendor_rows(session, user, now.date())
    attention = [r for r in rows if r.dpa_status != DpaStatus.ACTIVE or not r.lawful]
    week_ago = now - timedelta(days=7)
    lockouts = session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "auth.locked_out", AuditEvent.occurred_at >= week_ago)) or 0
    expiring = session.scalars(select(Dataset).where(
        Dataset.status == DatasetStatus.ACTIVE, Dataset.expires_at <= now + timedelta(days=30)
    ).order_by(Dataset.expires_at)).all()
    return {
        "dpa_attention": attention,
        "checkpoint": audit.last_checkpoint(session),
        "event_count": audit.event_count(session),
        "lockouts_week": lockouts,
        "datasets_expiring": expiring,
        "refusals": recent_gate_refusals(session, now - timedelta(days=90)),
        "unlawful_assignments": unlawful_assignments(session, now.date()),
    }


@dataclass(frozen=True)
class RefusalRow:
    occurred_at: datetime
    actor: str
    dataset: str
    vendor: str
    code: str


def recent_gate_refusals(session: Session, since: datetime, limit: int = 10) -> list[RefusalRow]:
    """Assignments the transfer gate refused: who tried, when, which dataset and vendor, and why."""
    events = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "dataset.assignment_refused", AuditEvent.occurred_at >= since,
    ).order_by(AuditEvent.seq.desc()).limit(limit)).all()
    users = {u.id: u.display_name for u in session.scalars(
        select(User).where(User.id.in_({e.actor_id for e in events if e.actor_id})))}
    datasets = dict(session.execute(select(Dataset.id, Dataset.name)).all())
    vendors = dict(session.execute(select(Vendor.id, Vendor.name)).all())
    return [RefusalRow(e.occurred_at, users.get(e.actor_id, e.actor_role), datasets.get(int(e.target_id or 0), "—"),
                       vendors.get(e.details.get("vendor_id"), "—"), e.details.get("code", "")) for e in events]


def unlawful_assignments(session: Session, today: date) -> list[tuple[str, str, str]]:
    """Assignments whose vendor may not receive the dataset today (their tasks are not served).

    The gate refuses at assignment and again at every task served, so this list holds vendors whose
    DPA lapsed after assignment; the compliance officer sees them at once.
    """
    pairs = session.execute(select(Dataset, Vendor).join(DatasetAssignment, DatasetAssignment.dataset_id == Dataset.id)
                            .join(Vendor, Vendor.id == DatasetAssignment.vendor_id)
                            .where(Dataset.status == DatasetStatus.ACTIVE)).all()
    found = []
    for dataset, vendor in pairs:
        decision = may_process(session, dataset, vendor, today)
        if not decision.allowed:
            found.append((dataset.name, vendor.name, decision.message))
    return found


for _role in Role:
    register_panel(_role, "dashboard/_notifications.html", _notifications_panel)
