"""Watch jobs: DPA expiry and nightly chain verification (retention and erasure watches live with
their services). Each returns a summary of counts for the Jobs page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from governance import audit
from governance.dpas import current_dpa
from governance.models import Role, Vendor, vendor_managers
from governance.notifications import notify

DPA_WARNING_DAYS = (30, 7)


def dpa_expiry_watch(session: Session, now: datetime) -> dict[str, Any]:
    """Notify compliance, admins and the vendor's managers at 30 and 7 days before expiry, and on expiry."""
    today = now.date()
    raised = 0
    for vendor in session.scalars(select(Vendor).options(selectinload(Vendor.dpas))):
        dpa = current_dpa(vendor.dpas, today)
        if dpa is None or dpa.expires_on is None:
            continue
        days_left = (dpa.expires_on - today).days
        stage = _stage(days_left)
        if stage is None:
            continue
        message = (f"DPA {dpa.reference} of {vendor.name} expired on {dpa.expires_on}: its tasks are no longer served."
                   if stage == "expired" else
                   f"DPA {dpa.reference} of {vendor.name} expires on {dpa.expires_on} ({days_left} days).")
        level = "danger" if stage in ("expired", "7") else "warning"
        for role in (Role.COMPLIANCE_OFFICER, Role.ADMIN):
            raised += notify(session, role, message, f"dpa:{dpa.id}:{dpa.expires_on}:{stage}:{role.value}",
                             f"/vendors/{vendor.id}", level) is not None
        if session.scalar(select(vendor_managers.c.user_id).where(vendor_managers.c.vendor_id == vendor.id).limit(1)):
            raised += notify(session, Role.VENDOR_MANAGER, message, f"dpa:{dpa.id}:{dpa.expires_on}:{stage}:vm",
                             f"/vendors/{vendor.id}", level, vendor_id=vendor.id) is not None
    return {"notifications": raised}


def _stage(days_left: int) -> str | None:
    if days_left < 0:
        return "expired"
    for threshold in sorted(DPA_WARNING_DAYS):
        if days_left <= threshold:
            return str(threshold)
    return None


def audit_verify_job(session: Session, now: datetime) -> dict[str, Any]:
    """Verify the whole chain (the result is stored as a checkpoint and shown); alert if broken."""
    result = audit.verify(session, audit.chain_key(session, current_app.extensions["portal"].master_key))
    if not result.ok:
        for role in (Role.COMPLIANCE_OFFICER, Role.ADMIN):
            notify(session, role, f"The audit chain is broken at event {result.broken_seq}: {result.message}",
                   f"audit-broken:{result.broken_seq}:{now.date()}:{role.value}", "/audit/", "danger")
    return {"events": result.count, "ok": result.ok}


def email_notifications_job(session: Session, now: datetime) -> dict[str, Any]:
    """Send pending notifications by e-mail when ``PORTAL_SMTP_HOST`` is set (otherwise nothing)."""
    from governance.notifications import send_pending_email

    settings = current_app.extensions["portal"]
    sent = send_pending_email(session, settings.smtp_host, settings.smtp_sender, settings.smtp_port)
    return {"sent": sent}


def register_governance_jobs() -> None:
    from governance.erasure import register_erasure_jobs
    from governance.jobs import register_job
    from governance.retention import register_retention_jobs

    register_retention_jobs()
    register_erasure_jobs()

    register_job("dpa-expiry-watch", dpa_expiry_watch, "Warn about DPAs expiring within 30 and 7 days, and expired.",
                 hour="*", minute=5)
    register_job("audit-verify", audit_verify_job, "Recompute the audit chain and record the result.",
                 hour=2, minute=30)
    register_job("email-notifications", email_notifications_job,
                 "E-mail new notifications (only when PORTAL_SMTP_HOST is set).", minute="*/10")
