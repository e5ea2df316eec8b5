"""Vendor and user administration pages (admins edit; other roles read within their scope)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from governance.accounts import UserInput, create_user, update_user
from governance.dashboard import vendor_rows
from governance.db import db, utcnow
from governance.dpas import dpa_status, missing_clauses
from governance.errors import PortalError
from governance.forms import UserForm, VendorForm, choices, show_errors
from governance.models import Role, User, Vendor
from governance.permissions import get_vendor_or_404, requires, users_visible_to
from governance.regions import region_of
from governance.vendors import VendorInput, annotator_count, create_vendor, update_vendor

vendors = Blueprint("vendors", __name__, url_prefix="/vendors")
people = Blueprint("people", __name__, url_prefix="/users")


@vendors.route("/")
@requires(Role.ADMIN, Role.COMPLIANCE_OFFICER, Role.VENDOR_MANAGER)
def index() -> Any:
    return render_template("governance/vendors.html", rows=vendor_rows(db.session, current_user, utcnow().date()))


@vendors.route("/<int:vendor_id>")
@requires(Role.ADMIN, Role.COMPLIANCE_OFFICER, Role.VENDOR_MANAGER, Role.ANNOTATOR)
def detail(vendor_id: int) -> Any:
    vendor = get_vendor_or_404(vendor_id, current_user)
    today = utcnow().date()
    staff = db.session.scalars(users_visible_to(current_user).where(User.vendor_id == vendor.id)).all() \
        if current_user.role != Role.ANNOTATOR else []
    dpas = [(d, dpa_status(d, today).value, missing_clauses(d)) for d in vendor.dpas]
    return render_template("governance/vendor.html", vendor=vendor, region=region_of(vendor.country),
                           dpas=dpas, staff=staff, annotators=annotator_count(db.session, vendor.id))


def _vendor_input(form: VendorForm) -> VendorInput:
    return VendorInput(
        name=form.name.data or "", country=form.country.data or "", city=form.city.data or "",
        hourly_rate_usd=form.hourly_rate_usd.data or "", nda_signed_on=form.nda_signed_on.data,
        ip_assignment_signed_on=form.ip_assignment_signed_on.data, dpf_certified=bool(form.dpf_certified.data),
        corporate_group=form.corporate_group.data or "", active=bool(form.active.data),
    )


def _save_vendor(form: VendorForm, vendor: Vendor | None) -> Any:
    try:
        if vendor is None:
            vendor = create_vendor(db.session, current_user, _vendor_input(form))
        else:
            update_vendor(db.session, current_user, vendor, _vendor_input(form))
    except PortalError as exc:
        db.session.rollback()
        show_errors(form, exc)
        return None
    db.session.commit()
    flash(f"Vendor {vendor.name} saved.", "success")
    return redirect(url_for("vendors.detail", vendor_id=vendor.id))


@vendors.route("/new", methods=["GET", "POST"])
@requires(Role.ADMIN)
def new() -> Any:
    form = VendorForm()
    if form.validate_on_submit():
        response = _save_vendor(form, None)
        if response is not None:
            return response
    return render_template("governance/vendor_form.html", form=form, vendor=None)


@vendors.route("/<int:vendor_id>/edit", methods=["GET", "POST"])
@requires(Role.ADMIN)
def edit(vendor_id: int) -> Any:
    vendor = get_vendor_or_404(vendor_id, current_user)
    form = VendorForm(obj=vendor)
    if form.validate_on_submit():
        response = _save_vendor(form, vendor)
        if response is not None:
            return response
    return render_template("governance/vendor_form.html", form=form, vendor=vendor)


@people.route("/", endpoint="index")
@requires(Role.ADMIN)
def list_users() -> Any:
    users = db.session.scalars(select(User).order_by(User.role, User.display_name)).all()
    return render_template("governance/users.html", users=users)


def _user_form(user: User | None) -> UserForm:
    form = UserForm(obj=user)
    form.vendors.choices = choices([(v.name, v.name) for v in db.session.scalars(select(Vendor).order_by(Vendor.name))])
    if user is not None and not form.is_submitted():
        form.role.data = user.role.value
        form.vendors.data = [v.name for v in user.managed_vendors] or ([user.vendor.name] if user.vendor else [])
    return form


def _user_input(form: UserForm) -> UserInput:
    return UserInput(email=form.email.data or "", display_name=form.display_name.data or "",
                     role=Role(form.role.data), vendor_names=list(form.vendors.data or []),
                     time_zone=(form.time_zone.data or "UTC").strip(), password=form.password.data or None)


@people.route("/new", methods=["GET", "POST"], endpoint="new")
@requires(Role.ADMIN)
def new_user() -> Any:
    form = _user_form(None)
    if form.validate_on_submit():
        try:
            user = create_user(db.session, current_user, _user_input(form))
        except PortalError as exc:
            db.session.rollback()
            show_errors(form, exc)
        else:
            db.session.commit()
            flash(f"Account for {user.display_name} created.", "success")
            return redirect(url_for("people.index"))
    return render_template("governance/user_form.html", form=form, user=None)


@people.route("/<int:user_id>/edit", methods=["GET", "POST"], endpoint="edit")
@requires(Role.ADMIN)
def edit_user(user_id: int) -> Any:
    user = db.session.get(User, user_id) or abort(404)
    form = _user_form(user)
    if form.validate_on_submit():
        if user.id == current_user.id and (Role(form.role.data) != Role.ADMIN or not form.active.data):
            flash("You cannot remove your own admin access.", "danger")
            return render_template("governance/user_form.html", form=form, user=user)
        try:
            update_user(db.session, current_user, user, _user_input(form), bool(form.active.data))
        except PortalError as exc:
            db.session.rollback()
            show_errors(form, exc)
        else:
            db.session.commit()
            flash(f"Account for {user.display_name} saved.", "success")
            return redirect(url_for("people.index"))
    return render_template("governance/user_form.html", form=form, user=user)
