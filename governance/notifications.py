"""Notifications: stored, shown on each role's home page, marked read; optionally e-mailed.

A notification is written once per situation (``dedupe_key``), so a watch job that runs every hour
does not repeat itself. Messages carry names of vendors, DPAs and requests, never personal data.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from governance.db import utcnow
from governance.models import Role, User, vendor_managers
from governance.ops_models import Notification, NotificationRead

log = logging.getLogger(__name__)


def notify(session: Session, role: Role, message: str, dedupe_key: str, link: str = "", level: str = "warning",
           vendor_id: int | None = None) -> Notification | None:
    """Record a notification for everyone holding ``role`` (vendor managers: of ``vendor_id``) once."""
    if session.scalar(select(exists().where(Notification.dedupe_key == dedupe_key))):
        return None
    note = Notification(role=role.value, vendor_id=vendor_id, level=level, message=message[:300], link=link,
                        dedupe_key=dedupe_key, created_at=utcnow())
    session.add(note)
    session.flush()
    return note


def _visible_query(user: User):
    query = select(Notification).where(Notification.role == user.role.value)
    if user.role == Role.VENDOR_MANAGER:
        managed = select(vendor_managers.c.vendor_id).where(vendor_managers.c.user_id == user.id)
        query = query.where(or_(Notification.vendor_id.is_(None), Notification.vendor_id.in_(managed)))
    elif user.role == Role.ANNOTATOR:
        query = query.where(or_(Notification.vendor_id.is_(None), Notification.vendor_id == user.vendor_id))
    return query


def unread_for(session: Session, user: User, limit: int = 20) -> list[Notification]:
    """The user's unread notifications, newest first."""
    read = select(NotificationRead.notification_id).where(NotificationRead.user_id == user.id)
    return list(session.scalars(_visible_query(user).where(Notification.id.not_in(read))
                                .order_by(Notification.created_at.desc()).limit(limit)))


def mark_read(session: Session, user: User, notification_id: int) -> bool:
    """Mark one of the user's notifications read; ``False`` if it is not theirs to read."""
    note = session.scalars(_visible_query(user).where(Notification.id == notification_id)).first()
    if note is None:
        return False
    if session.get(NotificationRead, (note.id, user.id)) is None:
        session.add(NotificationRead(notification_id=note.id, user_id=user.id, read_at=utcnow()))
    return True


def send_pending_email(session: Session, smtp_host: str | None, sender: str, port: int = 25) -> int:
    """E-mail notifications not yet sent to the people of their role (only when SMTP is configured).

    Without ``PORTAL_SMTP_HOST`` this does nothing and that is not an error: notifications stay on
    the dashboards. A failing mail server is logged (without addresses) and retried on the next run.
    """
    if not smtp_host:
        return 0
    pending = session.scalars(select(Notification).where(Notification.emailed_at.is_(None))).all()
    sent = 0
    try:
        with smtplib.SMTP(smtp_host, port, timeout=10) as smtp:
            for note in pending:
                recipients = _recipients(session, note)
                if recipients:
                    smtp.send_message(_email(note, sender, recipients))
                note.emailed_at = utcnow()
                sent += 1
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("notification e-mail failed: %s", type(exc).__name__)
    return sent


def _recipients(session: Session, note: Notification) -> list[str]:
    query = select(User.email).where(User.role == Role(note.role), User.active.is_(True))
    if note.vendor_id is not None and note.role == Role.VENDOR_MANAGER:
        query = query.join(vendor_managers, vendor_managers.c.user_id == User.id).where(
            vendor_managers.c.vendor_id == note.vendor_id)
    return list(session.scalars(query))


def _email(note: Notification, sender: str, recipients: list[str]) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = f"[Governance Portal] {note.message[:80]}"
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message.set_content(note.message + (f"\n\n{note.link}" if note.link else ""))
    return message
