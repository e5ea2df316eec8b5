"""Forms of the team, review and staffing pages (Flask-WTF: CSRF on every POST form)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, FloatField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import Length, NumberRange, Optional

from governance.forms import MultiCheckboxField, choices
from workforce.review import REJECT_REASONS
from workforce.welfare import WelfarePolicy

PERIODS = {"7": "Last 7 days", "30": "Last 30 days", "90": "Last 90 days"}
_WHOLE = {name for name, kind in WelfarePolicy.__annotations__.items() if kind == "int"}


class PeriodForm(FlaskForm):
    """GET filter of the team pages (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    days = SelectField("Period", choices=choices(list(PERIODS.items())), default="30")

    def window_days(self) -> int:
        """The chosen period in days; anything not offered means the default, 30."""
        return int(self.days.data) if self.days.data in PERIODS else 30


class ReviewForm(FlaskForm):
    outcome = SelectField("Decision", choices=choices([("accepted", "Accept"), ("rejected", "Reject")]))
    reason = SelectField("Reason (for a rejection)",
                         choices=choices([("", "—"), *REJECT_REASONS.items()]), validate_choice=False)
    submit = SubmitField("Record decision")


class ProfileForm(FlaskForm):
    team = StringField("Team", validators=[Optional(), Length(max=60)])
    started_on = DateField("Started on", validators=[Optional()])
    s3_trained_on = DateField("Trained for high-severity (S3) content on", validators=[Optional()])
    s3_consent_on = DateField("Written consent to S3 work signed on", validators=[Optional()])
    last_checkin_on = DateField("Last wellbeing check-in on", validators=[Optional()])
    opt_outs = MultiCheckboxField("Opt-outs (content never served to this annotator)", choices=[],
                                  validate_choice=True)
    is_reviewer = BooleanField("Reviewer (reviews other annotators' work at this vendor)")
    submit = SubmitField("Save profile")


def setting_label(key: str) -> str:
    """A form label from a welfare setting's name: "daily_cap_hours" → "Daily cap (hours)"."""
    words = key.split("_")
    unit = words[-1] if words[-1] in ("hours", "minutes", "items", "days", "months") else ""
    text = " ".join(words[:-1] if unit else words).replace("s3", "S3")
    return f"{text[:1].upper()}{text[1:]}" + (f" ({unit})" if unit else "")


def policy_form_class(settings: list[str]) -> type[FlaskForm]:
    """A form with one optional number per welfare setting (empty = the default for the country).

    Built from the config's list, so a setting added to config/welfare.toml appears without code.
    """
    attributes: dict[str, Any] = {}
    for key in settings:
        field = IntegerField if key in _WHOLE else FloatField
        attributes[key] = field(setting_label(key), validators=[Optional(), NumberRange(min=0)])
    attributes["submit"] = SubmitField("Save policy")
    return type("VendorPolicyForm", (FlaskForm,), attributes)
