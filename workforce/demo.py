"""Six weeks of annotation history for the demo: items, submitted tasks, reviews, welfare refusals,
content flags and annotator profiles, so every team, quality and cost page has real figures.

Called after governance.demo.seed_demo (vendors, people, datasets and assignments must exist):
``seed_workforce_history(session, now)``. Deterministic for a given ``now`` (one seeded random
generator), idempotent (a second call adds nothing), written with bulk INSERTs (a few seconds).

Figures are the portal's own; none is published. Seconds per item by dataset (a support intent is
quick, an RLHF comparison or a transcript correction is slow) are scaled by a regional pace. The demo
programme is a pilot: each annotator works on it three weekdays a week for a 1 to 2 hour session
(active time, in their local morning; the rest of their day belongs to other clients, outside the
portal), with a break after ~45 minutes and never more than 3 sensitive items in a row (DESIGN rule 5).
That keeps the history near 18,000 tasks, which bulk-insert in 2 to 4 seconds. The model's
pre-labels are right about 85% of the time; careful annotators are right about 90% of the time. One
annotator at Saigon Data Labs rubber-stamps: accepts ~99% of pre-labels at a third of the usual time
(JOURNEYS, Marta step 3). Two annotators are trained for S3 content; only they receive S3 items.
History writes no per-task audit events (the chain records what people do in the portal, and these
tasks were never done in it); one event records that the history was loaded.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from governance import audit
from governance.audit import SYSTEM
from governance.models import Dataset, DatasetAssignment, Role, User, Vendor
from pii.models import Item, ItemStatus
from workforce.models import AnnotatorProfile, ContentFlag, Task, TaskStatus, WelfareRefusal
from workforce.profiles import known_opt_outs

PREFIX = "hist-"
SEED = 20260
DAYS = 42
# name → (median seconds per item, overlap share, answers per overlap item). None published.
DATASETS = {
    "Support chat intents": (55, 0.12, 2),
    "Safety review queue": (80, 0.10, 2),
    "Assistant preference pairs": (240, 0.10, 3),
    "Call-centre transcripts": (420, 0.0, 2),
}
SESSION_HOURS = (1.0, 2.0)
DAYS_OFF_PER_WEEK = 2
PACE = {"VN": 1.0, "IN": 1.05, "PL": 0.95, "GB": 0.9}  # regional pace multiplier on seconds (None published)
GOLD_SHARE, GOLD_POOL = 0.05, 60
RUBBER_STAMPER = "Duc Hoang"
FRESH_TODAY = ("Linh Nguyen",)  # the journey's annotator starts her day in the portal (JOURNEYS, Linh)
QUIET_MINUTES = 30  # history stops this long before ``now``, so nobody starts the demo owing a break
S3_TRAINED = ("Thao Pham", "Zofia Wiśniewska")
REVIEWERS = ("Minh Tran", "Priya Raman", "Anna Kowalska", "Oliver Hughes")
OPT_OUTS = {"Hoa Vu": ["self_harm"], "Arjun Mehta": ["violence"], "Amelia Clarke": ["sexual"]}
TEAMS = {"Linh Nguyen": "Intents", "Minh Tran": "Intents", "Duc Hoang": "Intents", "Thao Pham": "Safety",
         "Quang Le": "Safety", "Hoa Vu": "RLHF", "Priya Raman": "Transcripts", "Arjun Mehta": "Transcripts",
         "Kavya Iyer": "Intents", "Rohan Das": "Intents", "Sneha Kulkarni": "Transcripts",
         "Anna Kowalska": "Intents", "Piotr Nowak": "Intents", "Zofia Wiśniewska": "Safety",
         "Oliver Hughes": "RLHF", "Amelia Clarke": "RLHF", "Jack Patel": "Transcripts"}
SENSITIVE_TAGS = {"violence": 2, "hate": 2, "self_harm": 2, "sexual": 2, "harassment": 2, "torture": 3}
CHATS = ["Hi, this is <PERSON_1>. My parcel to <ADDRESS_1> is a week late, can you call <PHONE_1>?",
         "I was charged twice on card <CREDIT_CARD_1> for order {n}. Please refund one.",
         "Can't log in since yesterday, the reset mail to <EMAIL_1> never comes.",
         "<PERSON_1> here: the app crashes when I open my invoices (order {n}).",
         "Please close my account and delete my data, thanks, <PERSON_1>."]
SAFETY = ["User message {n}: asks how to return a faulty kettle.",
          "User message {n}: a heated argument quoting insults at <PERSON_1>.",
          "User message {n}: describes an injury in detail and asks for help."]


@dataclass
class _Person:
    user: User
    country: str
    datasets: list[Dataset]
    stamper: bool
    s3: bool
    excluded: set[str]
    reviewer_id: int | None
    zone: ZoneInfo


@dataclass
class _Plan:
    """Rows being built in memory: items (by index until inserted), tasks, refusals, flags."""

    rng: random.Random
    now: datetime
    until: datetime
    items: list[dict[str, Any]] = field(default_factory=list)
    truths: list[Any] = field(default_factory=list)
    tasks: list[dict[str, Any]] = field(default_factory=list)
    flags: list[dict[str, Any]] = field(default_factory=list)
    refusals: list[dict[str, Any]] = field(default_factory=list)
    gold: dict[int, list[int]] = field(default_factory=dict)
    open_overlap: dict[int, list[list[Any]]] = field(default_factory=dict)  # dataset → [index, slots, who]
    done_gold: dict[tuple[int, int], set[int]] = field(default_factory=dict)


def seed_workforce_history(session: Session, now: datetime) -> int:
    """Load six weeks of history before ``now`` for the demo annotators; return the tasks written
    (0 if the history is already there or the demo people and datasets are missing)."""
    if session.scalar(select(Item.id).where(Item.external_id.like(f"{PREFIX}%")).limit(1)) is not None:
        return 0
    people = demo_people(session)
    if not people:
        return 0
    plan = plan_history(people, now)
    ids = _insert_items(session, plan)
    _insert_tasks(session, plan, ids)
    _seed_profiles(session, people, now)
    audit.log(session, SYSTEM, "demo.workforce_history", "system", None,
              {"tasks": len(plan.tasks), "items": len(plan.items), "refusals": len(plan.refusals)})
    return len(plan.tasks)


def plan_history(people: list[_Person], now: datetime) -> _Plan:
    """The rows to write, built in memory: the same people and ``now`` always give the same rows."""
    rng = random.Random(SEED)  # noqa: S311 (demo data, not security)
    plan = _Plan(rng, now, now - timedelta(minutes=QUIET_MINUTES))
    for dataset in {d.id: d for p in people for d in p.datasets}.values():
        plan.gold[dataset.id] = [_new_item(plan, dataset, gold=True) for _ in range(GOLD_POOL)]
    for person in people:
        _simulate(plan, person)
    return plan


def demo_people(session: Session) -> list[_Person]:
    """The demo annotators whose vendor has datasets assigned, with what the simulation needs."""
    assigned: dict[int, list[Dataset]] = {}
    for dataset, vendor_id in session.execute(select(Dataset, DatasetAssignment.vendor_id).join(
            DatasetAssignment, DatasetAssignment.dataset_id == Dataset.id).where(Dataset.name.in_(DATASETS))):
        assigned.setdefault(vendor_id, []).append(dataset)
    users = session.scalars(select(User).where(User.role == Role.ANNOTATOR).order_by(User.id)).all()
    reviewers = {u.vendor_id: u.id for u in users if u.display_name in REVIEWERS}
    countries = dict(session.execute(select(Vendor.id, Vendor.country)).all())
    opt_outs = {name: set(tags) for name, tags in known_opt_outs().items()}
    return [_Person(u, countries[u.vendor_id], sorted(assigned[u.vendor_id], key=lambda d: d.id),
                    u.display_name == RUBBER_STAMPER, u.display_name in S3_TRAINED,
                    set().union(*(opt_outs[o] for o in OPT_OUTS.get(u.display_name, []))),
                    reviewers.get(u.vendor_id), ZoneInfo(u.time_zone))
            for u in users if u.vendor_id in assigned]


# ------------------------------------------------------------------------------------------ simulation


def _simulate(plan: _Plan, person: _Person) -> None:
    """Three weekdays a week (days off chosen per week) over the last six weeks, in the person's local
    time, until shortly before ``now``."""
    today = plan.now.astimezone(person.zone).date()
    days_off: dict[int, list[int]] = {}
    for offset in range(DAYS, -1, -1):
        day = today - timedelta(days=offset)
        off = days_off.setdefault(day.isocalendar().week, plan.rng.sample(range(5), DAYS_OFF_PER_WEEK))
        fresh = offset == 0 and person.user.display_name in FRESH_TODAY
        if day.weekday() >= 5 or day.weekday() in off or fresh:
            continue
        start = datetime.combine(day, time(8), person.zone) + timedelta(minutes=plan.rng.randint(0, 120))
        _work_session(plan, person, start.astimezone(plan.now.tzinfo))


def _work_session(plan: _Plan, person: _Person, clock: datetime) -> None:
    rng = plan.rng
    target = rng.uniform(*SESSION_HOURS) * 3600
    worked, since_break, streak = 0.0, 0.0, [0, 0, 0.0]  # rotation: run, calm items, calm seconds
    while worked < target and clock < plan.until:
        dataset = rng.choice(person.datasets)
        block_end = worked + rng.uniform(20, 40) * 60
        while worked < min(block_end, target) and clock < plan.until:
            seconds = _one_task(plan, person, dataset, clock, streak)
            clock += timedelta(seconds=seconds + rng.randint(3, 15))
            worked += seconds
            since_break += seconds
        if since_break >= 45 * 60:
            clock, since_break = clock + timedelta(minutes=rng.randint(10, 14)), 0.0
            streak[0] = 0
    _session_refusals(plan, person, clock)


def _one_task(plan: _Plan, person: _Person, dataset: Dataset, start: datetime, streak: list) -> int:
    rng = plan.rng
    median, _, _ = DATASETS[dataset.name]
    pace = PACE.get(person.country, 1.0) * (0.33 if person.stamper else 1.0)
    seconds = max(5, int(rng.lognormvariate(0, 0.35) * median * pace))
    index, gold = _pick_item(plan, person, dataset, streak)
    item = plan.items[index]
    tier = item["severity"]
    _rotation_step(streak, tier, seconds)
    finished = start + timedelta(seconds=seconds)
    if finished > plan.until:
        return seconds
    if tier >= 2 and rng.random() < 0.03:
        plan.flags.append(_flag_row(person, dataset, index, item, finished, seconds))
        return seconds
    plan.tasks.append(_task_row(plan, person, dataset, index, start, finished, seconds, gold))
    return seconds


def _rotation_step(streak: list, tier: int, seconds: int) -> None:
    if tier >= 2:
        streak[:] = [streak[0] + 1, 0, 0.0]
        return
    streak[1] += 1
    streak[2] += seconds
    if streak[1] >= 3 and streak[2] >= 600:
        streak[0] = 0


def _pick_item(plan: _Plan, person: _Person, dataset: Dataset, streak: list) -> tuple[int, bool]:
    """A blind gold item now and then, an overlap item for agreement, else a fresh item (sensitive only
    when rotation, opt-outs and S3 training allow)."""
    rng = plan.rng
    done = plan.done_gold.setdefault((person.user.id, dataset.id), set())
    if rng.random() < GOLD_SHARE and (left := [i for i in plan.gold[dataset.id] if i not in done]):
        done.add(index := rng.choice(left))
        return index, True
    _, share, k = DATASETS[dataset.name]
    if rng.random() < share:
        return _overlap_item(plan, person, dataset, k), False
    calm = streak[0] >= 3
    return _new_item(plan, dataset, sensitive=not calm, person=person), False


def _overlap_item(plan: _Plan, person: _Person, dataset: Dataset, k: int) -> int:
    pool = plan.open_overlap.setdefault(dataset.id, [])
    for entry in pool:
        if person.user.id not in entry[2]:
            entry[1] -= 1
            entry[2].add(person.user.id)
            if entry[1] == 0:
                pool.remove(entry)
            return entry[0]
    index = _new_item(plan, dataset)
    pool.append([index, k - 1, {person.user.id}])
    return index


def _new_item(plan: _Plan, dataset: Dataset, gold: bool = False, sensitive: bool = False,
              person: _Person | None = None) -> int:
    rng, n = plan.rng, len(plan.items)
    tags: list[str] = []
    if sensitive and dataset.name == "Safety review queue" and person and rng.random() < 0.2:
        allowed = [t for t, tier in SENSITIVE_TAGS.items()
                   if t not in person.excluded and (tier < 3 or person.s3)]
        tags = [rng.choice(allowed)] if allowed else []
    truth, prelabel, payload = _content(rng, dataset, n)
    plan.items.append({
        "dataset_id": dataset.id, "external_id": f"{PREFIX}{dataset.id}-{n}", "kind": dataset.task_kind,
        "status": ItemStatus.ACTIVE, "redacted": payload, "spans": [], "entity_counts": {"PERSON": 1},
        "sensitivity": tags, "severity": max((SENSITIVE_TAGS[t] for t in tags), default=0), "is_gold": gold,
        "gold_answer": truth if gold else None, "prelabel": prelabel, "open_slots": 0,
        "created_at": plan.now - timedelta(days=DAYS + 1)})
    plan.truths.append(truth)
    return n


def _content(rng: random.Random, dataset: Dataset, n: int) -> tuple[Any, Any, dict[str, Any]]:
    """(true answer, model pre-label, redacted payload) for a new item; the model is right ~85%."""
    if dataset.task_kind == "preference":
        truth = rng.sample([1, 2, 3], 3)
        guess = truth if rng.random() < 0.85 else rng.sample(truth, 3)
        return ({"ranking": truth}, {"ranking": guess},
                {"prompt": f"How do I reset my router (case {n})?",
                 "responses": ["Unplug it.", "Hold reset 10 s.", "Call <PHONE_1>."]})
    if dataset.task_kind == "transcript":
        text = f"Caller <PERSON_1> asks about invoice {n} and confirms the address <ADDRESS_1>."
        return text, text if rng.random() < 0.6 else text.replace("asks", "ask"), {"text": text}
    labels = dataset.labels or ["other"]
    truth = rng.choice(labels)
    guess = truth if rng.random() < 0.85 else rng.choice(labels)
    texts = SAFETY if dataset.name == "Safety review queue" else CHATS
    return [truth], [guess], {"text": rng.choice(texts).format(n=n)}


def _answer(plan: _Plan, person: _Person, dataset: Dataset, index: int) -> Any:
    rng, item, truth = plan.rng, plan.items[index], plan.truths[index]
    if person.stamper and rng.random() < 0.99:
        return item["prelabel"]
    if rng.random() < 0.9:
        return truth
    if dataset.task_kind == "preference":
        return {"ranking": rng.sample(truth["ranking"], 3)}
    if dataset.task_kind == "transcript":
        return truth + " (checked)"
    return [rng.choice(dataset.labels or ["other"])]


def _as_answer(kind: str, value: Any) -> dict[str, Any]:
    if kind == "preference":
        return {"ranking": value["ranking"], "ratings": {"helpfulness": 4, "harmlessness": 5, "honesty": 4}}
    if kind == "transcript":
        return {"text": value}
    return {"labels": list(value)}


def _task_row(plan: _Plan, person: _Person, dataset: Dataset, index: int, start: datetime, finished: datetime,
              seconds: int, gold: bool) -> dict[str, Any]:
    rng, item = plan.rng, plan.items[index]
    value = _answer(plan, person, dataset, index)
    right = value == plan.truths[index]
    row = {"item_index": index, "dataset_id": dataset.id, "vendor_id": person.user.vendor_id,
           "annotator_id": person.user.id, "kind": dataset.task_kind, "status": TaskStatus.SUBMITTED,
           "severity": item["severity"], "categories": item["sensitivity"], "is_gold": gold,
           "warning_acknowledged": item["severity"] > 0, "served_at": start, "last_seen_at": finished,
           "finished_at": finished, "submitted_at": finished, "active_seconds": seconds,
           "answer": _as_answer(dataset.task_kind, value), "prelabel_accepted": value == item["prelabel"],
           "gold_correct": right if gold else None, "review_outcome": None, "reviewed_by_id": None,
           "reviewed_at": None}
    reviewed_at = finished + timedelta(hours=rng.uniform(1, 20))
    reviewer = person.reviewer_id
    if not gold and reviewer not in (None, person.user.id) and rng.random() < 0.12 and reviewed_at < plan.now:
        rejected = rng.random() < (0.03 if right else 0.6)
        row.update(review_outcome="rejected" if rejected else "accepted", reviewed_by_id=reviewer,
                   reviewed_at=reviewed_at)
    return row


def _flag_row(person: _Person, dataset: Dataset, index: int, item: dict, finished: datetime,
              seconds: int) -> dict[str, Any]:
    """A sensitive item the annotator flagged as disturbing: the task ends skipped, with a content flag."""
    return {"item_index": index, "dataset_id": dataset.id, "vendor_id": person.user.vendor_id,
            "annotator_id": person.user.id, "kind": dataset.task_kind, "status": TaskStatus.SKIPPED,
            "severity": item["severity"], "categories": item["sensitivity"], "warning_acknowledged": True,
            "served_at": finished - timedelta(seconds=seconds), "last_seen_at": finished,
            "finished_at": finished,
            "active_seconds": seconds, "skip_reason": "flagged", "category": item["sensitivity"][0]}


def _session_refusals(plan: _Plan, person: _Person, end: datetime) -> None:
    """Refusals the engine would have shown in a session: rotation with no non-sensitive work left, the
    break after sensitive content, and the short break."""
    rng, base = plan.rng, {"annotator_id": person.user.id, "vendor_id": person.user.vendor_id}
    moments = []
    safety = any(d.name == "Safety review queue" for d in person.datasets)
    for code, chance, minutes in (("rotation", 0.3 if safety else 0.0, 5),
                                  ("sensitive_break", 0.08 if safety else 0.0, 5), ("short_break", 0.1, 10)):
        if rng.random() < chance:
            at = end - timedelta(minutes=rng.randint(10, 90))
            moments.append((code, at, at + timedelta(minutes=minutes)))
    plan.refusals += [{**base, "code": code, "refused_at": at, "resets_at": resets}
                      for code, at, resets in moments if at < plan.until]


# ------------------------------------------------------------------------------------------- writing


def _insert_items(session: Session, plan: _Plan) -> list[int]:
    session.execute(insert(Item.__table__), plan.items)  # Core: one executemany, no ORM bookkeeping
    query = select(Item.external_id, Item.id).where(Item.external_id.like(f"{PREFIX}%"))
    ids = dict(session.execute(query).all())
    return [ids[row["external_id"]] for row in plan.items]


def _insert_tasks(session: Session, plan: _Plan, ids: list[int]) -> None:
    rows = [{**{k: v for k, v in row.items() if k != "item_index"}, "item_id": ids[row["item_index"]]}
            for row in plan.tasks]
    session.execute(insert(Task.__table__), rows)
    for row in plan.flags:  # few: written one by one so each content flag points at its task
        category = row.pop("category")
        task = Task(**{k: v for k, v in row.items() if k != "item_index"}, item_id=ids[row["item_index"]])
        session.add(task)
        session.flush()
        session.add(ContentFlag(item_id=task.item_id, task_id=task.id, vendor_id=task.vendor_id,
                                annotator_id=task.annotator_id, category=category,
                                created_at=task.finished_at))
    if plan.refusals:
        session.execute(insert(WelfareRefusal.__table__), plan.refusals)


def _seed_profiles(session: Session, people: list[_Person], now: datetime) -> None:
    """Profiles for every demo annotator: team, start date, reviewers, opt-outs, and two S3-trained."""
    today = now.date()
    for person in people:
        name = person.user.display_name
        profile = session.get(AnnotatorProfile, person.user.id) or AnnotatorProfile(user_id=person.user.id)
        profile.team = TEAMS.get(name, "")
        profile.started_on = profile.started_on or today - timedelta(days=200 + person.user.id * 7 % 150)
        profile.is_reviewer = name in REVIEWERS
        profile.opt_outs = sorted(set(profile.opt_outs or ()) | set(OPT_OUTS.get(name, [])))
        if name in S3_TRAINED:
            profile.s3_trained_on = today - timedelta(days=90)
            profile.s3_consent_on = today - timedelta(days=60)
            profile.last_checkin_on = today - timedelta(days=6)
        session.add(profile)
    session.flush()
