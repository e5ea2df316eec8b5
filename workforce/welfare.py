"""Welfare rules (DESIGN rule 5): may this annotator be given work now, and which work.

Pure logic, no database and no clock of its own: the caller passes ``now``, so every rule is tested with
a fixed clock and the same inputs always give the same answer. The next-task engine calls
:func:`state_from_intervals` on the annotator's recent task intervals (since :func:`history_start`),
then :func:`decide`, then keeps only candidate items that pass :func:`check_candidate`. A refusal is
shown to the annotator as it is, with the time it lifts, never turned into a silent empty queue.

Days and weeks are the annotator's *local* calendar: a Hanoi worker's day starts at 00:00
Asia/Ho_Chi_Minh (17:00 UTC the day before); a UTC reset would let one local day run past 8 h.

Every number comes from ``config/welfare.toml``, whose comments give each source. An admin may change a
vendor's policy only inside the ranges there and never past the legal ceiling of the vendor's country;
:func:`load_policy` refuses an invalid policy rather than serve work under it.

No wellbeing answers ever enter these functions. The EU Platform Work Directive (EU) 2024/2831 forbids
processing data on a worker's emotional or psychological state (Art 7) and automated decisions that put
undue pressure on workers' health (Art 12); check-in answers are read by a human wellbeing lead only.
The one check-in fact used here is the *date* a check-in took place (a precondition for S3 work), and
the only automatic effect of wellbeing is a pause the worker asks for (``AnnotatorFacts.sensitive_paused``).
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from config import load_policy as load_config

CONFIG_NAME = "welfare"
SENSITIVE = 2  # tier numbering of the reference (§5): S2 and S3 are "sensitive" for caps and breaks
S3 = 3
_WEEK = timedelta(days=7)
_DAY = timedelta(days=1)


class WelfarePolicyError(ValueError):
    """A vendor's welfare settings are invalid; ``problems`` are plain-English lines for the admin."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


# --------------------------------------------------------------------------------------------- policy


@dataclass(frozen=True)
class WelfarePolicy:
    """One vendor's effective welfare rules: defaults, then country overrides, then the admin's settings.

    Immutable so a rule cannot change under a decision in progress. Field meanings and sources are in
    ``config/welfare.toml`` (same names).
    """

    country: str | None
    tiers: tuple[tuple[str, int], ...]
    opt_outs: tuple[tuple[str, tuple[str, ...]], ...]
    unclassified_sensitive_tier: int
    rotation_counts_from_tier: int
    max_consecutive_sensitive: int
    rotation_nonsensitive_minutes: float
    rotation_nonsensitive_items: int
    rotation_break_minutes: float
    sensitive_items_per_day: int
    s3_items_per_day: int
    sensitive_minutes_per_day: float
    s3_minutes_per_day: float
    exposure_minutes_per_item_max: float
    s3_consent_renewal_months: int
    s3_checkin_within_days: int
    s3_min_working_days: int
    short_break_after_minutes: float
    short_break_minutes: float
    sensitive_break_after_minutes: float
    sensitive_break_minutes: float
    rest_break_minutes: float
    rest_break_before_hours: float
    daily_cap_hours: float
    hours_without_overtime_consent: float
    sensitive_work_until_hour: float
    weekly_cap_hours: float
    daily_rest_hours: float
    rest_days_per_week: int

    def tier_of(self, category: str) -> int:
        """Tier of one category tag; a tag the policy does not know counts as unclassified sensitive."""
        return dict(self.tiers).get(category, self.unclassified_sensitive_tier)

    def severity_for(self, categories: Iterable[str], declared: int = 0) -> int:
        """An item's tier: the highest of its declared tier and its tags' tiers (when unsure, round up)."""
        return max([declared, *(self.tier_of(c) for c in categories)])

    def categories_above(self, tier: int) -> frozenset[str]:
        """Known tags whose tier is above ``tier`` (kept away from someone limited to ``tier``)."""
        return frozenset(c for c, t in self.tiers if t > tier)

    def opt_out_categories(self, opted_out: Iterable[str]) -> frozenset[str]:
        """Every tag an annotator's opt-outs cover; a name that is not an opt-out is taken as a tag."""
        groups = dict(self.opt_outs)
        return frozenset(tag for name in opted_out for tag in groups.get(name, (name,)))

    @property
    def weekly_rest(self) -> timedelta:
        """The unbroken rest every 7 days must contain (EU WTD Art 5: 24 h plus the daily rest)."""
        return timedelta(days=self.rest_days_per_week, hours=self.daily_rest_hours)


_STRUCTURED = ("country", "tiers", "opt_outs")
_SCALARS = tuple(f.name for f in fields(WelfarePolicy) if f.name not in _STRUCTURED)
_WHOLE = frozenset(f.name for f in fields(WelfarePolicy) if f.type == "int")

