"""Dataset pages: the list each role may see, creation, and vendor assignment through the gate."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from config import load_policy
from governance.assignments import assign_dataset, assignments_with_decisions, unassign_dataset
from governance.datasets import DatasetInput, create_dataset, datasets_visible_to, purposes
from governance.db import db, utcnow
from governance.errors import PortalError
from governance.forms import AssignForm, ConfirmForm, DatasetForm, choices, show_errors
from governance.models import Dataset, Role, Vendor
from governance.permissions import ALL_ROLES, STAFF, get_vendor_or_404, requires

datasets = Blueprint("datasets", __name__, url_prefix="/datasets")
_dataset_sections: list[tuple[str, Any]] = []


def register_dataset_section(template: str, provider: Any) -> None:
    """Let later packages (imports, leak rates, queues) add a section to the dataset page."""
    if (template, provider) not in _dataset_sections:
        _dataset_sections.append((template, provider))


def get_dataset_or_404(dataset_id: int) -> Dataset:
    """Load a dataset the signed-in user may see; anything else answers 404."""
    dataset = db.session.scalars(datasets_visible_to(current_user).where(Dataset.id == dataset_id)).first()
    if dataset is None:
        abort(404)
    return dataset


@datasets.route("/")
@requires(*ALL_ROLES)
def index() -> Any:
    rows = db.session.scalars(datasets_visible_to(current_user)).all()
    return render_template("governance/datasets.html", datasets=rows)


def _dataset_form() -> DatasetForm:
    form = DatasetForm()
    form.purpose.choices = choices([(code, spec["label"]) for code, spec in purposes().items()])
    form.lawful_basis.choices = choices([(b, b.replace("_", " ")) for b in load_policy("retention")["lawful_bases"]])
    return form


def _dataset_input(form: DatasetForm) -> DatasetInput:
    try:
        gold_rate = Decimal((form.gold_rate.data or "0").strip())
    except InvalidOperation:
        raise PortalError("The gold rate is a number such as 0.05.", "gold_rate") from None
    return DatasetInput(
        name=form.name.data or "", purpose=form.purpose.data or "", lawful_basis=form.lawful_basis.data or "",
        task_kind=form.task_kind.data or "classification",
        labels=[label.strip() for label in (form.labels.data or "").split(",") if label.strip()],
        description=form.description.data or "", retention_days=form.retention_days.data,
        contains_personal_data=bool(form.contains_personal_data.data),
        special_category=bool(form.special_category.data), gold_rate=gold_rate, overlap_k=form.overlap_k.data or 1,
    )


@datasets.route("/new", methods=["GET", "POST"])
@requires(Role.ADMIN)
def new() -> Any:
    form = _dataset_form()
    if form.validate_on_submit():
        try:
            dataset = create_dataset(db.session, current_user, _dataset_input(form), utcnow())
        except PortalError as exc:
            db.session.rollback()
            show_errors(form, exc)
        else:
            db.session.commit()
            flash(f"Dataset {dataset.name} created.", "success")
            return redirect(url_for("datasets.detail", dataset_id=dataset.id))
    return render_template("governance/dataset_form.html", form=form)


@datasets.route("/<int:dataset_id>")
@requires(*ALL_ROLES)
def detail(dataset_id: int) -> Any:
    dataset = get_dataset_or_404(dataset_id)
    staff = current_user.role in STAFF
    assign_form = AssignForm()
    assign_form.vendor.choices = choices([(str(v.id), f"{v.name} ({v.country})")
                                          for v in db.session.scalars(select(Vendor).order_by(Vendor.name))])
    sections = [(template, provider(db.session, dataset, current_user)) for template, provider in _dataset_sections]
    return render_template(
        "governance/dataset.html", dataset=dataset, staff=staff, assign_form=assign_form, confirm=ConfirmForm(),
        assignments=assignments_with_decisions(db.session, dataset, utcnow().date()) if staff else [],
        sections=[(t, data) for t, data in sections if data is not None],
    )


@datasets.route("/<int:dataset_id>/assign", methods=["POST"])
@requires(Role.ADMIN)
def assign(dataset_id: int) -> Any:
    dataset = get_dataset_or_404(dataset_id)
    form = AssignForm()
    form.vendor.choices = choices([(str(v.id), v.name) for v in db.session.scalars(select(Vendor))])
    if form.validate_on_submit():
        vendor = get_vendor_or_404(int(form.vendor.data), current_user)
        outcome = assign_dataset(db.session, current_user, dataset, vendor, utcnow().date())
        db.session.commit()
        if outcome.assignment is None:
            flash(f"Assignment to {vendor.name} refused: {outcome.message}", "danger")
        else:
            flash(f"{dataset.name} assigned to {vendor.name}.", "success")
    return redirect(url_for("datasets.detail", dataset_id=dataset.id))


@datasets.route("/<int:dataset_id>/vendors/<int:vendor_id>/remove", methods=["POST"])
@requires(Role.ADMIN)
def unassign(dataset_id: int, vendor_id: int) -> Any:
    dataset = get_dataset_or_404(dataset_id)
    if ConfirmForm().validate_on_submit():
        vendor = get_vendor_or_404(vendor_id, current_user)
        unassign_dataset(db.session, current_user, dataset, vendor)
        db.session.commit()
        flash(f"{vendor.name} no longer receives {dataset.name}.", "info")
    return redirect(url_for("datasets.detail", dataset_id=dataset.id))
