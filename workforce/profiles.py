"""Admin services for the people side of welfare: an annotator's profile and a vendor's welfare policy.

Opt-outs (decision): an opt-out is the annotator's own choice; it takes effect at once, needs no reason
and carries no penalty (config/welfare.toml [opt_outs]). An admin may *add* one on an annotator's
behalf (say, after a conversation with the welfare lead), but may not withdraw one: a profile update
that leaves out a current opt-out is refused with a message naming it, never applied silently. Only
the annotator can withdraw their own opt-out. Opt-out names are not written to the audit trail (an
opt-out from self-harm content can hint at a person's health); the event records how many were added.

Vendor policy: the admin's settings are validated by welfare.validate_overrides against the ranges and
the legal ceilings of the vendor's country. Each setting is also checked on its own so that its problem
can be shown next to its field; problems that only arise between settings are shown for the form. On
any problem nothing is changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from config import load_policy as load_config
from governance import audit
from governance.audit import Actor
from governance.errors import PortalError
from governance.models import Role, User, Vendor
from workforce.models import AnnotatorProfile, VendorPolicy
from workforce.welfare import (
    CONFIG_NAME,
    WelfarePolicy,
    WelfarePolicyError,
    s3_missing_requirements,
    validate_overrides,
)
from workforce.welfare_state import annotator_facts, annotator_zone, vendor_policy

TEAM_MAX = 60
_DATE_FIELDS = {
    "started_on": "Start date",
    "s3_trained_on": "Training for high-severity (S3) content",
    "s3_consent_on": "Written consent to S3 work",
    "last_checkin_on": "Last wellbeing check-in",
}


def known_opt_outs() -> dict[str, tuple[str, ...]]:
    """The opt-outs an admin may record, with the content categories each covers (config only)."""
    return {name: tuple(tags) for name, tags in load_config(CONFIG_NAME)["opt_outs"].items()}


@dataclass(frozen=True)
class ProfileChanges:
    """The profile as the admin wants it (every field; unchanged ones are simply equal)."""

    team: str
    started_on: date | None
    s3_trained_on: date | None
    s3_consent_on: date | None
    last_checkin_on: date | None
    opt_outs: frozenset[str]
    is_reviewer: bool


def profile_of(session: Session, annotator: User) -> AnnotatorProfile:
    """The annotator's profile, created empty (not yet flushed) if they have none."""
    profile = session.get(AnnotatorProfile, annotator.id)
    if profile is None:
        profile = AnnotatorProfile(user_id=annotator.id, team="", opt_outs=[], is_reviewer=False)
    return profile


def _check_changes(changes: ProfileChanges, current: AnnotatorProfile, local_today: date) -> None:
    if len(changes.team.strip()) > TEAM_MAX:
        raise PortalError(f"A team name has at most {TEAM_MAX} characters.", field="team")
    for name, label in _DATE_FIELDS.items():
        value = getattr(changes, name)
        if value is not None and value > local_today:
            raise PortalError(f"{label} cannot be in the future.", field=name)
    unknown = sorted(changes.opt_outs - set(known_opt_outs()))
    if unknown:
        raise PortalError(f"Unknown opt-out: {', '.join(unknown)}.", field="opt_outs")
    withdrawn = sorted(set(current.opt_outs or ()) - changes.opt_outs)
    if withdrawn:
        raise PortalError(f"Opt-outs are the annotator's own choice: only they can withdraw "
                          f"{', '.join(withdrawn)}. An admin may add opt-outs, not remove them.",
                          field="opt_outs")


def update_profile(session: Session, actor: Actor, annotator: User, changes: ProfileChanges,
                   now: datetime) -> AnnotatorProfile:
    """Apply an admin's changes to an annotator's profile (dates are checked against the annotator's
    local today); audited with the changed field names only. Raises PortalError (with the field)."""
    if annotator.role != Role.ANNOTATOR:
        raise PortalError("Only annotators have a workforce profile.")
    profile = profile_of(session, annotator)
    _check_changes(changes, profile, now.astimezone(annotator_zone(annotator)).date())
    wanted: dict[str, Any] = {f.name: getattr(changes, f.name) for f in fields(ProfileChanges)}
    wanted["team"] = changes.team.strip()
    wanted["opt_outs"] = sorted(changes.opt_outs)
    added = len(changes.opt_outs - set(profile.opt_outs or ()))
    changed = sorted(name for name, value in wanted.items() if getattr(profile, name) != value)
    for name in changed:
        setattr(profile, name, wanted[name])
    session.add(profile)
    session.flush()
    if changed:
        audit.log(session, actor, "annotator_profile.updated", "user", annotator.id,
                  {"fields": changed, "opt_outs_added": added})
    return profile