# Plain-English name and unit of each setting, for admin messages.
_LABELS: dict[str, tuple[str, str]] = {
    "unclassified_sensitive_tier": ("Tier of unclassified sensitive items", ""),
    "rotation_counts_from_tier": ("Lowest tier counted toward rotation", ""),
    "max_consecutive_sensitive": ("Sensitive items in a row before rotation", " items"),
    "rotation_nonsensitive_minutes": ("Non-sensitive work after rotation", " min"),
    "rotation_nonsensitive_items": ("Non-sensitive items after rotation", " items"),
    "rotation_break_minutes": ("Break when no non-sensitive work is available", " min"),
    "sensitive_items_per_day": ("Sensitive items per day", " items"),
    "s3_items_per_day": ("S3 items per day", " items"),
    "sensitive_minutes_per_day": ("Sensitive minutes per day", " min"),
    "s3_minutes_per_day": ("S3 minutes per day", " min"),
    "exposure_minutes_per_item_max": ("Exposure counted per item", " min"),
    "s3_consent_renewal_months": ("S3 consent renewal", " months"),
    "s3_checkin_within_days": ("S3 check-in interval", " days"),
    "s3_min_working_days": ("Working days before S3 work", " days"),
    "short_break_after_minutes": ("Short break due after", " min"),
    "short_break_minutes": ("Short break", " min"),
    "sensitive_break_after_minutes": ("Sensitive-content break due after", " min"),
    "sensitive_break_minutes": ("Sensitive-content break", " min"),
    "rest_break_minutes": ("Rest break", " min"),
    "rest_break_before_hours": ("Work before the rest break", " h"),
    "daily_cap_hours": ("Daily cap", " h"),
    "hours_without_overtime_consent": ("Hours without overtime consent", " h"),
    "sensitive_work_until_hour": ("Sensitive work allowed until hour", ""),
    "weekly_cap_hours": ("Weekly cap", " h"),
    "daily_rest_hours": ("Daily rest", " h"),
    "rest_days_per_week": ("Rest days per week", " days"),
}

# Setting, legal key, and whether the law gives a ceiling ("max") or a floor ("min") for it.
_LEGAL_LIMITS = (
    ("weekly_cap_hours", "legal_weekly_ceiling_hours", "max"),
    ("daily_cap_hours", "legal_daily_ceiling_hours", "max"),
    ("daily_rest_hours", "legal_min_daily_rest_hours", "min"),
    ("rest_break_minutes", "legal_min_rest_break_minutes", "min"),
    ("rest_break_before_hours", "legal_rest_break_by_hours", "max"),
)


def load_policy(overrides: Mapping[str, Any] | None = None, country: str | None = None) -> WelfarePolicy:
    """The effective policy for a vendor in ``country`` with the admin's ``overrides``.

    Raises :class:`WelfarePolicyError` instead of clamping: a policy that breaks a range or the law must
    stop and be fixed by a person, not be served in a quietly altered form.
    """
    code = country.upper() if country else None
    values, tiers, opt_outs, problems = _resolve(overrides, code)
    if problems:
        raise WelfarePolicyError(problems)
    return WelfarePolicy(
        country=code,
        tiers=tuple(sorted(tiers.items())),
        opt_outs=tuple((name, tuple(tags)) for name, tags in sorted(opt_outs.items())),
        **{name: int(values[name]) if name in _WHOLE else float(values[name]) for name in _SCALARS},
    )


def validate_overrides(overrides: Mapping[str, Any] | None, country: str | None) -> list[str]:
    """Plain-English problems with an admin's settings for a vendor in ``country``; empty when valid.

    Checks, per setting: it exists and may be changed, it is a number of the right kind, it is not past
    the legal ceiling of the vendor's country, it is inside the admin range; then that S3 caps fit
    inside the S2+S3 caps. Category tiers may move between S1 and S2, never lower S3; opt-outs may
    widen, never narrow.
    """
    return _resolve(overrides, country.upper() if country else None)[3]


def _resolve(
    overrides: Mapping[str, Any] | None, country: str | None
) -> tuple[dict[str, Any], dict[str, int], dict[str, list[str]], list[str]]:
    raw = load_config(CONFIG_NAME)
    values: dict[str, Any] = {**raw["defaults"], **raw.get("country_overrides", {}).get(country or "", {})}
    tiers = {tag: int(level[1:]) for level, tags in raw["tiers"].items() for tag in tags}
    opt_outs = {name: list(tags) for name, tags in raw["opt_outs"].items()}
    problems: list[str] = []
    touched: list[str] = []
    for key, value in (overrides or {}).items():
        if key == "tiers":
            problems += _merge_tiers(value, tiers)
        elif key == "opt_outs":
            problems += _merge_opt_outs(value, opt_outs)
        elif (problem := _setting_problem(key, value, raw["ranges"])) is not None:
            problems.append(problem)
        else:
            values[key] = value
            touched.append(key)
    legal = _legal_problems(values, country, raw["legal"])
    problems += legal.values()
    if "rotation_counts_from_tier" in touched:
        touched.append("max_consecutive_sensitive")  # its range depends on whether S1 counts
    problems += [p for key in dict.fromkeys(touched) if key not in legal
                 and (p := _range_problem(key, values, raw["ranges"])) is not None]
    problems += _consistency_problems(values)
    return values, tiers, opt_outs, problems


