"""Erasure requests and deletion certificates (compliance officers act; admins may look).

Executing an erasure cannot be undone, so only compliance officers record, extend and execute
requests; admins see the lists, the requests and the certificates.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy.orm import Session

from governance.certificates import (
    certificate_context,
    certificates_newest_first,
    recent_certificates,
    recent_runs,
)
from governance.dashboard import register_panel
from governance.db import db, utcnow
from governance.erasure import (
    ErasureInput,
    ErasureInputError,
    create_request,
    days_left,
    execute,
    extend,
    open_requests,
    preview,
    requests_by_urgency,
)
from governance.erasure_forms import ErasureRequestForm, ExtendForm
from governance.forms import ConfirmForm, show_errors
from governance.models import Role, User
from governance.navigation import register_nav
from governance.ops_models import DeletionCertificate, ErasureRequest, ErasureStatus
from governance.pagination import paginate
from governance.pdf import render_pdf
from governance.permissions import STAFF, requires

erasure = Blueprint("erasure", __name__)
OFFICER = Role.COMPLIANCE_OFFICER
PAGE_SIZE = 50


def _master_key() -> bytes:
    return current_app.extensions["portal"].master_key


def _request_or_404(request_id: int) -> ErasureRequest:
    return db.session.get(ErasureRequest, request_id) or abort(404)


@erasure.route("/erasure")
@requires(*STAFF)
def index() -> Any:
    page = paginate(db.session, requests_by_urgency(), request.args.get("page"), PAGE_SIZE)
    return render_template("governance/erasure_list.html", page=page, today=utcnow().date(), days_left=days_left)


@erasure.route("/erasure/new", methods=["GET", "POST"])
@requires(OFFICER)
def new() -> Any:
    form = ErasureRequestForm()
    if not form.is_submitted():
        form.received_on.data = utcnow().date()
    if form.validate_on_submit():
        data = ErasureInput(form.received_on.data, form.email.data or "", form.phone.data or "", form.name.data or "")
        try:
            created = create_request(db.session, current_user, _master_key(), data, utcnow().date())
        except ErasureInputError as exc:
            db.session.rollback()
            show_errors(form, exc)
        else:
            db.session.commit()
            flash(f"Erasure request {created.reference} recorded; it is due on {created.due_on}.", "success")
            return redirect(url_for("erasure.detail", request_id=created.id))
    return render_template("governance/erasure_form.html", form=form)


def _detail_page(erasure_request: ErasureRequest, extend_form: ExtendForm | None = None) -> Any:
    closed = erasure_request.status == ErasureStatus.CLOSED
    certificate = db.session.get(DeletionCertificate, erasure_request.certificate_id) \
        if erasure_request.certificate_id else None
    matches = [] if closed else preview(db.session, erasure_request)
    return render_template(
        "governance/erasure_detail.html", req=erasure_request, matches=matches, certificate=certificate,
        today=utcnow().date(), days_left=days_left(erasure_request, utcnow().date()),
        confirm=ConfirmForm(), extend_form=extend_form or ExtendForm(), may_act=current_user.role == OFFICER,
    )


@erasure.route("/erasure/<int:request_id>")
@requires(*STAFF)
def detail(request_id: int) -> Any:
    return _detail_page(_request_or_404(request_id))


@erasure.route("/erasure/<int:request_id>/execute", methods=["POST"])
@requires(OFFICER)
def execute_request(request_id: int) -> Any:
    erasure_request = _request_or_404(request_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("erasure.detail", request_id=request_id))
    certificate = execute(db.session, current_user, erasure_request)
    db.session.commit()
    flash(f"Erasure request {erasure_request.reference} executed: {certificate.counts.get('items', 0)} item(s) "
          f"erased. Certificate {certificate.reference} issued.", "success")
    return redirect(url_for("erasure.certificate", certificate_id=certificate.id))


@erasure.route("/erasure/<int:request_id>/extend", methods=["POST"])
@requires(OFFICER)
def extend_request(request_id: int) -> Any:
    erasure_request = _request_or_404(request_id)
    form = ExtendForm()
    if not form.validate_on_submit():
        return _detail_page(erasure_request, form)
    months = int(form.months.data) if (form.months.data or "").isdigit() else None
    try:
        extend(db.session, current_user, erasure_request, months, form.reason.data or "", utcnow().date())
    except ErasureInputError as exc:
        db.session.rollback()
        show_errors(form, exc)
        return _detail_page(erasure_request, form)
    db.session.commit()
    flash(f"Deadline extended to {erasure_request.extended_due_on}. Tell the data subject, with the reason.", "success")
    return redirect(url_for("erasure.detail", request_id=request_id))


@erasure.route("/certificates")
@requires(*STAFF)
def certificates() -> Any:
    page = paginate(db.session, certificates_newest_first(), request.args.get("page"), PAGE_SIZE)
    return render_template("governance/certificates.html", page=page)


def _certificate_or_404(certificate_id: int) -> DeletionCertificate:
    return db.session.get(DeletionCertificate, certificate_id) or abort(404)


@erasure.route("/certificates/<int:certificate_id>")
@requires(*STAFF)
def certificate(certificate_id: int) -> Any:
    context = certificate_context(db.session, _certificate_or_404(certificate_id))
    return render_template("governance/certificate.html", cert=context)


@erasure.route("/certificates/<int:certificate_id>.pdf")
@requires(*STAFF)
def certificate_pdf(certificate_id: int) -> Any:
    context = certificate_context(db.session, _certificate_or_404(certificate_id))
    pdf = render_pdf(render_template("pdf/certificate.html", cert=context))
    return send_file(io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True,
                     download_name=f"{context['reference']}.pdf")


# ---------------------------------------------------------------- dashboard panels and menu
def erasure_panel(session: Session, user: User, now: datetime) -> dict[str, Any]:
    """Unfinished erasure requests and their deadlines (shown even when there are none)."""
    today = now.date()
    return {"requests": [(r, days_left(r, today)) for r in open_requests(session)]}


def deletions_panel(session: Session, user: User, now: datetime) -> dict[str, Any]:
    """The last deletion runs (unfinished ones too) and the last certificates issued."""
    return {"runs": recent_runs(session), "certificates": recent_certificates(session)}


register_panel(OFFICER, "dashboard/_erasure_requests.html", erasure_panel)
register_panel(OFFICER, "dashboard/_deletions.html", deletions_panel)
register_nav("Erasure requests", "erasure.index", STAFF, 45)
register_nav("Certificates", "erasure.certificates", STAFF, 46)
