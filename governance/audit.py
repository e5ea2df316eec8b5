"""The tamper-evident audit chain.

Every state change writes an :class:`AuditEvent` in the same transaction as the change. Each event
carries the previous event's hash and an HMAC-SHA256 over that hash and its own canonical form, keyed
by a sub-key of the master key, so editing, deleting or re-ordering events breaks the chain and
forging a replacement needs the key. Truncating the newest events is caught by the head row and by
the checkpoints that each verification records.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from governance.db import utcnow
from governance.keyring import purpose_key
from governance.models import AuditCheckpoint, AuditEvent, AuditHead

GENESIS_HASH = "0" * 64
HEAD_ROW_ID = 1
SYSTEM_ROLE = "system"
_ID_LIKE = re.compile(r"^[A-Za-z0-9_.:/+\-]{0,80}$")
_KEY_LIKE = re.compile(r"^[a-z][a-z0-9_]{0,40}$")


class Actor(Protocol):
    """Who did it: anything with an ``id`` and a ``role`` (a :class:`User`, or :data:`SYSTEM`)."""

    id: int | None
    role: Any


@dataclass(frozen=True)
class SystemActor:
    """The scheduler, a CLI run without a user, or the portal itself."""

    id: int | None = None
    role: str = SYSTEM_ROLE


SYSTEM = SystemActor()


class AuditDetailsError(ValueError):
    """Audit details may hold ids, codes and counts only: never free text that could carry PII."""


def chain_key(session: Session, master_key: bytes) -> bytes:
    """The HMAC key of the chain: a sub-key of the root secret that the master key protects."""
    return purpose_key(session, master_key, "audit-chain")


def _check_value(key: str, value: Any) -> None:
    if value is None or isinstance(value, bool | int):
        return
    if isinstance(value, float):
        raise AuditDetailsError(f"audit detail {key!r}: use an integer or a string, not a float")
    if isinstance(value, str):
        if not _ID_LIKE.match(value):
            raise AuditDetailsError(f"audit detail {key!r} must be an id or code, not free text")
        return
    if isinstance(value, list | tuple):
        for item in value:
            _check_value(key, item)
        return
    if isinstance(value, dict):
        check_details(value)
        return
    raise AuditDetailsError(f"audit detail {key!r} has unsupported type {type(value).__name__}")


def check_details(details: dict[str, Any]) -> None:
    """Refuse details that are not ids, codes or counts (the guard that keeps PII out of the trail)."""
    for key, value in details.items():
        if not isinstance(key, str) or not _KEY_LIKE.match(key):
            raise AuditDetailsError(f"audit detail key {key!r} is not a plain identifier")
        _check_value(key, value)


def canonical_event(event: AuditEvent) -> bytes:
    """The exact bytes the HMAC covers: sorted-key compact JSON of every field but the hashes."""
    body = {
        "seq": event.seq,
        "occurred_at": event.occurred_at.isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_role": event.actor_role,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "details": event.details,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def compute_hash(key: bytes, prev_hash: str, event: AuditEvent) -> str:
    """HMAC-SHA256 over the previous hash and the canonical event."""
    return hmac.new(key, prev_hash.encode("ascii") + b"\n" + canonical_event(event), hashlib.sha256).hexdigest()


def record(
    session: Session,
    key: bytes,
    actor: Actor,
    action: str,
    target_type: str,
    target_id: int | str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain inside the caller's transaction.

    The head row is claimed with an UPDATE before anything is read, which locks it on PostgreSQL and
    takes the write lock on SQLite: concurrent writers queue up and the chain stays linear.
    """
    details = dict(details or {})
    check_details(details)
    seq, prev_hash = session.execute(
        update(AuditHead)
        .where(AuditHead.id == HEAD_ROW_ID)
        .values(seq=AuditHead.seq + 1)
        .returning(AuditHead.seq, AuditHead.hash)
        .execution_options(synchronize_session=False)
    ).one()
    event = AuditEvent(
        seq=seq,
        occurred_at=utcnow(),
        actor_id=actor.id,
        actor_role=str(getattr(actor.role, "value", actor.role)),
        action=action,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        details=details,
        prev_hash=prev_hash,
    )
    event.hash = compute_hash(key, prev_hash, event)
    session.add(event)
    session.execute(
        update(AuditHead)
        .where(AuditHead.id == HEAD_ROW_ID)
        .values(hash=event.hash)
        .execution_options(synchronize_session=False)
    )
    return event


