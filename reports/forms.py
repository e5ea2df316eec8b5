"""The report filter (a GET form: it changes nothing, so no CSRF) and the verify-a-report upload."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectField, SubmitField
from wtforms.validators import Optional

from governance.forms import choices
from governance.regions import regions
from reports.filters import last_month


class ReportFilterForm(FlaskForm):
    """Period, vendor, region and dataset. Vendor and dataset ids are checked against the reader's
    scope by :func:`reports.filters.resolve_filter` (404 outside it), not by the choice list."""

    class Meta:
        csrf = False

    date_from = DateField("From", validators=[Optional()])
    date_to = DateField("To (inclusive)", validators=[Optional()])
    vendor = SelectField("Vendor", choices=[], validate_choice=False)
    region = SelectField("Region", choices=[], validate_choice=False)
    dataset = SelectField("Dataset", choices=[], validate_choice=False)

    def fill_choices(self, vendors: list[tuple[int, str]], datasets: list[tuple[int, str]]) -> None:
        """Offer only what the reader may see."""
        self.vendor.choices = choices([("", "All vendors")] + [(str(i), name) for i, name in vendors])
        self.region.choices = choices([("", "All regions")] + [(code, r.label) for code, r in regions().items()])
        self.dataset.choices = choices([("", "All datasets")] + [(str(i), name) for i, name in datasets])

    def period(self, today: date) -> tuple[date, date]:
        """The chosen period; last calendar month when a date is missing."""
        default_from, default_to = last_month(today)
        return self.date_from.data or default_from, self.date_to.data or default_to

    def selected_id(self, field: SelectField) -> int | None:
        value = (field.data or "").strip()
        return int(value) if value.isdigit() else None


class VerifyForm(FlaskForm):
    document = FileField("Report file (PDF or CSV issued by this portal)", validators=[FileRequired()])
    submit = SubmitField("Check this file")
