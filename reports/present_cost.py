"""The cost and throughput report as a :class:`~reports.document.Document` (tables and charts)."""

from __future__ import annotations

from reports.charts import bar_chart, line_chart
from reports.cost import CostReport, CostRow, RegionEstimate
from reports.document import Column, Document, Section, Table

FIGURES = [
    Column("Items", "int"), Column("Active hours", "decimal"), Column("Cost (USD)", "usd"),
    Column("Accepted", "int"), Column("Reviewed", "int"), Column("Rejected", "int"), Column("Gold correct", "int"),
    Column("Cost per accepted item (USD)", "usd"), Column("Cost per gold-correct item (USD)", "usd"),
    Column("Items per hour", "decimal"), Column("Rework rate (%)", "pct"),
]
DEFINITIONS = [
    "Completed item: a task submitted in the period (UTC days).",
    "Active hours: the annotators' active time on those tasks.",
    "Cost: active hours × the vendor's hourly rate, in US dollars.",
    "Cost per accepted item: cost ÷ items a reviewer accepted.",
    "Cost per gold-correct item: cost of the gold (known-answer) tasks ÷ gold tasks answered correctly.",
    "Items per hour: completed items ÷ active hours.",
    "Rework rate: items rejected on review ÷ items reviewed.",
]


def _figures(row: CostRow) -> tuple:
    return (row.items, row.active_hours, row.cost_usd, row.accepted, row.reviewed, row.rejected, row.gold_correct,
            row.cost_per_accepted_usd, row.cost_per_gold_correct_usd, row.items_per_hour, row.rework_rate_pct)


def _table(key: str, title: str, first: str, rows: list[CostRow]) -> Table:
    return Table(key, title, [Column(first), *FIGURES], [(r.label, *_figures(r)) for r in rows],
                 empty="No completed work in this selection.")


def _vendor_table(rows: list[CostRow]) -> Table:
    columns = [Column("Vendor"), Column("Region"), Column("Rate (USD/h)", "usd"), *FIGURES]
    return Table("by_vendor", "By vendor", columns, [(r.label, r.region, r.rate_usd, *_figures(r)) for r in rows],
                 empty="No completed work in this selection.")


def _comparison_table(rows: list[RegionEstimate]) -> Table:
    columns = [Column("Region"), Column("Basis"), Column("Vendors observed", "int"),
               Column("Items per hour", "decimal"), Column("Accepted on review (%)", "pct"),
               Column("Rate (USD/h)", "usd"), Column("Hours", "decimal"), Column("Estimated cost (USD)", "usd"),
               Column("Difference to actual (USD)", "usd")]
    return Table("regional_comparison", "Same volume in each region", columns,
                 [(r.label, r.basis, r.vendors, r.items_per_hour, r.acceptance_pct, r.rate_usd, r.hours, r.cost_usd,
                   r.difference_usd) for r in rows], empty="Nothing to compare.")


def cost_document(report: CostReport) -> Document:
    """Summary, the five breakdowns, the regional comparison and the definitions, with charts."""
    total = report.total
    summary = Section("summary", "Summary", facts=[
        ("Items completed", total.items, "int"), ("Active hours", total.active_hours, "decimal"),
        ("Cost (USD)", total.cost_usd, "usd"),
        ("Cost per accepted item (USD)", total.cost_per_accepted_usd, "usd"),
        ("Cost per gold-correct item (USD)", total.cost_per_gold_correct_usd, "usd"),
        ("Items per hour", total.items_per_hour, "decimal"), ("Rework rate (%)", total.rework_rate_pct, "pct")],
        tables=[_table("total", "Totals", "Selection", [total])], charts=_summary_charts(report))
    return Document(
        kind="cost", title="Cost and throughput", description=report.description,
        period_from=report.period_from, period_to=report.period_to,
        sections=[
            summary,
            Section("by-vendor", "By vendor", tables=[_vendor_table(report.by_vendor)]),
            Section("by-region", "By region", tables=[_table("by_region", "By region", "Region", report.by_region)],
                    charts=_region_charts(report)),
            Section("by-month", "By month", tables=[_table("by_month", "By month", "Month", report.by_month)],
                    charts=_month_charts(report)),
            Section("by-dataset", "By dataset",
                    tables=[_table("by_dataset", "By dataset", "Dataset", report.by_dataset)]),
            Section("by-kind", "By task kind", tables=[_table("by_kind", "By task kind", "Task kind", report.by_kind)]),
            Section("regional-comparison", "Regional comparison", intro=[report.comparison_note],
                    tables=[_comparison_table(report.comparison)], charts=_comparison_charts(report)),
            Section("definitions", "Definitions", intro=DEFINITIONS + report.notes),
        ],
    )


def _summary_charts(report: CostReport) -> list:
    if not report.by_vendor:
        return []
    names = [r.label for r in report.by_vendor]
    return [bar_chart("Cost by vendor", names, [("Cost", [r.cost_usd for r in report.by_vendor])],
                      "Vendor", "Cost (USD)", unit="USD")]


def _region_charts(report: CostReport) -> list:
    if not report.by_region:
        return []
    names = [r.label for r in report.by_region]
    values = [r.items_per_hour for r in report.by_region]
    return [bar_chart("Items per hour by region", names, [("Items per hour", values)], "Region",
                      "Items per active hour (items/h)")]


def _month_charts(report: CostReport) -> list:
    if not report.by_month:
        return []
    months = [r.label for r in report.by_month]
    return [line_chart("Cost by month", months, [("Cost", [r.cost_usd for r in report.by_month])],
                       "Month (UTC)", "Cost (USD)", unit="USD")]


def _comparison_charts(report: CostReport) -> list:
    rows = [r for r in report.comparison if r.cost_usd is not None]
    if not rows:
        return []
    labels = [f"{r.label} ({'observed' if r.basis == 'observed' else 'band midpoint'})" for r in rows]
    return [bar_chart("Estimated cost of the same volume by region", labels,
                      [("Estimated cost", [r.cost_usd for r in rows])], "Region (basis)", "Estimated cost (USD)",
                      unit="USD", horizontal=True)]
