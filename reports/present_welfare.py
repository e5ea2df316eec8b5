"""The welfare report as a :class:`~reports.document.Document`."""

from __future__ import annotations

from reports.charts import bar_chart
from reports.document import Column, Document, Section, Table
from reports.welfare import GROUP_LABELS, WelfareReport


def _teams(report: WelfareReport) -> Table:
    return Table("teams", "Per vendor and team", [
        Column("Vendor"), Column("Team"), Column("Annotators who worked", "int"), Column("Sensitive items", "int"),
        Column("Sensitive hours", "decimal"), Column("Rotation refusals", "int"), Column("Cap refusals", "int"),
        Column("Breaks enforced", "int"), Column("Rest refusals", "int"), Column("Flags raised", "int"),
        Column("Annotators with opt-outs", "int")],
        [(t.vendor, t.team, t.annotators, t.sensitive_items, t.sensitive_hours, t.rotation, t.caps, t.breaks, t.rest,
          t.flags, t.with_opt_outs) for t in report.teams], empty="No welfare data in this selection.")


def _exposure(report: WelfareReport) -> Section:
    vendors = sorted({row.vendor for row in report.exposure})
    counts = {(row.vendor, row.bucket): row.annotator_days for row in report.exposure}
    table = Table("exposure", "Annotator-days by sensitive time", [Column("Vendor"), *[
        Column(label, "int") for label in report.buckets]],
        [(vendor, *[counts.get((vendor, label), 0) for label in report.buckets]) for vendor in vendors],
        empty="No work in this selection.")
    charts = []
    if vendors:
        charts.append(bar_chart("Sensitive time per annotator-day", report.buckets,
                                [(vendor, [counts.get((vendor, label), 0) for label in report.buckets])
                                 for vendor in vendors], "Sensitive time on one working day (minutes)",
                                "Annotator-days (count)"))
    intro = ["Each annotator's sensitive time on each day they worked, counted into bands up to the daily cap."]
    return Section("exposure", "Sensitive exposure", intro=intro, tables=[table], charts=charts)


def _refusals(report: WelfareReport) -> Section:
    table = Table("refusals", "Refusals by reason", [
        Column("Vendor"), Column("Team"), Column("Group"), Column("Reason code"), Column("Refusals", "int")],
        [(r.vendor, r.team, GROUP_LABELS.get(r.group, r.group), r.code, r.count) for r in report.refusals],
        empty="The portal refused no work for welfare reasons in this period.")
    totals: dict[str, int] = {}
    for row in report.refusals:
        label = GROUP_LABELS.get(row.group, row.group)
        totals[label] = totals.get(label, 0) + row.count
    charts = [bar_chart("Welfare refusals by group", list(totals), [("Refusals", list(totals.values()))],
                        "Reason group", "Refusals (count)")] if totals else []
    return Section("refusals", "Rotation, caps and breaks", tables=[table], charts=charts)


def _people(report: WelfareReport) -> Section:
    who = "Annotator" if report.named else "Annotator (pseudonym)"
    table = Table("people", "Per annotator", [
        Column(who), Column("Vendor"), Column("Team"), Column("Sensitive items", "int"),
        Column("Sensitive minutes", "decimal"), Column("Most sensitive minutes in a day", "decimal"),
        Column("Rotation refusals", "int"), Column("Cap refusals", "int"), Column("Breaks enforced", "int"),
        Column("Flags raised", "int"), Column("Opt-outs", "int")],
        [(p.annotator, p.vendor, p.team, p.sensitive_items, p.sensitive_minutes, p.max_day_minutes, p.rotation,
          p.caps, p.breaks, p.flags, p.opt_outs) for p in report.people],
        total=report.people_total, empty="No annotator worked in this selection.")
    intro = ["Named for their own vendor's managers." if report.named else
             "Pseudonymised: annotators are named only to their own vendor's managers."]
    return Section("people", "Per annotator", intro=intro, tables=[table])


def welfare_document(report: WelfareReport) -> Document:
    """Per vendor and team first, then exposure, refusals, flags and opt-outs, then per annotator."""
    categories = [Column("Vendor"), Column("Team"), Column("Category")]
    flags = Table("flags", "Content flags raised", [*categories, Column("Flags", "int")],
                  [(f.vendor, f.team, f.category, f.count) for f in report.flags], empty="No content was flagged.")
    opt_outs = Table("opt_outs", "Opt-outs by category (today)", [*categories, Column("Annotators", "int")],
                     [(o.vendor, o.team, o.category, o.count) for o in report.opt_outs], empty="No opt-outs.")
    return Document(
        kind="welfare", title="Welfare report", description=report.description,
        period_from=report.period_from, period_to=report.period_to,
        sections=[Section("teams", "Per vendor and team", tables=[_teams(report)]), _exposure(report),
                  _refusals(report), Section("flags", "Flags and opt-outs", tables=[flags, opt_outs]),
                  _people(report)],
        notes=report.notes,
    )
