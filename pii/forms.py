"""Forms of the PII pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from governance.forms import choices
from pii.items import LEAK_TYPES


class ImportForm(FlaskForm):
    file = FileField("JSONL or CSV file", validators=[FileRequired("Choose a file to import.")])
    skip_invalid = BooleanField("Skip bad lines and import the rest")
    submit = SubmitField("Import")


class RevealForm(FlaskForm):
    reason = TextAreaField("Why do you need the raw data?", validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField("Reveal raw data")


class LeakForm(FlaskForm):
    entity_type = SelectField("What did you see?", choices=choices(
        [(t, t.replace("_", " ").lower()) for t in LEAK_TYPES]))
    field = StringField("Where (field)", validators=[Optional(), Length(max=60)])
    submit = SubmitField("PII leaked")


class LeakReviewForm(FlaskForm):
    decision = SelectField("Decision", choices=choices([
        ("confirm", "Confirmed: personal data was readable"), ("dismiss", "Dismissed: no personal data")]))
    submit = SubmitField("Record decision")
