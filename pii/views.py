"""PII pages: import with progress, item view, raw reveal with a reason, "PII leaked", leak review."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from governance.dataset_views import get_dataset_or_404
from governance.db import db
from governance.errors import PortalError
from governance.models import Role
from governance.permissions import ALL_ROLES, STAFF, requires
from pii.forms import ImportForm, LeakForm, LeakReviewForm, RevealForm
from pii.imports import start_in_background
from pii.ingest import create_job
from pii.items import (
    get_item_or_404,
    leak_counts_by_type,
    leak_rates_by_dataset,
    report_leak,
    reveal_raw,
    review_leak,
)
from pii.models import ImportJob, Item, LeakReport, LeakStatus

pii = Blueprint("pii", __name__)


@pii.route("/datasets/<int:dataset_id>/import", methods=["GET", "POST"])
@requires(Role.ADMIN)
def import_file(dataset_id: int) -> Any:
    dataset = get_dataset_or_404(dataset_id)
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read()
        try:
            job = create_job(db.session, current_user, dataset, upload.filename or "upload.jsonl",
                             bool(form.skip_invalid.data))
        except PortalError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            db.session.commit()
            start_in_background(current_user.id, job.id, data)
            return redirect(url_for("pii.import_progress", job_id=job.id))
    return render_template("pii/import.html", form=form, dataset=dataset)


def _job_or_404(job_id: int) -> ImportJob:
    job = db.session.get(ImportJob, job_id)
    if job is None:
        abort(404)
    return job


@pii.route("/imports/<int:job_id>")
@requires(*STAFF)
def import_progress(job_id: int) -> Any:
    job = _job_or_404(job_id)
    return render_template("pii/import_progress.html", job=job, dataset=get_dataset_or_404(job.dataset_id))


@pii.route("/imports/<int:job_id>/status")
@requires(*STAFF)
def import_status(job_id: int) -> Any:
    job = _job_or_404(job_id)
    return jsonify(status=job.status.value, total=job.total_lines, processed=job.processed, imported=job.imported,
                   sensitive=job.sensitive, rejected=len(job.rejected or []), message=job.message,
                   finished=job.finished_at is not None)


@pii.route("/items/<int:item_id>")
@requires(*ALL_ROLES)
def item(item_id: int) -> Any:
    found = get_item_or_404(db.session, item_id, current_user)
    return render_template("pii/item.html", item=found, reveal_form=RevealForm(), leak_form=LeakForm(), raw=None)


@pii.route("/items/<int:item_id>/reveal", methods=["POST"])
@requires(Role.COMPLIANCE_OFFICER)
def reveal(item_id: int) -> Any:
    found = get_item_or_404(db.session, item_id, current_user)
    form = RevealForm()
    if not form.validate_on_submit():
        flash("State the reason for revealing raw data.", "danger")
        return redirect(url_for("pii.item", item_id=found.id))
    try:
        record, raw = reveal_raw(db.session, current_user, found, form.reason.data or "",
                                 current_app.extensions["portal"].master_key)
    except PortalError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(url_for("pii.item", item_id=found.id))
    db.session.commit()
    return render_template("pii/item.html", item=found, reveal_form=RevealForm(), leak_form=LeakForm(), raw=raw,
                           reveal=record)


@pii.route("/items/<int:item_id>/leak", methods=["POST"])
@requires(*ALL_ROLES)
def leak(item_id: int) -> Any:
    found = get_item_or_404(db.session, item_id, current_user)
    form = LeakForm()
    if form.validate_on_submit():
        try:
            report_leak(db.session, current_user, found, form.entity_type.data or "", form.field.data or "")
        except PortalError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            db.session.commit()
            flash("Thank you: the item was taken out of every queue and compliance will review it.", "success")
    target = request.form.get("next", "")
    return redirect(target if target.startswith("/") and not target.startswith("//") else
                    url_for("pii.item", item_id=found.id))


@pii.route("/leaks")
@requires(*STAFF)
def leaks() -> Any:
    open_reports = db.session.scalars(select(LeakReport).where(LeakReport.status == LeakStatus.OPEN)
                                      .order_by(LeakReport.created_at)).all()
    return render_template("pii/leaks.html", reports=open_reports, rates=leak_rates_by_dataset(db.session),
                           by_type=leak_counts_by_type(db.session), form=LeakReviewForm())


@pii.route("/leaks/<int:report_id>/review", methods=["POST"])
@requires(Role.COMPLIANCE_OFFICER)
def review(report_id: int) -> Any:
    report = db.session.get(LeakReport, report_id) or abort(404)
    form = LeakReviewForm()
    if form.validate_on_submit():
        try:
            review_leak(db.session, current_user, report, form.decision.data == "confirm")
        except PortalError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            db.session.commit()
            flash("Decision recorded.", "success")
    return redirect(url_for("pii.leaks"))


def dataset_section(session: Any, dataset: Any, user: Any) -> dict[str, Any] | None:
    """Items by status, entities found, imports and leak reports, on the dataset page."""
    by_status = dict(session.execute(select(Item.status, func.count()).where(Item.dataset_id == dataset.id)
                                     .group_by(Item.status)).all())
    jobs = session.scalars(select(ImportJob).where(ImportJob.dataset_id == dataset.id)
                           .order_by(ImportJob.id.desc()).limit(5)).all() if user.role in STAFF else []
    sample = session.scalars(select(Item.id).where(Item.dataset_id == dataset.id).order_by(Item.id).limit(10)).all()
    return {"by_status": {k.value: v for k, v in by_status.items()}, "jobs": jobs, "sample": sample,
            "can_import": user.role == Role.ADMIN}