def _setting_problem(key: str, value: Any, ranges: Mapping[str, Any]) -> str | None:
    if key not in _LABELS:
        return f"There is no welfare setting called '{key}'."
    label = _LABELS[key][0]
    if key not in ranges:
        return f"{label} is fixed by the portal and cannot be changed per vendor."
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return f"{label} must be a number."
    if key in _WHOLE and value != int(value):
        return f"{label} must be a whole number."
    return None


def _range_problem(key: str, values: Mapping[str, Any], ranges: Mapping[str, Any]) -> str | None:
    span_key = key
    if key == "max_consecutive_sensitive" and values["rotation_counts_from_tier"] < SENSITIVE:
        span_key = "max_consecutive_sensitive_with_s1"
    low, high = ranges[span_key]
    value = values[key]
    if low <= value <= high:
        return None
    label, unit = _LABELS[key]
    return f"{label} must be between {_num(low)} and {_num(high)}{unit} (you set {_num(value)}{unit})."


def _legal_problems(
    values: Mapping[str, Any], country: str | None, legal: Mapping[str, Any]
) -> dict[str, str]:
    table, known = _legal_table(country, legal)
    where = f"for {country}" if country else "for this vendor"
    if not known:
        where += " (no legal limits on file, so the portal's defaults are the limit)"
    problems: dict[str, str] = {}
    for key, legal_key, kind in _LEGAL_LIMITS:
        if legal_key not in table:
            continue
        value, limit, (label, unit) = values[key], table[legal_key], _LABELS[key]
        if kind == "max" and value > limit:
            word = "later than the legal limit" if "before" in key else "above the legal ceiling"
        elif kind == "min" and value < limit:
            word = "below the legal minimum"
        else:
            continue
        problems[key] = f"{label} of {_num(value)}{unit} is {word} of {_num(limit)}{unit} {where}."
    return problems


def _legal_table(country: str | None, legal: Mapping[str, Any]) -> tuple[Mapping[str, Any], bool]:
    """The legal ceilings for ``country`` and whether they are real law (False: the portal's fallback)."""
    if country and country in legal:
        return legal[country], True
    for table in legal.values():
        if country and country in table.get("countries", ()):
            return table, True
    return legal["default"], False


def _consistency_problems(values: Mapping[str, Any]) -> list[str]:
    problems = []
    for part, whole in (("s3_items_per_day", "sensitive_items_per_day"),
                        ("s3_minutes_per_day", "sensitive_minutes_per_day")):
        if values[part] > values[whole]:
            problems.append(f"{_LABELS[part][0]} ({_num(values[part])}) cannot be more than "
                            f"{_LABELS[whole][0].lower()} ({_num(values[whole])}).")
    return problems


def _merge_tiers(value: Any, tiers: dict[str, int]) -> list[str]:
    if not isinstance(value, Mapping):
        return ["Category tiers must name each category with a tier from 1 to 3."]
    problems = []
    for category, tier in value.items():
        if isinstance(tier, bool) or tier not in (1, 2, 3):
            problems.append(f"Category '{category}' must be in tier 1, 2 or 3 (you set {tier!r}).")
        elif tiers.get(category) == S3 and tier < S3:
            problems.append(f"Category '{category}' is S3 and cannot be lowered.")
        else:
            tiers[str(category)] = int(tier)
    return problems


def _all_str(values: Sequence[Any]) -> bool:
    return all(isinstance(v, str) for v in values)


def _merge_opt_outs(value: Any, opt_outs: dict[str, list[str]]) -> list[str]:
    if not isinstance(value, Mapping):
        return ["Opt-outs must name each opt-out with the categories it covers."]
    problems = []
    for name, tags in value.items():
        if isinstance(tags, str | bytes) or not isinstance(tags, Sequence) or not _all_str(tags):
            problems.append(f"Opt-out '{name}' must list category names.")
        elif missing := sorted(set(opt_outs.get(name, ())) - set(tags)):
            problems.append(f"Opt-out '{name}' must keep covering {', '.join(missing)}: "
                            "opt-outs may be widened, never narrowed.")
        else:
            opt_outs[str(name)] = list(dict.fromkeys([*opt_outs.get(name, ()), *tags]))
    return problems


