"""The deletion engine behind retention (DESIGN rule 3) and erasure (rule 4).

Governance owns the run, its counts and the certificate, but not the content: ``pii`` and
``workforce`` register *purgers* for their own tables (the dependency direction forbids importing
them here). A purger clears one batch of content and says how many rows it changed; 0 means done.
Purgers only ever select rows that still hold content, so running one again is harmless: that is
what makes an interrupted run resumable without counting anything twice.

Why the engine commits per batch (unlike other services, which only flush): a sweep of a large
dataset must not be one transaction, or a kill would lose all of it and hold locks for minutes.
Each batch and the run's counts commit together, so a kill loses at most the batch in flight.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from governance.db import utcnow
from governance.ops_models import DeletionCertificate, DeletionRun

DEFAULT_BATCH_SIZE = 1000
RUNNING, DONE = "running", "done"

Purger = Callable[[Session, int, list[int] | None, int], int]
KeyDestroyer = Callable[[Session, int], str | None]
Checkpoint = Callable[[], None]
T = TypeVar("T")


class SubjectIndex(Protocol):
    """Finds a data subject's items from typed identifiers without storing them (pii provides it)."""

    def tokens_for(self, session: Session, master_key: bytes, email: str | None, phone: str | None,
                   name: str | None) -> set[str]: ...

    def match_counts(self, session: Session, tokens: set[str]) -> dict[int, int]: ...

    def items_matching(self, session: Session, tokens: set[str]) -> dict[int, set[int]]: ...


@dataclass(frozen=True)
class _Registered:
    name: str
    func: Purger
    order: int


_PURGERS: dict[str, _Registered] = {}
_KEY_DESTROYERS: dict[str, KeyDestroyer] = {}
_SUBJECT_INDEX: list[SubjectIndex] = []


def register_purger(name: str, func: Purger, order: int = 50) -> None:
    """Add a purger; lower ``order`` runs first.

    The subject index must purge last (highest order), so an interrupted erasure can still find the
    items it has not finished.
    """
    _PURGERS[name] = _Registered(name, func, order)


def purgers() -> list[tuple[str, Purger]]:
    """The registered purgers in the order a run applies them."""
    return [(p.name, p.func) for p in sorted(_PURGERS.values(), key=lambda p: (p.order, p.name))]


def register_key_destroyer(name: str, func: KeyDestroyer) -> None:
    """Add a function that destroys a dataset's data key and returns the id of the key destroyed."""
    _KEY_DESTROYERS[name] = func


def register_subject_index(index: SubjectIndex) -> None:
    """Install the subject index used by erasure requests (one per app; the last one wins)."""
    _SUBJECT_INDEX[:] = [index]


def subject_index() -> SubjectIndex:
    """The installed subject index; none installed is a wiring error, never an empty match."""
    if not _SUBJECT_INDEX:
        raise RuntimeError("no subject index registered: erasure requests cannot match anything")
    return _SUBJECT_INDEX[0]


@dataclass(frozen=True)
class Target:
    """What to purge in one dataset: every item (``item_ids`` None, retention) or the listed ones."""

    dataset_id: int
    item_ids: tuple[int, ...] | None = None


# ---------------------------------------------------------------- runs
def unfinished_run(session: Session, scope: str, *, dataset_id: int | None = None,
                   erasure_request_id: int | None = None) -> DeletionRun | None:
    """The run a previous attempt left unfinished, which a re-run continues instead of restarting."""
    query = select(DeletionRun).where(DeletionRun.scope == scope, DeletionRun.status == RUNNING)
    if dataset_id is not None:
        query = query.where(DeletionRun.dataset_id == dataset_id)
    if erasure_request_id is not None:
        query = query.where(DeletionRun.erasure_request_id == erasure_request_id)
    return session.scalars(query.order_by(DeletionRun.id)).first()


