"""Web forms (Flask-WTF: CSRF on every form, field-level messages)."""

from __future__ import annotations

from flask import flash
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from governance.errors import PortalError
from governance.models import Role


def show_errors(form: FlaskForm, exc: PortalError) -> None:
    """Put a domain error's message(s) next to the field(s) they name; any other becomes a flash message.

    An error may carry one message (``exc.field``) or one per field (``exc.errors``, a dict).
    """
    messages = getattr(exc, "errors", None) or {exc.field or "": exc.message}
    for name, message in messages.items():
        field = getattr(form, name, None) if name else None
        if field is None:
            flash(message, "danger")
        else:
            field.errors = [*field.errors, message]


def choices(pairs: list[tuple[str, str]]) -> list[SelectChoice]:
    """Select options from (value, label) pairs (WTForms 3.3 deprecates bare tuples)."""
    return [SelectChoice(value, label) for value, label in pairs]


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=256)])
    submit = SubmitField("Sign in")


class ConfirmForm(FlaskForm):
    """An empty form: a POST button that carries only the CSRF token (sign out, verify chain)."""

    submit = SubmitField("Confirm")


class VendorForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    country = StringField("Country (ISO code)", validators=[DataRequired(), Length(min=2, max=2)])
    city = StringField("City", validators=[Optional(), Length(max=120)])
    hourly_rate_usd = StringField("Hourly rate (USD)", validators=[DataRequired(), Length(max=12)])
    nda_signed_on = DateField("NDA signed on", validators=[Optional()])
    ip_assignment_signed_on = DateField("IP assignment signed on", validators=[Optional()])
    dpf_certified = BooleanField("Certified under the EU-US Data Privacy Framework")
    corporate_group = StringField("Corporate group (for BCRs)", validators=[Optional(), Length(max=120)])
    active = BooleanField("Active", default=True)
    submit = SubmitField("Save vendor")


class UserForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    display_name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    role = SelectField("Role", choices=choices([(r.value, r.label) for r in Role]))
    vendors = SelectMultipleField("Vendor(s)", choices=[], validate_choice=True)
    time_zone = StringField("Time zone", default="UTC", validators=[DataRequired(), Length(max=64)])
    password = PasswordField("Password", validators=[Optional(), Length(max=256)])
    active = BooleanField("Active (may sign in)", default=True)
    submit = SubmitField("Save user")


class AuditFilterForm(FlaskForm):
    """GET filters of the audit trail page (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    actor = StringField("Actor id", validators=[Optional(), Length(max=12)])
    action = SelectField("Action", choices=choices([("", "Any action")]), validate_choice=False)
    target_type = StringField("Target type", validators=[Optional(), Length(max=40)])
    target_id = StringField("Target id", validators=[Optional(), Length(max=64)])
    since = DateField("From", validators=[Optional()])
    until = DateField("To (inclusive)", validators=[Optional()])


class MultiCheckboxField(SelectMultipleField):
    """A multi-select rendered as checkboxes (the Art 28(3) checklist)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class DpaForm(FlaskForm):
    reference = StringField("Reference", validators=[DataRequired(), Length(max=80)])
    signed_on = DateField("Signed on", validators=[Optional()])
    expires_on = DateField("Expires on", validators=[Optional()])
    storage_countries = StringField("Storage countries (ISO codes, comma-separated)",
                                    validators=[DataRequired(), Length(max=200)])
    transfer_mechanism = SelectField("Transfer mechanism", choices=choices([
        ("none", "None (EEA, or no transfer tool)"), ("adequacy", "Adequacy decision (Art 45)"),
        ("scc", "Standard contractual clauses 2021 (Art 46)"), ("bcr", "Binding corporate rules (Art 47)")]))
    scc_module = SelectField("SCC module", choices=choices([
        ("", "—"), ("1", "Module 1: controller to controller"), ("2", "Module 2: controller to processor"),
        ("3", "Module 3: processor to processor"), ("4", "Module 4: processor to controller")]),
        validators=[Optional()])
    tia_completed_on = DateField("Transfer impact assessment completed on", validators=[Optional()])
    sub_processors = TextAreaField("Sub-processors (one per line)", validators=[Optional(), Length(max=2000)])
    deletion_sla_days = IntegerField("Deletion SLA (days)", default=30,
                                     validators=[DataRequired(), NumberRange(min=1, max=365)])
    art28_clauses = MultiCheckboxField("Art 28(3) clauses the contract covers", choices=[], validate_choice=True)
    document = FileField("Signed PDF", validators=[Optional()])
    submit = SubmitField("Save DPA")


class DatasetForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=2000)])
    purpose = SelectField("Purpose", choices=[])
    lawful_basis = SelectField("Lawful basis (Art 6(1))", choices=[])
    task_kind = SelectField("Task kind", choices=choices([
        ("classification", "Classification"), ("preference", "Preference / RLHF ranking"),
        ("rewrite", "Rewrite"), ("transcript", "Transcript correction")]))
    labels = StringField("Labels (comma-separated, classification only)", validators=[Optional(), Length(max=1000)])
    retention_days = IntegerField("Retention (days; empty = the purpose's default)",
                                  validators=[Optional(), NumberRange(min=1, max=3650)])
    contains_personal_data = BooleanField("Contains personal data", default=True)
    special_category = BooleanField("Contains special-category data (Art 9)")
    gold_rate = StringField("Gold rate (share of tasks, 0-0.5)", default="0.05", validators=[DataRequired()])
    overlap_k = IntegerField("Annotators per item (overlap)", default=1,
                             validators=[DataRequired(), NumberRange(min=1, max=10)])
    submit = SubmitField("Create dataset")


class AssignForm(FlaskForm):
    vendor = SelectField("Vendor", choices=[])
    submit = SubmitField("Assign")
