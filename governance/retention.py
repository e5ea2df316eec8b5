"""The retention sweep (DESIGN rule 3): expired datasets are deleted, not just flagged.

Order matters: the data key is destroyed first (crypto-shredding), so from that moment no raw
payload can be decrypted, whatever the state of the rows; then content is purged in batches; then a
certificate is issued and recorded in the audit chain. Every step is resumable: a sweep that dies
half-way leaves an unfinished :class:`DeletionRun`, and the next sweep continues it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from governance import audit
from governance.audit import SYSTEM, Actor
from governance.deletion import (
    DEFAULT_BATCH_SIZE,
    RUNNING,
    Checkpoint,
    Target,
    certificate_audit_details,
    destroy_keys,
    close_run,
    locked,
    purge,
    start_run,
    unfinished_run,
)
from governance.models import Dataset, DatasetStatus
from governance.ops_models import DeletionCertificate, DeletionRun

SCOPE = "retention"


def datasets_due(session: Session, now: datetime) -> list[Dataset]:
    """Datasets whose retention has ended and whose deletion has not started yet.

    Active datasets past ``expires_at``, and expired ones without a run (expired by hand, say).
    """
    running = exists().where(DeletionRun.dataset_id == Dataset.id, DeletionRun.scope == SCOPE,
                             DeletionRun.status == RUNNING)
    query = select(Dataset).where(
        or_(Dataset.status == DatasetStatus.ACTIVE, Dataset.status == DatasetStatus.EXPIRED),
        Dataset.expires_at <= now, ~running,
    )
    return list(session.scalars(query.order_by(Dataset.expires_at, Dataset.id)))


def expire_dataset(session: Session, actor: Actor, dataset: Dataset) -> DeletionRun:
    """Mark a dataset expired (its tasks stop being served) and open its deletion run (flushed)."""
    dataset.status = DatasetStatus.EXPIRED
    run = start_run(session, SCOPE, dataset_id=dataset.id)
    audit.log(session, actor, "dataset.expired", "dataset", dataset.id, {"run_id": run.id})
    return run


def runs_to_finish(session: Session) -> list[DeletionRun]:
    """Retention runs started and not finished (by this sweep or by one that was interrupted)."""
    return list(session.scalars(select(DeletionRun).where(DeletionRun.scope == SCOPE, DeletionRun.status == RUNNING)
                                .order_by(DeletionRun.id)))


def finish_run(session: Session, actor: Actor, run: DeletionRun, batch_size: int = DEFAULT_BATCH_SIZE,
               checkpoint: Checkpoint | None = None) -> DeletionCertificate:
    """Shred, purge and certify one dataset's deletion; safe to call again after an interruption."""
    checkpoint = checkpoint or session.commit
    dataset = session.get(Dataset, run.dataset_id) if run.dataset_id is not None else None
    if dataset is not None:
        for key_id in destroy_keys(session, run, dataset.id, checkpoint):
            audit.log(session, actor, "deletion.key_destroyed", "dataset", dataset.id,
                      {"run_id": run.id, "key_id": key_id})
            checkpoint()
        _check_key_gone(dataset)
        purge(session, run, [Target(dataset.id)], batch_size, checkpoint)
    certificate, issued = close_run(session, run, dataset.name if dataset else "")
    if issued:
        if dataset is not None:
            dataset.status = DatasetStatus.DELETED
        audit.log(session, actor, "deletion.certificate_issued", "deletion_certificate", certificate.id,
                  certificate_audit_details(certificate))
    checkpoint()
    return certificate


def _check_key_gone(dataset: Dataset) -> None:
    # Fail closed: purging content while a usable key survives would certify a deletion that was not.
    if dataset.wrapped_key is not None:
        raise RuntimeError(f"the data key of dataset {dataset.id} survived the key destroyers")


def _claim(session: Session, dataset_id: int) -> Dataset | None:
    """The dataset, locked, if no concurrent sweep (a "Run now" beside the scheduler) took it first.

    The check for a run is a new statement after the lock is held, so it sees the other's commit.
    """
    dataset = locked(session, Dataset, dataset_id)
    if dataset is None or dataset.status == DatasetStatus.DELETED:
        return None
    return None if unfinished_run(session, SCOPE, dataset_id=dataset_id) else dataset


def sweep(session: Session, now: datetime, actor: Actor = SYSTEM, batch_size: int = DEFAULT_BATCH_SIZE,
          checkpoint: Checkpoint | None = None) -> dict[str, int]:
    """Expire what is due, then finish every open retention run; returns counts for the Jobs page."""
    checkpoint = checkpoint or session.commit
    expired = 0
    for due in datasets_due(session, now):
        dataset = _claim(session, due.id)
        if dataset is not None:
            expire_dataset(session, actor, dataset)
            expired += 1
        checkpoint()
    certificates = [finish_run(session, actor, run, batch_size, checkpoint) for run in runs_to_finish(session)]
    return {"expired": expired, "deleted": len(certificates),
            "items": sum(c.counts.get("items", 0) for c in certificates)}


def retention_sweep_job(session: Session, now: datetime) -> dict[str, Any]:
    """The ``retention-sweep`` job (hourly)."""
    return sweep(session, now)


def register_retention_jobs() -> None:
    from governance.jobs import register_job

    register_job("retention-sweep", retention_sweep_job,
                 "Delete datasets past their retention: destroy the data key, purge content, issue a certificate.",
                 minute=15)
