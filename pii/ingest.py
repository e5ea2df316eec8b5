"""Importing a file into a dataset: parse and check every line, redact, encrypt, index, insert in bulk.

Guarantees:
- Nothing is imported when any line is bad, unless the caller asked to skip bad lines.
- Rows are written in chunks (each committed, so progress is visible and no lock is held for long)
  with status ``importing``, which is never served; the last step flips them to ``active`` in one
  statement. A crash removes the job's rows, so no half-imported dataset is ever visible.
- The raw record is stored only as AES-256-GCM ciphertext under the dataset's data key, bound to
  the item id; what people see is the redacted payload. No content reaches a log, an error message
  or the audit trail: only counts and line numbers.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from governance import audit
from governance.audit import SYSTEM, Actor
from governance.db import utcnow
from governance.errors import PortalError
from governance.models import Dataset, DatasetStatus, User
from pii.datakeys import ensure_data_key
from pii.models import ImportJob, ImportStatus, Item, ItemStatus, SubjectToken
from pii.records import FileRejected, ParseResult, Record, parse_file
from pii.redact import RedactedItem, span_values
from pii.sensitivity import flatten_texts, screen, severity_of
from pii.settings import PiiSettings
from pii.subjects import token_key
from pii.tokens import values_tokens
from pii.vault import encrypt_payload

log = logging.getLogger(__name__)
CHUNK = 256
STALE_AFTER = timedelta(days=1)
MAX_REJECTED_SHOWN = 500
Progress = Callable[[int, int], None]
# Redacts chunks of items (each item: field → text) and yields the results chunk by chunk, in order;
# an implementation may work ahead in other processes while the caller inserts earlier chunks.
ChunkRedactor = Callable[[list[list[dict[str, Any]]], str], Iterator[list[RedactedItem]]]


@dataclass(frozen=True)
class ImportContext:
    """What a run needs besides the job: keys, settings, and how to redact chunks."""

    master_key: bytes
    settings: PiiSettings
    redact_chunks: ChunkRedactor
    max_line_bytes: int = 256 * 1024


def create_job(session: Session, actor: Actor, dataset: Dataset, filename: str, skip_invalid: bool) -> ImportJob:
    """Queue an import (the web form and the CLI both start here)."""
    if dataset.status != DatasetStatus.ACTIVE:
        raise PortalError(f"{dataset.name} is {dataset.status.value}; nothing can be imported into it.")
    job = ImportJob(dataset_id=dataset.id, filename=filename[:255], status=ImportStatus.QUEUED,
                    skip_invalid=skip_invalid, created_by_id=getattr(actor, "id", None), created_at=utcnow(),
                    rejected=[], entity_counts={})
    session.add(job)
    session.flush()
    audit.log(session, actor, "dataset.import_started", "dataset", dataset.id, {"import_id": job.id})
    return job


def run_import(session: Session, actor: Actor, job_id: int, data: bytes, ctx: ImportContext,
               progress: Progress | None = None) -> ImportJob:
    """Run a queued import to its end; always leaves the job in a final state, committed."""
    job = session.get(ImportJob, job_id)
    dataset = session.get(Dataset, job.dataset_id)
    job.status, job.started_at = ImportStatus.RUNNING, utcnow()
    session.commit()
    try:
        parsed = _parse(session, job, dataset, data, ctx)
        if parsed is not None:
            _import_records(session, job, dataset, parsed, ctx, progress)
            _finish(session, actor, job, dataset)
    except Exception as exc:
        session.rollback()
        _fail(session, actor, job_id, exc)
        if not isinstance(exc, PortalError):
            log.exception("import %s failed", job_id)
    return session.get(ImportJob, job_id)


def _parse(session: Session, job: ImportJob, dataset: Dataset, data: bytes, ctx: ImportContext) -> ParseResult | None:
    existing = set(session.scalars(select(Item.external_id).where(Item.dataset_id == dataset.id)))
    try:
        parsed = parse_file(data, job.filename, ctx.max_line_bytes, existing, dataset.task_kind)
    except FileRejected as exc:
        _reject(session, job, exc.args[0], [])
        return None
    job.total_lines = parsed.total_lines
    job.rejected = [e.as_dict() for e in parsed.errors[:MAX_REJECTED_SHOWN]]
    if parsed.errors and not job.skip_invalid:
        _reject(session, job, f"{len(parsed.errors)} bad line(s); nothing was imported. Fix them, or import "
                              "again skipping bad lines.", job.rejected)
        return None
    if not parsed.records:
        _reject(session, job, "The file has no valid lines; nothing was imported.", job.rejected)
        return None
    session.commit()
    return parsed


def _reject(session: Session, job: ImportJob, message: str, rejected: list[dict[str, Any]]) -> None:
    job.status, job.message, job.rejected, job.finished_at = ImportStatus.REJECTED, message, rejected, utcnow()
    audit.log(session, _job_actor(session, job), "dataset.import_rejected", "dataset", job.dataset_id,
              {"import_id": job.id, "bad_lines": len(rejected)})
    session.commit()


def _import_records(session: Session, job: ImportJob, dataset: Dataset, parsed: ParseResult, ctx: ImportContext,
                    progress: Progress | None) -> None:
    data_key = ensure_data_key(session, dataset, ctx.master_key)
    tokens_key = token_key(session, ctx.master_key)
    session.commit()
    entities: Counter[str] = Counter()
    sensitive = done = 0
    total = len(parsed.records)
    chunks = [parsed.records[start:start + CHUNK] for start in range(0, total, CHUNK)]
    redacted_chunks = ctx.redact_chunks([[r.texts for r in chunk] for chunk in chunks], dataset.name)
    for chunk, redacted in zip(chunks, redacted_chunks, strict=True):
        sensitive += _insert_chunk(session, job, dataset, chunk, redacted, data_key, tokens_key, ctx, entities)
        done += len(chunk)
        job.processed, job.imported, job.sensitive = done, done, sensitive
        job.entity_counts = dict(entities)
        session.commit()
        if progress:
            progress(job.processed, total)


def _insert_chunk(session: Session, job: ImportJob, dataset: Dataset, chunk: list[Record],
                  redacted: list[RedactedItem], data_key: bytes, tokens_key: bytes, ctx: ImportContext,
                  entities: Counter[str]) -> int:
    rows, sensitive = [], 0
    for record, item in zip(chunk, redacted, strict=True):
        categories = sorted(set(record.sensitivity) | screen(flatten_texts(record.texts), ctx.settings.sensitivity_lexicon))
        counts = item.entity_counts()
        entities.update(counts)
        sensitive += bool(categories) or bool(record.severity)
        rows.append(_item_row(job, dataset, record, item, categories, counts))
    ids = session.scalars(insert(Item).returning(Item.id, sort_by_parameter_order=True), rows).all()
    session.execute(update(Item), [
        {"id": item_id, "raw_ciphertext": encrypt_payload(data_key, str(item_id), _raw_bytes(record))}
        for item_id, record in zip(ids, chunk, strict=True)
    ])
    tokens = [
        {"item_id": item_id, "dataset_id": dataset.id, "kind": "subject", "token": token}
        for item_id, record, item in zip(ids, chunk, redacted, strict=True)
        for token in sorted(values_tokens(span_values(record.texts, item.spans), tokens_key,
                                          ctx.settings.token_entities, ctx.settings.phone_regions))
    ]
    if tokens:
        session.execute(insert(SubjectToken), tokens)
    return sensitive


def _item_row(job: ImportJob, dataset: Dataset, record: Record, item: RedactedItem, categories: list[str],
              counts: dict[str, int]) -> dict[str, Any]:
    # Free-text gold answers and pre-labels are redacted like everything else; the gold answer then
    # leaves the shown payload (gold items are blind), the pre-label stays (it is the suggestion shown).
    payload = dict(item.payload)
    gold = payload.pop("gold", record.gold)
    prelabel = payload.get("prelabel", record.prelabel)
    return {
        "dataset_id": dataset.id, "import_id": job.id, "external_id": record.external_id, "kind": record.kind,
        "status": ItemStatus.IMPORTING, "redacted": payload, "spans": [s.to_dict() for s in item.spans],
        "entity_counts": counts, "labels": record.labels, "sensitivity": categories,
        "severity": severity_of(categories, record.severity), "gold_answer": gold,
        "is_gold": gold is not None, "prelabel": prelabel, "open_slots": dataset.overlap_k,
        "created_at": utcnow(),
    }


def _raw_bytes(record: Record) -> bytes:
    return json.dumps(record.raw, ensure_ascii=False, sort_keys=True).encode("utf-8")


def _finish(session: Session, actor: Actor, job: ImportJob, dataset: Dataset) -> None:
    session.execute(update(Item).where(Item.import_id == job.id, Item.status == ItemStatus.IMPORTING)
                    .values(status=ItemStatus.ACTIVE))
    job.status, job.finished_at = ImportStatus.DONE, utcnow()
    skipped = len(job.rejected or [])
    job.message = f"{job.imported} items imported" + (f", {skipped} bad line(s) skipped." if skipped else ".")
    audit.log(session, actor, "dataset.imported", "dataset", dataset.id,
              {"import_id": job.id, "items": job.imported, "sensitive": job.sensitive, "skipped": skipped})
    session.commit()


def _fail(session: Session, actor: Actor, job_id: int, exc: Exception) -> None:
    """Remove whatever the job wrote and record the failure (message safe to show: no content)."""
    session.execute(delete(SubjectToken).where(SubjectToken.item_id.in_(
        select(Item.id).where(Item.import_id == job_id, Item.status == ItemStatus.IMPORTING))))
    session.execute(delete(Item).where(Item.import_id == job_id, Item.status == ItemStatus.IMPORTING))
    job = session.get(ImportJob, job_id)
    job.status, job.finished_at = ImportStatus.FAILED, utcnow()
    job.message = exc.message if isinstance(exc, PortalError) else "The import failed and was rolled back; nothing was imported."
    job.processed = job.imported = 0
    audit.log(session, actor, "dataset.import_failed", "dataset", job.dataset_id, {"import_id": job_id})
    session.commit()


def _job_actor(session: Session, job: ImportJob) -> Actor:
    """Who started the job (the audit trail names them even for steps run in the background)."""
    user = session.get(User, job.created_by_id) if job.created_by_id else None
    return user if user is not None else SYSTEM


def recover_interrupted(session: Session, now: datetime) -> dict[str, int]:
    """Imports still "running" a day after they started died with their process: roll them back.

    A day is far beyond the longest import (100,000 items take minutes), so a job running in another
    live worker process is never touched. Scheduled hourly as ``import-recovery``.
    """
    stale = session.scalars(select(ImportJob.id).where(
        ImportJob.status.in_([ImportStatus.RUNNING, ImportStatus.QUEUED]),
        ImportJob.created_at < now - STALE_AFTER)).all()
    for job_id in stale:
        _fail(session, _job_actor(session, session.get(ImportJob, job_id)), job_id, PortalError(
            "The import was interrupted (the portal stopped) and was rolled back; start it again."))
    return {"rolled_back": len(stale)}
