"""An annotator's welfare state from the database: their policy, facts and recent task intervals.

The rules themselves live in ``workforce/welfare.py`` (pure, tested with a controlled clock); this
module only gathers what they need, so the engine, the annotator's panel and the reports agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from governance.models import User, Vendor
from workforce.models import AnnotatorProfile, Task, TaskStatus, VendorPolicy
from workforce.welfare import (
    AnnotatorFacts,
    Interval,
    WelfarePolicy,
    WorkState,
    history_start,
    load_policy,
    state_from_intervals,
)

WORKED = (TaskStatus.SUBMITTED, TaskStatus.SKIPPED, TaskStatus.ASSIGNED, TaskStatus.WITHDRAWN)


def annotator_zone(user: User) -> ZoneInfo:
    """The annotator's time zone (their days and weeks are local); UTC if the name is unknown."""
    try:
        return ZoneInfo(user.time_zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def vendor_policy(session: Session, vendor: Vendor) -> WelfarePolicy:
    """The defaults from config, with the vendor's admin-set overrides, within its country's legal limits."""
    row = session.get(VendorPolicy, vendor.id)
    return load_policy(row.overrides if row else None, vendor.country)


def annotator_facts(session: Session, user: User, now: datetime) -> AnnotatorFacts:
    profile = session.get(AnnotatorProfile, user.id)
    days_worked = session.scalar(select(func.count(func.distinct(func.date(Task.submitted_at)))).where(
        Task.annotator_id == user.id, Task.status == TaskStatus.SUBMITTED)) or 0
    if profile is None:
        return AnnotatorFacts(working_days_in_job=days_worked)
    return AnnotatorFacts(
        s3_trained_on=profile.s3_trained_on, s3_consent_on=profile.s3_consent_on,
        last_checkin_on=profile.last_checkin_on, working_days_in_job=days_worked,
        opted_out=frozenset(profile.opt_outs or ()),
    )


def intervals(session: Session, user: User, since: datetime, now: datetime) -> list[Interval]:
    """Worked intervals (serve → finish; a task in progress runs to ``now``); declined tasks excluded."""
    rows = session.execute(select(Task.served_at, Task.finished_at, Task.severity, Task.categories).where(
        Task.annotator_id == user.id, Task.status.in_(WORKED),
        (Task.finished_at >= since) | Task.finished_at.is_(None))).all()
    return [Interval(start, end or now, severity or 0, frozenset(categories or ())) for start, end, severity, categories
            in rows if (end or now) > start]


@dataclass(frozen=True)
class WelfareView:
    policy: WelfarePolicy
    state: WorkState
    zone: ZoneInfo


def welfare_view(session: Session, user: User, vendor: Vendor, now: datetime) -> WelfareView:
    """Policy, state and zone of an annotator at ``now`` (what the engine and the panel both use)."""
    policy = vendor_policy(session, vendor)
    zone = annotator_zone(user)
    worked = intervals(session, user, history_start(now, policy), now)
    state = state_from_intervals(worked, now, zone, annotator_facts(session, user, now), policy)
    return WelfareView(policy, state, zone)