def ensure_head(session: Session) -> None:
    """Create the head row of an empty chain (migrations do this; tests that truncate call it)."""
    if session.get(AuditHead, HEAD_ROW_ID) is None:
        session.add(AuditHead(id=HEAD_ROW_ID, seq=0, hash=GENESIS_HASH))
        session.flush()


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of a full verification of the chain."""

    ok: bool
    count: int
    head_seq: int
    head_hash: str
    broken_seq: int | None = None
    message: str = ""

    def summary(self) -> str:
        """The line ``audit verify`` prints."""
        if self.ok:
            return f"OK {self.count} events, head {self.head_hash}"
        return f"BROKEN at event {self.broken_seq}: {self.message}"


def _first_break(session: Session, key: bytes, checkpoints: dict[int, str]) -> tuple[int, int, str, str]:
    """Walk the chain in order; return (count, last seq, last hash, problem) — problem '' if intact."""
    # Plain rows, not ORM objects: verification reads every event, and rows cost a fraction as much.
    columns = (AuditEvent.seq, AuditEvent.occurred_at, AuditEvent.actor_id, AuditEvent.actor_role, AuditEvent.action,
               AuditEvent.target_type, AuditEvent.target_id, AuditEvent.details, AuditEvent.prev_hash, AuditEvent.hash)
    stream = session.execute(select(*columns).order_by(AuditEvent.seq).execution_options(yield_per=5000))
    try:
        return _walk(stream, key, checkpoints)
    finally:
        stream.close()  # a break found early leaves a server-side cursor open otherwise


def _walk(stream: Any, key: bytes, checkpoints: dict[int, str]) -> tuple[int, int, str, str]:
    count, expected_seq, prev_hash = 0, 1, GENESIS_HASH
    for event in stream:
        if event.seq != expected_seq:
            return count, event.seq, prev_hash, f"events {expected_seq}..{event.seq - 1} are missing"
        if event.prev_hash != prev_hash:
            return count, event.seq, prev_hash, "its previous-hash link does not match the event before it"
        if compute_hash(key, prev_hash, event) != event.hash:
            return count, event.seq, prev_hash, "its contents were changed after it was written"
        if event.seq in checkpoints and checkpoints[event.seq] != event.hash:
            return count, event.seq, prev_hash, "it differs from the hash recorded at an earlier checkpoint"
        count, expected_seq, prev_hash = count + 1, expected_seq + 1, event.hash
    return count, expected_seq - 1, prev_hash, ""


def verify(session: Session, key: bytes, record_checkpoint: bool = True) -> VerifyResult:
    """Recompute the whole chain and compare it with the head row and earlier checkpoints."""
    checkpoints = dict(
        session.execute(
            select(AuditCheckpoint.head_seq, AuditCheckpoint.head_hash).where(AuditCheckpoint.ok.is_(True))
        ).all()
    )
    count, last_seq, last_hash, problem = _first_break(session, key, checkpoints)
    broken_seq: int | None = last_seq if problem else None
    if not problem:
        problem, broken_seq = _check_against_head(session, last_seq, last_hash, checkpoints)
    result = VerifyResult(not problem, count, last_seq, last_hash, broken_seq, problem)
    if record_checkpoint:
        session.add(
            AuditCheckpoint(
                recorded_at=utcnow(),
                event_count=count,
                head_seq=last_seq,
                head_hash=last_hash,
                ok=result.ok,
                broken_seq=broken_seq,
                message=problem[:255],
            )
        )
        session.flush()
    return result


def _check_against_head(
    session: Session, last_seq: int, last_hash: str, checkpoints: dict[int, str]
) -> tuple[str, int | None]:
    head = session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == HEAD_ROW_ID)).one_or_none()
    if head is None:
        return "the chain head record is missing", last_seq + 1
    if head.seq != last_seq or head.hash != last_hash:
        return f"the chain ends at event {last_seq} but its head names event {head.seq}: events were removed", last_seq + 1
    newest_checkpoint = max(checkpoints, default=0)
    if newest_checkpoint > last_seq:
        return (
            f"an earlier verification saw {newest_checkpoint} events; the chain now ends at {last_seq}",
            last_seq + 1,
        )
    return "", None


def last_checkpoint(session: Session) -> AuditCheckpoint | None:
    """The most recent verification result (shown on dashboards and the jobs page)."""
    return session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc()).limit(1)).first()


def event_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent)) or 0


@dataclass(frozen=True)
class EventFilter:
    """Filters of the compliance audit page."""

    actor_id: int | None = None
    action: str | None = None
    target_type: str | None = None
    target_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def filtered_events(flt: EventFilter):
    """A ``Select`` of events matching the filter, newest first (paginated by the caller)."""
    query = select(AuditEvent).order_by(AuditEvent.seq.desc())
    if flt.actor_id is not None:
        query = query.where(AuditEvent.actor_id == flt.actor_id)
    if flt.action:
        query = query.where(AuditEvent.action == flt.action)
    if flt.target_type:
        query = query.where(AuditEvent.target_type == flt.target_type)
    if flt.target_id:
        query = query.where(AuditEvent.target_id == flt.target_id)
    if flt.since is not None:
        query = query.where(AuditEvent.occurred_at >= flt.since)
    if flt.until is not None:
        query = query.where(AuditEvent.occurred_at < flt.until)
    return query


def known_actions(session: Session) -> list[str]:
    """Distinct actions present in the trail, for the filter's drop-down."""
    return list(session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


def log(
    session: Session,
    actor: Actor,
    action: str,
    target_type: str,
    target_id: int | str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """:func:`record` with the chain key of the running app (what services call)."""
    from flask import current_app

    key = chain_key(session, current_app.extensions["portal"].master_key)
    return record(session, key, actor, action, target_type, target_id, details)
