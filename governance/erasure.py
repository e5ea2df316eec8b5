"""Data-subject erasure requests (GDPR Art 17; DESIGN rule 4).

The identifiers an officer types are turned into the same HMAC tokens import writes for detected
values and only the tokens are kept (with which kinds were given): the portal can find the
subject's items but cannot tell anyone who the subject was. Matching items are erased through the
deletion engine, without shredding the dataset key (other subjects share it), and every request
ends with a certificate, even one that matched nothing.

Deadlines follow Art 12(3): one calendar month from receipt (31 January → end of February, never a
fixed 30 days), extendable once by up to two further months, decided and recorded within the first
month (the subject must be told of the extension and why within that month).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from governance import audit
from governance.audit import Actor
from governance.db import utcnow
from governance.deletion import (
    DEFAULT_BATCH_SIZE,
    Checkpoint,
    Target,
    add_with_reference,
    certificate_audit_details,
    close_run,
    locked,
    purge,
    start_run,
    subject_index,
    unfinished_run,
)
from governance.errors import PortalError, Refused
from governance.models import Dataset, Role
from governance.notifications import notify
from governance.ops_models import DeletionCertificate, DeletionRun, ErasureRequest, ErasureStatus

SCOPE = "erasure"
KINDS = ("email", "phone", "name")
MAX_LENGTHS = {"email": 254, "phone": 40, "name": 200}
UNUSABLE = {
    "email": "Enter a complete e-mail address, such as name@example.com.",
    "phone": "Enter a phone number of at least 7 digits, with its country code if it is not local.",
    "name": "Enter the person's full name (two words or more): a single name would match strangers.",
}
MAX_EXTENSION_MONTHS = 2
MIN_REASON_LENGTH, MAX_REASON_LENGTH = 10, 1000
DUE_SOON_DAYS = 7


class ErasureInputError(PortalError):
    """Bad identifiers or dates; ``errors`` maps each form field to its message (first one in ``field``)."""

    def __init__(self, errors: dict[str, str]) -> None:
        field_name, message = next(iter(errors.items()))
        super().__init__(message, field_name)
        self.errors = errors


# ---------------------------------------------------------------- deadlines
def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months later, or that month's last day when it has none.

    Regulation 1182/71 Art 3(2)(c), as applied to GDPR deadlines: 31 Jan + 1 month = 28/29 Feb.
    """
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_date(received_on: date) -> date:
    """Art 12(3): at the latest one month after receipt of the request."""
    return add_months(received_on, 1)


def days_left(request: ErasureRequest, today: date) -> int:
    """Days until the (possibly extended) deadline; negative when overdue."""
    return (request.deadline - today).days


