"""Home-page panels of the team side: a manager's team today, compliance's flag counts, the admin's
staffing summary and a reviewer's queue. Each returns ``None`` when it has nothing to say."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from governance.models import Role, User
from governance.permissions import vendor_scope
from workforce import quality as q
from workforce import team as t
from workforce.models import AnnotatorProfile, ContentFlag, VendorPolicy
from workforce.review import review_queue, reviewer_profile

QUALITY_DAYS = 30
QUEUE_PEEK = 50


def _flag_count(session: Session, scope: q.Scope, now: datetime) -> int:
    rows = q.annotator_dataset_quality(session, scope, q.Window(now - timedelta(days=QUALITY_DAYS), now))
    return len({r.annotator_id for r in q.rubber_stamp_flags(rows)})


def manager_panel(session: Session, user: User, now: datetime) -> dict[str, Any] | None:
    """People, hours today, welfare refusals this week and rubber-stamp flags in the manager's vendors."""
    scope = vendor_scope(user)
    people = t.roster(session, scope, now, {})
    if not people:
        return None
    by_vendor, _ = t.refusals_by_vendor_and_team(session, scope, t.week_start(user, now))
    return {"people": len(people), "hours_today": sum(p.hours_today for p in people),
            "sensitive_today": sum(p.sensitive_today for p in people),
            "refusals_week": sum(sum(c.values()) for c in by_vendor.rows.values()),
            "flagged": _flag_count(session, scope, now)}


def compliance_panel(session: Session, user: User, now: datetime) -> dict[str, Any]:
    """How many annotators are flagged as likely rubber-stampers, and content flags in the last 30 days."""
    since = now - timedelta(days=QUALITY_DAYS)
    flags = session.scalar(
        select(func.count()).select_from(ContentFlag).where(ContentFlag.created_at >= since))
    return {"flagged": _flag_count(session, None, now), "content_flags": flags or 0, "days": QUALITY_DAYS}


def admin_panel(session: Session, user: User, now: datetime) -> dict[str, Any]:
    """Staffing at a glance: S3-trained annotators, reviewers, and vendors with their own welfare policy."""
    count = func.count()
    trained = session.scalar(select(count).select_from(AnnotatorProfile)
                             .where(AnnotatorProfile.s3_trained_on.is_not(None))) or 0
    reviewers = session.scalar(select(count).select_from(AnnotatorProfile)
                               .where(AnnotatorProfile.is_reviewer.is_(True))) or 0
    policies = [o for o in session.scalars(select(VendorPolicy.overrides)) if o]
    annotators = session.scalar(select(count).select_from(User).where(User.role == Role.ANNOTATOR)) or 0
    return {"annotators": annotators, "s3_trained": trained, "reviewers": reviewers,
            "own_policies": len(policies)}


def reviewer_panel(session: Session, user: User, now: datetime) -> dict[str, Any] | None:
    """For a reviewer only: how much of their vendor's work waits for review."""
    if reviewer_profile(session, user) is None:
        return None
    waiting = len(review_queue(session, user, now.date(), limit=QUEUE_PEEK))
    return {"waiting": waiting, "more": waiting >= QUEUE_PEEK}
