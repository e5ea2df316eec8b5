"""Who may call what: route gates, object rules and query scopes, failing closed.

Every endpoint declares its roles with :func:`requires` (or is marked :func:`public`). A
``before_request`` hook refuses any endpoint that declares nothing, so a forgotten decorator is a
403, never an open door; a test walks the URL map for the same reason.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, current_app, request
from flask_login import current_user
from sqlalchemy import Select, select

from governance.db import db
from governance.models import Role, User, Vendor, vendor_managers

F = TypeVar("F", bound=Callable[..., Any])
ALL_ROLES = frozenset(Role)
STAFF = frozenset({Role.ADMIN, Role.COMPLIANCE_OFFICER})
PUBLIC_ENDPOINTS = frozenset({"static", "bootstrap.static"})


def requires(*roles: Role) -> Callable[[F], F]:
    """Allow only signed-in users holding one of ``roles``; others get sign-in or 403."""
    allowed = frozenset(roles)
    if not allowed or not allowed <= ALL_ROLES:
        raise ValueError("requires() needs one or more known roles")

    def decorate(view: F) -> F:
        @wraps(view)
        def gated(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        gated.allowed_roles = allowed  # type: ignore[attr-defined]
        return gated  # type: ignore[return-value]

    return decorate


def public(view: F) -> F:
    """Mark an endpoint that needs no sign-in (sign-in itself, the health check)."""
    view.is_public = True  # type: ignore[attr-defined]
    return view


def declared_roles(view: Callable[..., Any]) -> frozenset[Role] | None:
    """The roles a view declares, ``frozenset()`` for public views, ``None`` if it declares nothing."""
    if getattr(view, "is_public", False):
        return frozenset()
    return getattr(view, "allowed_roles", None)


def enforce_declarations() -> None:
    """``before_request`` hook: an endpoint without a declaration is refused (deny by default)."""
    endpoint = request.endpoint
    if endpoint is None or endpoint in PUBLIC_ENDPOINTS:
        return
    view = current_app.view_functions.get(endpoint)
    if view is None or declared_roles(view) is None:
        abort(403)


def vendor_scope(user: User) -> set[int] | None:
    """Vendor ids ``user`` may see; ``None`` means every vendor (admin and compliance)."""
    if user.role in STAFF:
        return None
    if user.role == Role.VENDOR_MANAGER:
        return set(
            db.session.scalars(select(vendor_managers.c.vendor_id).where(vendor_managers.c.user_id == user.id))
        )
    return {user.vendor_id} if user.vendor_id is not None else set()


def scoped_to_vendors(query: Select, vendor_column: Any, user: User) -> Select:
    """Restrict ``query`` to rows whose ``vendor_column`` lies in the user's scope."""
    scope = vendor_scope(user)
    return query if scope is None else query.where(vendor_column.in_(scope))


def vendors_visible_to(user: User) -> Select:
    """The vendors a user may list."""
    return scoped_to_vendors(select(Vendor).order_by(Vendor.name), Vendor.id, user)


def get_vendor_or_404(vendor_id: int, user: User) -> Vendor:
    """Load a vendor the user may see; anything else (missing or out of scope) is a 404."""
    scope = vendor_scope(user)
    if scope is not None and vendor_id not in scope:
        abort(404)
    vendor = db.session.get(Vendor, vendor_id)
    if vendor is None:
        abort(404)
    return vendor


def users_visible_to(user: User) -> Select:
    """People a user may list: staff see everyone, vendor managers their vendors' people."""
    query = select(User).order_by(User.display_name)
    if user.role in STAFF:
        return query
    return scoped_to_vendors(query, User.vendor_id, user)
