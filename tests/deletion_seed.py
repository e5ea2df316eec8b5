"""Seeding items, subject tokens and tasks through the real PII functions (vault encryption under the
dataset's data key, HMAC tokens under the subject-token key), in bulk, for the retention and
erasure tests and the browser journey."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from governance.db import utcnow
from governance.models import Dataset, User
from pii.datakeys import ensure_data_key
from pii.models import Item, ItemStatus, SubjectToken
from pii.subjects import token_key
from pii.tokens import subject_tokens
from workforce.models import Task, TaskStatus

ENTITY_OF = {"email": "EMAIL_ADDRESS", "phone": "PHONE_NUMBER", "name": "PERSON"}


@dataclass(frozen=True)
class Subject:
    """A data subject as an item mentions them (any field may be empty)."""

    email: str = ""
    phone: str = ""
    name: str = ""

    def text(self, n: int) -> str:
        parts = [f"Ticket {n}: the parcel did not arrive."]
        if self.name:
            parts.append(f"Customer {self.name} called.")
        if self.phone:
            parts.append(f"Call back on {self.phone}.")
        if self.email:
            parts.append(f"Or write to {self.email}.")
        return " ".join(parts)

    def redacted(self, n: int) -> str:
        text = self.text(n)
        for kind, value in (("name", self.name), ("phone", self.phone), ("email", self.email)):
            if value:
                text = text.replace(value, f"<{ENTITY_OF[kind]}_1>")
        return text


NOBODY = Subject()


def seed_items(session: Session, dataset: Dataset, master_key: bytes, subjects: Sequence[Subject],
               chunk: int = 2000) -> list[int]:
    """One item per subject (raw encrypted, redacted in clear, tokens for its identifiers); committed."""
    key = ensure_data_key(session, dataset, master_key)
    hmac_key = token_key(session, master_key)
    ids: list[int] = []
    for start in range(0, len(subjects), chunk):
        ids += _seed_chunk(session, dataset, key, hmac_key, list(enumerate(subjects[start:start + chunk], start)))
    session.commit()
    return ids


def _seed_chunk(session: Session, dataset: Dataset, key: bytes, hmac_key: bytes,
                numbered: list[tuple[int, Subject]]) -> list[int]:
    from pii.vault import encrypt_payload

    rows = [_item_row(dataset, n, subject) for n, subject in numbered]
    ids = list(session.scalars(insert(Item).returning(Item.id, sort_by_parameter_order=True), rows))
    session.execute(update(Item), [
        {"id": item_id, "raw_ciphertext": encrypt_payload(key, str(item_id), _raw(n, subject))}
        for item_id, (n, subject) in zip(ids, numbered, strict=True)
    ])
    tokens = [{"item_id": item_id, "dataset_id": dataset.id, "kind": "subject", "token": token}
              for item_id, (_n, subject) in zip(ids, numbered, strict=True) for token in _tokens(subject, hmac_key)]
    if tokens:
        session.execute(insert(SubjectToken), tokens)
    return ids


def _item_row(dataset: Dataset, n: int, subject: Subject) -> dict[str, Any]:
    redacted = subject.redacted(n)
    spans = [{"entity_type": ENTITY_OF[k], "field": "text"} for k in ("name", "phone", "email") if getattr(subject, k)]
    return {"dataset_id": dataset.id, "external_id": f"ext-{n}", "kind": "classification",
            "status": ItemStatus.ACTIVE, "redacted": {"text": redacted}, "spans": spans,
            "entity_counts": {s["entity_type"]: 1 for s in spans}, "labels": ["billing", "delivery"],
            "sensitivity": [], "severity": 0, "gold_answer": None, "is_gold": False, "prelabel": None,
            "open_slots": 1, "created_at": utcnow()}


def _raw(n: int, subject: Subject) -> bytes:
    return json.dumps({"id": f"ext-{n}", "kind": "classification", "text": subject.text(n)}).encode("utf-8")


def _tokens(subject: Subject, hmac_key: bytes) -> set[str]:
    found: set[str] = set()
    for kind, entity in ENTITY_OF.items():
        value = getattr(subject, kind)
        if value:
            found |= subject_tokens(entity, value, hmac_key)
    return found


def seed_tasks(session: Session, dataset: Dataset, item_ids: Sequence[int], annotator: User,
               open_every: int = 0) -> None:
    """One submitted task per item with an answer quoting it, 30–59 active seconds each; committed.

    ``open_every`` = k makes every k-th task still assigned (being worked on).
    """
    now = utcnow()
    rows = [{"item_id": item_id, "dataset_id": dataset.id, "vendor_id": annotator.vendor_id,
             "annotator_id": annotator.id, "kind": "classification",
             "status": TaskStatus.ASSIGNED if open_every and i % open_every == 0 else TaskStatus.SUBMITTED,
             "severity": 0, "categories": [], "is_gold": False, "warning_acknowledged": False,
             "served_at": now - timedelta(minutes=5), "last_seen_at": now, "finished_at": now, "submitted_at": now,
             "active_seconds": 30 + i % 30, "answer": {"label": "delivery", "note": f"answer about item {item_id}"},
             "review_outcome": "accepted"}
            for i, item_id in enumerate(item_ids)]
    for start in range(0, len(rows), 2000):
        session.execute(insert(Task), rows[start:start + 2000])
    session.commit()
