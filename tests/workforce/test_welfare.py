"""Welfare rules with a controlled clock: every rule is checked by replaying task intervals up to a fixed
``now`` (no sleeping, no database). Times are written in the annotator's local time and converted."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from config import load_policy as load_config
from workforce.welfare import (
    AnnotatorFacts,
    Allowance,
    Interval,
    Refusal,
    WelfarePolicy,
    WelfarePolicyError,
    WorkState,
    check_candidate,
    decide,
    load_policy,
    next_local_midnight,
    next_local_week_start,
    s3_eligible,
    s3_missing_requirements,
    state_from_intervals,
    validate_overrides,
)

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")  # UTC+7, no DST
WARSAW = ZoneInfo("Europe/Warsaw")
VN = load_policy(country="VN")
PL = load_policy(country="PL")
TRAINED = AnnotatorFacts(
    s3_trained_on=date(2026, 9, 1),
    s3_consent_on=date(2026, 10, 1),
    last_checkin_on=date(2026, 12, 1),
    working_days_in_job=40,
)


def at(text: str, tz: ZoneInfo = HANOI) -> datetime:
    """A local wall-clock time ("2026-12-14 09:00", Monday) as an aware UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=tz).astimezone(UTC)


def items(start: datetime, count: int, minutes: float, severity: int = 0, *tags: str) -> list[Interval]:
    """``count`` back-to-back tasks of ``minutes`` each from ``start``."""
    step = timedelta(minutes=minutes)
    tagged = frozenset(tags)
    return [Interval(start + n * step, start + (n + 1) * step, severity, tagged) for n in range(count)]


def working_day(start: datetime) -> list[Interval]:
    """8 h of S0 work that keeps every break rule: ten 48-minute blocks (four 12-minute tasks each) with
    12-minute gaps, and a 42-minute rest break after the fifth block (4 h worked)."""
    intervals: list[Interval] = []
    block_start = start
    for block in range(10):
        intervals += items(block_start, 4, 12)
        block_start += timedelta(minutes=90 if block == 4 else 60)
    return intervals


def decide_at(
    intervals: Iterable[Interval],
    now: datetime,
    facts: AnnotatorFacts = AnnotatorFacts(),  # noqa: B008 (frozen, so sharing it is safe)
    policy: WelfarePolicy = VN,
    tz: ZoneInfo = HANOI,
):
    state = state_from_intervals(list(intervals), now, tz, facts, policy)
    return decide(policy, state, now, tz)


def refused(result, code: str) -> Refusal:
    assert isinstance(result, Refusal), f"expected a {code} refusal, got {result}"
    assert result.code == code, result
    return result


def allowed(result) -> Allowance:
    assert isinstance(result, Allowance), f"expected work to be allowed, got {result}"
    return result


# --- hours caps, on the local calendar ----------------------------------------------------------------


def test_daily_cap_in_hanoi_counts_the_local_day_and_resets_at_local_midnight_not_utc() -> None:
    # 00:30-10:48 Hanoi on Monday: 8 h, of which more than 4 h fall on Sunday in UTC.
    day = working_day(at("2026-12-14 00:30"))
    result = refused(decide_at(day, at("2026-12-14 11:00")), "daily_cap")
    assert result.message == "Daily cap of 8 h reached — resets at midnight, your time."
    assert result.resets_at_utc == datetime(2026, 12, 14, 17, 0, tzinfo=UTC)  # 00:00 Tuesday in Hanoi
    # A UTC day would have begun at 07:00 Hanoi, seen under 4 h of this work and let it go on.
    refused(decide_at(day, at("2026-12-14 23:59")), "daily_cap")
    allowed(decide_at(day, at("2026-12-15 00:30")))  # a new local day, 13.7 h of rest behind it


def test_worked_time_splits_exactly_at_local_midnight() -> None:
    task = Interval(at("2026-12-14 23:30"), at("2026-12-15 00:30"))
    state = state_from_intervals([task], at("2026-12-15 00:45"), HANOI, AnnotatorFacts(), VN)
    assert state.worked_seconds_today == 30 * 60
    assert state.worked_seconds_week == 60 * 60  # Monday and Tuesday are one ISO week


