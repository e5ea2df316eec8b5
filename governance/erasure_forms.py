"""Forms of the erasure pages. Identifiers are validated by the service (the same rules as import
tokenisation), so these forms only bound lengths and carry the CSRF token."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from governance.forms import choices


class ErasureRequestForm(FlaskForm):
    received_on = DateField("Received on", validators=[Optional()])
    email = StringField("E-mail", validators=[Optional(), Length(max=254)])
    phone = StringField("Phone", validators=[Optional(), Length(max=40)])
    name = StringField("Full name", validators=[Optional(), Length(max=200)])
    submit = SubmitField("Record request")


class ExtendForm(FlaskForm):
    months = SelectField("Extend by", choices=choices([("1", "1 month"), ("2", "2 months")]),
                         validators=[Optional()])
    reason = TextAreaField("Reason (told to the data subject)", validators=[Optional(), Length(max=1000)])
    submit = SubmitField("Extend deadline")
