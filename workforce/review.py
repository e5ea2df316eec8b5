"""Review of submitted work (DESIGN rule 6): a reviewer accepts it, or rejects it with a reason code.

A reviewer is an annotator whose profile carries the reviewer flag. They review their own vendor's work
only, never their own, and see what annotators see: the item's redacted payload and the answer. The
rework rate in quality.py is rejected over reviewed, so it follows from every decision made here.

Decisions that keep review inside the other rules:

- Gold tasks are never queued: they are scored against the gold answer already, and showing them to a
  reviewer (who is also an annotator) would reveal which items are gold.
- The queue respects the reviewer's welfare settings: no item in a category they opted out of, and S3
  items only to a reviewer trained for them. Reviewing is exposure too.
- Only datasets the vendor may lawfully process today (governance.transfers.may_process) are shown;
  an expired DPA stops review as it stops task serving.
- A decision is a conditional UPDATE (``review_outcome IS NULL``), so two reviewers pressing at once
  record one decision and the other is told it was already reviewed.
- The reason code goes into the audit event (codes only); the task keeps the outcome, reviewer and time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import abort
from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session

from governance import audit
from governance.errors import PortalError, Refused
from governance.models import Dataset, DatasetAssignment, Role, User, Vendor
from governance.transfers import may_process
from pii.models import Item, ItemStatus
from workforce.models import AnnotatorProfile, Task, TaskStatus, VendorPolicy
from workforce.welfare import S3, SENSITIVE, WelfarePolicyError, load_policy

ACCEPTED = "accepted"
REJECTED = "rejected"
REJECT_REASONS = {
    "wrong_label": "Wrong label or ranking",
    "guidelines": "Does not follow the guidelines",
    "incomplete": "Incomplete or empty answer",
    "prelabel_unchecked": "Model pre-label accepted without checking",
    "other": "Other (talk it through with the annotator)",
}
QUEUE_SCAN = 200  # candidates read per queue page before the welfare filter keeps ``limit`` of them


@dataclass(frozen=True)
class ReviewEntry:
    """One task waiting for review, with the redacted item it answers."""

    task: Task
    item: Item
    dataset_name: str


@dataclass(frozen=True)
class Shield:
    """What a reviewer may be shown: items up to ``max_severity`` carrying none of ``excluded``."""

    max_severity: int
    excluded: frozenset[str]

    def allows(self, severity: int, categories: list[str] | None) -> bool:
        return severity <= self.max_severity and not set(categories or ()) & self.excluded


def reviewer_profile(session: Session, user: User) -> AnnotatorProfile | None:
    """The profile of ``user`` if they are an annotator with the reviewer flag, else ``None``."""
    if user.role != Role.ANNOTATOR or user.vendor_id is None:
        return None
    profile = session.get(AnnotatorProfile, user.id)
    return profile if profile is not None and profile.is_reviewer else None


def shield_for(session: Session, reviewer: User, profile: AnnotatorProfile) -> Shield:
    """The reviewer's opt-outs (expanded to every tag they cover under their vendor's policy) and their
    severity ceiling: S3 only with S3 training on record. An invalid vendor policy shields everything
    sensitive rather than guess."""
    vendor = session.get(Vendor, reviewer.vendor_id)
    overrides = session.scalar(
        select(VendorPolicy.overrides).where(VendorPolicy.vendor_id == reviewer.vendor_id))
    ceiling = S3 if profile.s3_trained_on is not None else SENSITIVE
    try:
        policy = load_policy(overrides, vendor.country if vendor else None)
    except WelfarePolicyError:
        return Shield(SENSITIVE - 1, frozenset(profile.opt_outs or ()))
    excluded = policy.opt_out_categories(profile.opt_outs or ()) | policy.categories_above(ceiling)
    return Shield(ceiling, excluded)


def lawful_dataset_ids(session: Session, vendor_id: int, today: date) -> set[int]:
    """Datasets assigned to the vendor that it may process today (the same gate as task serving)."""
    vendor = session.get(Vendor, vendor_id)
    if vendor is None:
        return set()
    datasets = session.scalars(
        select(Dataset).join(DatasetAssignment, DatasetAssignment.dataset_id == Dataset.id)
        .where(DatasetAssignment.vendor_id == vendor_id))
    return {d.id for d in datasets if may_process(session, d, vendor, today).allowed}


def _waiting(reviewer: User, dataset_ids: set[int]) -> list[ColumnElement[bool]]:
    return [Task.vendor_id == reviewer.vendor_id, Task.status == TaskStatus.SUBMITTED,
            Task.review_outcome.is_(None), Task.annotator_id != reviewer.id, Task.is_gold.is_(False),
            Task.dataset_id.in_(dataset_ids), Item.status == ItemStatus.ACTIVE, Item.redacted.is_not(None)]


def review_queue(session: Session, reviewer: User, today: date, limit: int = 20) -> list[ReviewEntry]:
    """The oldest unreviewed submitted tasks of the reviewer's vendor that they may be shown."""
    profile = reviewer_profile(session, reviewer)
    if profile is None:
        return []
    shield = shield_for(session, reviewer, profile)
    query = (select(Task, Item, Dataset.name).join(Item, Item.id == Task.item_id)
             .join(Dataset, Dataset.id == Task.dataset_id)
             .where(*_waiting(reviewer, lawful_dataset_ids(session, reviewer.vendor_id or 0, today)))
             .order_by(Task.submitted_at, Task.id).limit(QUEUE_SCAN))
    entries = [ReviewEntry(task, item, name) for task, item, name in session.execute(query)
               if shield.allows(max(task.severity, item.severity), [*task.categories, *item.sensitivity])]
    return entries[:limit]