def test_overtime_above_8_hours_needs_recorded_consent_and_stops_sensitive_work_at_hour_8() -> None:
    policy = load_policy({"daily_cap_hours": 10}, country="VN")
    state = WorkState(as_of_utc=at("2026-12-14 18:00"), worked_seconds_today=8 * 3600)
    refused(decide(policy, state, state.as_of_utc, HANOI), "daily_cap")
    with_consent = WorkState(as_of_utc=state.as_of_utc, worked_seconds_today=8 * 3600, overtime_consent=True)
    result = allowed(decide(policy, with_consent, state.as_of_utc, HANOI))
    assert result.max_severity == 1
    assert result.notices[0].code == "sensitive_hours"


def test_weekly_cap_resets_at_local_monday_midnight() -> None:
    week = [i for day in range(5) for i in working_day(at("2026-12-14 08:00") + timedelta(days=day))]
    result = refused(decide_at(week, at("2026-12-19 09:00")), "weekly_cap")  # Saturday
    assert result.resets_at_utc == at("2026-12-21 00:00")
    assert "40 h" in result.message
    assert "Monday 21 December 2026 at 00:00, your time" in result.message
    allowed(decide_at(week, at("2026-12-21 08:00")))


def test_resets_follow_the_local_calendar_across_a_daylight_saving_change() -> None:
    # Poland springs forward on Sunday 28 March 2027: that week is 167 hours long.
    saturday = at("2027-03-27 12:00", WARSAW)
    assert next_local_week_start(saturday, WARSAW) == at("2027-03-29 00:00", WARSAW)
    assert next_local_midnight(saturday, WARSAW) == at("2027-03-28 00:00", WARSAW)
    sunday = at("2027-03-28 12:00", WARSAW)
    assert next_local_midnight(sunday, WARSAW) == datetime(2027, 3, 28, 22, tzinfo=UTC)  # CEST, UTC+2


def test_weekly_cap_reached_on_state_alone() -> None:
    state = WorkState(as_of_utc=at("2026-12-18 10:00"), worked_seconds_week=40 * 3600)
    refused(decide(VN, state, state.as_of_utc, HANOI), "weekly_cap")


# --- rotation ---------------------------------------------------------------------------------------------


def test_three_s2_items_in_a_row_rotate_to_non_sensitive_work_with_a_notice() -> None:
    run = items(at("2026-12-14 09:00"), 3, 2, 2, "violence")
    result = allowed(decide_at(run, at("2026-12-14 09:06")))
    assert result.max_severity == 1
    assert not result.allow_sensitive
    assert result.notice == ("You have seen 3 sensitive items in a row. Next comes at least 10 minutes "
                             "and 3 items of non-sensitive work.")
    assert result.notices[0].code == "rotation"
    assert not check_candidate(result, 2, {"violence"})
    assert check_candidate(result, 0, ())
    assert check_candidate(result, 1, {"profanity"})
    allowed_two = allowed(decide_at(run[:2], at("2026-12-14 09:04")))
    assert allowed_two.max_severity == 2
    assert allowed_two.notices == ()


@pytest.mark.parametrize(
    ("calm_count", "calm_minutes", "rotated_back"),
    [
        (3, 2, False),  # 3 items but only 6 minutes
        (2, 6, False),  # 12 minutes but only 2 items
        (3, 4, True),  # 3 items and 12 minutes
        (5, 2, True),  # 5 items and 10 minutes
    ],
)
def test_rotation_needs_10_minutes_and_3_items_of_non_sensitive_work(
    calm_count: int, calm_minutes: float, rotated_back: bool
) -> None:
    start = at("2026-12-14 09:00")
    run = items(start, 3, 2, 2, "hate")
    calm = items(start + timedelta(minutes=6), calm_count, calm_minutes, 0)
    now = calm[-1].end_utc
    result = allowed(decide_at(run + calm, now))
    assert result.allow_sensitive is rotated_back


