"""The audit report as a :class:`~reports.document.Document`: a summary up front, detail after."""

from __future__ import annotations

from reports.audit_report import AuditReport, Detail
from reports.charts import bar_chart, line_chart
from reports.document import Column, Document, Section, Table

TOP_ACTIONS_CHARTED = 15


def _detail(key: str, title: str, columns: list[Column], detail: Detail, rows: list[tuple], empty: str) -> Table:
    return Table(key, title, columns, rows, total=detail.total, empty=empty)


def _summary(report: AuditReport) -> Section:
    chain = report.chain
    outcomes = report.erasure_outcomes
    counts = [
        ("Events checked", chain.events_checked), ("Events in the period", report.events_in_period),
        ("Reveals of raw data", report.reveals.total), ("Deletion certificates", report.certificates.total),
        ("Erasure deadlines met", outcomes["met"]), ("Erasure deadlines missed", outcomes["missed"]),
        ("Erasure requests overdue", outcomes["overdue"]),
        ("Assignments refused by the gate", report.refusals.total),
        ("Sign-in lock-outs", report.lockouts.total),
        ("Welfare refusals", sum(w.count for w in report.welfare_refusals)),
    ]
    facts = [("Audit chain", "intact" if chain.ok else f"BROKEN at event {chain.broken_seq}", "text"),
             *[(label, value, "int") for label, value in counts]]
    chain_table = Table("chain", "Chain verification", [Column("Check"), Column("Result", "hash")], [
        ("Result", "intact" if chain.ok else "broken"), ("Events checked", str(chain.events_checked)),
        ("Head sequence number", str(chain.head_seq)), ("Head hash", chain.head_hash),
        ("First broken event", "—" if chain.broken_seq is None else str(chain.broken_seq)),
        ("Problem", chain.message or "none")])
    actions = Table("events_by_action", "Events in the period by action",
                    [Column("Action"), Column("Events", "int")], [(c.key, c.count) for c in report.by_action],
                    empty="No events in this period.")
    return Section("summary", "Summary", facts=facts, tables=[chain_table, actions], charts=_summary_charts(report))


def _summary_charts(report: AuditReport) -> list:
    charts = []
    if report.timeline:
        charts.append(line_chart(f"Events per {report.timeline_unit}", [c.key for c in report.timeline],
                                 [("Events", [c.count for c in report.timeline])],
                                 f"{report.timeline_unit.capitalize()} (UTC)", "Events (count)"))
    top = report.by_action[:TOP_ACTIONS_CHARTED]
    if top:
        charts.append(bar_chart("Most frequent actions", [c.key for c in top], [("Events", [c.count for c in top])],
                                "Action", "Events (count)", horizontal=True))
    return charts


def _reveals(report: AuditReport) -> Section:
    intro = ["Every opening of an item's raw (unredacted) data, with the reason the compliance officer typed."]
    if report.reveal_events != report.reveals.total:
        intro.append(f"Warning: {report.reveals.total} reveals are on record but the chain holds "
                     f"{report.reveal_events} reveal events for this period.")
    rows = [(r.revealed_at, r.officer, r.dataset, r.item_id, r.reason, r.event_seq) for r in report.reveals.rows]
    table = _detail("reveals", "Reveals of raw data", [
        Column("When", "datetime"), Column("Officer"), Column("Dataset"), Column("Item", "int"),
        Column("Stated reason"), Column("Audit event", "int")], report.reveals, rows,
        "No raw data was revealed in this period.")
    return Section("reveals", "Reveals of raw data", intro=intro, tables=[table])


