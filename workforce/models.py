"""Tables of the workforce: annotator profiles, per-vendor welfare policy, tasks, refusals, flags,
and wellbeing check-ins (which go to a person, never into assignment)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from governance.db import Base, UtcDateTime, utcnow
from governance.models import User, _enum


class AnnotatorProfile(Base):
    """Welfare-relevant facts about one annotator (training, consent, opt-outs, reviewer flag)."""

    __tablename__ = "annotator_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    team: Mapped[str] = mapped_column(String(60), default="")
    started_on: Mapped[date | None] = mapped_column(Date)
    s3_trained_on: Mapped[date | None] = mapped_column(Date)
    s3_consent_on: Mapped[date | None] = mapped_column(Date)
    last_checkin_on: Mapped[date | None] = mapped_column(Date)
    opt_outs: Mapped[list[str]] = mapped_column(JSON, default=list)
    is_reviewer: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship()


class VendorPolicy(Base):
    """An admin's tightening (or loosening, within legal limits) of the welfare defaults for a vendor."""

    __tablename__ = "vendor_policies"

    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id", ondelete="CASCADE"), primary_key=True)
    overrides: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class TaskStatus(enum.StrEnum):
    ASSIGNED = "assigned"  # served, being worked on
    SUBMITTED = "submitted"
    SKIPPED = "skipped"  # skipped with a reason
    DECLINED = "declined"  # a content warning was declined: no penalty
    ABANDONED = "abandoned"  # no heartbeat within the timeout: the slot went back to the queue
    WITHDRAWN = "withdrawn"  # the item was quarantined, erased or its vendor lost the lawful path


class Task(Base):
    """One serving of an item to one annotator. Content lives on the item; a task keeps outcomes,
    times and the answer, so cost and quality reports survive the deletion of content."""

    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_annotator_served", "annotator_id", "served_at"),
        Index("ix_tasks_annotator_item", "annotator_id", "item_id"),
        Index("ix_tasks_status_heartbeat", "status", "last_seen_at"),
        Index("ix_tasks_vendor_submitted", "vendor_id", "submitted_at"),
        Index("ix_tasks_dataset_submitted", "dataset_id", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id", ondelete="SET NULL"))
    dataset_id: Mapped[int] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"))
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[TaskStatus] = mapped_column(_enum(TaskStatus, "task_status"), default=TaskStatus.ASSIGNED)
    severity: Mapped[int] = mapped_column(Integer, default=0)
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    is_gold: Mapped[bool] = mapped_column(Boolean, default=False)
    warning_acknowledged: Mapped[bool] = mapped_column(Boolean, default=False)
    served_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    active_seconds: Mapped[int] = mapped_column(Integer, default=0)
    answer: Mapped[Any | None] = mapped_column(JSON)
    skip_reason: Mapped[str | None] = mapped_column(String(40))
    prelabel_accepted: Mapped[bool | None] = mapped_column(Boolean)
    gold_correct: Mapped[bool | None] = mapped_column(Boolean)
    review_outcome: Mapped[str | None] = mapped_column(String(12))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    annotator: Mapped[User] = relationship(foreign_keys=[annotator_id])


class WelfareRefusal(Base):
    """The engine refused to serve work for a welfare reason (counted in the welfare report)."""

    __tablename__ = "welfare_refusals"
    __table_args__ = (Index("ix_welfare_refusals_vendor_at", "vendor_id", "refused_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    annotator_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"))
    code: Mapped[str] = mapped_column(String(40))
    refused_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    resets_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ContentFlag(Base):
    """An annotator flagged an item as disturbing: it becomes sensitive for everyone after."""

    __tablename__ = "content_flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id", ondelete="SET NULL"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="SET NULL"))
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"), index=True)
    annotator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    category: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class WellbeingCheckin(Base):
    """An optional, voluntary check-in. Read by a person (the vendor's welfare lead); never used by
    the assignment engine (EU Platform Work Directive, Art 7)."""

    __tablename__ = "wellbeing_checkins"

    id: Mapped[int] = mapped_column(primary_key=True)
    annotator_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"), index=True)
    answer: Mapped[str] = mapped_column(String(20))
    wants_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
