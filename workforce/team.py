"""What a vendor manager sees of their people: roster, throughput, welfare refusals, content flags,
and one annotator's record. Every function takes the viewer's vendor scope, so another vendor's people
never enter a query.

Who is named (decision): names are shown to admins and to the managers of the annotator's vendor (the
scope guarantees a manager only ever sees their own vendors' people). The compliance officer oversees the
process, not the people: they see the same figures under a stable pseudonym (``W-`` and 8 hex digits of
an HMAC of the user id under a portal sub-key), never a name, and no per-person record page. Welfare
refusal counts are shown by vendor and team only, so no one is named there at all.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import abort
from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.orm import Session

from governance.db import UtcDateTime
from governance.keyring import purpose_key
from governance.models import Dataset, Role, User, Vendor
from workforce.models import AnnotatorProfile, ContentFlag, Task, TaskStatus, VendorPolicy, WelfareRefusal
from workforce.quality import QualityRow, Scope, Window
from workforce.welfare import SENSITIVE, WelfarePolicyError, load_policy, local_day_start, local_week_start

PSEUDONYM_PURPOSE = "annotator-pseudonyms"
NO_TEAM = "—"
# Tasks whose content was in front of the annotator: they count as exposure (declined warnings do not).
_SEEN = (TaskStatus.SUBMITTED, TaskStatus.SKIPPED)


def zone(name: str | None) -> ZoneInfo:
    """An annotator's time zone; an unknown name falls back to UTC rather than failing a whole page."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


# ------------------------------------------------------------------------------------------ who is named


def names_visible(viewer: User) -> bool:
    """Whether ``viewer`` sees annotators' names (admins, and managers within their scope) or pseudonyms."""
    return viewer.role in (Role.ADMIN, Role.VENDOR_MANAGER)


def pseudonym(key: bytes, user_id: int) -> str:
    """A stable pseudonym for an annotator: the same on every page and report, and not their user id,
    so it cannot be matched with user lists or the audit trail without the key."""
    digest = hmac.new(key, f"annotator:{user_id}".encode(), hashlib.sha256).hexdigest()
    return f"W-{digest[:8].upper()}"


@dataclass(frozen=True)
class PersonLabels:
    """Turns annotator ids into what this viewer may see: a name, or a pseudonym."""

    names: dict[int, str] | None
    key: bytes | None

    def __call__(self, user_id: int) -> str:
        if self.names is not None:
            return self.names.get(user_id, f"#{user_id}")
        assert self.key is not None
        return pseudonym(self.key, user_id)

    @property
    def named(self) -> bool:
        return self.names is not None


def person_labels(session: Session, viewer: User, scope: Scope, master_key: bytes) -> PersonLabels:
    """The labeller for ``viewer``: names of the annotators in scope, or pseudonyms under the portal key."""
    if not names_visible(viewer):
        return PersonLabels(None, purpose_key(session, master_key, PSEUDONYM_PURPOSE))
    query = select(User.id, User.display_name).where(User.role == Role.ANNOTATOR)
    if scope is not None:
        query = query.where(User.vendor_id.in_(scope))
    return PersonLabels(dict(session.execute(query).all()), None)


def get_annotator_or_404(session: Session, annotator_id: int, scope: Scope) -> User:
    """An annotator inside the scope; anyone else (another vendor's, not an annotator) is a 404."""
    user = session.get(User, annotator_id)
    if user is None or user.role != Role.ANNOTATOR or (scope is not None and user.vendor_id not in scope):
        abort(404)
    return user


# ----------------------------------------------------------------------------------------------- roster


@dataclass(frozen=True)
class RosterRow:
    """One annotator on the roster: today's work in their own local day, and welfare facts."""

    annotator_id: int
    vendor_id: int
    vendor_name: str
    team: str
    time_zone: str
    seconds_today: int
    sensitive_today: int
    daily_cap_hours: float | None
    content_flags_week: int
    is_reviewer: bool
    s3_trained: bool
    quality: QualityRow | None = None

    @property
    def hours_today(self) -> float:
        return self.seconds_today / 3600


