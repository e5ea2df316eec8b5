"""The assignment engine: the one door through which an annotator receives work.

``next_task`` applies, in order: the abandoned-task timeout, the annotator's current task, the
welfare rules (``workforce/welfare.py``), the transfer gate for every dataset (checked at each serve,
so an expired DPA stops work at once), then claims one item atomically: a conditional UPDATE on the
item's open slots, with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL so concurrent annotators pass over
each other's candidates instead of queueing. Two annotators never receive the same slot.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from governance import audit
from governance.db import db
from governance.models import Dataset, DatasetAssignment, DatasetStatus, Role, User, Vendor
from governance.transfers import may_process
from pii.models import OPEN_ITEM, Item, ItemStatus
from workforce.models import Task, TaskStatus, WelfareRefusal
from workforce.welfare import Allowance, Refusal, check_candidate, decide
from workforce.welfare_state import welfare_view

ABANDON_AFTER = timedelta(minutes=20)
CANDIDATES_PER_QUERY = 24


@dataclass(frozen=True)
class Served:
    task: Task
    notice: str | None = None
    resumed: bool = False


@dataclass(frozen=True)
class NoTask:
    """Nothing served, and why: a welfare refusal (counted), no lawful work, or an empty queue."""

    code: str
    message: str
    resets_at: datetime | None = None


Outcome = Served | NoTask


def next_task(session: Session, annotator: User, now: datetime, rng: random.Random | None = None) -> Outcome:
    """Serve the annotator their next task, or say plainly why not (never silently)."""
    if annotator.role != Role.ANNOTATOR or annotator.vendor_id is None:
        return NoTask("not_an_annotator", "Only annotators receive tasks.")
    release_abandoned(session, now)
    current = _current_task(session, annotator)
    if current is not None:
        return _resume(session, annotator, current, now)
    vendor = session.get(Vendor, annotator.vendor_id)
    view = welfare_view(session, annotator, vendor, now)
    eligibility = decide(view.policy, view.state, now, view.zone)
    if isinstance(eligibility, Refusal):
        return _refuse(session, annotator, eligibility, now)
    datasets = lawful_datasets(session, vendor, now)
    if not datasets:
        return NoTask("no_lawful_work", "No dataset may be sent to your vendor right now. Your manager has been told.")
    task = _claim(session, annotator, vendor, datasets, eligibility, now, rng or random.Random())  # noqa: S311 (fairness, not secrecy)
    if task is None:
        if eligibility.when_none_fits is not None:
            return _refuse(session, annotator, eligibility.when_none_fits, now)
        return NoTask("queue_empty", "There is no work for you in the queue right now. Try again later.")
    return Served(task, eligibility.notice)


def lawful_datasets(session: Session, vendor: Vendor, now: datetime) -> list[Dataset]:
    """Active datasets assigned to the vendor that the transfer gate allows today."""
    assigned = session.scalars(select(Dataset).join(DatasetAssignment, DatasetAssignment.dataset_id == Dataset.id)
                               .where(DatasetAssignment.vendor_id == vendor.id,
                                      Dataset.status == DatasetStatus.ACTIVE)).all()
    return [d for d in assigned if may_process(session, d, vendor, now.date()).allowed]


def release_abandoned(session: Session, now: datetime) -> int:
    """Tasks silent for longer than the timeout go back to the queue (their slot is reopened)."""
    stale = session.execute(select(Task.id, Task.item_id).where(
        Task.status == TaskStatus.ASSIGNED, Task.last_seen_at < now - ABANDON_AFTER)).all()
    if not stale:
        return 0
    released = 0
    for task_id, item_id in stale:
        released += finish_and_reopen(session, task_id, item_id, TaskStatus.ABANDONED, now)
    return released


def finish_and_reopen(session: Session, task_id: int, item_id: int | None, status: TaskStatus, now: datetime) -> int:
    """End an assigned task without an answer and give its slot back (guarded: only once)."""
    changed = session.execute(update(Task).where(Task.id == task_id, Task.status == TaskStatus.ASSIGNED)
                              .values(status=status, finished_at=now)).rowcount
    if changed and item_id is not None:
        session.execute(update(Item).where(Item.id == item_id).values(open_slots=Item.open_slots + 1)
                        .execution_options(synchronize_session=False))
    return changed


def _current_task(session: Session, annotator: User) -> Task | None:
    return session.scalars(select(Task).where(Task.annotator_id == annotator.id, Task.status == TaskStatus.ASSIGNED)
                           .order_by(Task.id.desc()).limit(1)).first()


def _resume(session: Session, annotator: User, task: Task, now: datetime) -> Outcome:
    """The annotator's unfinished task, unless its item or its lawful path went away meanwhile."""
    item = session.get(Item, task.item_id) if task.item_id else None
    vendor = session.get(Vendor, task.vendor_id)
    dataset = session.get(Dataset, task.dataset_id)
    if item is None or item.status != ItemStatus.ACTIVE or not may_process(session, dataset, vendor, now.date()).allowed:
        finish_and_reopen(session, task.id, None, TaskStatus.WITHDRAWN, now)
        session.expire(task)
        return next_task(session, annotator, now)
    return Served(task, resumed=True)