# ------------------------------------------------------------------------------- facts and work state


class Interval(NamedTuple):
    """One task as worked: reveal to submit, in UTC, with the item's stored tier and category tags."""

    start_utc: datetime
    end_utc: datetime
    severity: int = 0
    categories: frozenset[str] = frozenset()


@dataclass(frozen=True)
class AnnotatorFacts:
    """What the portal records about an annotator that the rules need. Never wellbeing answers: only
    the date a check-in took place, and a sensitive-content pause the annotator asked for."""

    s3_trained_on: date | None = None
    s3_consent_on: date | None = None
    last_checkin_on: date | None = None
    working_days_in_job: int = 0
    opted_out: frozenset[str] = frozenset()
    overtime_consent: bool = False
    sensitive_paused: bool = False


@dataclass(frozen=True)
class WorkState:
    """An annotator's work as it stands at ``as_of_utc``; "today" and "week" are the LOCAL calendar.

    Tiers count as sensitive from S2. Exposure seconds are capped per item. "Since" clocks reset on a
    gap at least as long as the matching break. The S3 and opt-out facts are copied from
    :class:`AnnotatorFacts` so a decision needs nothing else.
    """

    as_of_utc: datetime
    worked_seconds_today: float = 0.0
    worked_seconds_week: float = 0.0
    sensitive_items_today: int = 0  # S2 + S3
    s3_items_today: int = 0
    sensitive_seconds_today: float = 0.0  # S2 + S3 exposure
    s3_seconds_today: float = 0.0
    consecutive_sensitive: int = 0  # current run at or above rotation_counts_from_tier
    nonsensitive_items_since_sensitive: int = 0
    nonsensitive_seconds_since_sensitive: float = 0.0
    continuous_seconds: float = 0.0  # task time since a gap >= short_break_minutes
    continuous_sensitive_seconds: float = 0.0  # S2/S3 exposure since a gap >= sensitive_break_minutes
    seconds_since_rest_break: float = 0.0  # task time since a gap >= rest_break_minutes
    last_work_end_utc: datetime | None = None
    period_start_utc: datetime | None = None  # first task after the last gap >= daily_rest_hours
    longest_rest_seconds_7d: float = math.inf  # longest gap within the last 7 x 24 h
    s3_eligible: bool = False
    opted_out: frozenset[str] = frozenset()
    overtime_consent: bool = False
    sensitive_paused: bool = False


def history_start(now_utc: datetime, policy: WelfarePolicy) -> datetime:
    """The earliest task end :func:`state_from_intervals` needs: 7 days plus the weekly rest, which
    also covers the local ISO week (at most 7 days and a time-zone offset back)."""
    return now_utc - _WEEK - policy.weekly_rest


def state_from_intervals(
    intervals: Iterable[Interval], now: datetime, tz: ZoneInfo, profile: AnnotatorFacts, policy: WelfarePolicy
) -> WorkState:
    """Replay an annotator's task intervals (those since :func:`history_start`) into a :class:`WorkState`.

    Intervals may come in any order; parts after ``now`` are ignored, and overlapping intervals count
    twice (the safe side for caps). Items count toward the day on which they were submitted; worked time
    is split exactly at local midnight.
    """
    _require_aware(now)
    start = history_start(now, policy)
    worked = sorted(
        (Interval(max(i.start_utc, start), min(i.end_utc, now), i.severity, frozenset(i.categories))
         for i in intervals if i.end_utc > start and i.start_utc < now),
        key=lambda i: i.start_utc,
    )
    clocks = _Clocks(policy, window_start=now - _WEEK)
    for interval in worked:
        clocks.rest(interval.start_utc, start)
        clocks.work(interval, policy.severity_for(interval.categories, interval.severity))
    clocks.rest(now, start)
    today = _TodayTotals.of(worked, now, tz, policy)
    return WorkState(
        as_of_utc=now,
        worked_seconds_today=today.worked, worked_seconds_week=today.worked_week,
        sensitive_items_today=today.sensitive_items, s3_items_today=today.s3_items,
        sensitive_seconds_today=today.sensitive_seconds, s3_seconds_today=today.s3_seconds,
        consecutive_sensitive=clocks.run, nonsensitive_items_since_sensitive=clocks.calm_items,
        nonsensitive_seconds_since_sensitive=clocks.calm_seconds,
        continuous_seconds=clocks.continuous, continuous_sensitive_seconds=clocks.continuous_sensitive,
        seconds_since_rest_break=clocks.since_rest_break,
        last_work_end_utc=clocks.last_end, period_start_utc=clocks.period_start,
        longest_rest_seconds_7d=clocks.longest_rest,
        s3_eligible=s3_eligible(policy, profile, now.astimezone(tz).date()),
        opted_out=frozenset(profile.opted_out),
        overtime_consent=profile.overtime_consent, sensitive_paused=profile.sensitive_paused,
    )


