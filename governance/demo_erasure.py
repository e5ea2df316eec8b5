"""Demo erasure request: a data subject who wrote to support, due in five days (Sophie's dashboard)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from governance.erasure import ErasureInput, add_months, create_request
from governance.models import Role, User

DUE_IN_DAYS = 5
SUBJECT = {"email": "mai.nguyen@example.com", "phone": "+84 90 123 4567"}


def seed_erasure_request(session: Session, now: datetime) -> None:
    """An open request received so that its one-month deadline falls five days from today."""
    officer = session.scalars(select(User).where(User.role == Role.COMPLIANCE_OFFICER)).first()
    due = now.date() + timedelta(days=DUE_IN_DAYS)
    received = add_months(due, -1)
    create_request(session, officer, current_app.extensions["portal"].master_key,
                   ErasureInput(received_on=received, **SUBJECT), now.date())
