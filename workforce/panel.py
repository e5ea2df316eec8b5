"""The annotator's own panel: hours against caps, sensitive exposure against caps, gold accuracy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from governance.models import User, Vendor
from workforce.models import Task, TaskStatus
from workforce.welfare_state import welfare_view


@dataclass(frozen=True)
class Gauge:
    label: str
    used: float
    cap: float
    unit: str

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.used / self.cap)) if self.cap else 0


@dataclass(frozen=True)
class Panel:
    gauges: list[Gauge]
    gold_accuracy: float | None
    gold_items: int
    submitted_today: int
    recent: list[Task]
    time_zone: str


def annotator_panel(session: Session, user: User, now: datetime) -> Panel:
    """Figures for the panel, from the same welfare state the assignment engine uses."""
    vendor = session.get(Vendor, user.vendor_id)
    view = welfare_view(session, user, vendor, now)
    state, policy = view.state, view.policy
    gauges = [
        Gauge("Hours today", round(state.worked_seconds_today / 3600, 2), policy.daily_cap_hours, "h"),
        Gauge("Hours this week", round(state.worked_seconds_week / 3600, 2), policy.weekly_cap_hours, "h"),
        Gauge("Sensitive items today", state.sensitive_items_today, policy.sensitive_items_per_day, "items"),
        Gauge("Sensitive minutes today", round(state.sensitive_seconds_today / 60), policy.sensitive_minutes_per_day,
              "min"),
    ]
    correct, graded = session.execute(select(
        func.sum(case((Task.gold_correct.is_(True), 1), else_=0)), func.count(Task.gold_correct),
    ).where(Task.annotator_id == user.id, Task.status == TaskStatus.SUBMITTED)).one()
    local_midnight = now.astimezone(view.zone).replace(hour=0, minute=0, second=0, microsecond=0)
    submitted_today = session.scalar(select(func.count()).select_from(Task).where(
        Task.annotator_id == user.id, Task.status == TaskStatus.SUBMITTED, Task.submitted_at >= local_midnight)) or 0
    recent = list(session.scalars(select(Task).where(Task.annotator_id == user.id)
                                  .order_by(Task.id.desc()).limit(15)))
    return Panel(gauges, round(correct / graded, 3) if graded else None, graded or 0, submitted_today, recent,
                 user.time_zone)


def dashboard_panel(session: Session, user: User, now: datetime) -> dict[str, Panel]:
    """The annotator's home page shows the same panel as their workbench."""
    return {"panel": annotator_panel(session, user, now)}