def test_s1_items_neither_count_toward_rotation_nor_break_a_run() -> None:
    start = at("2026-12-14 09:00")
    mild = items(start, 6, 1, 1, "profanity")
    assert allowed(decide_at(mild, mild[-1].end_utc)).max_severity == 2
    mixed = [*items(start, 2, 2, 2, "violence"), *items(start + timedelta(minutes=4), 1, 1, 1, "profanity"),
             *items(start + timedelta(minutes=5), 1, 2, 2, "violence")]
    result = allowed(decide_at(mixed, mixed[-1].end_utc))
    assert result.notices[0].code == "rotation"


def test_rotation_with_no_non_sensitive_work_becomes_a_5_minute_break() -> None:
    run = items(at("2026-12-14 09:00"), 3, 2, 2, "violence")
    result = allowed(decide_at(run, at("2026-12-14 09:06")))
    fallback = result.when_none_fits
    assert fallback is not None
    assert fallback.code == "rotation"
    assert fallback.message.endswith("Take a 5-minute break. You can continue at 09:11.")
    assert fallback.resets_at_utc == at("2026-12-14 09:11")
    assert allowed(decide_at(run, at("2026-12-14 09:11"))).allow_sensitive


# --- daily sensitive exposure --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state_changes", "code", "ceiling"),
    [
        ({"sensitive_items_today": 100}, "sensitive_items_cap", 1),
        ({"sensitive_seconds_today": 180 * 60}, "sensitive_minutes_cap", 1),
        ({"s3_items_today": 40, "sensitive_items_today": 40}, "s3_items_cap", 2),
        ({"s3_seconds_today": 90 * 60, "sensitive_seconds_today": 90 * 60}, "s3_minutes_cap", 2),
        ({"sensitive_paused": True}, "sensitive_paused", 1),
    ],
)
def test_daily_exposure_caps_hold_back_sensitive_work_until_local_midnight(
    state_changes: dict, code: str, ceiling: int
) -> None:
    now = at("2026-12-14 15:00")
    state = WorkState(as_of_utc=now, s3_eligible=True, **state_changes)
    result = allowed(decide(VN, state, now, HANOI))
    assert result.max_severity == ceiling
    assert result.notices[0].code == code
    if code != "sensitive_paused":
        assert result.notices[0].resets_at_utc == at("2026-12-15 00:00")
        assert "until midnight, your time" in result.notices[0].message


def test_just_under_the_caps_sensitive_work_is_still_served() -> None:
    now = at("2026-12-14 15:00")
    state = WorkState(as_of_utc=now, sensitive_items_today=99, sensitive_seconds_today=179 * 60)
    assert allowed(decide(VN, state, now, HANOI)).max_severity == 2


def test_exposure_is_counted_by_tier_and_capped_at_10_minutes_per_item() -> None:
    start = at("2026-12-14 09:00")
    tasks = [
        Interval(start, start + timedelta(minutes=30), 2, frozenset({"violence"})),  # idle: counts 10 min
        Interval(start + timedelta(minutes=40), start + timedelta(minutes=44), 3, frozenset({"torture"})),
        Interval(start + timedelta(minutes=50), start + timedelta(minutes=52), 1, frozenset({"profanity"})),
        Interval(start + timedelta(minutes=60), start + timedelta(minutes=63), 0, frozenset({"mystery"})),
    ]
    state = state_from_intervals(tasks, start + timedelta(hours=2), HANOI, TRAINED, VN)
    assert state.sensitive_items_today == 3  # the untiered "mystery" tag counts as S2
    assert state.s3_items_today == 1
    assert state.sensitive_seconds_today == (10 + 4 + 3) * 60
    assert state.s3_seconds_today == 4 * 60


def test_yesterdays_sensitive_items_do_not_count_today() -> None:
    late = items(at("2026-12-14 23:00"), 3, 5, 2, "hate")
    state = state_from_intervals(late, at("2026-12-15 13:00"), HANOI, AnnotatorFacts(), VN)
    assert state.sensitive_items_today == 0
    assert state.sensitive_seconds_today == 0


# --- S3 and opt-outs ----------------------------------------------------------------------------------


def test_s3_is_refused_to_an_untrained_annotator_even_when_the_item_is_stored_too_low() -> None:
    result = allowed(decide_at([], at("2026-12-14 09:00")))
    assert result.max_severity == 2
    assert not check_candidate(result, 3, {"torture"})
    assert not check_candidate(result, 2, {"child_safety"})  # S3 tag wins over a stored S2
    assert check_candidate(result, 2, {"violence"})