def s3_status(session: Session, annotator: User, now: datetime) -> list[str]:
    """What still stands between the annotator and S3 work, in plain English (empty: eligible), from
    the same facts and policy the assignment engine uses. Only dates are used, never check-in answers."""
    vendor = session.get(Vendor, annotator.vendor_id)
    if vendor is None:
        return ["The annotator has no vendor."]
    try:
        policy = vendor_policy(session, vendor)
    except WelfarePolicyError:
        return ["The vendor's welfare policy is invalid: fix it before S3 work can be served."]
    facts = annotator_facts(session, annotator, now)
    return s3_missing_requirements(policy, facts, now.astimezone(annotator_zone(annotator)).date())


# --------------------------------------------------------------------------------------- vendor policy


class PolicyRejected(PortalError):
    """The admin's welfare settings were refused; ``by_field`` holds each setting's problems, ``general``
    those that involve several settings. The first problem is the message."""

    def __init__(self, by_field: dict[str, list[str]], general: list[str]) -> None:
        first_field = next(iter(by_field), None)
        message = by_field[first_field][0] if first_field else general[0]
        super().__init__(message, field=first_field)
        self.by_field = by_field
        self.general = general


def policy_settings() -> list[str]:
    """The welfare settings an admin may change per vendor: those with a range in config."""
    names = {f.name for f in fields(WelfarePolicy)}
    return [key for key in load_config(CONFIG_NAME)["ranges"] if key in names]


def setting_ranges() -> dict[str, tuple[float, float]]:
    """[lowest, highest] an admin may set for each setting (legal ceilings bind on top)."""
    return {key: (float(low), float(high)) for key, (low, high) in load_config(CONFIG_NAME)["ranges"].items()}


def current_overrides(session: Session, vendor: Vendor) -> dict[str, Any]:
    """The vendor's stored overrides (empty: the defaults for its country apply)."""
    row = session.get(VendorPolicy, vendor.id)
    return dict(row.overrides or {}) if row is not None else {}


def _normalise(value: float | int) -> float | int:
    return int(value) if float(value).is_integer() else float(value)


def _problems(
    settings: Mapping[str, float | int], merged: Mapping[str, Any], country: str
) -> PolicyRejected | None:
    by_field = {key: found for key, value in settings.items()
                if (found := validate_overrides({key: value}, country))}
    attributed = {problem for found in by_field.values() for problem in found}
    general = [p for p in validate_overrides(merged, country) if p not in attributed]
    return PolicyRejected(by_field, general) if by_field or general else None


def set_vendor_policy(
    session: Session, actor: Actor, vendor: Vendor, settings: Mapping[str, float | int | None], now: datetime
) -> VendorPolicy:
    """Replace the vendor's scalar welfare settings (``None``: back to the default); structured
    overrides (tiers, opt-outs) are kept. Refused as a whole (PolicyRejected) if any setting is out of
    range or past the legal ceiling of the vendor's country. Audited with the setting names."""
    allowed = set(policy_settings())
    unknown = sorted(set(settings) - allowed)
    if unknown:
        raise PortalError(f"There is no welfare setting called {', '.join(unknown)}.")
    given = {key: _normalise(value) for key, value in settings.items() if value is not None}
    existing = current_overrides(session, vendor)
    merged = {key: value for key, value in existing.items() if key not in allowed} | given
    if (rejected := _problems(given, merged, vendor.country)) is not None:
        raise rejected
    row = session.get(VendorPolicy, vendor.id) or VendorPolicy(vendor_id=vendor.id, overrides={})
    changed = sorted(key for key in allowed if existing.get(key) != merged.get(key))
    row.overrides, row.updated_by_id, row.updated_at = merged, actor.id, now
    session.add(row)
    session.flush()
    if changed:
        audit.log(session, actor, "welfare_policy.updated", "vendor", vendor.id,
                  {"settings": changed, "overridden": len(given)})
    return row


def vendor_policies(session: Session) -> list[tuple[Vendor, dict[str, Any]]]:
    """Every vendor with its stored overrides, for the admin's list."""
    rows = dict(session.execute(select(VendorPolicy.vendor_id, VendorPolicy.overrides)).all())
    return [(v, dict(rows.get(v.id) or {})) for v in session.scalars(select(Vendor).order_by(Vendor.name))]
