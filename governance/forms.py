"""Web forms (Flask-WTF: CSRF on every form, field-level messages)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from governance.models import Role


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