def _refuse(session: Session, annotator: User, refusal: Refusal, now: datetime) -> NoTask:
    session.add(WelfareRefusal(annotator_id=annotator.id, vendor_id=annotator.vendor_id, code=refusal.code,
                               refused_at=now, resets_at=refusal.resets_at_utc))
    return NoTask(refusal.code, refusal.message, refusal.resets_at_utc)


def _claim(session: Session, annotator: User, vendor: Vendor, datasets: list[Dataset], eligibility: Allowance,
           now: datetime, rng: random.Random) -> Task | None:
    """Try datasets in random order (fair between them), gold or not at the dataset's gold rate."""
    for dataset in rng.sample(datasets, len(datasets)):
        gold_first = rng.random() < float(dataset.gold_rate)
        for gold in (gold_first, not gold_first):
            for item_id, severity, categories in _candidates(session, annotator, dataset.id, eligibility, gold):
                if check_candidate(eligibility, severity, categories or ()) and _take_slot(session, item_id):
                    return _create_task(session, annotator, vendor, dataset, item_id, severity, categories or [],
                                        gold, now)
    return None


def _candidates(session: Session, annotator: User, dataset_id: int, eligibility: Allowance, gold: bool):
    """The oldest open items of one dataset this annotator has not had, under their severity ceiling.

    The literal open-item condition matches the partial index ``ix_items_open`` (a bound parameter
    would not let the planner use it), so the scan stops after a few rows.
    """
    done_by_me = exists().where(Task.item_id == Item.id, Task.annotator_id == annotator.id)
    query = (select(Item.id, Item.severity, Item.sensitivity)
             .where(Item.dataset_id == dataset_id, OPEN_ITEM, Item.is_gold.is_(gold),
                    Item.severity <= eligibility.max_severity, ~done_by_me)
             .order_by(Item.id).limit(CANDIDATES_PER_QUERY))
    return session.execute(query).all()


def _take_slot(session: Session, item_id: int) -> bool:
    """Claim one open slot; the WHERE makes it atomic (a concurrent claim of the last slot gets 0 rows).

    On PostgreSQL the row is first locked with SKIP LOCKED, one candidate at a time: a row another
    annotator is claiming is passed over at once instead of waited for, and no transaction holds
    locks on candidates it will not take.
    """
    if db.dialect == "postgresql":
        locked = session.scalar(select(Item.id).where(Item.id == item_id, Item.open_slots > 0)
                                .with_for_update(skip_locked=True))
        if locked is None:
            return False
    return bool(session.execute(update(Item).where(Item.id == item_id, Item.open_slots > 0)
                                .values(open_slots=Item.open_slots - 1)
                                .execution_options(synchronize_session=False)).rowcount)


def _create_task(session: Session, annotator: User, vendor: Vendor, dataset: Dataset, item_id: int, severity: int,
                 categories: list[str], gold: bool, now: datetime) -> Task:
    task = Task(item_id=item_id, dataset_id=dataset.id, vendor_id=vendor.id, annotator_id=annotator.id,
                kind=dataset.task_kind, status=TaskStatus.ASSIGNED, severity=severity, categories=list(categories),
                is_gold=gold, warning_acknowledged=severity == 0, served_at=now, last_seen_at=now, active_seconds=0)
    session.add(task)
    session.flush()
    audit.log(session, annotator, "task.served", "task", task.id, {"item_id": item_id, "dataset_id": dataset.id})
    return task
