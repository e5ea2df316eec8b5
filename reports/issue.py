"""Issuing a report file, and checking later whether a file in someone's hands is one we issued.

Issuing records the file's SHA-256 twice: on an :class:`IssuedReport` row (found by digest) and in
the audit chain (``report.issued``, digest in the details). The chain is what makes the answer
trustworthy: editing the row to match a forged file breaks nothing, but the event's HMAC cannot be
recomputed without the chain key, so :func:`verify_copy` accepts a file only when the row *and* an
intact chain event agree on its digest.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from governance import audit
from governance.audit import Actor
from governance.models import AuditEvent, User
from reports.filters import ReportFilter
from reports.models import IssuedReport

ISSUED_ACTION = "report.issued"


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def record_issue(session: Session, actor: Actor, kind: str, file_format: str, flt: ReportFilter,
                 content: bytes, issued_at: datetime) -> IssuedReport:
    """Record that ``content`` was issued, in the table and in the audit chain (flushes; caller commits)."""
    digest = sha256_hex(content)
    report = IssuedReport(kind=kind, file_format=file_format, period_from=flt.period_from, period_to=flt.period_to,
                          filters=flt.as_record(), sha256=digest, byte_size=len(content), issued_at=issued_at,
                          issued_by_id=actor.id)
    session.add(report)
    session.flush()
    audit.log(session, actor, ISSUED_ACTION, "issued_report", report.id, {
        "kind": kind, "format": file_format, "sha256": digest, "bytes": len(content),
        "period_from": flt.period_from.isoformat(), "period_to": flt.period_to.isoformat(), **flt.as_record()})
    return report


@dataclass(frozen=True)
class Verification:
    """What the verify page says about an uploaded file."""

    issued: bool
    digest: str
    byte_size: int
    kind: str = ""
    file_format: str = ""
    period_from: date | None = None
    period_to: date | None = None
    issued_at: datetime | None = None
    issued_by: str = ""
    event_seq: int | None = None
    problem: str = ""

    @property
    def message(self) -> str:
        if self.issued and self.issued_at is not None:
            return (f"Issued by this portal on {self.issued_at.strftime('%Y-%m-%d at %H:%M UTC')}: the {self.kind} "
                    f"report ({self.file_format.upper()}) for {self.period_from} to {self.period_to}, "
                    f"issued by {self.issued_by}; recorded as audit event {self.event_seq}.")
        return self.problem or "This file was not issued by this portal, or it has been changed since."


def verify_copy(session: Session, content: bytes, chain_key: bytes) -> Verification:
    """Whether ``content`` is, byte for byte, a report this portal issued — and when, and by whom."""
    digest = sha256_hex(content)
    report = session.scalars(select(IssuedReport).where(IssuedReport.sha256 == digest)
                             .order_by(IssuedReport.id).limit(1)).first()
    if report is None or report.byte_size != len(content):
        return Verification(False, digest, len(content))
    event = _issue_event(session, report.id)
    if event is None or event.details.get("sha256") != digest:
        return Verification(False, digest, len(content), problem=(
            "A record of this file exists, but the audit chain does not confirm it: treat the copy as unverified "
            "and tell the compliance officer."))
    if audit.compute_hash(chain_key, event.prev_hash, event) != event.hash:
        return Verification(False, digest, len(content), problem=(
            "The audit event that records this file has been altered: treat the copy as unverified and tell the "
            "compliance officer."))
    return Verification(True, digest, len(content), report.kind, report.file_format, report.period_from,
                        report.period_to, report.issued_at, _issuer(session, report.issued_by_id), event.seq)


def _issue_event(session: Session, report_id: int) -> AuditEvent | None:
    return session.scalars(select(AuditEvent).where(
        AuditEvent.action == ISSUED_ACTION, AuditEvent.target_type == "issued_report",
        AuditEvent.target_id == str(report_id)).order_by(AuditEvent.seq).limit(1)).first()


def _issuer(session: Session, user_id: int | None) -> str:
    if user_id is None:
        return "the portal (scheduled or command-line run)"
    user = session.get(User, user_id)
    return f"{user.display_name} ({user.role.label})" if user else f"user #{user_id}"


def recent_issues(session: Session, issued_by_id: int | None, limit: int = 20) -> list[IssuedReport]:
    """The latest issued files: everyone's for staff (``None``), a vendor manager's own otherwise."""
    query = select(IssuedReport).order_by(IssuedReport.id.desc()).limit(limit)
    if issued_by_id is not None:
        query = query.where(IssuedReport.issued_by_id == issued_by_id)
    return list(session.scalars(query))
