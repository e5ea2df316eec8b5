"""Tables of the PII pipeline: items (raw encrypted, redacted in clear), subject tokens, imports,
leak reports and reveals of raw data."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from governance.db import Base, UtcDateTime, utcnow
from governance.models import Dataset, _enum


OPEN_ITEM = text("status = 'active' AND open_slots > 0")


class ItemStatus(enum.StrEnum):
    IMPORTING = "importing"  # written by an import that has not finished: never served
    ACTIVE = "active"
    QUARANTINED = "quarantined"  # a person reported leaked PII: never served until reviewed
    ERASED = "erased"  # content destroyed by an erasure request; metadata kept for reports
    PURGED = "purged"  # content destroyed by the retention sweep


class Item(Base):
    """One unit of annotation work. ``raw_ciphertext`` is the original record under the dataset's
    data key (item id bound as associated data); ``redacted`` is what people are shown."""

    __tablename__ = "items"
    __table_args__ = (
        UniqueConstraint("dataset_id", "external_id"),
        Index("ix_items_dataset_status", "dataset_id", "status"),
        Index("ix_items_queue", "dataset_id", "status", "is_gold", "severity", "id"),
        # Only items still waiting for annotators: the next-task query walks this in id order and stops
        # after a few rows, however many finished items the dataset holds.
        Index("ix_items_open", "dataset_id", "is_gold", "id", sqlite_where=OPEN_ITEM, postgresql_where=OPEN_ITEM),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("import_jobs.id", ondelete="SET NULL"), index=True)
    external_id: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[ItemStatus] = mapped_column(_enum(ItemStatus, "item_status"), default=ItemStatus.IMPORTING)
    raw_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    redacted: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    spans: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    entity_counts: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    labels: Mapped[list[str] | None] = mapped_column(JSON)
    sensitivity: Mapped[list[str]] = mapped_column(JSON, default=list)
    severity: Mapped[int] = mapped_column(Integer, default=0)
    gold_answer: Mapped[Any | None] = mapped_column(JSON)
    is_gold: Mapped[bool] = mapped_column(default=False)
    prelabel: Mapped[Any | None] = mapped_column(JSON)
    # How many more people must annotate this item (the dataset's overlap k at import); the
    # assignment engine claims a slot with a conditional UPDATE, so two people never take the last one.
    open_slots: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    dataset: Mapped[Dataset] = relationship()


class SubjectToken(Base):
    """HMAC of a normalised identifier found in an item: finds a data subject's items without
    storing the identifier itself."""

    __tablename__ = "subject_tokens"
    __table_args__ = (Index("ix_subject_tokens_token_item", "token", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    token: Mapped[str] = mapped_column(String(64))


class ImportStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    REJECTED = "rejected"  # bad lines and no --skip-invalid: nothing imported
    FAILED = "failed"  # crashed; its partial rows were removed


class ImportJob(Base):
    """One import of a file into a dataset, with its progress and summary (no content)."""

    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    status: Mapped[ImportStatus] = mapped_column(_enum(ImportStatus, "import_status"), default=ImportStatus.QUEUED)
    skip_invalid: Mapped[bool] = mapped_column(default=False)
    total_lines: Mapped[int] = mapped_column(Integer, default=0)
    processed: Mapped[int] = mapped_column(Integer, default=0)
    imported: Mapped[int] = mapped_column(Integer, default=0)
    sensitive: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    entity_counts: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    message: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class LeakStatus(enum.StrEnum):
    OPEN = "open"
    CONFIRMED = "confirmed"  # a real miss: the item stays out of every queue
    DISMISSED = "dismissed"  # no PII after all: the item returns to the queue


class LeakReport(Base):
    """Someone pressed "PII leaked": the item is quarantined and compliance reviews the report."""

    __tablename__ = "leak_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"), index=True)
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    entity_type: Mapped[str] = mapped_column(String(40))
    field: Mapped[str] = mapped_column(String(60), default="")
    status: Mapped[LeakStatus] = mapped_column(_enum(LeakStatus, "leak_status"), default=LeakStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class RawReveal(Base):
    """A compliance officer opened an item's raw payload, with the reason they typed.

    The reason is kept here (it is the officer's own words, shown in the audit report) and not in
    the audit event, whose details hold ids only; the event points at this row.
    """

    __tablename__ = "raw_reveals"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id", ondelete="SET NULL"), index=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"), index=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    revealed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
