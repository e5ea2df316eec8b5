"""The welfare report: sensitive exposure, refusals, enforced breaks, opt-outs and flags, per vendor
and team — with no annotator named to anyone but their own vendor's managers.

Whether names appear is decided here, not in a template: :func:`welfare_report` names people only
when given no pseudonym key *and* a filter confined to a vendor manager's own vendors; staff (and
the command line and scheduler) get stable pseudonyms, an HMAC of the account id under a key
derived from the portal's root secret, so the same person keeps the same code across reports
without the report saying who it is. Every figure is aggregated in SQL.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from config import load_policy
from governance.models import User, Vendor
from reports.filters import ReportFilter
from reports.welfare_queries import (
    annotator_days,
    flag_counts,
    flags_by_person,
    opt_out_counts,
    opt_out_people,
    opt_outs_by_person,
    refusal_counts,
    refusals_by_person,
    teams_of,
)

REFUSAL_GROUPS = {
    "rotation": "rotation",
    "daily_cap": "caps", "weekly_cap": "caps", "sensitive_items_cap": "caps", "sensitive_minutes_cap": "caps",
    "s3_items_cap": "caps", "s3_minutes_cap": "caps", "sensitive_hours": "caps",
    "short_break": "breaks", "rest_break": "breaks", "sensitive_break": "breaks",
    "daily_rest": "rest", "weekly_rest": "rest",
}
GROUP_LABELS = {"rotation": "Rotation", "caps": "Hours and exposure caps", "breaks": "Breaks enforced",
                "rest": "Rest periods", "other": "Other"}
MINUTE = Decimal(60)
CENT, TENTH = Decimal("0.01"), Decimal("0.1")


def refusal_group(code_column):
    """SQL CASE mapping a refusal code to its group (rotation, caps, breaks, rest, other)."""
    return case(REFUSAL_GROUPS, value=code_column, else_="other")


@dataclass(frozen=True)
class TeamRow:
    vendor: str
    team: str
    annotators: int
    sensitive_items: int
    sensitive_hours: Decimal
    rotation: int
    caps: int
    breaks: int
    rest: int
    flags: int
    with_opt_outs: int


@dataclass(frozen=True)
class BucketRow:
    vendor: str
    bucket: str
    annotator_days: int


@dataclass(frozen=True)
class CodeRow:
    vendor: str
    team: str
    group: str
    code: str
    count: int


@dataclass(frozen=True)
class CategoryRow:
    vendor: str
    team: str
    category: str
    count: int


@dataclass(frozen=True)
class PersonRow:
    annotator: str
    vendor: str
    team: str
    sensitive_items: int
    sensitive_minutes: Decimal
    max_day_minutes: Decimal
    rotation: int
    caps: int
    breaks: int
    flags: int
    opt_outs: int


@dataclass(frozen=True)
class WelfareReport:
    period_from: date
    period_to: date
    description: str
    named: bool
    teams: list[TeamRow]
    buckets: list[str]
    exposure: list[BucketRow]
    refusals: list[CodeRow]
    flags: list[CategoryRow]
    opt_outs: list[CategoryRow]
    people: list[PersonRow]
    people_total: int
    notes: list[str] = field(default_factory=list)


def pseudonym(key: bytes, user_id: int) -> str:
    """A stable, non-reversible code for an annotator (``P-`` and eight hex digits)."""
    digest = hmac.new(key, f"annotator:{user_id}".encode("ascii"), hashlib.sha256).hexdigest()
    return f"P-{digest[:8].upper()}"


def daily_cap_minutes() -> int:
    """The default daily sensitive-exposure cap, which the distribution's top bucket is measured against."""
    return int(load_policy("welfare")["defaults"]["sensitive_minutes_per_day"])


def bucket_labels(cap: int) -> list[str]:
    third = cap // 3
    return ["none", f"under {third} min", f"{third}–{2 * third - 1} min", f"{2 * third}–{cap - 1} min",
            f"{cap} min (daily cap) or more"]


def welfare_report(session: Session, flt: ReportFilter, pseudonym_key: bytes | None,
                   limit: int | None = 200) -> WelfareReport:
    """Build the report. ``pseudonym_key=None`` names people, which only a vendor-scoped filter allows."""
    if pseudonym_key is None and flt.scope_ids is None:
        raise ValueError("names are shown only to vendor managers, within their own vendors")
    vendors = dict(session.execute(select(Vendor.id, Vendor.name)).all())
    cap = daily_cap_minutes()
    labels = bucket_labels(cap)
    days = annotator_days(session, flt)
    teams = teams_of(session, {annotator for _, annotator, *_ in days})
    refusals = [CodeRow(vendors[v], team or "—", group, code, n) for v, team, group, code, n in
                refusal_counts(session, flt, refusal_group)]
    flags = [CategoryRow(vendors[v], team or "—", cat, n) for v, team, cat, n in flag_counts(session, flt)]
    opt_outs = [CategoryRow(vendors[v], team or "—", cat, n) for v, team, cat, n in opt_out_counts(session, flt)]
    with_opt_outs = {(vendors[v], team or "—"): n for v, team, n in opt_out_people(session, flt)}
    people, total = _people(session, flt, pseudonym_key, vendors, days, teams, limit)
    return WelfareReport(
        period_from=flt.period_from, period_to=flt.period_to, description=flt.describe(),
        named=pseudonym_key is None, teams=_teams(days, teams, vendors, refusals, flags, with_opt_outs),
        buckets=labels, exposure=[BucketRow(vendors[v], labels[b], n) for (v, b), n in _buckets(days, cap).items()],
        refusals=refusals, flags=flags, opt_outs=opt_outs, people=people, people_total=total,
        notes=["Sensitive means severity S2 or S3. Exposure counts active time on submitted sensitive tasks; "
               "days are UTC days.",
               "Breaks enforced are the times the portal stopped work for a short, rest or sensitive-content "
               "break; rest periods are daily and weekly rest.",
               "Teams are the annotators' current teams. Refusals and opt-outs are not tied to a dataset, so "
               "the dataset filter does not narrow them; opt-outs are as they stand today.",
               "Annotators are named only to the managers of their own vendor; everyone else sees "
               "pseudonyms (P-…), the same for one person in every report."],
    )


