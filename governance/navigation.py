"""The top menu: each package registers its pages with the roles that may open them."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_login import current_user

from governance.models import Role


@dataclass(frozen=True)
class NavEntry:
    label: str
    endpoint: str
    roles: frozenset[Role]
    order: int


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str


_ENTRIES: list[NavEntry] = []


def register_nav(label: str, endpoint: str, roles: set[Role] | frozenset[Role], order: int = 50) -> None:
    """Add a menu entry shown to ``roles`` (idempotent, so app factories may run many times)."""
    entry = NavEntry(label, endpoint, frozenset(roles), order)
    if entry not in _ENTRIES:
        _ENTRIES.append(entry)


def nav_items() -> list[NavItem]:
    """Menu entries for the signed-in user, in order."""
    if not current_user.is_authenticated:
        return []
    entries = sorted((e for e in _ENTRIES if current_user.role in e.roles), key=lambda e: (e.order, e.label))
    return [NavItem(e.label, url_for(e.endpoint)) for e in entries]


register_nav("Vendors", "vendors.index", {Role.ADMIN, Role.COMPLIANCE_OFFICER, Role.VENDOR_MANAGER}, 20)
register_nav("Users", "people.index", {Role.ADMIN}, 80)
register_nav("Datasets", "datasets.index", set(Role), 10)
register_nav("DPAs", "dpas.register", {Role.ADMIN, Role.COMPLIANCE_OFFICER}, 30)
register_nav("Jobs", "ops.jobs_page", {Role.ADMIN, Role.COMPLIANCE_OFFICER}, 75)
register_nav("Audit trail", "audit.trail", {Role.ADMIN, Role.COMPLIANCE_OFFICER}, 70)