def test_s3_is_served_to_a_trained_consenting_checked_in_annotator() -> None:
    result = allowed(decide_at([], at("2026-12-14 09:00"), TRAINED))
    assert result.max_severity == 3
    assert check_candidate(result, 3, {"torture"})


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"s3_trained_on": None}, "No S3 training"),
        ({"s3_consent_on": None}, "No written consent"),
        ({"s3_consent_on": date(2026, 6, 14)}, "lapsed on 14 December 2026"),
        ({"last_checkin_on": date(2026, 11, 13)}, "No check-in in the last 30 days"),
        ({"working_days_in_job": 9}, "9 of 10 working days"),
    ],
)
def test_each_missing_s3_requirement_is_named(changes: dict, says: str) -> None:
    today = date(2026, 12, 14)
    facts = AnnotatorFacts(**{**{f.name: getattr(TRAINED, f.name) for f in fields(TRAINED)}, **changes})
    assert s3_eligible(VN, TRAINED, today)
    assert not s3_eligible(VN, facts, today)
    assert any(says in line for line in s3_missing_requirements(VN, facts, today))


def test_s3_consent_and_check_in_are_judged_on_the_local_date() -> None:
    # Consent given 14 June lapses on 14 December: at 23:30 on 13 December in Hanoi (16:30 UTC) it holds,
    # at 00:30 on 14 December in Hanoi (17:30 UTC on the 13th) it has lapsed.
    facts = AnnotatorFacts(**{**{f.name: getattr(TRAINED, f.name) for f in fields(TRAINED)},
                              "s3_consent_on": date(2026, 6, 14)})
    assert allowed(decide_at([], at("2026-12-13 23:30"), facts)).max_severity == 3
    assert allowed(decide_at([], at("2026-12-14 00:30"), facts)).max_severity == 2


def test_opt_outs_exclude_every_tag_they_cover() -> None:
    facts = AnnotatorFacts(opted_out=frozenset({"violence"}))
    result = allowed(decide_at([], at("2026-12-14 09:00"), facts))
    assert {"violence", "gore", "torture", "real_killing"} <= result.excluded_categories
    assert not check_candidate(result, 2, {"violence"})
    assert not check_candidate(result, 2, {"gore", "hate"})
    assert check_candidate(result, 2, {"hate"})


# --- breaks -----------------------------------------------------------------------------------------


def test_short_break_after_50_minutes_of_continuous_work_in_local_time() -> None:
    # Ten 5-minute tasks with a 9-minute pause in the middle: too short to count as a break.
    first = items(at("2026-12-14 14:00"), 5, 5)
    second = items(at("2026-12-14 14:34"), 5, 5)
    result = refused(decide_at(first + second, at("2026-12-14 14:59")), "short_break")
    assert result.message == ("Take a 10-minute break: you have worked 50 minutes without one. "
                              "You can continue at 15:09.")
    assert "08:09" not in result.message  # the UTC time is never shown
    allowed(decide_at(first + second, at("2026-12-14 15:09")))


def test_a_10_minute_gap_resets_the_continuous_work_clock() -> None:
    first = items(at("2026-12-14 14:00"), 5, 5)
    second = items(at("2026-12-14 14:35"), 5, 5)
    allowed(decide_at(first + second, at("2026-12-14 15:00")))


def test_5_minute_break_after_25_minutes_of_sensitive_content() -> None:
    start = at("2026-12-14 10:00")
    tasks = [*items(start, 3, 5, 2, "hate"), *items(start + timedelta(minutes=15), 3, 4, 0),
             *items(start + timedelta(minutes=27), 2, 5, 2, "hate")]
    result = refused(decide_at(tasks, at("2026-12-14 10:37")), "sensitive_break")
    assert result.message == ("Take a 5-minute break: you have spent 25 minutes on sensitive content "
                              "without one. You can continue at 10:42.")