def _bucket(seconds: int, cap_minutes: int) -> int:
    third = cap_minutes // 3 * 60
    for index, ceiling in enumerate((1, third, 2 * third, cap_minutes * 60), start=0):
        if seconds < ceiling:
            return index
    return 4


def _buckets(days: list[tuple[int, int, str, int, int]], cap_minutes: int) -> dict[tuple[int, int], int]:
    """Annotator-days per vendor and band of sensitive time (band 0: none at all)."""
    counts: dict[tuple[int, int], int] = {}
    for vendor_id, _annotator, _day, _items, seconds in days:
        key = (vendor_id, _bucket(seconds, cap_minutes))
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items()))


def _teams(days: list[tuple[int, int, str, int, int]], teams: dict[int, str], vendors: dict[int, str],
           refusals: list[CodeRow], flags: list[CategoryRow], with_opt_outs: dict[tuple[str, str], int]
           ) -> list[TeamRow]:
    """Per vendor and team: exposure folded from the annotator-days, refusals and flags from theirs."""
    groups: dict[tuple[str, str], dict[str, Any]] = {}

    def slot(key: tuple[str, str]) -> dict[str, Any]:
        return groups.setdefault(key, {"annotators": set(), "items": 0, "seconds": 0, "rotation": 0, "caps": 0,
                                       "breaks": 0, "rest": 0, "flags": 0})

    for vendor_id, annotator_id, _day, items, seconds in days:
        group = slot((vendors[vendor_id], teams.get(annotator_id) or "—"))
        group["annotators"].add(annotator_id)
        group["items"] += items
        group["seconds"] += seconds
    for row in refusals:
        if row.group != "other":
            slot((row.vendor, row.team))[row.group] += row.count
    for flag in flags:
        slot((flag.vendor, flag.team))["flags"] += flag.count
    for key in with_opt_outs:
        slot(key)
    return [TeamRow(vendor, team, len(g["annotators"]), g["items"], (Decimal(g["seconds"]) / 3600).quantize(CENT),
                    g["rotation"], g["caps"], g["breaks"], g["rest"], g["flags"], with_opt_outs.get((vendor, team), 0))
            for (vendor, team), g in sorted(groups.items(), key=lambda kv: (kv[0][0].lower(), kv[0][1]))]


def _people(session: Session, flt: ReportFilter, key: bytes | None, vendors: dict[int, str],
            days: list[tuple[int, int, str, int, int]], teams: dict[int, str],
            limit: int | None) -> tuple[list[PersonRow], int]:
    """Per-annotator lines, most sensitive time first; names or pseudonyms as decided above."""
    people: dict[tuple[int, int], dict[str, int]] = {}

    def person(annotator_id: int, vendor_id: int) -> dict[str, int]:
        return people.setdefault((annotator_id, vendor_id), dict.fromkeys(
            ("items", "seconds", "peak", "rotation", "caps", "breaks", "flags"), 0))

    for vendor_id, annotator_id, _day, items, seconds in days:
        row = person(annotator_id, vendor_id)
        row["items"] += items
        row["seconds"] += seconds
        row["peak"] = max(row["peak"], seconds)
    for annotator_id, vendor_id, group, count in refusals_by_person(session, flt, refusal_group):
        if group in ("rotation", "caps", "breaks"):
            person(annotator_id, vendor_id)[group] += count
    for annotator_id, vendor_id, count in flags_by_person(session, flt):
        person(annotator_id, vendor_id)["flags"] += count
    ids = {annotator_id for annotator_id, _ in people}
    opt_outs = opt_outs_by_person(session, ids)
    teams = {**teams_of(session, ids - set(teams)), **teams}
    names = {} if key is not None else dict(session.execute(
        select(User.id, User.display_name).where(User.id.in_(sorted(ids)))).all())
    rows = [PersonRow(
        annotator=names.get(annotator_id, "—") if key is None else pseudonym(key, annotator_id),
        vendor=vendors[vendor_id], team=teams.get(annotator_id) or "—", sensitive_items=p["items"],
        sensitive_minutes=(Decimal(p["seconds"]) / MINUTE).quantize(TENTH),
        max_day_minutes=(Decimal(p["peak"]) / MINUTE).quantize(TENTH), rotation=p["rotation"], caps=p["caps"],
        breaks=p["breaks"], flags=p["flags"], opt_outs=opt_outs.get(annotator_id, 0),
    ) for (annotator_id, vendor_id), p in people.items()]
    rows.sort(key=lambda p: (-p.sensitive_minutes, p.vendor, p.annotator))
    return (rows if limit is None else rows[:limit]), len(rows)
