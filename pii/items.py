"""Items as people see them: scoped loading, revealing raw data with a recorded reason, and the
"PII leaked" feedback loop (quarantine at once, review queue, leak rates)."""

from __future__ import annotations

import json
from typing import Any

from flask import abort
from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from governance import audit
from governance.audit import Actor
from governance.db import utcnow
from governance.errors import PortalError
from governance.models import Dataset, DatasetAssignment, Role, User
from governance.permissions import vendor_scope
from pii.datakeys import data_key
from pii.models import Item, ItemStatus, LeakReport, LeakStatus, RawReveal
from pii.redact import PLACEHOLDER_NAMES
from pii.vault import decrypt_payload

MIN_REASON_LENGTH = 15
LEAK_TYPES = tuple(PLACEHOLDER_NAMES) + ("OTHER",)


def items_visible_to(user: User) -> Select:
    """Staff see every item; vendor people only items of datasets assigned to their vendors."""
    query = select(Item)
    scope = vendor_scope(user)
    if scope is None:
        return query
    assigned = select(DatasetAssignment.dataset_id).where(DatasetAssignment.vendor_id.in_(scope))
    return query.where(Item.dataset_id.in_(assigned))


def get_item_or_404(session: Session, item_id: int, user: User) -> Item:
    item = session.scalars(items_visible_to(user).where(Item.id == item_id)).first()
    if item is None:
        abort(404)
    return item


def reveal_raw(session: Session, officer: User, item: Item, reason: str, master_key: bytes) -> tuple[RawReveal, Any]:
    """Decrypt an item's raw record for a compliance officer who typed a reason; audited.

    The reason is stored on the reveal row (it is the officer's words, shown in audit reports); the
    audit event holds only the ids, so the trail itself never carries free text.
    """
    if officer.role != Role.COMPLIANCE_OFFICER:
        raise PortalError("Only compliance officers may reveal raw data.")
    reason = " ".join((reason or "").split())
    if len(reason) < MIN_REASON_LENGTH:
        raise PortalError(f"State the reason for revealing raw data (at least {MIN_REASON_LENGTH} characters).",
                          "reason")
    if item.raw_ciphertext is None:
        raise PortalError("This item's raw data has been deleted.")
    raw = json.loads(decrypt_payload(data_key(item.dataset, master_key), str(item.id), item.raw_ciphertext))
    reveal = RawReveal(item_id=item.id, dataset_id=item.dataset_id, officer_id=officer.id, reason=reason[:2000],
                       revealed_at=utcnow())
    session.add(reveal)
    session.flush()
    audit.log(session, officer, "item.raw_revealed", "item", item.id,
              {"dataset_id": item.dataset_id, "reveal_id": reveal.id})
    return reveal, raw


def report_leak(session: Session, actor: Actor, item: Item, entity_type: str, field: str = "") -> LeakReport:
    """Someone saw personal data the redaction missed: quarantine the item now and queue a review."""
    if entity_type not in LEAK_TYPES:
        raise PortalError("Choose what kind of personal data you saw.", "entity_type")
    if field and field not in (item.redacted or {}):
        raise PortalError("That field is not part of this item.", "field")
    report = LeakReport(item_id=item.id, dataset_id=item.dataset_id, reported_by_id=getattr(actor, "id", None),
                        entity_type=entity_type, field=field, status=LeakStatus.OPEN, created_at=utcnow())
    session.add(report)
    if item.status == ItemStatus.ACTIVE:
        item.status = ItemStatus.QUARANTINED
    session.flush()
    audit.log(session, actor, "item.leak_reported", "item", item.id,
              {"dataset_id": item.dataset_id, "report_id": report.id, "entity_type": entity_type})
    return report


def review_leak(session: Session, officer: User, report: LeakReport, confirmed: bool) -> LeakReport:
    """Confirm (the item stays out of every queue) or dismiss (it returns, if no other report is open)."""
    if report.status != LeakStatus.OPEN:
        raise PortalError("This report has already been reviewed.")
    report.status = LeakStatus.CONFIRMED if confirmed else LeakStatus.DISMISSED
    report.reviewed_by_id, report.reviewed_at = officer.id, utcnow()
    item = session.get(Item, report.item_id)
    session.flush()
    still_open = session.scalar(select(func.count()).select_from(LeakReport).where(
        LeakReport.item_id == report.item_id, LeakReport.status != LeakStatus.DISMISSED)) or 0
    if item is not None and item.status == ItemStatus.QUARANTINED and not still_open:
        item.status = ItemStatus.ACTIVE
    audit.log(session, officer, "item.leak_reviewed", "item", report.item_id,
              {"report_id": report.id, "outcome": report.status.value})
    return report


def leak_rates_by_dataset(session: Session) -> list[dict[str, Any]]:
    """Per dataset: items, leak reports (not dismissed), confirmed, and reports per 1,000 items."""
    items = dict(session.execute(select(Item.dataset_id, func.count()).group_by(Item.dataset_id)).all())
    reports = session.execute(select(
        LeakReport.dataset_id, func.count(),
        func.sum(case((LeakReport.status == LeakStatus.CONFIRMED, 1), else_=0)),
    ).where(LeakReport.status != LeakStatus.DISMISSED).group_by(LeakReport.dataset_id)).all()
    names = dict(session.execute(select(Dataset.id, Dataset.name)).all())
    rows = []
    for dataset_id, count, confirmed in reports:
        total = items.get(dataset_id, 0)
        rows.append({"dataset": names.get(dataset_id, "—"), "items": total, "reports": count,
                     "confirmed": int(confirmed or 0),
                     "per_thousand": round(1000 * count / total, 2) if total else 0.0})
    return sorted(rows, key=lambda r: r["dataset"])


def leak_counts_by_type(session: Session) -> list[tuple[str, int]]:
    """Leak reports (not dismissed) per entity type: which recognizers miss most."""
    return list(session.execute(select(LeakReport.entity_type, func.count()).where(
        LeakReport.status != LeakStatus.DISMISSED).group_by(LeakReport.entity_type).order_by(func.count().desc())).all())