def _annotators(session: Session, scope: Scope) -> list[tuple[User, AnnotatorProfile | None]]:
    query = (select(User, AnnotatorProfile).outerjoin(AnnotatorProfile, AnnotatorProfile.user_id == User.id)
             .where(User.role == Role.ANNOTATOR, User.active.is_(True))
             .order_by(User.vendor_id, User.display_name))
    if scope is not None:
        query = query.where(User.vendor_id.in_(scope))
    return [(user, profile) for user, profile in session.execute(query)]


def today_by_annotator(session: Session, zones: dict[int, str], now: datetime) -> dict[int, tuple[int, int]]:
    """(active seconds, sensitive items) per annotator since 00:00 of *their* local day.

    The day start depends on each person's time zone, so it is a CASE over the user's zone inside
    the one GROUP BY (a Hanoi day starts at 17:00 UTC the day before).
    """
    if not zones:
        return {}
    starts = {name: local_day_start(now, zone(name)) for name in set(zones.values())}
    day_start = case({name: literal(start, UtcDateTime()) for name, start in starts.items()},
                     value=User.time_zone, else_=literal(min(starts.values()), UtcDateTime()))
    sensitive = case((and_(Task.severity >= SENSITIVE, Task.status.in_(_SEEN)), 1), else_=0)
    query = (select(Task.annotator_id, func.coalesce(func.sum(Task.active_seconds), 0), func.sum(sensitive))
             .join(User, User.id == Task.annotator_id)
             .where(Task.annotator_id.in_(list(zones)),
                    Task.served_at >= min(starts.values()) - timedelta(days=1), Task.finished_at >= day_start)
             .group_by(Task.annotator_id))
    rows = session.execute(query)
    return {annotator: (int(seconds), int(count or 0)) for annotator, seconds, count in rows}


def daily_caps(session: Session, vendors: Iterable[Vendor]) -> dict[int, float | None]:
    """Each vendor's daily hours cap under its current policy (``None`` if the policy is invalid)."""
    overrides = dict(session.execute(select(VendorPolicy.vendor_id, VendorPolicy.overrides)).all())
    caps: dict[int, float | None] = {}
    for vendor in vendors:
        try:
            caps[vendor.id] = load_policy(overrides.get(vendor.id), vendor.country).daily_cap_hours
        except WelfarePolicyError:
            caps[vendor.id] = None
    return caps


def _flags_since(session: Session, ids: Iterable[int], since: datetime) -> Counter[int]:
    query = (select(ContentFlag.annotator_id, func.count())
             .where(ContentFlag.annotator_id.in_(list(ids)), ContentFlag.created_at >= since)
             .group_by(ContentFlag.annotator_id))
    return Counter(dict(session.execute(query).all()))


def roster(session: Session, scope: Scope, now: datetime, quality: dict[int, QualityRow]) -> list[RosterRow]:
    """The annotators in scope with today's hours and sensitive items (local day), the vendor's daily
    cap, content flags raised this past week, and their quality row (from quality.per_annotator)."""
    people = _annotators(session, scope)
    today = today_by_annotator(session, {u.id: u.time_zone for u, _ in people}, now)
    vendor_ids = {u.vendor_id for u, _ in people}
    vendors = {v.id: v for v in session.scalars(select(Vendor).where(Vendor.id.in_(vendor_ids)))}
    caps = daily_caps(session, vendors.values())
    flags = _flags_since(session, [u.id for u, _ in people], now - timedelta(days=7))
    return [RosterRow(
        annotator_id=user.id, vendor_id=user.vendor_id or 0, vendor_name=vendors[user.vendor_id].name,
        team=(profile.team if profile and profile.team else NO_TEAM), time_zone=user.time_zone,
        seconds_today=today.get(user.id, (0, 0))[0], sensitive_today=today.get(user.id, (0, 0))[1],
        daily_cap_hours=caps.get(user.vendor_id or 0), content_flags_week=flags[user.id],
        is_reviewer=bool(profile and profile.is_reviewer), s3_trained=bool(profile and profile.s3_trained_on),
        quality=quality.get(user.id),
    ) for user, profile in people]


