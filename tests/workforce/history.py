"""Builders for submitted work in tests of quality, review and team pages: items and tasks written
directly (the engine and the workbench have their own tests), so each test scripts exactly the
history it needs."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from itertools import count
from typing import Any

from governance.db import db, utcnow
from governance.models import Dataset, User
from pii.models import Item, ItemStatus
from workforce.models import Task, TaskStatus

_ids = count(1)


def items(dataset: Dataset, n: int, severity: int = 0, categories: tuple[str, ...] = (),
          gold: bool = False) -> list[Item]:
    """``n`` active items with a redacted payload and a model pre-label."""
    made = [Item(dataset_id=dataset.id, external_id=f"h{next(_ids)}", kind=dataset.task_kind,
                 status=ItemStatus.ACTIVE, redacted={"text": f"Parcel <PERSON_1> number {i}"}, spans=[],
                 entity_counts={"PERSON": 1}, sensitivity=list(categories), severity=severity,
                 is_gold=gold, gold_answer=["billing"] if gold else None, prelabel=["billing"], open_slots=0)
            for i in range(n)]
    db.session.add_all(made)
    db.session.flush()
    return made


def task(item: Item, annotator: User, seconds: int = 60, *, answer: Any = None, accepted: bool | None = None,
         gold_correct: bool | None = None, review: str | None = None, at: datetime | None = None,
         status: TaskStatus = TaskStatus.SUBMITTED, severity: int | None = None) -> Task:
    """One finished task of ``annotator`` on ``item``, submitted ``at`` (default: an hour ago)."""
    done = at or utcnow() - timedelta(hours=1)
    made = Task(item_id=item.id, dataset_id=item.dataset_id, vendor_id=annotator.vendor_id,
                annotator_id=annotator.id, kind=item.kind, status=status,
                severity=item.severity if severity is None else severity, categories=list(item.sensitivity),
                is_gold=item.is_gold, served_at=done - timedelta(seconds=seconds), last_seen_at=done,
                finished_at=done, submitted_at=done if status == TaskStatus.SUBMITTED else None,
                active_seconds=seconds, answer=answer if answer is not None else {"labels": ["billing"]},
                prelabel_accepted=accepted, gold_correct=gold_correct, review_outcome=review)
    db.session.add(made)
    return made


def labelled(item_labels: dict[int, dict[User, str]], kind: str = "labels") -> None:
    """Submitted answers on overlap items: item id → annotator → label (or top-ranked response)."""
    for item_id, answers in item_labels.items():
        item = db.session.get(Item, item_id)
        for annotator, label in answers.items():
            ranked = {"ranking": [label, 9], "ratings": {}}
            answer = {"labels": [label, "other"]} if kind == "labels" else ranked
            task(item, annotator, answer=answer)
    db.session.flush()


def prelabelled_work(dataset: Dataset, annotator: User, n: int, seconds: tuple[int, int], accept_share: float,
                     seed: int) -> None:
    """``n`` pre-labelled tasks taking ``seconds`` (inclusive range) each, accepting about
    ``accept_share`` of the model's pre-labels (deterministic for a seed)."""
    rng = random.Random(seed)
    accepted = set(rng.sample(range(n), round(n * accept_share)))
    for i, item in enumerate(items(dataset, n)):
        task(item, annotator, rng.randint(*seconds), accepted=i in accepted)
