"""Optional wellbeing check-ins: read by a person at the annotator's vendor, never by the engine.

The EU Platform Work Directive (Art 7) forbids processing a worker's emotional or psychological
state by automated means, so the assignment engine never reads these rows; only the date a check-in
took place is copied to the profile (the S3 rules require a recent check-in, whatever its answer).
The audit trail records that a check-in happened, never its answer.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from governance import audit
from governance.errors import PortalError
from governance.models import Role, User
from governance.permissions import vendor_scope
from workforce.models import AnnotatorProfile, WellbeingCheckin
from workforce.welfare_state import annotator_zone

ANSWERS = {"good": "Doing well", "okay": "Okay", "struggling": "Struggling", "private": "Prefer not to say"}
MAX_NOTE = 500


def record_checkin(session: Session, annotator: User, answer: str, wants_contact: bool, note: str,
                   now: datetime) -> WellbeingCheckin:
    """Store a check-in for the annotator's vendor's welfare contact."""
    if annotator.role != Role.ANNOTATOR:
        raise PortalError("Only annotators check in.")
    if answer not in ANSWERS:
        raise PortalError("Choose an answer, or 'Prefer not to say'.", "answer")
    note = " ".join((note or "").split())
    if len(note) > MAX_NOTE:
        raise PortalError(f"Keep the note under {MAX_NOTE} characters.", "note")
    checkin = WellbeingCheckin(annotator_id=annotator.id, vendor_id=annotator.vendor_id, answer=answer,
                               wants_contact=wants_contact, note=note, created_at=now)
    session.add(checkin)
    profile = session.get(AnnotatorProfile, annotator.id)
    if profile is None:
        profile = AnnotatorProfile(user_id=annotator.id, opt_outs=[])
        session.add(profile)
    profile.last_checkin_on = now.astimezone(annotator_zone(annotator)).date()
    session.flush()
    audit.log(session, annotator, "wellbeing.checked_in", "user", annotator.id)
    return checkin


def checkins_for(user: User, now: datetime, days: int = 30) -> Select:
    """Check-ins a vendor manager may read: their vendors' people, the last ``days`` days."""
    scope = vendor_scope(user) or set()
    return (select(WellbeingCheckin, User).join(User, User.id == WellbeingCheckin.annotator_id)
            .where(WellbeingCheckin.vendor_id.in_(scope), WellbeingCheckin.created_at >= now - timedelta(days=days))
            .order_by(WellbeingCheckin.wants_contact.desc(), WellbeingCheckin.created_at.desc()))