# ------------------------------------------------------------------------------------------- throughput


@dataclass
class Throughput:
    """Submitted items over recorded active time, for one person, team or dataset."""

    key: str
    label: str
    items: int = 0
    seconds: int = 0

    @property
    def hours(self) -> float:
        return self.seconds / 3600

    @property
    def items_per_hour(self) -> float | None:
        return self.items * 3600 / self.seconds if self.seconds else None


@dataclass
class ThroughputReport:
    people: list[Throughput] = field(default_factory=list)
    teams: list[Throughput] = field(default_factory=list)
    datasets: list[Throughput] = field(default_factory=list)


def throughput(session: Session, scope: Scope, window: Window, labels: PersonLabels) -> ThroughputReport:
    """Items per hour per person, per team (vendor and team name) and per dataset, from one GROUP BY
    over (annotator, vendor, team, dataset); the three views are folds of its few rows."""
    team = func.coalesce(AnnotatorProfile.team, "")
    query = (select(Task.annotator_id, Vendor.name, team, Dataset.name, func.count(),
                    func.coalesce(func.sum(Task.active_seconds), 0))
             .join(Vendor, Vendor.id == Task.vendor_id).join(Dataset, Dataset.id == Task.dataset_id)
             .outerjoin(AnnotatorProfile, AnnotatorProfile.user_id == Task.annotator_id)
             .where(Task.status == TaskStatus.SUBMITTED, Task.submitted_at >= window.since,
                    Task.submitted_at < window.until)
             .group_by(Task.annotator_id, Vendor.name, team, Dataset.name))
    if scope is not None:
        query = query.where(Task.vendor_id.in_(scope))
    people: dict[str, Throughput] = {}
    teams: dict[str, Throughput] = {}
    datasets: dict[str, Throughput] = {}
    for annotator_id, vendor_name, team_name, dataset_name, items, seconds in session.execute(query):
        team_label = f"{vendor_name} · {team_name or NO_TEAM}"
        for groups, key, label in ((people, str(annotator_id), labels(annotator_id)),
                                   (teams, team_label, team_label), (datasets, dataset_name, dataset_name)):
            row = groups.setdefault(key, Throughput(key, label))
            row.items += items
            row.seconds += int(seconds)
    ordered = [sorted(g.values(), key=lambda r: r.label) for g in (people, teams, datasets)]
    return ThroughputReport(*ordered)


# ---------------------------------------------------------------------------------- refusals and flags


@dataclass(frozen=True)
class CountTable:
    """Counts by row label and column code (e.g. vendor × refusal code), for a small table."""

    columns: list[str]
    rows: dict[str, Counter[str]]

    def total(self, column: str) -> int:
        return sum(counts[column] for counts in self.rows.values())


def _table(pairs: Iterable[tuple[str, str, int]]) -> CountTable:
    rows: dict[str, Counter[str]] = defaultdict(Counter)
    for row, column, count in pairs:
        rows[row][column] += count
    columns = sorted({c for counts in rows.values() for c in counts})
    return CountTable(columns, dict(sorted(rows.items())))


