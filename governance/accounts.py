"""User accounts: password hashing, sign-in with lock-out, and account administration.

Passwords are hashed with Argon2id (argon2-cffi: the OWASP-recommended algorithm, with a
well-maintained binding). After ``login_max_failures`` wrong passwords an account is locked for
``login_lockout_minutes``; the lock-out and its failures are audited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import available_timezones

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from governance import audit
from governance.audit import SYSTEM, Actor
from governance.errors import PortalError
from governance.models import Role, User, Vendor

_hasher = PasswordHasher()
# Verifying against this keeps the time of a wrong e-mail close to that of a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password")
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
MIN_PASSWORD_LENGTH = 10
FAILED_MESSAGE = "Wrong e-mail or password."


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class LoginOutcome:
    """What a sign-in attempt produced; ``user`` is set only on success."""

    user: User | None
    message: str = ""


def _locked_message(until: datetime, now: datetime) -> str:
    minutes = max(1, int((until - now).total_seconds() // 60) + 1)
    return f"This account is locked after too many failed sign-ins. Try again in {minutes} minutes."


def authenticate(
    session: Session, email: str, password: str, now: datetime, max_failures: int, lockout_minutes: int
) -> LoginOutcome:
    """Check a sign-in; count failures, lock the account when they reach the limit, audit all of it.

    Returns an outcome rather than raising, because a failed attempt is still a state change the
    caller must commit.
    """
    user = session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None or not user.active:
        password_matches(_DUMMY_HASH, password)
        audit.log(session, SYSTEM, "auth.login_failed", "user", user.id if user else None,
                  {"known_account": user is not None})
        return LoginOutcome(None, FAILED_MESSAGE)
    if user.locked_until is not None and user.locked_until > now:
        audit.log(session, SYSTEM, "auth.login_blocked", "user", user.id)
        return LoginOutcome(None, _locked_message(user.locked_until, now))
    if not password_matches(user.password_hash, password):
        return _record_failure(session, user, now, max_failures, lockout_minutes)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    audit.log(session, user, "auth.login", "user", user.id)
    return LoginOutcome(user)


def _record_failure(
    session: Session, user: User, now: datetime, max_failures: int, lockout_minutes: int
) -> LoginOutcome:
    user.failed_logins = (user.failed_logins or 0) + 1
    audit.log(session, SYSTEM, "auth.login_failed", "user", user.id, {"failures": user.failed_logins})
    if user.failed_logins < max_failures:
        return LoginOutcome(None, FAILED_MESSAGE)
    user.locked_until = now + timedelta(minutes=lockout_minutes)
    user.failed_logins = 0
    audit.log(session, SYSTEM, "auth.locked_out", "user", user.id, {"minutes": lockout_minutes})
    return LoginOutcome(None, _locked_message(user.locked_until, now))


@dataclass
class UserInput:
    """Validated fields for creating or editing an account."""

    email: str
    display_name: str
    role: Role
    vendor_names: list[str]
    time_zone: str = "UTC"
    password: str | None = None


def _validate(session: Session, data: UserInput, existing: User | None) -> list[Vendor]:
    if not EMAIL_RE.match(data.email):
        raise PortalError("Enter a valid e-mail address.", "email")
    clash = session.scalar(select(User).where(func.lower(User.email) == data.email.lower()))
    if clash is not None and clash is not existing:
        raise PortalError("Another account already uses this e-mail address.", "email")
    if not data.display_name.strip():
        raise PortalError("Enter a name.", "display_name")
    if data.time_zone not in available_timezones():
        raise PortalError("Choose a known time zone, e.g. Asia/Ho_Chi_Minh.", "time_zone")
    if data.password is not None and len(data.password) < MIN_PASSWORD_LENGTH:
        raise PortalError(f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.", "password")
    return _vendors_for_role(session, data.role, data.vendor_names)


def _vendors_for_role(session: Session, role: Role, names: list[str]) -> list[Vendor]:
    vendors = [session.scalar(select(Vendor).where(Vendor.name == name)) for name in names]
    missing = [name for name, vendor in zip(names, vendors, strict=True) if vendor is None]
    if missing:
        raise PortalError(f"No vendor named {missing[0]!r}.", "vendors")
    if role == Role.ANNOTATOR and len(vendors) != 1:
        raise PortalError("An annotator works for exactly one vendor.", "vendors")
    if role == Role.VENDOR_MANAGER and not vendors:
        raise PortalError("A vendor manager manages at least one vendor.", "vendors")
    if role in (Role.ADMIN, Role.COMPLIANCE_OFFICER) and vendors:
        raise PortalError("Admins and compliance officers are not tied to a vendor.", "vendors")
    return [v for v in vendors if v is not None]


def _apply(user: User, data: UserInput, vendors: list[Vendor]) -> None:
    user.email = data.email.strip().lower()
    user.display_name = data.display_name.strip()
    user.role = data.role
    user.time_zone = data.time_zone
    user.vendor_id = vendors[0].id if data.role == Role.ANNOTATOR else None
    user.managed_vendors = vendors if data.role == Role.VENDOR_MANAGER else []
    if data.password is not None:
        user.password_hash = hash_password(data.password)


def create_user(session: Session, actor: Actor, data: UserInput) -> User:
    """Create an account (web form and ``users create`` share this)."""
    if data.password is None:
        raise PortalError("Set a password for the new account.", "password")
    vendors = _validate(session, data, None)
    user = User(failed_logins=0, active=True)
    _apply(user, data, vendors)
    session.add(user)
    session.flush()
    audit.log(session, actor, "user.created", "user", user.id,
              {"role": user.role.value, "vendor_ids": sorted(v.id for v in vendors)})
    return user


def update_user(session: Session, actor: Actor, user: User, data: UserInput, active: bool) -> User:
    """Edit an account; clearing ``active`` disables sign-in without deleting history."""
    vendors = _validate(session, data, user)
    _apply(user, data, vendors)
    user.active = active
    if active:
        user.locked_until = None
    session.flush()
    audit.log(session, actor, "user.updated", "user", user.id,
              {"role": user.role.value, "active": active, "vendor_ids": sorted(v.id for v in vendors),
               "password_changed": data.password is not None})
    return user