def start_run(session: Session, scope: str, *, dataset_id: int | None = None,
              erasure_request_id: int | None = None) -> DeletionRun:
    """A new run in the ``start`` stage (flushed).

    The caller commits it with the state change that starts it, so a dataset is never marked expired
    without its run, nor a request executing without one.
    """
    # Every purger appears in the counts, so a certificate says "0" rather than leaving a line out.
    counts = {name: 0 for name, _func in purgers()}
    run = DeletionRun(scope=scope, dataset_id=dataset_id, erasure_request_id=erasure_request_id, status=RUNNING,
                      stage="start", counts=counts, key_ids_destroyed=[], started_at=utcnow())
    session.add(run)
    session.flush()
    return run


def _locked_run(session: Session, run_id: int) -> DeletionRun:
    # FOR UPDATE (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers) with fresh
    # values: two runners of the same run queue up instead of both adding to stale counts.
    query = select(DeletionRun).where(DeletionRun.id == run_id).with_for_update()
    return session.scalars(query.execution_options(populate_existing=True)).one()


def destroy_keys(session: Session, run: DeletionRun, dataset_id: int, checkpoint: Checkpoint) -> list[str]:
    """Crypto-shred the dataset first, so its ciphertext is unreadable even before it is purged.

    Records the destroyed key ids on the run in the same commit; a re-run finds the key already
    gone and adds nothing.
    """
    if not _KEY_DESTROYERS:
        raise RuntimeError("no key destroyer registered: refusing to purge a dataset whose key would survive")
    run = _locked_run(session, run.id)
    run.stage = "keys"
    destroyed = [key_id for destroy in _KEY_DESTROYERS.values() if (key_id := destroy(session, dataset_id))]
    run.key_ids_destroyed = [*run.key_ids_destroyed, *(k for k in destroyed if k not in run.key_ids_destroyed)]
    checkpoint()
    return destroyed