def _deletions(report: AuditReport) -> Section:
    certs = [(c.issued_at, c.reference, c.scope, c.dataset, c.items, c.keys_destroyed, c.digest)
             for c in report.certificates.rows]
    cert_table = _detail("certificates", "Deletion certificates issued", [
        Column("Issued", "datetime"), Column("Certificate"), Column("Scope"), Column("Dataset"), Column("Items", "int"),
        Column("Keys destroyed", "int"), Column("Digest (SHA-256)", "hash")], report.certificates, certs,
        "No deletion certificate was issued in this period.")
    erasures = [(e.reference, e.received_on, e.deadline, e.extended, e.status, e.closed_on, e.outcome, e.certificate)
                for e in report.erasures.rows]
    erasure_table = _detail("erasures", "Erasure requests and their deadlines", [
        Column("Request"), Column("Received", "date"), Column("Deadline", "date"), Column("Extended", "yesno"),
        Column("Status"), Column("Closed", "date"), Column("Deadline outcome"), Column("Certificate")],
        report.erasures, erasures, "No erasure request was open in this period.")
    outcomes = report.erasure_outcomes
    facts = [("Deadlines met", outcomes["met"], "int"), ("Missed", outcomes["missed"], "int"),
             ("Overdue and still open", outcomes["overdue"], "int"), ("Open, not yet due", outcomes["open"], "int")]
    intro = [f"Deadline outcomes as at {report.as_of.isoformat()}: a request closed on or before its deadline "
             "met it; one still open after its deadline is overdue."]
    return Section("deletions", "Deletions and erasure requests", intro=intro, facts=facts,
                   tables=[cert_table, erasure_table])


def _contracts(report: AuditReport) -> Section:
    dpas = Table("dpas", f"DPA status per vendor on {report.as_of.isoformat()}", [
        Column("Vendor"), Column("Country"), Column("Region"), Column("DPA"), Column("Status"),
        Column("Expires", "date"), Column("Transfer mechanism"), Column("Personal data may flow", "yesno"),
        Column("Transfers in force", "int")],
        [(d.vendor, d.country, d.region, d.reference, d.status, d.expires_on, d.mechanism, d.lawful, d.transfers)
         for d in report.dpas], empty="No vendors.")
    transfers = _detail("transfers", "Transfers in force", [
        Column("Dataset"), Column("Vendor"), Column("Country"), Column("Legal basis"), Column("DPA")],
        report.transfers, [(t.dataset, t.vendor, t.country, t.basis, t.dpa) for t in report.transfers.rows],
        "No dataset may currently be processed by these vendors.")
    return Section("contracts", "DPAs and transfers in force", tables=[dpas, transfers])


def _refusals(report: AuditReport) -> Section:
    gate = _detail("gate_refusals", "Assignments refused by the transfer gate", [
        Column("When", "datetime"), Column("Tried by"), Column("Dataset"), Column("Vendor"), Column("Reason code"),
        Column("Audit event", "int")], report.refusals,
        [(r.occurred_at, r.actor, r.dataset, r.vendor, r.code, r.event_seq) for r in report.refusals.rows],
        "The gate refused no assignment in this period.")
    lockouts = _detail("lockouts", "Sign-in lock-outs", [
        Column("When", "datetime"), Column("Account"), Column("Role"), Column("Locked for (minutes)", "int"),
        Column("Audit event", "int")], report.lockouts,
        [(r.occurred_at, r.user, r.role, r.minutes, r.event_seq) for r in report.lockouts.rows],
        "No account was locked out in this period.")
    welfare = Table("welfare_refusals", "Welfare refusals by vendor and reason", [
        Column("Vendor"), Column("Reason code"), Column("Refusals", "int")],
        [(w.vendor, w.code, w.count) for w in report.welfare_refusals], empty="No welfare refusals in this period.")
    return Section("refusals", "Refusals and lock-outs", tables=[gate, lockouts, welfare])


def _appendix(report: AuditReport) -> Section:
    table = Table("timeline", f"Events per {report.timeline_unit}", [
        Column(report.timeline_unit.capitalize()), Column("Events", "int")],
        [(c.key, c.count) for c in report.timeline], empty="No events in this period.")
    return Section("appendix", "Appendix: events over time", tables=[table])


def audit_document(report: AuditReport) -> Document:
    """Summary, then the detail sections a regulator asks about, then the timeline."""
    return Document(
        kind="audit", title="Audit report", description=report.description,
        period_from=report.period_from, period_to=report.period_to,
        sections=[_summary(report), _reveals(report), _deletions(report), _contracts(report), _refusals(report),
                  _appendix(report)],
        notes=report.notes,
    )
