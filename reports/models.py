"""What the reports package records: each issued report file with its SHA-256 digest.

Reports never change domain data; issuing one is recorded here and in the audit chain so a reader
can later upload their copy and learn whether the portal issued it, and when.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from governance.db import Base, UtcDateTime, utcnow
from workforce.models import Task


class IssuedReport(Base):
    __tablename__ = "issued_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # audit | cost | welfare
    file_format: Mapped[str] = mapped_column(String(8))  # pdf | csv
    period_from: Mapped[date | None] = mapped_column(Date)
    period_to: Mapped[date | None] = mapped_column(Date)
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    byte_size: Mapped[int] = mapped_column(Integer)
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


# The reports' covering index over submitted tasks (migration 0008), declared here so the metadata
# matches the schema without the workforce package having to know what reports read.
Index("ix_tasks_report", Task.status, Task.vendor_id, Task.dataset_id, Task.submitted_at, Task.kind,
      Task.active_seconds, Task.review_outcome, Task.is_gold, Task.gold_correct, Task.annotator_id, Task.severity)