def purge(session: Session, run: DeletionRun, targets: Sequence[Target], batch_size: int,
          checkpoint: Checkpoint) -> dict[str, int]:
    """Apply every purger to every target in batches, adding to the run's counts as it goes."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    for name, purger in purgers():
        _set_stage(session, run.id, f"purge:{name}", checkpoint)
        for target in targets:
            for chunk in _chunks(target.item_ids, batch_size):
                _purge_chunk(session, run.id, name, purger, target.dataset_id, chunk, batch_size, checkpoint)
    return dict(_locked_run(session, run.id).counts)


def _set_stage(session: Session, run_id: int, stage: str, checkpoint: Checkpoint) -> None:
    _locked_run(session, run_id).stage = stage
    checkpoint()


def _chunks(item_ids: tuple[int, ...] | None, size: int) -> Iterator[list[int] | None]:
    if item_ids is None:
        yield None
        return
    ordered = sorted(item_ids)
    for start in range(0, len(ordered), size):
        yield ordered[start:start + size]


def _purge_chunk(session: Session, run_id: int, name: str, purger: Purger, dataset_id: int,
                 chunk: list[int] | None, batch_size: int, checkpoint: Checkpoint) -> None:
    # The run's counts and the batch commit together: after a crash they still agree.
    while True:
        run = _locked_run(session, run_id)
        changed = purger(session, dataset_id, chunk, batch_size)
        if changed:
            run.counts = {**run.counts, name: run.counts.get(name, 0) + changed}
        checkpoint()
        if not changed:
            return


# ---------------------------------------------------------------- certificates
CERTIFICATE_FIELDS = ("reference", "scope", "dataset_id", "dataset_name", "erasure_request_id", "counts",
                      "key_ids_destroyed", "started_at", "finished_at")


def _canonical_value(value: Any) -> Any:
    return value.isoformat(timespec="microseconds") if isinstance(value, datetime) else value


def certificate_digest(fields: dict[str, Any]) -> str:
    """SHA-256 over the canonical JSON (sorted keys, compact) of the certified fields.

    Anyone holding a copy of the certificate can recompute it; a changed count or date no longer
    matches the digest recorded here and in the audit chain.
    """
    body = {name: _canonical_value(fields[name]) for name in CERTIFICATE_FIELDS}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def certificate_fields(certificate: DeletionCertificate) -> dict[str, Any]:
    """The certified fields of a stored certificate (what the digest covers)."""
    return {name: getattr(certificate, name) for name in CERTIFICATE_FIELDS}


def verify_certificate(certificate: DeletionCertificate) -> bool:
    """Whether the stored fields still match the stored digest."""
    return certificate_digest(certificate_fields(certificate)) == certificate.digest


def next_reference(session: Session, column: Any, prefix: str, year: int) -> str:
    """The next ``PREFIX-YYYY-NNNN`` reference for ``column`` (per-year sequence, never reused)."""
    stem = f"{prefix}-{year}-"
    last = session.scalar(select(func.max(column)).where(column.like(f"{stem}%")))
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{stem}{number:04d}"


def add_with_reference(session: Session, column: Any, prefix: str, year: int, build: Callable[[str], T]) -> T:
    """Add the row ``build`` makes for the next free reference (flushed).

    Taken inside a savepoint and retried when a concurrent writer took the same number first, so
    the unique reference never turns into an error page.
    """
    for _attempt in range(5):
        try:
            with session.begin_nested():
                row = build(next_reference(session, column, prefix, year))
                session.add(row)
                session.flush()
            return row
        except IntegrityError:
            continue
    raise RuntimeError(f"could not allocate a {prefix} reference")


def issue_certificate(session: Session, run: DeletionRun, dataset_name: str = "",
                      finished_at: datetime | None = None) -> DeletionCertificate:
    """Close ``run`` with a certificate of what it destroyed (flushed; the caller commits)."""
    finished_at = finished_at or utcnow()
    certificate = add_with_reference(session, DeletionCertificate.reference, "DC", finished_at.year,
                                     lambda reference: _new_certificate(run, reference, dataset_name, finished_at))
    run.status, run.stage, run.finished_at, run.certificate_id = DONE, DONE, finished_at, certificate.id
    session.flush()
    return certificate


def close_run(session: Session, run: DeletionRun, dataset_name: str = "") -> tuple[DeletionCertificate, bool]:
    """Issue the run's certificate, or return the one a concurrent runner of the same run issued
    first together with ``False``, so the caller neither issues nor audits a second one."""
    run = _locked_run(session, run.id)
    if run.status == DONE and run.certificate_id is not None:
        return session.get(DeletionCertificate, run.certificate_id), False
    return issue_certificate(session, run, dataset_name), True


def locked(session: Session, model: type[T], row_id: int) -> T | None:
    """Re-read a row under ``FOR UPDATE`` (fresh values): whoever starts a deletion holds it first."""
    query = select(model).where(model.id == row_id).with_for_update()
    return session.scalars(query.execution_options(populate_existing=True)).first()


def _new_certificate(run: DeletionRun, reference: str, dataset_name: str, finished_at: datetime) -> DeletionCertificate:
    fields = {
        "reference": reference, "scope": run.scope, "dataset_id": run.dataset_id,
        "dataset_name": dataset_name[:120], "erasure_request_id": run.erasure_request_id,
        "counts": dict(sorted(run.counts.items())), "key_ids_destroyed": list(run.key_ids_destroyed),
        "started_at": run.started_at, "finished_at": finished_at,
    }
    return DeletionCertificate(**fields, digest=certificate_digest(fields), issued_at=finished_at)


def certificate_audit_details(certificate: DeletionCertificate) -> dict[str, Any]:
    """What the ``deletion.certificate_issued`` event records: ids, counts and the digest only."""
    return {"reference": certificate.reference, "scope": certificate.scope, "dataset_id": certificate.dataset_id,
            "erasure_request_id": certificate.erasure_request_id, "counts": dict(certificate.counts),
            "key_ids": list(certificate.key_ids_destroyed), "digest": certificate.digest}
