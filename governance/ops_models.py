"""Tables for the portal's own operations: scheduled job runs and their leader lease, notifications,
erasure requests, deletion runs and the certificates they issue."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from governance.db import Base, UtcDateTime, utcnow
from governance.models import _enum


class JobRun(Base):
    """One run of a scheduled job (or of ``jobs run NAME``) and its outcome (counts only)."""

    __tablename__ = "job_runs"
    __table_args__ = (Index("ix_job_runs_job_started", "job", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(40))
    trigger: Mapped[str] = mapped_column(String(20), default="schedule")
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(12), default="running")
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    message: Mapped[str] = mapped_column(String(500), default="")


class SchedulerLease(Base):
    """Who may run scheduled jobs right now (SQLite; PostgreSQL uses an advisory lock instead)."""

    __tablename__ = "scheduler_lease"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(80))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Notification(Base):
    """Something a role must see (a DPA expiring, an erasure request due). No personal data."""

    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("dedupe_key"), Index("ix_notifications_role_created", "role", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(String(32))
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendors.id", ondelete="CASCADE"))
    level: Mapped[str] = mapped_column(String(12), default="info")
    message: Mapped[str] = mapped_column(String(300))
    link: Mapped[str] = mapped_column(String(200), default="")
    dedupe_key: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    emailed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class NotificationRead(Base):
    __tablename__ = "notification_reads"

    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id", ondelete="CASCADE"),
                                                 primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    read_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ErasureStatus(enum.StrEnum):
    OPEN = "open"
    EXECUTING = "executing"
    CLOSED = "closed"


class ErasureRequest(Base):
    """A data subject's request for erasure (GDPR Art 17). Identifiers are kept only as HMAC tokens."""

    __tablename__ = "erasure_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    received_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    extended_due_on: Mapped[date | None] = mapped_column(Date)
    extension_reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ErasureStatus] = mapped_column(_enum(ErasureStatus, "erasure_status"), default="open")
    identifier_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    tokens: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("deletion_certificates.id"))

    @property
    def deadline(self) -> date:
        return self.extended_due_on or self.due_on


class DeletionRun(Base):
    """A deletion in progress (retention sweep or erasure); a re-run resumes it where it stopped."""

    __tablename__ = "deletion_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(20))  # retention | erasure
    dataset_id: Mapped[int | None] = mapped_column(ForeignKey("datasets.id", ondelete="SET NULL"), index=True)
    erasure_request_id: Mapped[int | None] = mapped_column(ForeignKey("erasure_requests.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="running")
    stage: Mapped[str] = mapped_column(String(30), default="start")
    counts: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    key_ids_destroyed: Mapped[list[str]] = mapped_column(JSON, default=list)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("deletion_certificates.id"))


class DeletionCertificate(Base):
    """Proof that a deletion happened: scope, counts, keys destroyed, times and a digest over them."""

    __tablename__ = "deletion_certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    scope: Mapped[str] = mapped_column(String(20))
    dataset_id: Mapped[int | None] = mapped_column(Integer)
    dataset_name: Mapped[str] = mapped_column(String(120), default="")
    erasure_request_id: Mapped[int | None] = mapped_column(Integer)
    counts: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    key_ids_destroyed: Mapped[list[str]] = mapped_column(JSON, default=list)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime] = mapped_column(UtcDateTime)
    digest: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
