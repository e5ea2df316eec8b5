"""Report pages, their CSV and PDF downloads, and verify-a-report. Thin: parse, call, render."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, flash, render_template, request
from flask_login import current_user

from governance import audit as audit_chain  # the name "audit" is the audit report's view
from governance.datasets import datasets_visible_to
from governance.db import db, utcnow
from governance.errors import PortalError
from governance.models import Role
from governance.permissions import STAFF, requires, vendor_scope, vendors_visible_to
from reports.document import format_cell
from reports.filters import OutOfScope, ReportFilter, last_month, last_quarter, resolve_filter
from reports.forms import ReportFilterForm, VerifyForm
from reports.issue import recent_issues, verify_copy
from reports.produce import Reader, build_document, file_name, issue_file

bp = Blueprint("reports", __name__, url_prefix="/reports")
A, C, V = Role.ADMIN, Role.COMPLIANCE_OFFICER, Role.VENDOR_MANAGER
MIME = {"csv": "text/csv; charset=utf-8", "pdf": "application/pdf"}


@bp.app_template_filter("report_cell")
def report_cell(value: Any, kind: str = "text") -> str:
    return format_cell(value, kind)


def _master_key() -> bytes:
    return current_app.extensions["portal"].master_key


def _reader() -> Reader:
    user = current_user._get_current_object()
    return Reader(user, user.role == Role.VENDOR_MANAGER, f"{user.display_name} ({user.role.label})")


def _form(explain: bool = True) -> ReportFilterForm:
    user = current_user._get_current_object()
    form = ReportFilterForm(request.args)
    vendors = [(v.id, v.name) for v in db.session.scalars(vendors_visible_to(user))]
    datasets = [(d.id, d.name) for d in db.session.scalars(datasets_visible_to(user))]
    form.fill_choices(vendors, datasets)
    if request.args and not form.validate() and explain:
        flash("A date was not understood; last month's dates are used instead.", "warning")
    return form


def _filter(form: ReportFilterForm) -> ReportFilter:
    """The reader's filter within their scope; another vendor's or dataset's id answers 404."""
    vendor_id = form.selected_id(form.vendor)
    try:
        return resolve_filter(db.session, vendor_scope(current_user), form.period(utcnow().date()),
                              [] if vendor_id is None else [vendor_id], form.region.data or None,
                              form.selected_id(form.dataset))
    except OutOfScope:
        abort(404)


def _page(kind: str) -> Any:
    form = _form()
    today = utcnow().date()
    try:
        flt = _filter(form)
    except PortalError as exc:
        flash(f"{exc.message} Showing last month, unfiltered, instead.", "warning")
        flt = resolve_filter(db.session, vendor_scope(current_user), last_month(today))
    document = build_document(db.session, kind, flt, _reader(), _master_key(), today)
    return render_template("reports/report.html", doc=document, form=form, kind=kind, query=request.args.to_dict(),
                           presets={"Last month": last_month(today), "Last quarter": last_quarter(today)})


def _download(kind: str, file_format: str) -> Any:
    form = _form(explain=False)
    try:
        flt = _filter(form)
    except PortalError as exc:
        abort(Response(exc.message, 400, mimetype="text/plain"))
    content, _record = issue_file(db.session, kind, file_format, flt, _reader(), _master_key(), utcnow())
    db.session.commit()
    return Response(content, mimetype=MIME[file_format], headers={
        "Content-Disposition": f'attachment; filename="{file_name(kind, flt, file_format)}"',
        "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})


@bp.route("/")
@requires(A, C, V)
def index() -> Any:
    user = current_user._get_current_object()
    issued = recent_issues(db.session, None if user.role in STAFF else user.id)
    return render_template("reports/index.html", issued=issued, staff=user.role in STAFF)


@bp.route("/cost")
@requires(A, C, V)
def cost() -> Any:
    return _page("cost")


@bp.route("/cost.csv")
@requires(A, C, V)
def cost_csv() -> Any:
    return _download("cost", "csv")


@bp.route("/cost.pdf")
@requires(A, C, V)
def cost_pdf() -> Any:
    return _download("cost", "pdf")


@bp.route("/welfare")
@requires(A, C, V)
def welfare() -> Any:
    return _page("welfare")


@bp.route("/welfare.csv")
@requires(A, C, V)
def welfare_csv() -> Any:
    return _download("welfare", "csv")


@bp.route("/welfare.pdf")
@requires(A, C, V)
def welfare_pdf() -> Any:
    return _download("welfare", "pdf")


@bp.route("/audit")
@requires(*STAFF)
def audit() -> Any:
    return _page("audit")


@bp.route("/audit.csv")
@requires(*STAFF)
def audit_csv() -> Any:
    return _download("audit", "csv")


@bp.route("/audit.pdf")
@requires(*STAFF)
def audit_pdf() -> Any:
    return _download("audit", "pdf")


@bp.route("/verify", methods=["GET", "POST"])
@requires(*STAFF)
def verify() -> Any:
    form = VerifyForm()
    result = None
    if form.validate_on_submit():
        content = form.document.data.read()
        result = verify_copy(db.session, content, audit_chain.chain_key(db.session, _master_key()))
        db.session.commit()  # the chain key's root secret may have been created on first use
    return render_template("reports/verify.html", form=form, result=result)
