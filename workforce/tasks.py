"""What an annotator does with a served task: acknowledge a warning, decline, work (heartbeats),
submit an answer, skip with a reason, flag disturbing content, report leaked PII.

Every action checks that the task is the annotator's and still open; bad input raises a domain
error with a plain message and changes nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import Session

from governance import audit
from governance.errors import PortalError
from governance.models import Dataset, User
from pii.items import report_leak
from pii.models import Item
from pii.sensitivity import severity_of
from workforce.assignment import finish_and_reopen
from workforce.models import ContentFlag, Task, TaskStatus

IDLE_CUTOFF = timedelta(seconds=90)  # a gap between heartbeats longer than this is not work
SKIP_REASONS = {
    "unclear": "The instructions or content are unclear",
    "expertise": "Needs expertise I do not have",
    "broken": "The content is broken or empty",
    "language": "Not in a language I work in",
}
FLAG_CATEGORIES = ("violence", "sexual", "self_harm", "hate", "extremism", "animal_cruelty", "child_safety",
                   "medical", "other")
RATING_DIMENSIONS = ("helpfulness", "harmlessness", "honesty")
MAX_TEXT = 20_000


def own_task_or_404(session: Session, annotator: User, task_id: int) -> Task:
    """The annotator's own task; anyone else's (or a missing one) answers 404."""
    task = session.scalars(select(Task).where(Task.id == task_id, Task.annotator_id == annotator.id)).first()
    if task is None:
        abort(404)
    return task


def _open(task: Task) -> None:
    if task.status != TaskStatus.ASSIGNED:
        raise PortalError(f"This task is already {task.status.value}; nothing was changed.")


def record_activity(task: Task, now: datetime) -> None:
    """Add the time since the last sign of life, unless the gap was idle (over the cut-off)."""
    gap = now - task.last_seen_at
    if timedelta(0) < gap <= IDLE_CUTOFF:
        task.active_seconds = (task.active_seconds or 0) + int(gap.total_seconds())
    task.last_seen_at = max(now, task.last_seen_at)


def heartbeat(session: Session, annotator: User, task: Task, now: datetime) -> int:
    """The page is open and the annotator active; returns active seconds so far."""
    _open(task)
    record_activity(task, now)
    return task.active_seconds


def acknowledge_warning(session: Session, annotator: User, task: Task, now: datetime) -> None:
    """The annotator chose to see sensitive content after its warning."""
    _open(task)
    task.warning_acknowledged = True
    task.last_seen_at = now


def decline(session: Session, annotator: User, task: Task, now: datetime) -> None:
    """Declining sensitive content after its warning: no penalty, the item returns to the queue."""
    _open(task)
    if task.severity == 0:
        raise PortalError("Only sensitive items can be declined; skip this one with a reason instead.")
    finish_and_reopen(session, task.id, task.item_id, TaskStatus.DECLINED, now)
    audit.log(session, annotator, "task.declined", "task", task.id, {"severity": task.severity})


def skip(session: Session, annotator: User, task: Task, reason: str, now: datetime) -> None:
    """Skip with a reason (required); the item returns to the queue for someone else."""
    _open(task)
    if reason not in SKIP_REASONS:
        raise PortalError("Choose why you are skipping this task.", "reason")
    record_activity(task, now)
    task.skip_reason = reason
    finish_and_reopen(session, task.id, task.item_id, TaskStatus.SKIPPED, now)
    audit.log(session, annotator, "task.skipped", "task", task.id, {"reason": reason})


def flag(session: Session, annotator: User, task: Task, category: str, now: datetime) -> None:
    """Flag disturbing content: the item becomes sensitive for everyone after, and this task ends."""
    _open(task)
    if category not in FLAG_CATEGORIES:
        raise PortalError("Choose what kind of disturbing content this is.", "category")
    item = session.get(Item, task.item_id) if task.item_id else None
    if item is not None:
        tag = category if category != "other" else "unclassified_sensitive"
        item.sensitivity = sorted(set(item.sensitivity or []) | {tag})
        item.severity = max(item.severity or 0, severity_of([tag], item.severity))
    session.add(ContentFlag(item_id=task.item_id, task_id=task.id, vendor_id=task.vendor_id,
                            annotator_id=annotator.id, category=category, created_at=now))
    record_activity(task, now)
    task.skip_reason = "flagged"
    finish_and_reopen(session, task.id, task.item_id, TaskStatus.SKIPPED, now)
    audit.log(session, annotator, "task.flagged", "task", task.id, {"category": category})


def leak(session: Session, annotator: User, task: Task, entity_type: str, now: datetime) -> None:
    """Report leaked PII from the task: the item is quarantined (pii.items) and this task withdrawn."""
    _open(task)
    item = session.get(Item, task.item_id) if task.item_id else None
    if item is None:
        raise PortalError("This item no longer exists.")
    report_leak(session, annotator, item, entity_type)
    record_activity(task, now)
    finish_and_reopen(session, task.id, None, TaskStatus.WITHDRAWN, now)


def submit(session: Session, annotator: User, task: Task, form: dict[str, Any], now: datetime) -> Task:
    """Validate and store the answer; derive gold correctness and pre-label acceptance."""
    _open(task)
    if task.severity and not task.warning_acknowledged:
        raise PortalError("Open the content after its warning before answering.")
    item = session.get(Item, task.item_id) if task.item_id else None
    if item is None or not item.redacted:
        raise PortalError("This item is no longer available; nothing was submitted.")
    dataset = session.get(Dataset, task.dataset_id)
    answer = parse_answer(task.kind, form, item, dataset)
    record_activity(task, now)
    task.answer = answer
    task.gold_correct = _matches(answer, item.gold_answer, task.kind) if task.is_gold else None
    task.prelabel_accepted = _matches(answer, item.prelabel, task.kind) if item.prelabel is not None else None
    task.status, task.submitted_at, task.finished_at = TaskStatus.SUBMITTED, now, now
    session.flush()
    audit.log(session, annotator, "task.submitted", "task", task.id,
              {"item_id": task.item_id, "active_seconds": task.active_seconds})
    return task


def parse_answer(kind: str, form: dict[str, Any], item: Item, dataset: Dataset) -> dict[str, Any]:
    """The answer for each task kind, or a domain error naming what is wrong."""
    if kind == "classification":
        allowed = item.labels or dataset.labels or []
        labels = [label for label in form.get("labels", []) if label]
        if not labels:
            raise PortalError("Choose at least one label.", "labels")
        unknown = [label for label in labels if label not in allowed]
        if unknown:
            raise PortalError("That label is not in this dataset's label set.", "labels")
        return {"labels": sorted(set(labels), key=allowed.index)}
    if kind == "preference":
        return _preference(form, len(item.redacted.get("responses", [])))
    text = str(form.get("text", "")).strip()
    if not text:
        raise PortalError("The answer text is empty.", "text")
    if len(text) > MAX_TEXT:
        raise PortalError(f"The answer is longer than {MAX_TEXT} characters.", "text")
    return {"text": text}


def _preference(form: dict[str, Any], responses: int) -> dict[str, Any]:
    try:
        ranking = [int(x) for x in str(form.get("ranking", "")).replace(" ", "").split(",") if x != ""]
    except ValueError:
        raise PortalError("Rank the responses as a list such as 2,1,3.", "ranking") from None
    if sorted(ranking) != list(range(1, responses + 1)):
        raise PortalError(f"Rank each of the {responses} responses exactly once (e.g. 2,1,3).", "ranking")
    ratings = {}
    for dimension in RATING_DIMENSIONS:
        value = str(form.get(dimension, ""))
        if value not in {"1", "2", "3", "4", "5"}:
            raise PortalError(f"Rate {dimension} from 1 to 5.", dimension)
        ratings[dimension] = int(value)
    return {"ranking": ranking, "ratings": ratings}


def _matches(answer: dict[str, Any], expected: Any, kind: str) -> bool:
    if expected is None:
        return False
    if kind == "classification":
        wanted = expected if isinstance(expected, list) else [expected]
        return sorted(answer.get("labels", [])) == sorted(str(x) for x in wanted)
    if kind == "preference":
        wanted = expected.get("ranking") if isinstance(expected, dict) else expected
        return answer.get("ranking") == wanted
    text = expected if isinstance(expected, str) else str(expected)
    return " ".join(answer.get("text", "").split()) == " ".join(text.split())
