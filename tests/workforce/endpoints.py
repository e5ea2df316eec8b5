"""The workbench's endpoints for the deny-by-default matrix (tests/test_permissions.py)."""

from __future__ import annotations

from typing import Any

from governance.db import db, utcnow
from governance.models import Role
from pii.models import Item, ItemStatus
from workforce.models import Task, TaskStatus

N = Role.ANNOTATOR
EXPECTED = {endpoint: frozenset({N}) for endpoint in (
    "work.bench", "work.take_next", "work.task", "work.acknowledge", "work.decline", "work.submit", "work.skip",
    "work.flag", "work.leak", "work.api_next", "work.api_heartbeat", "work.checkin")}
EXPECTED["work.checkins"] = frozenset({Role.VENDOR_MANAGER})


def extend_world(world: dict[str, Any]) -> None:
    annotator, dataset = world["users"][N], world["dataset"]
    item = Item(dataset_id=dataset.id, external_id="w1", kind="classification", status=ItemStatus.ACTIVE,
                redacted={"text": "Where is my parcel?"}, spans=[], entity_counts={}, sensitivity=[], open_slots=0)
    db.session.add(item)
    db.session.flush()
    task = Task(item_id=item.id, dataset_id=dataset.id, vendor_id=world["vendor"].id, annotator_id=annotator.id,
                kind="classification", status=TaskStatus.ASSIGNED, served_at=utcnow(), last_seen_at=utcnow())
    db.session.add(task)
    db.session.commit()
    world["task"] = task


def _task_url(suffix: str) -> Any:
    return lambda w: f"/work/tasks/{w['task'].id}{suffix}"


PATHS = {
    "work.task": _task_url(""),
    "work.acknowledge": _task_url("/acknowledge"),
    "work.decline": _task_url("/decline"),
    "work.submit": _task_url("/submit"),
    "work.skip": _task_url("/skip"),
    "work.flag": _task_url("/flag"),
    "work.leak": _task_url("/leak"),
    "work.api_heartbeat": lambda w: f"/api/tasks/{w['task'].id}/heartbeat",
}
