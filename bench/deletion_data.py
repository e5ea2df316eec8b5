"""Bulk data for the deletion benchmarks: a portal app on a fresh database, and datasets whose items,
subject tokens and tasks are written with Core bulk inserts, using the real vault encryption and
the real subject-token HMAC (so lookups and purges see production-shaped rows)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, bindparam, insert, text, update

CHUNK = 5000


def seed_people(conn: Connection) -> tuple[int, int]:
    """One vendor and one annotator; returns their ids."""
    from governance.models import Role, User, Vendor

    now = datetime.now(UTC)
    vendor = conn.execute(insert(Vendor).values(
        name="Bench Vendor", country="PL", city="", hourly_rate_usd=Decimal("40.00"), dpf_certified=False,
        adequacy_scope_confirmed=False, corporate_group="", active=True, created_at=now,
    ).returning(Vendor.id)).scalar_one()
    annotator = conn.execute(insert(User).values(
        email="annotator@bench.example", display_name="Bench Annotator", role=Role.ANNOTATOR, vendor_id=vendor,
        password_hash="bench-not-a-hash", time_zone="UTC", active=True, failed_logins=0,  # noqa: S106
        created_at=now).returning(User.id)).scalar_one()
    return vendor, annotator


def seed_dataset(conn: Connection, name: str, expires_at: datetime) -> int:
    from governance.models import Dataset, DatasetStatus

    return conn.execute(insert(Dataset).values(
        name=name, purpose="sft", description="", lawful_basis="legitimate_interests", contains_personal_data=True,
        special_category=False, modality="text", task_kind="classification", labels=["a", "b"],
        gold_rate=Decimal("0.05"), overlap_k=1, retention_days=365, expires_at=expires_at,
        status=DatasetStatus.ACTIVE, created_at=datetime.now(UTC)).returning(Dataset.id)).scalar_one()


def subject(n: int) -> dict[str, str]:
    """The n-th synthetic data subject (distinct e-mail, phone and two-word name)."""
    return {"email": f"subject{n}@bench.example", "phone": f"+4860{n % 10_000_000:07d}",
            "name": f"Bench Person{n}"}


def _chunks(total: int, size: int = CHUNK) -> Iterator[range]:
    for start in range(0, total, size):
        yield range(start, min(total, start + size))


def seed_items(conn: Connection, dataset_id: int, count: int, data_key: bytes | None, token_key: bytes,
               first_subject: int = 0, progress: bool = True) -> int:
    """``count`` items, each about one subject, with 3 subject tokens; raw payloads encrypted when a
    data key is given. Returns the number of tokens written."""
    from pii.models import Item, ItemStatus, SubjectToken

    tokens_written, started = 0, time.perf_counter()
    for numbers in _chunks(count):
        people = [subject(first_subject + n) for n in numbers]
        rows = [_item_row(dataset_id, first_subject + n, p, ItemStatus.ACTIVE) for n, p in zip(numbers, people, strict=True)]
        ids = list(conn.execute(insert(Item).returning(Item.id, sort_by_parameter_order=True), rows).scalars())
        if data_key is not None:
            _encrypt(conn, Item, data_key, ids, people)
        tokens = [{"item_id": i, "dataset_id": dataset_id, "kind": "subject", "token": t}
                  for i, p in zip(ids, people, strict=True) for t in _tokens(p, token_key)]
        conn.execute(insert(SubjectToken), tokens)
        tokens_written += len(tokens)
        if progress and numbers.stop % 50_000 == 0:
            print(f"  … {numbers.stop:,} items, {tokens_written:,} tokens ({time.perf_counter() - started:.0f} s)",
                  flush=True)
    return tokens_written


def _item_row(dataset_id: int, n: int, person: dict[str, str], status: Any) -> dict[str, Any]:
    return {"dataset_id": dataset_id, "external_id": f"b{n}", "kind": "classification", "status": status,
            "redacted": {"text": f"Ticket {n}: <PERSON_1> (<EMAIL_ADDRESS_1>, <PHONE_NUMBER_1>) reports late."},
            "spans": [{"entity_type": t, "start": 0, "end": 1} for t in ("PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER")],
            "entity_counts": {"PERSON": 1, "EMAIL_ADDRESS": 1, "PHONE_NUMBER": 1}, "labels": ["a", "b"],
            "sensitivity": [], "severity": 0, "is_gold": False, "open_slots": 1, "created_at": datetime.now(UTC)}


def _encrypt(conn: Connection, item_model: Any, data_key: bytes, ids: list[int], people: list[dict[str, str]]) -> None:
    from pii.vault import encrypt_payload

    payloads = [{"item_id": i, "sealed": encrypt_payload(data_key, str(i), json.dumps(
        {"text": f"{p['name']} ({p['email']}, {p['phone']}) reports a late parcel."}).encode())}
        for i, p in zip(ids, people, strict=True)]
    statement = update(item_model).where(item_model.id == bindparam("item_id"))
    conn.execute(statement.values(raw_ciphertext=bindparam("sealed")), payloads)


def _tokens(person: dict[str, str], key: bytes) -> set[str]:
    from pii.tokens import subject_tokens

    return (subject_tokens("EMAIL_ADDRESS", person["email"], key) | subject_tokens("PHONE_NUMBER", person["phone"], key)
            | subject_tokens("PERSON", person["name"], key))


def seed_tasks(conn: Connection, dataset_id: int, vendor_id: int, annotator_id: int) -> int:
    """One submitted task with an answer per item of the dataset (INSERT … SELECT); returns the count."""
    now = datetime.now(UTC)
    result = conn.execute(text(
        "INSERT INTO tasks (item_id, dataset_id, vendor_id, annotator_id, kind, status, severity, categories, is_gold,"
        " warning_acknowledged, served_at, last_seen_at, finished_at, submitted_at, active_seconds, answer)"
        " SELECT id, dataset_id, :vendor, :annotator, 'classification', 'submitted', 0, '[]', false, false,"
        " :served, :now, :now, :now, 45, '{\"label\": \"a\", \"note\": \"late parcel\"}'"
        " FROM items WHERE dataset_id = :dataset"),
        {"vendor": vendor_id, "annotator": annotator_id, "dataset": dataset_id, "now": _bind(conn, now),
         "served": _bind(conn, now - timedelta(minutes=1))})
    return result.rowcount


def _bind(conn: Connection, value: datetime) -> Any:
    # Raw SQL bypasses UtcDateTime: SQLite keeps naive UTC, PostgreSQL takes the aware value.
    return value.replace(tzinfo=None) if conn.dialect.name == "sqlite" else value