# ---------------------------------------------------------------- recording
@dataclass
class ErasureInput:
    """What the officer typed. Identifiers live only in this object, never in a row or a log."""

    received_on: date | None
    email: str = ""
    phone: str = ""
    name: str = ""
    identifiers: dict[str, str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        typed = {"email": self.email, "phone": self.phone, "name": self.name}
        collapsed = {kind: " ".join((typed[kind] or "").split()) for kind in KINDS}
        self.identifiers = {kind: value for kind, value in collapsed.items() if value}

    def __repr__(self) -> str:  # never print identifiers, even in a traceback's locals
        return f"ErasureInput(received_on={self.received_on}, kinds={sorted(self.identifiers)})"


def _check_received(received_on: date | None, today: date) -> dict[str, str]:
    if received_on is None:
        return {"received_on": "Enter the date the request was received."}
    if received_on > today:
        return {"received_on": "The date received cannot be in the future."}
    return {}


def _tokens(session: Session, master_key: bytes, identifiers: dict[str, str]) -> tuple[set[str], dict[str, str]]:
    """Tokens per kind, so an identifier that identifies nobody is named next to its own field."""
    index, tokens, errors = subject_index(), set(), {}
    for kind, value in identifiers.items():
        if len(value) > MAX_LENGTHS[kind]:
            errors[kind] = f"At most {MAX_LENGTHS[kind]} characters."
            continue
        found = index.tokens_for(session, master_key, **{k: value if k == kind else None for k in KINDS})
        if not found:
            errors[kind] = UNUSABLE[kind]
        tokens |= found
    return tokens, errors


def create_request(session: Session, actor: Actor, master_key: bytes, data: ErasureInput,
                   today: date) -> ErasureRequest:
    """Record a request as tokens only; any bad field raises :class:`ErasureInputError`, storing nothing."""
    errors = _check_received(data.received_on, today)
    if not data.identifiers:
        errors.setdefault("email", "Enter at least one identifier: e-mail, phone or name.")
    tokens, token_errors = _tokens(session, master_key, data.identifiers) if data.identifiers else (set(), {})
    errors |= token_errors
    if errors:
        raise ErasureInputError(errors)
    request = add_with_reference(session, ErasureRequest.reference, "ER", data.received_on.year,
                                 lambda reference: _new_request(actor, reference, data, sorted(tokens)))
    audit.log(session, actor, "erasure.created", "erasure_request", request.id,
              {"reference": request.reference, "kinds": list(request.identifier_kinds), "tokens": len(tokens),
               "due_on": request.due_on.isoformat()})
    return request


def _new_request(actor: Actor, reference: str, data: ErasureInput, tokens: list[str]) -> ErasureRequest:
    return ErasureRequest(reference=reference, received_on=data.received_on, due_on=due_date(data.received_on),
                          status=ErasureStatus.OPEN, identifier_kinds=sorted(data.identifiers), tokens=tokens,
                          extension_reason="", created_by_id=actor.id, created_at=utcnow())


def extend(session: Session, actor: Actor, request: ErasureRequest, months: int | None, reason: str,
           today: date) -> ErasureRequest:
    """Extend the deadline once, by one or two months from the original due date, with a reason.

    Counted from the original due date (not from receipt) so the extended deadline never exceeds the
    three months Art 12(3) allows; refused after the first month, since the subject must be told
    within it.
    """
    if request.status != ErasureStatus.OPEN:
        raise Refused("Only an open request can be extended.")
    if request.extended_due_on is not None:
        raise Refused(f"This request was already extended once, to {request.extended_due_on}; "
                      "Art 12(3) allows one extension.")
    if today > request.due_on:
        raise Refused(f"An extension had to be decided by {request.due_on}, within the first month (Art 12(3)).")
    reason = " ".join((reason or "").split())
    errors = _extension_errors(months, reason)
    if errors:
        raise ErasureInputError(errors)
    request.extended_due_on = add_months(request.due_on, months)
    request.extension_reason = reason
    session.flush()
    audit.log(session, actor, "erasure.extended", "erasure_request", request.id,
              {"months": months, "extended_due_on": request.extended_due_on.isoformat()})
    return request


def _extension_errors(months: int | None, reason: str) -> dict[str, str]:
    errors = {}
    if months is None or not 1 <= months <= MAX_EXTENSION_MONTHS:
        errors["months"] = f"Extend by 1 or {MAX_EXTENSION_MONTHS} months."
    if len(reason) < MIN_REASON_LENGTH:
        errors["reason"] = f"Give the reason the data subject will be told (at least {MIN_REASON_LENGTH} characters)."
    elif len(reason) > MAX_REASON_LENGTH:
        errors["reason"] = f"At most {MAX_REASON_LENGTH} characters."
    return errors


# ---------------------------------------------------------------- preview and execution
@dataclass(frozen=True)
class MatchRow:
    dataset_id: int
    dataset_name: str
    items: int


def preview(session: Session, request: ErasureRequest) -> list[MatchRow]:
    """Matching items per dataset (counted in SQL), what the officer sees before executing."""
    counts = subject_index().match_counts(session, set(request.tokens))
    if not counts:
        return []
    names = dict(session.execute(select(Dataset.id, Dataset.name).where(Dataset.id.in_(counts))).all())
    rows = [MatchRow(dataset_id, names.get(dataset_id, f"Dataset {dataset_id}"), n) for dataset_id, n in counts.items()]
    return sorted(rows, key=lambda r: r.dataset_name.lower())


def _targets(session: Session, request: ErasureRequest) -> list[Target]:
    matches = subject_index().items_matching(session, set(request.tokens))
    return [Target(dataset_id, tuple(sorted(ids))) for dataset_id, ids in sorted(matches.items())]


def _begin(session: Session, actor: Actor, request: ErasureRequest, targets: list[Target],
           checkpoint: Checkpoint) -> DeletionRun:
    run = start_run(session, SCOPE, erasure_request_id=request.id)
    run.counts = {**run.counts, "datasets": len(targets)}
    request.status = ErasureStatus.EXECUTING
    audit.log(session, actor, "erasure.execution_started", "erasure_request", request.id,
              {"run_id": run.id, "datasets": len(targets), "items": sum(len(t.item_ids or ()) for t in targets)})
    checkpoint()
    return run


def execute(session: Session, actor: Actor, request: ErasureRequest, batch_size: int = DEFAULT_BATCH_SIZE,
            checkpoint: Checkpoint | None = None) -> DeletionCertificate:
    """Erase the matching items and close the request with a certificate (resumes an interrupted run).

    Only compliance officers execute: erasure cannot be undone. Items are found again from the tokens
    on a resume; the index is purged last, so what is unfinished is still found.
    """
    if getattr(actor, "role", None) != Role.COMPLIANCE_OFFICER:
        raise Refused("Only a compliance officer may execute an erasure.")
    request = locked(session, ErasureRequest, request.id)  # a second click waits here, then resumes
    if request.status == ErasureStatus.CLOSED:
        raise Refused(f"Erasure request {request.reference} is closed already.")
    checkpoint = checkpoint or session.commit
    targets = _targets(session, request)
    run = unfinished_run(session, SCOPE, erasure_request_id=request.id) or _begin(
        session, actor, request, targets, checkpoint)
    purge(session, run, targets, batch_size, checkpoint)
    certificate, issued = close_run(session, run)
    if issued:
        _close(session, actor, request, certificate)
    checkpoint()
    return certificate


def _close(session: Session, actor: Actor, request: ErasureRequest, certificate: DeletionCertificate) -> None:
    request.status, request.closed_at, request.certificate_id = ErasureStatus.CLOSED, utcnow(), certificate.id
    audit.log(session, actor, "erasure.closed", "erasure_request", request.id,
              {"certificate_id": certificate.id, "items": certificate.counts.get("items", 0)})
    audit.log(session, actor, "deletion.certificate_issued", "deletion_certificate", certificate.id,
              certificate_audit_details(certificate))


# ---------------------------------------------------------------- lists and the watch
def _deadline():
    return func.coalesce(ErasureRequest.extended_due_on, ErasureRequest.due_on)


def requests_by_urgency():
    """All requests, unfinished ones first by deadline, then closed ones newest first (a ``Select``)."""
    closed_last = case((ErasureRequest.status == ErasureStatus.CLOSED, 1), else_=0)
    return select(ErasureRequest).order_by(closed_last, _deadline(), ErasureRequest.id.desc())


def open_requests(session: Session, limit: int = 10) -> list[ErasureRequest]:
    """Unfinished requests, nearest deadline first (the compliance dashboard)."""
    return list(session.scalars(select(ErasureRequest).where(ErasureRequest.status != ErasureStatus.CLOSED)
                                .order_by(_deadline(), ErasureRequest.id).limit(limit)))


def requests_needing_attention(session: Session, today: date) -> list[ErasureRequest]:
    """Unfinished requests due within :data:`DUE_SOON_DAYS` days, or overdue."""
    horizon = today + timedelta(days=DUE_SOON_DAYS)
    return list(session.scalars(select(ErasureRequest).where(ErasureRequest.status != ErasureStatus.CLOSED,
                                                             _deadline() <= horizon).order_by(_deadline())))


def erasure_deadline_watch(session: Session, now: datetime) -> dict[str, Any]:
    """Notify compliance officers once when a request comes within a week of its deadline, and once overdue.

    The deadline is part of each notification's dedupe key, so an extension re-arms both.
    """
    today, raised = now.date(), 0
    for request in requests_needing_attention(session, today):
        left = days_left(request, today)
        stage = "overdue" if left < 0 else "due"
        message = (f"Erasure request {request.reference} is overdue: it was due on {request.deadline}."
                   if stage == "overdue" else
                   f"Erasure request {request.reference} is due on {request.deadline} ({left} days left).")
        note = notify(session, Role.COMPLIANCE_OFFICER, message, f"erasure:{request.id}:{request.deadline}:{stage}",
                      f"/erasure/{request.id}", "danger" if stage == "overdue" else "warning")
        raised += note is not None
    return {"notifications": raised}


def register_erasure_jobs() -> None:
    from governance.jobs import register_job

    register_job("erasure-deadline-watch", erasure_deadline_watch,
                 "Warn compliance officers about erasure requests due within 7 days, and overdue.",
                 hour=6, minute=0)
