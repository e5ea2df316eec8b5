"""The DPA register pages (admins and compliance officers)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_login import current_user
from sqlalchemy import select
import io

from governance.dashboard import vendor_rows
from governance.db import db, utcnow
from governance.dpa_register import (
    DpaInput,
    attach_document,
    create_dpa,
    parse_country_list,
    read_document,
    update_dpa,
)
from governance.dpas import required_clauses
from governance.errors import PortalError
from governance.forms import DpaForm, choices, show_errors
from governance.models import Dpa
from governance.permissions import STAFF, get_vendor_or_404, requires

dpas = Blueprint("dpas", __name__)


@dpas.route("/dpas")
@requires(*STAFF)
def register() -> Any:
    return render_template("governance/dpas.html", rows=vendor_rows(db.session, current_user, utcnow().date()))


def _form(dpa: Dpa | None) -> DpaForm:
    form = DpaForm(obj=dpa)
    form.art28_clauses.choices = choices(list(required_clauses().items()))
    if dpa is not None and not form.is_submitted():
        form.storage_countries.data = ", ".join(dpa.storage_countries)
        form.sub_processors.data = "\n".join(dpa.sub_processors)
        form.transfer_mechanism.data = dpa.transfer_mechanism.value
        form.scc_module.data = str(dpa.scc_module or "")
    return form


def _input(form: DpaForm) -> DpaInput:
    return DpaInput(
        reference=form.reference.data or "", signed_on=form.signed_on.data, expires_on=form.expires_on.data,
        storage_countries=parse_country_list(form.storage_countries.data or ""),
        transfer_mechanism=form.transfer_mechanism.data or "none",
        scc_module=int(form.scc_module.data) if form.scc_module.data else None,
        tia_completed_on=form.tia_completed_on.data,
        sub_processors=(form.sub_processors.data or "").splitlines(),
        deletion_sla_days=form.deletion_sla_days.data or 30,
        art28_clauses=list(form.art28_clauses.data or []),
    )


def _save(form: DpaForm, vendor_id: int, dpa: Dpa | None) -> Any:
    """Validate, save and attach the PDF in one unit of work; on any problem nothing is stored."""
    try:
        if dpa is None:
            dpa = create_dpa(db.session, current_user, get_vendor_or_404(vendor_id, current_user), _input(form))
        else:
            update_dpa(db.session, current_user, dpa, _input(form))
        upload = form.document.data
        if upload:
            attach_document(db.session, current_user, current_app.extensions["portal"].master_key, dpa,
                            upload.read(current_app.config["MAX_CONTENT_LENGTH"] + 1))
    except PortalError as exc:
        db.session.rollback()
        show_errors(form, exc)
        return None
    db.session.commit()
    flash(f"DPA {dpa.reference} saved.", "success")
    return redirect(url_for("vendors.detail", vendor_id=dpa.vendor_id))


@dpas.route("/vendors/<int:vendor_id>/dpas/new", methods=["GET", "POST"])
@requires(*STAFF)
def new(vendor_id: int) -> Any:
    vendor = get_vendor_or_404(vendor_id, current_user)
    form = _form(None)
    if form.validate_on_submit() and (response := _save(form, vendor.id, None)) is not None:
        return response
    return render_template("governance/dpa_form.html", form=form, vendor=vendor, dpa=None)


@dpas.route("/dpas/<int:dpa_id>/edit", methods=["GET", "POST"])
@requires(*STAFF)
def edit(dpa_id: int) -> Any:
    dpa = db.session.get(Dpa, dpa_id) or abort(404)
    form = _form(dpa)
    if form.validate_on_submit() and (response := _save(form, dpa.vendor_id, dpa)) is not None:
        return response
    return render_template("governance/dpa_form.html", form=form, vendor=dpa.vendor, dpa=dpa)


@dpas.route("/dpas/<int:dpa_id>/document")
@requires(*STAFF)
def document(dpa_id: int) -> Any:
    dpa = db.session.scalars(select(Dpa).where(Dpa.id == dpa_id)).first() or abort(404)
    content = read_document(db.session, current_app.extensions["portal"].master_key, dpa)
    return send_file(io.BytesIO(content), mimetype="application/pdf", as_attachment=True,
                     download_name=f"{dpa.reference}.pdf")