def get_task_for_review_or_404(session: Session, task_id: int, reviewer: User) -> Task:
    """A task of the reviewer's own vendor; any other task (or none) answers 404."""
    task = session.get(Task, task_id)
    if task is None or reviewer.vendor_id is None or task.vendor_id != reviewer.vendor_id:
        abort(404)
    return task


def _check_reviewable(
    session: Session, reviewer: User, profile: AnnotatorProfile, task: Task, today: date
) -> None:
    if task.annotator_id == reviewer.id:
        raise Refused("You cannot review your own work.")
    if task.status != TaskStatus.SUBMITTED:
        raise Refused("Only submitted work can be reviewed.")
    if task.is_gold:
        raise Refused("Gold items are scored automatically and are not reviewed.")
    if task.review_outcome is not None:
        raise Refused("This work was already reviewed.")
    if task.dataset_id not in lawful_dataset_ids(session, task.vendor_id, today):
        raise Refused("Your vendor may not process this dataset at the moment, so it cannot be reviewed.")
    item = session.get(Item, task.item_id) if task.item_id else None
    if item is None or item.status != ItemStatus.ACTIVE or item.redacted is None:
        raise Refused("The item behind this work is no longer available.")
    if not shield_for(session, reviewer, profile).allows(max(task.severity, item.severity),
                                                           [*task.categories, *item.sensitivity]):
        raise Refused("This item is outside the content you have agreed to see.")


def review_task(session: Session, reviewer: User, task: Task, outcome: str, reason: str | None,
                now: datetime) -> Task:
    """Record the reviewer's decision on ``task``; a rejection needs a reason code. Audited.

    Raises Refused when the reviewer may not decide this task (their own, not submitted, gold, already
    reviewed, outside their welfare settings or the lawful path) and PortalError for a bad outcome or reason.
    """
    profile = reviewer_profile(session, reviewer)
    if profile is None:
        raise Refused("Only reviewers can review work.")
    if outcome not in (ACCEPTED, REJECTED):
        raise PortalError("Choose accept or reject.", field="outcome")
    if outcome == REJECTED and reason not in REJECT_REASONS:
        raise PortalError("Choose a reason for the rejection.", field="reason")
    _check_reviewable(session, reviewer, profile, task, now.date())
    code = reason if outcome == REJECTED else None
    done = session.execute(
        update(Task)
        .where(Task.id == task.id, Task.review_outcome.is_(None), Task.status == TaskStatus.SUBMITTED)
        .values(review_outcome=outcome, reviewed_by_id=reviewer.id, reviewed_at=now)
        .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise Refused("This work was already reviewed.")
    session.refresh(task)
    details: dict[str, Any] = {"outcome": outcome, "reason": code, "dataset_id": task.dataset_id,
                               "vendor_id": task.vendor_id}
    audit.log(session, reviewer, "task.reviewed", "task", task.id, details)
    return task