def test_rest_break_of_30_minutes_before_5_hours_worked() -> None:
    tasks: list[Interval] = []
    block = at("2026-12-14 08:00")
    for _ in range(6):  # 6 x 45 min with 11-minute gaps (short breaks, not a rest break)
        tasks += items(block, 3, 15)
        block += timedelta(minutes=56)
    tasks += items(block, 2, 15)  # 5 h worked in all
    now = tasks[-1].end_utc + timedelta(minutes=1)
    result = refused(decide_at(tasks, now), "rest_break")
    assert result.message.startswith("Take a 30-minute rest break: you have worked 5 hours without one.")
    assert result.resets_at_utc == tasks[-1].end_utc + timedelta(minutes=30)
    assert result.message.endswith(f"You can continue at {result.resets_at_utc.astimezone(HANOI):%H:%M}.")


def test_a_30_minute_gap_counts_as_the_rest_break() -> None:
    morning = items(at("2026-12-14 08:00"), 3, 15) + items(at("2026-12-14 08:56"), 3, 15)
    afternoon = items(at("2026-12-14 10:11"), 3, 15) + items(at("2026-12-14 11:07"), 3, 15)
    state = state_from_intervals(morning + afternoon, at("2026-12-14 11:53"), HANOI, AnnotatorFacts(), VN)
    assert state.seconds_since_rest_break == 90 * 60


# --- rest between days and weeks ---------------------------------------------------------------------


def test_11_hours_of_rest_between_working_days() -> None:
    evening = working_day(at("2026-12-14 12:30", WARSAW))  # ends 22:48 Warsaw
    result = refused(decide_at(evening, at("2026-12-15 08:00", WARSAW), policy=PL, tz=WARSAW), "daily_rest")
    assert result.resets_at_utc == at("2026-12-15 09:48", WARSAW)
    assert result.message == ("You need 11 hours of rest between working days. "
                              "You can start again at 09:48, your time.")
    allowed(decide_at(evening, at("2026-12-15 09:48", WARSAW), policy=PL, tz=WARSAW))


def test_vietnam_requires_12_hours_of_rest() -> None:
    evening = working_day(at("2026-12-14 12:30"))  # ends 22:48 Hanoi
    refused(decide_at(evening, at("2026-12-15 10:00")), "daily_rest")
    allowed(decide_at(evening, at("2026-12-15 10:48")))


def test_a_split_day_may_not_span_more_than_24_hours_minus_the_daily_rest() -> None:
    # 08:00-08:48, then 19:30-21:18: 10.7 h apart is not an 11 h rest, so this is one period of 13.3 h.
    split = [*items(at("2026-12-14 08:00", WARSAW), 4, 12), *items(at("2026-12-14 19:30", WARSAW), 4, 12),
             *items(at("2026-12-14 20:30", WARSAW), 4, 12)]
    allowed(decide_at(split, at("2026-12-14 20:55", WARSAW), policy=PL, tz=WARSAW))
    result = refused(decide_at(split, split[-1].end_utc, policy=PL, tz=WARSAW), "daily_rest")
    assert "You can start again at 08:18 tomorrow, your time." in result.message


def test_seven_days_in_a_row_without_a_full_day_off_is_refused() -> None:
    days = [i for d in range(6) for i in items(at("2026-12-14 09:00") + timedelta(days=d), 4, 12)]
    result = refused(decide_at(days, at("2026-12-20 09:00")), "weekly_rest")  # the 7th day, a Sunday
    assert "full day off" in result.message
    allowed(decide_at(days[:-4], at("2026-12-19 09:00")))  # the 6th day is fine


# --- decisions in general ------------------------------------------------------------------------------


def test_when_several_stops_apply_the_one_lifting_last_is_shown() -> None:
    now = at("2026-12-14 17:00")
    state = WorkState(as_of_utc=now, worked_seconds_today=8 * 3600, continuous_seconds=55 * 60,
                      last_work_end_utc=now)
    refused(decide(VN, state, now, HANOI), "daily_cap")


def test_refusals_serve_nothing_and_naive_clocks_are_rejected() -> None:
    refusal = Refusal("daily_cap", "Daily cap of 8 h reached — resets at midnight, your time.")
    assert not check_candidate(refusal, 0, ())
    with pytest.raises(ValueError, match="timezone-aware"):
        decide(VN, WorkState(as_of_utc=at("2026-12-14 09:00")), datetime(2026, 12, 14, 9), HANOI)