def refusals_by_vendor_and_team(
    session: Session, scope: Scope, since: datetime
) -> tuple[CountTable, CountTable]:
    """Welfare refusals since ``since``: counts by vendor × code and by team × code. No person is named:
    the page answers "how often do our rules stop people", not "who"."""
    team = func.coalesce(AnnotatorProfile.team, "")
    query = (select(Vendor.name, team, WelfareRefusal.code, func.count())
             .join(Vendor, Vendor.id == WelfareRefusal.vendor_id)
             .outerjoin(AnnotatorProfile, AnnotatorProfile.user_id == WelfareRefusal.annotator_id)
             .where(WelfareRefusal.refused_at >= since).group_by(Vendor.name, team, WelfareRefusal.code))
    if scope is not None:
        query = query.where(WelfareRefusal.vendor_id.in_(scope))
    rows = session.execute(query).all()
    by_vendor = _table((vendor, code, n) for vendor, _, code, n in rows)
    by_team = _table((f"{vendor} · {team_name or NO_TEAM}", code, n) for vendor, team_name, code, n in rows)
    return by_vendor, by_team


def content_flags_by_vendor(session: Session, scope: Scope, since: datetime) -> CountTable:
    """Content flags raised since ``since``, by vendor × category (no annotators named)."""
    query = (select(Vendor.name, ContentFlag.category, func.count())
             .join(Vendor, Vendor.id == ContentFlag.vendor_id)
             .where(ContentFlag.created_at >= since).group_by(Vendor.name, ContentFlag.category))
    if scope is not None:
        query = query.where(ContentFlag.vendor_id.in_(scope))
    return _table(session.execute(query).all())


def week_start(viewer: User, now: datetime) -> datetime:
    """Monday 00:00 of the viewer's own week: "this week" as the person reading the page means it."""
    return local_week_start(now, zone(viewer.time_zone))


# ------------------------------------------------------------------------------------- one annotator


@dataclass(frozen=True)
class Record:
    """One annotator's record for their manager: hours by local day, refusals, flags, profile."""

    annotator: User
    profile: AnnotatorProfile | None
    hours_by_day: list[tuple[date, float]]
    seconds_week: int
    refusals: Counter[str]
    content_flags: int


def _hours_by_local_day(session: Session, annotator: User, since: datetime) -> dict[date, int]:
    """Active seconds per local calendar day, bucketed in Python: one person's few hundred rows, and a
    local-day bucket in SQL would need a different time-zone function on each backend."""
    tz = zone(annotator.time_zone)
    days: Counter[date] = Counter()
    query = select(Task.finished_at, Task.active_seconds).where(
        Task.annotator_id == annotator.id, Task.finished_at >= since,
        Task.served_at >= since - timedelta(days=1))
    for finished_at, seconds in session.execute(query):
        days[finished_at.astimezone(tz).date()] += seconds or 0
    return days


def annotator_record(session: Session, annotator: User, now: datetime, days: int = 14) -> Record:
    """Hours on each of the last ``days`` local days, this local week, refusals by code and content
    flags over the same days."""
    tz = zone(annotator.time_zone)
    first = local_day_start(now, tz) - timedelta(days=days - 1)
    by_day = _hours_by_local_day(session, annotator, min(first, local_week_start(now, tz)))
    today = now.astimezone(tz).date()
    week_from = local_week_start(now, tz).astimezone(tz).date()
    refusals = Counter(dict(session.execute(
        select(WelfareRefusal.code, func.count()).where(WelfareRefusal.annotator_id == annotator.id,
                                                       WelfareRefusal.refused_at >= first)
        .group_by(WelfareRefusal.code)).all()))
    return Record(
        annotator=annotator, profile=session.get(AnnotatorProfile, annotator.id),
        hours_by_day=[(d, by_day.get(d, 0) / 3600) for d in (today - timedelta(days=n) for n in range(days))],
        seconds_week=sum(s for d, s in by_day.items() if week_from <= d <= today),
        refusals=refusals, content_flags=_flags_since(session, [annotator.id], first)[annotator.id],
    )


def vendor_names(session: Session, scope: Scope = None) -> dict[int, str]:
    """Vendor id → name, within the scope (for tables keyed by vendor id)."""
    query = select(Vendor.id, Vendor.name)
    if scope is not None:
        query = query.where(Vendor.id.in_(scope))
    return dict(session.execute(query).all())