@dataclass
class _Clocks:
    """Counters while replaying intervals in time order (mutable, local to one replay)."""

    policy: WelfarePolicy
    window_start: datetime
    continuous: float = 0.0
    continuous_sensitive: float = 0.0
    since_rest_break: float = 0.0
    run: int = 0
    calm_items: int = 0
    calm_seconds: float = 0.0
    period_start: datetime | None = None
    last_end: datetime | None = None
    longest_rest: float = 0.0

    def rest(self, until: datetime, origin: datetime) -> None:
        """A gap without work from the last task's end (or ``origin``, the start of the known history)
        until ``until`` resets every clock it outlasts."""
        p = self.policy
        since = self.last_end or origin
        gap = max((until - since).total_seconds(), 0.0)
        if until > self.window_start:  # only the part inside the 7-day window counts as weekly rest
            inside = (until - max(since, self.window_start)).total_seconds()
            self.longest_rest = max(self.longest_rest, inside)
        if gap >= p.short_break_minutes * 60:
            self.continuous = 0.0
        if gap >= p.sensitive_break_minutes * 60:
            self.continuous_sensitive = 0.0
        if gap >= p.rest_break_minutes * 60:
            self.since_rest_break = 0.0
        if gap >= p.rotation_break_minutes * 60:
            self.run = 0
        if gap >= p.daily_rest_hours * 3600:
            self.period_start = None

    def work(self, interval: Interval, tier: int) -> None:
        """One task: time on every clock, exposure if S2/S3, and one step of the rotation run."""
        p = self.policy
        seconds = (interval.end_utc - interval.start_utc).total_seconds()
        self.period_start = self.period_start or interval.start_utc
        self.last_end = max(self.last_end or interval.end_utc, interval.end_utc)
        self.continuous += seconds
        self.since_rest_break += seconds
        if tier >= SENSITIVE:
            self.continuous_sensitive += min(seconds, p.exposure_minutes_per_item_max * 60)
        if tier >= p.rotation_counts_from_tier:
            self.run, self.calm_items, self.calm_seconds = self.run + 1, 0, 0.0
            return
        self.calm_items += 1
        self.calm_seconds += seconds
        enough_items = self.calm_items >= p.rotation_nonsensitive_items
        if enough_items and self.calm_seconds >= p.rotation_nonsensitive_minutes * 60:
            self.run = 0


@dataclass(frozen=True)
class _TodayTotals:
    worked: float
    worked_week: float
    sensitive_items: int
    s3_items: int
    sensitive_seconds: float
    s3_seconds: float

    @classmethod
    def of(
        cls, worked: Sequence[Interval], now: datetime, tz: ZoneInfo, policy: WelfarePolicy
    ) -> _TodayTotals:
        day, week = local_day_start(now, tz), local_week_start(now, tz)
        cap = policy.exposure_minutes_per_item_max * 60
        items = [(policy.severity_for(i.categories, i.severity),
                  min((i.end_utc - i.start_utc).total_seconds(), cap)) for i in worked if i.end_utc > day]
        return cls(
            worked=sum(_overlap(i, day, now) for i in worked),
            worked_week=sum(_overlap(i, week, now) for i in worked),
            sensitive_items=sum(1 for tier, _ in items if tier >= SENSITIVE),
            s3_items=sum(1 for tier, _ in items if tier >= S3),
            sensitive_seconds=sum(s for tier, s in items if tier >= SENSITIVE),
            s3_seconds=sum(s for tier, s in items if tier >= S3),
        )


def s3_missing_requirements(policy: WelfarePolicy, facts: AnnotatorFacts, today: date) -> list[str]:
    """What still stands between an annotator and S3 work, in plain English (for admin and profile pages).

    ``today`` is the annotator's local date. The rule itself is not configurable (reference §6):
    training, written consent renewed on schedule, a recent check-in (its date only) and a probation
    period.
    """
    missing = []
    if facts.s3_trained_on is None:
        missing.append("No S3 training is recorded.")
    if facts.s3_consent_on is None:
        missing.append("No written consent to S3 work is recorded.")
    elif today >= (lapse := _add_months(facts.s3_consent_on, policy.s3_consent_renewal_months)):
        missing.append(f"Written consent to S3 work lapsed on {_date_text(lapse)} "
                       f"(it is renewed every {policy.s3_consent_renewal_months} months).")
    checkin_window = timedelta(days=policy.s3_checkin_within_days)
    if facts.last_checkin_on is None or today - facts.last_checkin_on > checkin_window:
        missing.append(f"No check-in in the last {policy.s3_checkin_within_days} days.")
    if facts.working_days_in_job < policy.s3_min_working_days:
        missing.append(f"{facts.working_days_in_job} of {policy.s3_min_working_days} working days completed.")
    return missing


