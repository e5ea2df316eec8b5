"""The welfare report's SQL: each function is one GROUP BY returning plain tuples or dicts of counts.

Opt-outs live in a JSON list on the annotator profile; SQLite (``json_each``) and PostgreSQL
(``json_array_elements_text``) unnest it differently, so :func:`_unnested_opt_outs` picks the form
for the session's backend. Everything else is portable SQL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Select, and_, case, func, select, true
from sqlalchemy.orm import Session

from governance.models import User
from pii.models import Item
from reports.filters import ReportFilter, concrete_ids
from reports.sql import day_bounds, utc_day
from workforce.models import AnnotatorProfile, ContentFlag, Task, TaskStatus, WelfareRefusal

SENSITIVE = 2  # severity tiers S2 and S3 are "sensitive" (workforce.welfare.SENSITIVE)


def _team():
    # Build it once per query and use that object in both SELECT and GROUP BY: PostgreSQL matches
    # the two only if they share one bound parameter.
    return func.coalesce(AnnotatorProfile.team, "").label("team")


def annotator_days(session: Session, flt: ReportFilter) -> list[tuple[int, int, str, int, int]]:
    """(vendor, annotator, UTC day, sensitive items, sensitive seconds) for every day someone worked.

    The one pass over the tasks table: every exposure figure (per team, the distribution over days,
    each person's total and worst day) folds from these rows, which number annotators × working days.
    """
    vendor_ids, dataset_ids = concrete_ids(session, flt)
    start, end = day_bounds(flt.period_from, flt.period_to)
    day = utc_day(Task.submitted_at)
    sensitive = Task.severity >= SENSITIVE
    query = (select(Task.vendor_id, Task.annotator_id, day,
                    func.coalesce(func.sum(case((sensitive, 1), else_=0)), 0),
                    func.coalesce(func.sum(case((sensitive, Task.active_seconds), else_=0)), 0))
             .where(Task.status == TaskStatus.SUBMITTED, Task.vendor_id.in_(vendor_ids),
                    Task.dataset_id.in_(dataset_ids), Task.submitted_at >= start, Task.submitted_at < end)
             .group_by(Task.vendor_id, Task.annotator_id, day))
    return [(v, a, d, int(items), int(seconds)) for v, a, d, items, seconds in session.execute(query)]


def teams_of(session: Session, annotator_ids: set[int]) -> dict[int, str]:
    """Each annotator's current team ("" when none is recorded)."""
    if not annotator_ids:
        return {}
    rows = session.execute(select(AnnotatorProfile.user_id, AnnotatorProfile.team)
                           .where(AnnotatorProfile.user_id.in_(sorted(annotator_ids))))
    return {user_id: team or "" for user_id, team in rows}


def _refusals(flt: ReportFilter, *columns: Any) -> Select:
    start, end = day_bounds(flt.period_from, flt.period_to)
    query = (select(*columns).select_from(WelfareRefusal)
             .outerjoin(AnnotatorProfile, AnnotatorProfile.user_id == WelfareRefusal.annotator_id)
             .where(WelfareRefusal.refused_at >= start, WelfareRefusal.refused_at < end))
    if flt.vendor_ids is not None:
        query = query.where(WelfareRefusal.vendor_id.in_(sorted(flt.vendor_ids)))
    return query


def refusal_counts(session: Session, flt: ReportFilter, group: Callable) -> list[tuple[int, str, str, str, int]]:
    """(vendor, team, group, code, refusals)."""
    grp = group(WelfareRefusal.code)
    team = _team()
    query = _refusals(flt, WelfareRefusal.vendor_id, team, grp, WelfareRefusal.code, func.count()).group_by(
        WelfareRefusal.vendor_id, team, grp, WelfareRefusal.code)
    return sorted(tuple(row) for row in session.execute(query))


def _flags(flt: ReportFilter, *columns: Any) -> Select:
    start, end = day_bounds(flt.period_from, flt.period_to)
    query = (select(*columns).select_from(ContentFlag)
             .outerjoin(AnnotatorProfile, AnnotatorProfile.user_id == ContentFlag.annotator_id)
             .where(ContentFlag.created_at >= start, ContentFlag.created_at < end))
    if flt.vendor_ids is not None:
        query = query.where(ContentFlag.vendor_id.in_(sorted(flt.vendor_ids)))
    if flt.dataset_id is not None:
        query = query.join(Item, and_(Item.id == ContentFlag.item_id, Item.dataset_id == flt.dataset_id))
    return query


def flag_counts(session: Session, flt: ReportFilter) -> list[tuple[int, str, str, int]]:
    """(vendor, team, category, flags raised)."""
    team = _team()
    query = _flags(flt, ContentFlag.vendor_id, team, ContentFlag.category, func.count()).group_by(
        ContentFlag.vendor_id, team, ContentFlag.category)
    return sorted(tuple(row) for row in session.execute(query))


def _profiles(flt: ReportFilter, *columns: Any) -> Select:
    query = select(*columns).select_from(AnnotatorProfile).join(User, User.id == AnnotatorProfile.user_id)
    if flt.vendor_ids is not None:
        query = query.where(User.vendor_id.in_(sorted(flt.vendor_ids)))
    return query.where(User.vendor_id.isnot(None))


def _unnested_opt_outs(session: Session) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return func.json_array_elements_text(AnnotatorProfile.opt_outs).table_valued("value").alias("opt_out")
    return func.json_each(AnnotatorProfile.opt_outs).table_valued("value").alias("opt_out")


def opt_out_counts(session: Session, flt: ReportFilter) -> list[tuple[int, str, str, int]]:
    """(vendor, team, category, annotators opted out of it) — as the profiles stand today."""
    opt = _unnested_opt_outs(session)
    team = _team()
    query = _profiles(flt, User.vendor_id, team, opt.c.value, func.count()).join(opt, true()).group_by(
        User.vendor_id, team, opt.c.value)
    return sorted(tuple(row) for row in session.execute(query))


def opt_out_people(session: Session, flt: ReportFilter) -> list[tuple[int, str, int]]:
    """(vendor, team, annotators with at least one opt-out)."""
    team = _team()
    query = _profiles(flt, User.vendor_id, team, func.count()).where(
        func.json_array_length(AnnotatorProfile.opt_outs) > 0).group_by(User.vendor_id, team)
    return [tuple(row) for row in session.execute(query)]


def refusals_by_person(session: Session, flt: ReportFilter, group: Callable) -> list[tuple[int, int, str, int]]:
    """(annotator, vendor, refusal group, refusals)."""
    grp = group(WelfareRefusal.code)
    query = _refusals(flt, WelfareRefusal.annotator_id, WelfareRefusal.vendor_id, grp, func.count()).group_by(
        WelfareRefusal.annotator_id, WelfareRefusal.vendor_id, grp)
    return [tuple(row) for row in session.execute(query)]


def flags_by_person(session: Session, flt: ReportFilter) -> list[tuple[int, int, int]]:
    """(annotator, vendor, flags raised)."""
    query = _flags(flt, ContentFlag.annotator_id, ContentFlag.vendor_id, func.count()).group_by(
        ContentFlag.annotator_id, ContentFlag.vendor_id)
    return [tuple(row) for row in session.execute(query)]


def opt_outs_by_person(session: Session, annotator_ids: set[int]) -> dict[int, int]:
    """How many categories each annotator has opted out of."""
    if not annotator_ids:
        return {}
    rows = session.execute(select(AnnotatorProfile.user_id, func.json_array_length(AnnotatorProfile.opt_outs))
                           .where(AnnotatorProfile.user_id.in_(sorted(annotator_ids))))
    return {user_id: int(count or 0) for user_id, count in rows}
