"""Admin pages for staffing: annotator profiles (S3 training, consent, check-ins, opt-outs, reviewer,
team) and each vendor's welfare policy. Thin: parse, call a service in workforce.profiles, render."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from governance.db import db, utcnow
from governance.errors import PortalError
from governance.forms import choices
from governance.models import Role, User
from governance.permissions import get_vendor_or_404, requires
from workforce import profiles as p
from workforce.models import AnnotatorProfile
from workforce.team import get_annotator_or_404
from workforce.team_forms import ProfileForm, policy_form_class
from workforce.welfare import WelfarePolicyError, load_policy

staffing = Blueprint("staffing", __name__, url_prefix="/staffing")


@staffing.route("/annotators")
@requires(Role.ADMIN)
def profiles() -> Any:
    rows = db.session.execute(
        select(User, AnnotatorProfile).outerjoin(AnnotatorProfile, AnnotatorProfile.user_id == User.id)
        .where(User.role == Role.ANNOTATOR).order_by(User.vendor_id, User.display_name)).all()
    return render_template("workforce/staffing_profiles.html", rows=rows)


def _profile_form(profile: AnnotatorProfile) -> ProfileForm:
    form = ProfileForm(obj=profile)
    form.opt_outs.choices = choices([(name, f"{name.replace('_', ' ')} ({', '.join(tags)})")
                                     for name, tags in p.known_opt_outs().items()])
    if not form.is_submitted():
        form.opt_outs.data = list(profile.opt_outs or [])
    return form


def _changes(form: ProfileForm) -> p.ProfileChanges:
    return p.ProfileChanges(
        team=form.team.data or "", started_on=form.started_on.data, s3_trained_on=form.s3_trained_on.data,
        s3_consent_on=form.s3_consent_on.data, last_checkin_on=form.last_checkin_on.data,
        opt_outs=frozenset(form.opt_outs.data or ()), is_reviewer=bool(form.is_reviewer.data))


def _field_error(form: FlaskForm, field_name: str | None, message: str) -> None:
    field = getattr(form, field_name, None) if field_name else None
    if field is not None:
        field.errors = [*field.errors, message]
    else:
        flash(message, "danger")


@staffing.route("/annotators/<int:annotator_id>", methods=["GET", "POST"])
@requires(Role.ADMIN)
def edit_profile(annotator_id: int) -> Any:
    person = get_annotator_or_404(db.session, annotator_id, None)
    profile = p.profile_of(db.session, person)
    form = _profile_form(profile)
    if form.validate_on_submit():
        try:
            p.update_profile(db.session, current_user, person, _changes(form), utcnow())
        except PortalError as exc:
            db.session.rollback()
            _field_error(form, exc.field, exc.message)
        else:
            db.session.commit()
            flash(f"Profile of {person.display_name} saved.", "success")
            return redirect(url_for("staffing.profiles"))
    s3 = p.s3_status(db.session, person, utcnow())
    return render_template("workforce/staffing_profile.html", form=form, person=person, s3_missing=s3,
                           own_opt_outs=list(profile.opt_outs or []))


@staffing.route("/policies")
@requires(Role.ADMIN)
def policies() -> Any:
    return render_template("workforce/staffing_policies.html", rows=p.vendor_policies(db.session),
                           settings=p.policy_settings())


def _defaults(country: str) -> dict[str, str]:
    """Each setting's default for the vendor's country, as shown in the empty field."""
    try:
        defaults = load_policy(None, country)
    except WelfarePolicyError:  # pragma: no cover - the shipped defaults are valid
        return {}
    return {key: f"{getattr(defaults, key):g}" for key in p.policy_settings()}


def _policy_form(vendor_country: str, overrides: dict[str, Any]) -> FlaskForm:
    settings = p.policy_settings()
    form = policy_form_class(settings)(data={k: overrides.get(k) for k in settings})
    defaults, ranges = _defaults(vendor_country), p.setting_ranges()
    for key in settings:
        low, high = ranges[key]
        default = f"default {defaults[key]}; " if key in defaults else ""
        getattr(form, key).description = f"{default}allowed {low:g}–{high:g}. Empty = default."
    return form


@staffing.route("/vendors/<int:vendor_id>/policy", methods=["GET", "POST"])
@requires(Role.ADMIN)
def edit_policy(vendor_id: int) -> Any:
    vendor = get_vendor_or_404(vendor_id, current_user)
    form = _policy_form(vendor.country, p.current_overrides(db.session, vendor))
    if form.validate_on_submit():
        settings = {key: getattr(form, key).data for key in p.policy_settings()}
        try:
            p.set_vendor_policy(db.session, current_user, vendor, settings, utcnow())
        except p.PolicyRejected as exc:
            db.session.rollback()
            for key, problems in exc.by_field.items():
                getattr(form, key).errors = [*getattr(form, key).errors, *problems]
            for problem in exc.general:
                flash(problem, "danger")
            flash("Nothing was changed: fix the settings marked below.", "danger")
        except PortalError as exc:
            db.session.rollback()
            _field_error(form, exc.field, exc.message)
        else:
            db.session.commit()
            flash(f"Welfare policy of {vendor.name} saved.", "success")
            return redirect(url_for("staffing.policies"))
    return render_template("workforce/staffing_policy.html", form=form, vendor=vendor,
                           defaults=_defaults(vendor.country))