def s3_eligible(policy: WelfarePolicy, facts: AnnotatorFacts, today: date) -> bool:
    """Whether S3 items may be served to this annotator at all (``today``: their local date)."""
    return not s3_missing_requirements(policy, facts, today)


# ---------------------------------------------------------------------------------------- decisions


@dataclass(frozen=True)
class Refusal:
    """No task now. ``code`` is stable (the welfare report counts it); ``message`` is for the annotator,
    in plain English with the time it lifts in their local time; ``resets_at_utc`` None = no fixed time."""

    code: str
    message: str
    resets_at_utc: datetime | None = None


@dataclass(frozen=True)
class Notice:
    """Why sensitive work is held back right now (same code vocabulary as refusals); shown with the task."""

    code: str
    message: str
    max_severity: int
    resets_at_utc: datetime | None = None


@dataclass(frozen=True)
class Allowance:
    """What may be served now: items of tier ``max_severity`` or lower carrying none of
    ``excluded_categories``. ``when_none_fits`` is the refusal to show if no queued item passes, so a
    held-back annotator learns why and until when (e.g. the 5-minute break when rotation finds no
    non-sensitive work)."""

    max_severity: int
    excluded_categories: frozenset[str]
    notices: tuple[Notice, ...] = ()
    when_none_fits: Refusal | None = None
    policy: WelfarePolicy | None = field(default=None, repr=False, compare=False)

    @property
    def allow_sensitive(self) -> bool:
        """Whether S2/S3 items may be served now."""
        return self.max_severity >= SENSITIVE

    @property
    def notice(self) -> str | None:
        """The message to show beside the next task (the first reason sensitive work is held back)."""
        return self.notices[0].message if self.notices else None


Eligibility = Allowance | Refusal


def decide(policy: WelfarePolicy, state: WorkState, now_utc: datetime, tz: ZoneInfo) -> Eligibility:
    """Refuse all work, or say what may be served, for an annotator in ``state`` at ``now_utc``.

    When several stops apply the one lifting last is shown, since it is the one that decides when work
    can resume. Otherwise the ceiling is the lowest any limit allows (S3 only to the S3-eligible).
    """
    _require_aware(now_utc)
    stops = [r for check in _STOPS if (r := check(policy, state, now_utc, tz)) is not None]
    if stops:
        return max(stops, key=lambda r: r.resets_at_utc or now_utc)
    notices = tuple(n for check in _LIMITS if (n := check(policy, state, now_utc, tz)) is not None)
    ceiling = min([S3 if state.s3_eligible else SENSITIVE, *(n.max_severity for n in notices)])
    return Allowance(
        max_severity=ceiling,
        excluded_categories=policy.opt_out_categories(state.opted_out) | policy.categories_above(ceiling),
        notices=notices,
        when_none_fits=_when_none_fits(policy, state, notices, now_utc, tz),
        policy=policy,
    )


def check_candidate(eligibility: Eligibility, severity: int, categories: Iterable[str]) -> bool:
    """Whether an item (its stored tier and tags) may be served under ``eligibility``.

    The tags are tiered again with the vendor's policy, so an item stored with too low a tier still
    cannot slip past a limit.
    """
    if isinstance(eligibility, Refusal):
        return False
    tags = frozenset(categories)
    if eligibility.policy is not None:
        severity = eligibility.policy.severity_for(tags, severity)
    return severity <= eligibility.max_severity and not tags & eligibility.excluded_categories


Check = Callable[[WelfarePolicy, WorkState, datetime, ZoneInfo], Any]


def _daily_rest(policy: WelfarePolicy, state: WorkState, now: datetime, tz: ZoneInfo) -> Refusal | None:
    """Working periods are separated by the daily rest, so a period may span at most 24 h minus it."""
    if state.period_start_utc is None or state.last_work_end_utc is None:
        return None
    if now - state.period_start_utc < _DAY - timedelta(hours=policy.daily_rest_hours):
        return None
    resume = state.last_work_end_utc + timedelta(hours=policy.daily_rest_hours)
    return Refusal("daily_rest", f"You need {_num(policy.daily_rest_hours)} hours of rest between working "
                   f"days. You can start again at {_clock(resume, now, tz)}, your time.", resume)


def _weekly_rest(policy: WelfarePolicy, state: WorkState, now: datetime, tz: ZoneInfo) -> Refusal | None:
    needed = policy.weekly_rest
    if state.longest_rest_seconds_7d >= needed.total_seconds():
        return None
    resume = (state.last_work_end_utc or now) + needed
    hours = _num(needed.total_seconds() / 3600)
    return Refusal("weekly_rest", f"Every 7 days you need a full day off ({hours} hours without work). "
                   f"You can work again at {_clock(resume, now, tz)}, your time.", resume)


