"""Vendor administration (admins create and edit; everyone else reads within their scope)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from governance import audit
from governance.audit import Actor
from governance.errors import PortalError
from governance.models import Role, User, Vendor
from governance.regions import known_countries

MAX_RATE_USD = Decimal("1000")


@dataclass
class VendorInput:
    name: str
    country: str
    city: str
    hourly_rate_usd: str
    nda_signed_on: date | None = None
    ip_assignment_signed_on: date | None = None
    dpf_certified: bool = False
    corporate_group: str = ""
    active: bool = True


def parse_rate(text: str) -> Decimal:
    """An hourly rate in USD: positive, at most two decimals, below a sanity ceiling."""
    try:
        rate = Decimal(str(text).strip())
    except InvalidOperation:
        raise PortalError("Enter the hourly rate as a number, e.g. 18.50.", "hourly_rate_usd") from None
    if not rate.is_finite() or rate <= 0 or rate > MAX_RATE_USD:
        raise PortalError(f"The hourly rate must be above 0 and at most {MAX_RATE_USD} USD.", "hourly_rate_usd")
    if rate != rate.quantize(Decimal("0.01")):
        raise PortalError("The hourly rate has at most two decimals.", "hourly_rate_usd")
    return rate


def _validate(session: Session, data: VendorInput, existing: Vendor | None) -> Decimal:
    name = data.name.strip()
    if not name:
        raise PortalError("Enter the vendor's name.", "name")
    clash = session.scalar(select(Vendor).where(func.lower(Vendor.name) == name.lower()))
    if clash is not None and clash is not existing:
        raise PortalError("Another vendor already has this name.", "name")
    if data.country.upper() not in known_countries():
        raise PortalError(f"Unknown country code {data.country!r}; use ISO 3166 alpha-2, e.g. VN.", "country")
    return parse_rate(data.hourly_rate_usd)


def _apply(vendor: Vendor, data: VendorInput, rate: Decimal) -> None:
    vendor.name = data.name.strip()
    vendor.country = data.country.upper()
    vendor.city = data.city.strip()
    vendor.hourly_rate_usd = rate
    vendor.nda_signed_on = data.nda_signed_on
    vendor.ip_assignment_signed_on = data.ip_assignment_signed_on
    vendor.dpf_certified = data.dpf_certified
    vendor.corporate_group = data.corporate_group.strip()
    vendor.active = data.active


def create_vendor(session: Session, actor: Actor, data: VendorInput) -> Vendor:
    """Register a vendor (page, CLI and demo share this)."""
    rate = _validate(session, data, None)
    vendor = Vendor()
    _apply(vendor, data, rate)
    session.add(vendor)
    session.flush()
    audit.log(session, actor, "vendor.created", "vendor", vendor.id, {"country": vendor.country})
    return vendor


def update_vendor(session: Session, actor: Actor, vendor: Vendor, data: VendorInput) -> Vendor:
    """Edit a vendor's details; the audit event records which fields changed."""
    rate = _validate(session, data, vendor)
    before = {f: getattr(vendor, f) for f in vars(data)}
    _apply(vendor, data, rate)
    changed = sorted(f for f in before if before[f] != getattr(vendor, f))
    session.flush()
    audit.log(session, actor, "vendor.updated", "vendor", vendor.id, {"fields": changed})
    return vendor


def annotator_count(session: Session, vendor_id: int) -> int:
    return session.scalar(
        select(func.count()).select_from(User).where(User.vendor_id == vendor_id, User.role == Role.ANNOTATOR)
    ) or 0