# --- policy settings --------------------------------------------------------------------------------


def test_config_defaults_cover_every_policy_setting_and_nothing_else() -> None:
    raw = load_config("welfare")
    scalars = {f.name for f in fields(WelfarePolicy)} - {"country", "tiers", "opt_outs"}
    assert set(raw["defaults"]) == scalars
    assert set(raw["ranges"]) - {"max_consecutive_sensitive_with_s1"} <= scalars
    assert validate_overrides(None, "VN") == []
    assert validate_overrides({}, None) == []


@pytest.mark.parametrize(
    ("overrides", "country", "problem"),
    [
        ({"weekly_cap_hours": 50}, "VN", "Weekly cap of 50 h is above the legal ceiling of 48 h for VN."),
        ({"weekly_cap_hours": 49}, "GB", "Weekly cap of 49 h is above the legal ceiling of 48 h for GB."),
        ({"daily_cap_hours": 9}, "IN", "Daily cap of 9 h is above the legal ceiling of 8 h for IN."),
        ({"daily_rest_hours": 11}, "VN", "Daily rest of 11 h is below the legal minimum of 12 h for VN."),
        ({"rest_break_minutes": 20}, "IN", "Rest break of 20 min is below the legal minimum of 30 min"),
        ({"rest_break_before_hours": 6}, "IN", "later than the legal limit of 5 h for IN"),
        ({"short_break_after_minutes": 120}, "PL",
         "Short break due after must be between 30 and 90 min (you set 120 min)."),
        ({"max_consecutive_sensitive": 11}, "PL", "must be between 1 and 10 items"),
        ({"rotation_counts_from_tier": 1}, "PL", "must be between 5 and 50 items (you set 3 items)"),
        ({"s3_items_per_day": 70, "sensitive_items_per_day": 50}, "PL", "cannot be more than sensitive"),
        ({"s3_min_working_days": 2}, "PL", "fixed by the portal"),
        ({"weekly_cap": 30}, "PL", "no welfare setting called 'weekly_cap'"),
        ({"weekly_cap_hours": "forty"}, "PL", "Weekly cap must be a number."),
        ({"max_consecutive_sensitive": 2.5}, "PL", "must be a whole number"),
        ({"tiers": {"child_safety": 2}}, "PL", "'child_safety' is S3 and cannot be lowered"),
        ({"tiers": {"medical": 0}}, "PL", "must be in tier 1, 2 or 3"),
        ({"opt_outs": {"violence": ["violence"]}}, "PL", "must keep covering gore, real_killing, torture"),
        ({"daily_cap_hours": 10}, "US", "above the legal ceiling of 8 h for US (no legal limits on file"),
    ],
)
def test_invalid_settings_are_refused_in_plain_english(overrides: dict, country: str, problem: str) -> None:
    problems = validate_overrides(overrides, country)
    assert any(problem in p for p in problems), problems
    with pytest.raises(WelfarePolicyError):
        load_policy(overrides, country=country)


def test_valid_settings_change_the_policy() -> None:
    overrides = {"weekly_cap_hours": 45, "daily_cap_hours": 10, "max_consecutive_sensitive": 2,
                 "tiers": {"medical": 2, "doxxing": 2},
                 "opt_outs": {"violence": ["violence", "gore", "torture", "real_killing", "war_footage"]}}
    assert validate_overrides(overrides, "VN") == []
    policy = load_policy(overrides, country="vn")
    assert policy.country == "VN"
    assert policy.weekly_cap_hours == 45
    assert policy.max_consecutive_sensitive == 2
    assert policy.tier_of("medical") == 2
    assert policy.tier_of("doxxing") == 2
    assert {"war_footage", "torture"} <= policy.opt_out_categories({"violence"})


def test_tamil_nadu_rest_break_is_a_valid_vendor_setting_for_india() -> None:
    assert validate_overrides({"rest_break_minutes": 60, "rest_break_before_hours": 4}, "IN") == []