def _weekly_cap(policy: WelfarePolicy, state: WorkState, now: datetime, tz: ZoneInfo) -> Refusal | None:
    if state.worked_seconds_week < policy.weekly_cap_hours * 3600:
        return None
    resume = next_local_week_start(now, tz)
    return Refusal("weekly_cap", f"Weekly cap of {_num(policy.weekly_cap_hours)} h reached — resets on "
                   f"{_date_text(resume.astimezone(tz).date(), weekday=True)} at 00:00, your time.", resume)


def _daily_cap(policy: WelfarePolicy, state: WorkState, now: datetime, tz: ZoneInfo) -> Refusal | None:
    cap = policy.daily_cap_hours
    if not state.overtime_consent:
        cap = min(cap, policy.hours_without_overtime_consent)
    if state.worked_seconds_today < cap * 3600:
        return None
    return Refusal("daily_cap", f"Daily cap of {_num(cap)} h reached — resets at midnight, your time.",
                   next_local_midnight(now, tz))


def _rest_break(policy: WelfarePolicy, state: WorkState, now: datetime, tz: ZoneInfo) -> Refusal | None:
    if state.seconds_since_rest_break < policy.rest_break_before_hours * 3600:
        return None
    return _break("rest_break", f"{_num(policy.rest_break_minutes)}-minute rest break",
                  f"worked {_duration(state.seconds_since_rest_break)}",
                  policy.rest_break_minutes, state, now, tz)


def _short_break(policy: WelfarePolicy, state: WorkState, now: datetime, tz: ZoneInfo) -> Refusal | None:
    if state.continuous_seconds < policy.short_break_after_minutes * 60:
        return None
    return _break("short_break", f"{_num(policy.short_break_minutes)}-minute break",
                  f"worked {_duration(state.continuous_seconds)}", policy.short_break_minutes, state, now, tz)


def _sensitive_break(policy: WelfarePolicy, state: WorkState, now: datetime, tz: ZoneInfo) -> Refusal | None:
    if state.continuous_sensitive_seconds < policy.sensitive_break_after_minutes * 60:
        return None
    return _break("sensitive_break", f"{_num(policy.sensitive_break_minutes)}-minute break",
                  f"spent {_duration(state.continuous_sensitive_seconds)} on sensitive content",
                  policy.sensitive_break_minutes, state, now, tz)


def _break(
    code: str, what: str, done: str, minutes: float, state: WorkState, now: datetime, tz: ZoneInfo
) -> Refusal:
    resume = max(now, (state.last_work_end_utc or now) + timedelta(minutes=minutes))
    return Refusal(code, f"Take a {what}: you have {done} without one. "
                   f"You can continue at {_clock(resume, now, tz)}.", resume)


_STOPS: tuple[Check, ...] = (_daily_rest, _weekly_rest, _weekly_cap, _daily_cap, _rest_break, _short_break,
                             _sensitive_break)


def _rotation(policy: WelfarePolicy, state: WorkState, now: datetime, tz: ZoneInfo) -> Notice | None:
    if state.consecutive_sensitive < policy.max_consecutive_sensitive:
        return None
    return Notice("rotation", f"You have seen {state.consecutive_sensitive} sensitive items in a row. "
                  f"Next comes at least {_num(policy.rotation_nonsensitive_minutes)} minutes and "
                  f"{policy.rotation_nonsensitive_items} items of non-sensitive work.",
                  policy.rotation_counts_from_tier - 1)


def _paused(policy: WelfarePolicy, state: WorkState, now: datetime, tz: ZoneInfo) -> Notice | None:
    if not state.sensitive_paused:
        return None
    return Notice("sensitive_paused", "You asked for a pause from sensitive content, so you get only "
                  "non-sensitive work until you end the pause.", SENSITIVE - 1)


def _day_limits(policy: WelfarePolicy, state: WorkState, now: datetime, tz: ZoneInfo) -> Notice | None:
    """The daily exposure caps and the no-S2/S3-after-hour-8 rule; all lift at local midnight. Listed
    lowest ceiling first, so the first one reached is also the tightest."""
    hour = policy.sensitive_work_until_hour
    reached = (
        ("sensitive_hours", state.worked_seconds_today >= hour * 3600, SENSITIVE - 1,
         f"You have worked {_num(hour)} hours today, so sensitive work has stopped"),
        ("sensitive_items_cap", state.sensitive_items_today >= policy.sensitive_items_per_day, SENSITIVE - 1,
         f"You have reached today's limit of {policy.sensitive_items_per_day} sensitive items"),
        ("sensitive_minutes_cap", state.sensitive_seconds_today >= policy.sensitive_minutes_per_day * 60,
         SENSITIVE - 1, f"You have reached today's limit of {_num(policy.sensitive_minutes_per_day)} minutes "
         "on sensitive content"),
        ("s3_items_cap", state.s3_items_today >= policy.s3_items_per_day, S3 - 1,
         f"You have reached today's limit of {policy.s3_items_per_day} high-severity (S3) items"),
        ("s3_minutes_cap", state.s3_seconds_today >= policy.s3_minutes_per_day * 60, S3 - 1,
         f"You have reached today's limit of {_num(policy.s3_minutes_per_day)} minutes on "
         "high-severity (S3) content"),
    )
    for code, hit, ceiling, text in reached:
        if hit:
            rest = "non-sensitive work only" if ceiling < SENSITIVE else "no more S3 work"
            message = f"{text}: {rest} until midnight, your time."
            return Notice(code, message, ceiling, next_local_midnight(now, tz))
    return None


