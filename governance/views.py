"""Sign-in, the role dashboards, the health check and the audit trail pages."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from governance import audit
from governance.accounts import authenticate
from governance.dashboard import admin_summary, compliance_summary, extra_panels, vendor_rows
from governance.db import UTC, db, utcnow
from governance.forms import AuditFilterForm, ConfirmForm, LoginForm, choices
from governance.models import Role, User
from governance.pagination import paginate
from governance.permissions import ALL_ROLES, STAFF, public, requires

auth = Blueprint("auth", __name__)
main = Blueprint("main", __name__)
audit_bp = Blueprint("audit", __name__, url_prefix="/audit")


def settings():
    return current_app.extensions["portal"]


def is_safe_redirect(target: str) -> bool:
    """Only same-site paths may follow a sign-in (no open redirect through ``?next=``)."""
    if not target or "\\" in target or any(ord(c) < 32 for c in target):
        return False
    parts = urlsplit(target)
    if parts.scheme not in ("", "http", "https"):
        return False
    if parts.netloc and parts.netloc != request.host:
        return False
    return parts.path.startswith("/") and not parts.path.startswith("//")


@auth.route("/login", methods=["GET", "POST"])
@public
def login() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        cfg = settings()
        outcome = authenticate(db.session, form.email.data or "", form.password.data or "", utcnow(),
                               cfg.login_max_failures, cfg.login_lockout_minutes)
        db.session.commit()
        if outcome.user is not None:
            login_user(outcome.user)
            target = request.args.get("next", "")
            return redirect(target if is_safe_redirect(target) else url_for("main.dashboard"))
        flash(outcome.message, "danger")
    return render_template("auth/login.html", form=form)


@auth.route("/logout", methods=["POST"])
@requires(*ALL_ROLES)
def logout() -> Any:
    if ConfirmForm().validate_on_submit():
        audit.log(db.session, current_user, "auth.logout", "user", current_user.id)
        db.session.commit()
        logout_user()
        flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@main.route("/")
@requires(*ALL_ROLES)
def dashboard() -> Any:
    now = utcnow()
    user: User = current_user._get_current_object()
    context: dict[str, Any] = {"now": now, "panels": extra_panels(db.session, user, now)}
    if user.role == Role.ADMIN:
        context["summary"] = admin_summary(db.session)
    if user.role == Role.COMPLIANCE_OFFICER:
        context["summary"] = compliance_summary(db.session, user, now)
    if user.role in (Role.VENDOR_MANAGER, Role.ANNOTATOR):
        context["vendors"] = vendor_rows(db.session, user, now.date())
    return render_template(f"dashboard/{user.role.value}.html", **context)


@main.route("/healthz")
@public
def healthz() -> Any:
    try:
        db.session.execute(text("SELECT 1"))
        return jsonify(status="ok", database="reachable")
    except SQLAlchemyError:
        return jsonify(status="error", database="unreachable"), 503


def _audit_filter(form: AuditFilterForm) -> audit.EventFilter:
    actor = (form.actor.data or "").strip()
    since = datetime.combine(form.since.data, time.min, UTC) if form.since.data else None
    until = datetime.combine(form.until.data, time.min, UTC) + timedelta(days=1) if form.until.data else None
    return audit.EventFilter(
        actor_id=int(actor) if actor.isdigit() else None,
        action=form.action.data or None,
        target_type=(form.target_type.data or "").strip() or None,
        target_id=(form.target_id.data or "").strip() or None,
        since=since,
        until=until,
    )


@audit_bp.route("/")
@requires(*STAFF)
def trail() -> Any:
    form = AuditFilterForm(request.args)
    form.action.choices = choices([("", "Any action")] + [(a, a) for a in audit.known_actions(db.session)])
    if request.args and not form.validate():
        flash("Some filters were not understood and were ignored: " + ", ".join(form.errors), "warning")
        flt = audit.EventFilter()
    else:
        flt = _audit_filter(form)
    page = paginate(db.session, audit.filtered_events(flt), request.args.get("page", "1"),
                    settings().audit_page_size)
    return render_template("governance/audit.html", form=form, page=page,
                           checkpoint=audit.last_checkpoint(db.session), confirm=ConfirmForm())


@audit_bp.route("/verify", methods=["POST"])
@requires(*STAFF)
def verify_chain() -> Any:
    if ConfirmForm().validate_on_submit():
        key = audit.chain_key(db.session, settings().master_key)
        result = audit.verify(db.session, key)
        db.session.commit()
        flash(result.summary(), "success" if result.ok else "danger")
    return redirect(url_for("audit.trail"))


from governance.admin_views import people, vendors  # noqa: E402  (blueprints defined beside these)
from governance.dataset_views import datasets  # noqa: E402
from governance.dpa_views import dpas  # noqa: E402
from governance.erasure_views import erasure  # noqa: E402
from governance.ops_views import ops  # noqa: E402

blueprints = [auth, main, audit_bp, vendors, people, dpas, datasets, ops, erasure]
