"""Bulk data for the report benchmarks: vendors in every region, annotators, datasets, a million
completed tasks and a valid audit chain of any length, written with Core bulk inserts (PostgreSQL:
COPY) so seeding takes seconds, not hours.

Rates sit inside the seed guide's published regional bands; throughput and quality differ per
region so the regional comparison has something to show.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

from governance import audit
from governance.models import AuditEvent, AuditHead, Dataset, DatasetAssignment, Role, User, Vendor, vendor_managers
from workforce.models import Task

# name, country, rate, mean seconds per item, acceptance
VENDORS = [
    ("Saigon Data Labs", "VN", "18.00", 70, 0.93), ("Hanoi Label House", "VN", "14.00", 80, 0.90),
    ("Bangalore Label Works", "IN", "38.00", 65, 0.91), ("Pune Annotation Co", "IN", "30.00", 75, 0.88),
    ("Krakow Annotation Studio", "PL", "68.00", 60, 0.95), ("Bucharest Tagging", "RO", "55.00", 66, 0.94),
    ("Manchester Review Partners", "GB", "95.00", 55, 0.97), ("Dublin Data Desk", "IE", "88.00", 58, 0.96),
]
KINDS = ("classification", "preference", "rewrite", "transcript")
ANNOTATORS_PER_VENDOR = 25
PASSWORD_HASH = "bench-not-a-real-hash"  # noqa: S105  (benchmark rows never sign in)


def seed_world(engine: Engine) -> dict[str, Any]:
    """Vendors, one manager of the Asian vendors, staff, annotators and four datasets; returns ids."""
    with engine.begin() as conn:
        vendor_ids = [conn.execute(insert(Vendor).values(
            name=name, country=country, city="", hourly_rate_usd=Decimal(rate), dpf_certified=False,
            adequacy_scope_confirmed=False, corporate_group="", active=True, created_at=datetime.now(UTC),
        ).returning(Vendor.id)).scalar_one() for name, country, rate, _, _ in VENDORS]
        annotators = {vid: _annotators(conn, vid, i) for i, vid in enumerate(vendor_ids)}
        manager = _user(conn, "marta.vm@bench.example", Role.VENDOR_MANAGER, None)
        conn.execute(insert(vendor_managers), [{"user_id": manager, "vendor_id": v} for v in vendor_ids[:4]])
        admin = _user(conn, "tom.admin@bench.example", Role.ADMIN, None)
        officer = _user(conn, "sophie.dpo@bench.example", Role.COMPLIANCE_OFFICER, None)
        datasets = [_dataset(conn, f"Bench dataset {i + 1}", kind, vendor_ids) for i, kind in enumerate(KINDS)]
    return {"vendors": vendor_ids, "annotators": annotators, "manager": manager, "admin": admin,
            "officer": officer, "datasets": datasets}


def _user(conn: Connection, email: str, role: Role, vendor_id: int | None) -> int:
    return conn.execute(insert(User).values(
        email=email, display_name=email.split("@")[0], role=role, vendor_id=vendor_id,
        password_hash=PASSWORD_HASH, time_zone="UTC", active=True, failed_logins=0, created_at=datetime.now(UTC),
    ).returning(User.id)).scalar_one()


def _annotators(conn: Connection, vendor_id: int, index: int) -> list[int]:
    return [_user(conn, f"annotator{index}-{n}@bench.example", Role.ANNOTATOR, vendor_id)
            for n in range(ANNOTATORS_PER_VENDOR)]


def _dataset(conn: Connection, name: str, kind: str, vendor_ids: list[int]) -> int:
    now = datetime.now(UTC)
    dataset_id = conn.execute(insert(Dataset).values(
        name=name, purpose="sft", description="", lawful_basis="legitimate_interests", contains_personal_data=True,
        special_category=False, modality="text", task_kind=kind, labels=[], gold_rate=Decimal("0.05"), overlap_k=1,
        retention_days=365, expires_at=now + timedelta(days=365), status="active", created_at=now,
    ).returning(Dataset.id)).scalar_one()
    conn.execute(insert(DatasetAssignment), [{"dataset_id": dataset_id, "vendor_id": v, "assigned_at": now}
                                             for v in vendor_ids])
    return dataset_id


def task_rows(world: dict[str, Any], count: int, first_day: date, days: int, seed: int = 7) -> Iterator[dict]:
    """``count`` submitted tasks spread over ``days`` days, with per-vendor speed and quality."""
    rng = random.Random(seed)  # noqa: S311  (reproducible test data, not secrets)
    start = datetime.combine(first_day, datetime.min.time(), UTC)
    profiles = list(zip(world["vendors"], VENDORS, strict=True))
    for n in range(count):
        vendor_id, (_, _, _, mean_seconds, acceptance) = profiles[n % len(profiles)]
        dataset_index = rng.randrange(len(world["datasets"]))
        at = start + timedelta(seconds=rng.randrange(days * 86400), microseconds=rng.randrange(1_000_000))
        gold = rng.random() < 0.05
        reviewed = rng.random() < 0.3
        yield {
            "item_id": None, "dataset_id": world["datasets"][dataset_index], "vendor_id": vendor_id,
            "annotator_id": rng.choice(world["annotators"][vendor_id]), "kind": KINDS[dataset_index],
            "status": "submitted", "severity": rng.choice((0, 0, 0, 1, 2, 3)), "categories": [], "is_gold": gold,
            "warning_acknowledged": False, "served_at": at - timedelta(seconds=mean_seconds), "last_seen_at": at,
            "finished_at": at, "submitted_at": at, "active_seconds": max(5, int(rng.gauss(mean_seconds, 15))),
            "answer": None, "skip_reason": None, "prelabel_accepted": None,
            "gold_correct": (rng.random() < acceptance) if gold else None,
            "review_outcome": ("accepted" if rng.random() < acceptance else "rejected") if reviewed else None,
            "reviewed_by_id": None, "reviewed_at": None,
        }


def insert_tasks(engine: Engine, rows: Iterator[dict], chunk: int = 20_000) -> int:
    """Bulk-insert task rows (executemany in chunks; COPY on PostgreSQL)."""
    if engine.dialect.name == "postgresql":
        return _copy_tasks(engine, rows)
    written, batch = 0, []
    with engine.begin() as conn:
        for row in rows:
            batch.append(row)
            if len(batch) >= chunk:
                conn.execute(insert(Task), batch)
                written, batch = written + len(batch), []
        if batch:
            conn.execute(insert(Task), batch)
            written += len(batch)
    return written


def _copy_tasks(engine: Engine, rows: Iterator[dict]) -> int:
    import json

    columns = [c.name for c in Task.__table__.columns if c.name != "id"]
    written = 0
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cur, cur.copy(f"COPY tasks ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([json.dumps(row[c]) if c in ("categories", "answer") and row[c] is not None
                                else row[c] for c in columns])
                written += 1
        raw.commit()
    finally:
        raw.close()
    return written


EVENT_MIX = [  # action, target type, weight
    ("auth.login", "user", 50), ("auth.login_failed", "user", 6), ("auth.locked_out", "user", 1),
    ("dataset.assigned", "dataset", 2), ("dataset.assignment_refused", "dataset", 1),
    ("item.raw_revealed", "item", 1), ("item.leak_reported", "item", 2), ("welfare.refused", "user", 8),
    ("dpa.updated", "dpa", 1), ("user.updated", "user", 2), ("auth.logout", "user", 26),
]


def append_chain(engine: Engine, key: bytes, count: int, first_day: date, days: int, world: dict[str, Any],
                 seed: int = 11, chunk: int = 10_000) -> int:
    """Append ``count`` events to the audit chain, hashed exactly as :func:`governance.audit.record`
    would, so ``audit verify`` accepts them; returns the new head sequence number."""
    rng = random.Random(seed)  # noqa: S311  (reproducible test data, not secrets)
    actions = [a for a in EVENT_MIX for _ in range(a[2])]
    people = [uid for ids in world["annotators"].values() for uid in ids]
    start = datetime.combine(first_day, datetime.min.time(), UTC)
    step = timedelta(seconds=days * 86400 / max(count, 1))
    with engine.begin() as conn:
        seq, prev = conn.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).one()
        batch = []
        for n in range(count):
            action, target_type, _ = rng.choice(actions)
            seq += 1
            target = rng.choice(people) if target_type == "user" else rng.choice(world["datasets"])
            row = {"seq": seq, "occurred_at": start + step * n, "actor_id": world["officer"],
                   "actor_role": "compliance_officer", "action": action, "target_type": target_type,
                   "target_id": str(target), "details": _details(action, world, rng), "prev_hash": prev}
            # compute_hash reads attributes only: a namespace hashes like the ORM object, much faster
            row["hash"] = prev = audit.compute_hash(key, prev, SimpleNamespace(**row))
            batch.append(row)
            if len(batch) >= chunk:
                conn.execute(insert(AuditEvent), batch)
                batch = []
        if batch:
            conn.execute(insert(AuditEvent), batch)
        conn.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=seq, hash=prev))
    return seq


def _details(action: str, world: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    if action == "item.raw_revealed":
        world["reveals"] = world.get("reveals", 0) + 1
        return {"dataset_id": world["datasets"][0], "reveal_id": world["reveals"]}
    if action == "dataset.assignment_refused":
        return {"vendor_id": rng.choice(world["vendors"]), "code": "no_dpa"}
    if action == "auth.locked_out":
        return {"minutes": 15}
    return {}


def add_reveals_and_deletions(engine: Engine, world: dict[str, Any], first_day: date, days: int) -> None:
    """The rows the audit report's detail sections read: reveals (one per reveal event, ids in
    order), deletion certificates and erasure requests with a mix of deadlines met and missed."""
    from governance.ops_models import DeletionCertificate, ErasureRequest
    from pii.models import RawReveal

    start = datetime.combine(first_day, datetime.min.time(), UTC)
    reveals = world.get("reveals", 0)
    step = timedelta(seconds=days * 86400 / max(reveals, 1))
    with engine.begin() as conn:
        if reveals:
            conn.execute(insert(RawReveal), [{
                "item_id": None, "dataset_id": world["datasets"][0], "officer_id": world["officer"],
                "reason": f"Checking leak report {n} before release", "revealed_at": start + step * n}
                for n in range(reveals)])
        conn.execute(insert(DeletionCertificate), [{
            "reference": f"DC-BENCH-{n:04d}", "scope": "retention", "dataset_id": None, "dataset_name": "Old chats",
            "counts": {"items": 1000 + n}, "key_ids_destroyed": [f"dk-{n}"],
            "started_at": start + timedelta(days=n % days),
            "finished_at": start + timedelta(days=n % days, minutes=5), "digest": f"{n:064x}",
            "issued_at": start + timedelta(days=n % days, minutes=5)} for n in range(20)])
        conn.execute(insert(ErasureRequest), [{
            "reference": f"ER-BENCH-{n:04d}", "received_on": first_day + timedelta(days=n % days),
            "due_on": first_day + timedelta(days=n % days + 30), "extension_reason": "",
            "status": "closed" if n % 3 else "open", "identifier_kinds": ["email"], "tokens": [],
            "created_at": start,
            "closed_at": start + timedelta(days=n % days + (10 if n % 2 else 40)) if n % 3 else None}
            for n in range(30)])