_LIMITS: tuple[Check, ...] = (_rotation, _paused, _day_limits)


def _when_none_fits(
    policy: WelfarePolicy, state: WorkState, notices: Sequence[Notice], now: datetime, tz: ZoneInfo
) -> Refusal | None:
    """The refusal for a held-back annotator when nothing under the ceiling is queued: the one that
    lifts last (an indefinite pause counts as last)."""
    options = []
    for notice in notices:
        if notice.code != "rotation":
            message = f"{notice.message} No non-sensitive work is available right now."
            options.append(Refusal(notice.code, message, notice.resets_at_utc))
            continue
        minutes = policy.rotation_break_minutes
        resume = max(now, (state.last_work_end_utc or now) + timedelta(minutes=minutes))
        run = state.consecutive_sensitive
        options.append(Refusal("rotation", f"You have seen {run} sensitive items in a row and no "
                               f"non-sensitive work is available. Take a {_num(minutes)}-minute break. "
                               f"You can continue at {_clock(resume, now, tz)}.", resume))
    far = datetime.max.replace(tzinfo=UTC)
    return max(options, key=lambda r: r.resets_at_utc or far) if options else None


# ------------------------------------------------------------------------------------ local calendar


def local_day_start(moment: datetime, tz: ZoneInfo) -> datetime:
    """00:00 of ``moment``'s local date, in UTC."""
    return datetime.combine(moment.astimezone(tz).date(), time(0), tzinfo=tz).astimezone(UTC)


def next_local_midnight(moment: datetime, tz: ZoneInfo) -> datetime:
    """The next local 00:00 after ``moment``, in UTC (when daily caps reset)."""
    return datetime.combine(moment.astimezone(tz).date() + _DAY, time(0), tzinfo=tz).astimezone(UTC)


def local_week_start(moment: datetime, tz: ZoneInfo) -> datetime:
    """Monday 00:00 of ``moment``'s local ISO week, in UTC."""
    local = moment.astimezone(tz).date()
    return datetime.combine(local - timedelta(days=local.weekday()), time(0), tzinfo=tz).astimezone(UTC)


def next_local_week_start(moment: datetime, tz: ZoneInfo) -> datetime:
    """The next local Monday 00:00, in UTC: found on the calendar, not by adding 168 h (DST weeks differ)."""
    local = moment.astimezone(tz).date()
    return datetime.combine(local + timedelta(days=7 - local.weekday()), time(0), tzinfo=tz).astimezone(UTC)


def _overlap(interval: Interval, low: datetime, high: datetime) -> float:
    return max((min(interval.end_utc, high) - max(interval.start_utc, low)).total_seconds(), 0.0)


def _add_months(moment: date, months: int) -> date:
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("Welfare rules need timezone-aware datetimes (UTC).")


# --------------------------------------------------------------------------------------------- words


def _num(value: float) -> str:
    """8.0 -> "8", 7.5 -> "7.5": numbers as people write them."""
    return f"{value:g}"


def _duration(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 60:
        return "1 minute" if minutes == 1 else f"{minutes} minutes"
    hours, rest = divmod(minutes, 60)
    if rest:
        return f"{hours} h {rest} min"
    return "1 hour" if hours == 1 else f"{hours} hours"


def _date_text(day: date, weekday: bool = False) -> str:
    text = f"{day.day} {calendar.month_name[day.month]} {day.year}"
    return f"{calendar.day_name[day.weekday()]} {text}" if weekday else text


def _clock(moment: datetime, now: datetime, tz: ZoneInfo) -> str:
    """A local time of day, with the day named when it is not today: "14:35", "07:00 tomorrow"."""
    local, today = moment.astimezone(tz), now.astimezone(tz).date()
    if local.date() == today:
        return f"{local:%H:%M}"
    if local.date() == today + _DAY:
        return f"{local:%H:%M} tomorrow"
    return f"{local:%H:%M} on {_date_text(local.date(), weekday=True)}"
