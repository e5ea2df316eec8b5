"""DPA status, derived from dates and clauses (never typed in)."""

from __future__ import annotations

import enum
from datetime import date, timedelta

from config import load_policy
from governance.models import Dpa


class DpaStatus(enum.StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    EXPIRING = "expiring"
    EXPIRED = "expired"


def required_clauses() -> dict[str, str]:
    """Art 28(3) clauses every DPA must cover, code → description."""
    return dict(load_policy("gdpr")["dpa_required_clauses"])


def missing_clauses(dpa: Dpa) -> list[str]:
    """Required clauses the DPA does not cover (empty when complete)."""
    covered = set(dpa.art28_clauses or [])
    return [code for code in required_clauses() if code not in covered]


def dpa_status(dpa: Dpa, today: date) -> DpaStatus:
    """Draft until signed; expired after its expiry date; expiring when within the warning window."""
    if dpa.signed_on is None or dpa.signed_on > today:
        return DpaStatus.DRAFT
    if dpa.expires_on is not None and dpa.expires_on < today:
        return DpaStatus.EXPIRED
    window = timedelta(days=load_policy("gdpr")["dpa"]["expiring_within_days"])
    if dpa.expires_on is not None and dpa.expires_on - today <= window:
        return DpaStatus.EXPIRING
    return DpaStatus.ACTIVE


def current_dpa(dpas: list[Dpa], today: date) -> Dpa | None:
    """The DPA that governs a vendor today: the newest signed and unexpired one, else the newest."""
    live = [d for d in dpas if dpa_status(d, today) in (DpaStatus.ACTIVE, DpaStatus.EXPIRING)]
    pool = live or list(dpas)
    return max(pool, key=lambda d: (d.signed_on or date.min, d.id), default=None)
