"""A small, hand-countable world for the report tests (January 2026), and a fast chain writer.

Vendors: Saigon (VN, $18/h) and Bangalore (IN, $38/h), both managed by Marta; Krakow (PL, $68/h),
not hers. The figures each test expects are worked out by hand in the test, from the rows below.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import insert, select, update

from governance import audit
from governance.db import db
from governance.models import AuditEvent, AuditHead, Role, TransferMechanism
from governance.ops_models import DeletionCertificate, ErasureRequest, ErasureStatus
from pii.models import RawReveal
from tests.conftest import sign_in
from workforce.models import AnnotatorProfile, ContentFlag, Task, TaskStatus, WelfareRefusal

JAN = {"date_from": "2026-01-01", "date_to": "2026-01-31"}
PERIOD = (date(2026, 1, 1), date(2026, 1, 31))


def at(month: int, day: int, hour: int = 12, minute: int = 0, second: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def append_events(session: Any, key: bytes, events: list[dict[str, Any]]) -> None:
    """Append events with chosen times, hashed as :func:`governance.audit.record` does (bulk, fast).

    Plain namespaces stand in for ORM objects while hashing (``compute_hash`` reads attributes only),
    which makes 100,000 events a matter of seconds."""
    seq, prev = session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).one()
    rows = []
    for spec in events:
        seq += 1
        row = {"actor_id": None, "actor_role": "system", "target_id": None, "details": {}, **spec,
               "seq": seq, "prev_hash": prev}
        row["hash"] = prev = audit.compute_hash(key, prev, SimpleNamespace(**row))
        rows.append(row)
        if len(rows) >= 20_000:
            session.execute(insert(AuditEvent), rows)
            rows = []
    if rows:
        session.execute(insert(AuditEvent), rows)
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=seq, hash=prev))
    session.commit()


@dataclass
class World:
    saigon: Any
    bangalore: Any
    krakow: Any
    support: Any
    prefs: Any
    marta: Any
    officer: Any
    admin: Any
    annotators: dict[str, Any]
    key: bytes

    def client(self, app: Any, user: Any) -> Any:
        return sign_in(app.test_client(), user)


def _task(vendor: Any, dataset: Any, annotator: Any, when: datetime, seconds: int, kind: str = "classification",
          status: TaskStatus = TaskStatus.SUBMITTED, severity: int = 0, review: str | None = None,
          gold: bool | None = None) -> Task:
    return Task(item_id=None, dataset_id=dataset.id, vendor_id=vendor.id, annotator_id=annotator.id, kind=kind,
                status=status, severity=severity, categories=[], is_gold=gold is not None, served_at=when,
                last_seen_at=when, finished_at=when, submitted_at=when if status == TaskStatus.SUBMITTED else None,
                active_seconds=seconds, gold_correct=gold, review_outcome=review)


@pytest.fixture
def report_world(app: Any, make_vendor: Callable, make_user: Callable, make_dataset: Callable, make_dpa: Callable,
          chain_key: bytes) -> World:
    saigon = make_vendor("Saigon Data Labs", "VN", "18.00")
    bangalore = make_vendor("Bangalore Label Works", "IN", "38.00")
    krakow = make_vendor("Krakow Annotation Studio", "PL", "68.00")
    tia_done = datetime.now(UTC).date() - timedelta(days=20)
    for vendor in (saigon, bangalore):  # Vietnam and India need the 2021 SCCs and a transfer impact assessment
        make_dpa(vendor, transfer_mechanism=TransferMechanism.SCC, scc_module=2, tia_completed_on=tia_done)
    support = make_dataset("Support chat intents", vendors=[saigon, bangalore, krakow])
    prefs = make_dataset("Preference pairs", vendors=[saigon], task_kind="preference")
    people = {
        "linh": make_user(Role.ANNOTATOR, vendor=saigon, display_name="Linh Nguyen"),
        "minh": make_user(Role.ANNOTATOR, vendor=saigon, display_name="Minh Tran"),
        "priya": make_user(Role.ANNOTATOR, vendor=bangalore, display_name="Priya Raman"),
        "anna": make_user(Role.ANNOTATOR, vendor=krakow, display_name="Anna Kowalska"),
    }
    w = World(saigon, bangalore, krakow, support, prefs,
              make_user(Role.VENDOR_MANAGER, managed=[saigon, bangalore], display_name="Marta Silva"),
              make_user(Role.COMPLIANCE_OFFICER, display_name="Sophie Laurent"),
              make_user(Role.ADMIN, display_name="Tom Becker"), people, chain_key)
    _add_work(w)
    _add_welfare(w)
    _add_compliance(w)
    return w


def _add_work(w: World) -> None:
    linh, minh, priya, anna = (w.annotators[k] for k in ("linh", "minh", "priya", "anna"))
    db.session.add_all([
        # Saigon, $18/h: 4 items, 3 h → $54; 2 accepted, 1 rejected; gold: one right (0.5 h), one wrong (1 h).
        _task(w.saigon, w.support, linh, at(1, 10, 9), 3600, severity=2, review="accepted"),
        _task(w.saigon, w.support, linh, at(1, 10, 11), 1800, severity=3, review="rejected"),
        _task(w.saigon, w.support, minh, at(1, 11), 1800, gold=True),
        _task(w.saigon, w.prefs, minh, at(1, 12), 3600, kind="preference", severity=2, review="accepted", gold=False),
        # Bangalore, $38/h: 2 items, 3 h → $114; both accepted.
        _task(w.bangalore, w.support, priya, at(1, 10), 7200, review="accepted"),
        _task(w.bangalore, w.support, priya, at(1, 11), 3600, severity=1, review="accepted"),
        # Krakow, $68/h: 1 item, 1 h → $68 (not Marta's).
        _task(w.krakow, w.support, anna, at(1, 15), 3600, severity=2, review="accepted"),
        # Outside the report: a second before and at the end of January, and a skipped task.
        _task(w.saigon, w.support, linh, at(12, 31, 23, 59, 59, year=2025), 999, review="accepted"),
        _task(w.saigon, w.support, linh, at(2, 1, 0), 999, review="accepted"),
        _task(w.saigon, w.support, linh, at(1, 20), 900, status=TaskStatus.SKIPPED),
    ])
    db.session.commit()


def _add_welfare(w: World) -> None:
    linh, minh, priya, anna = (w.annotators[k] for k in ("linh", "minh", "priya", "anna"))
    db.session.add_all([
        AnnotatorProfile(user_id=linh.id, team="Team A", opt_outs=[]),
        AnnotatorProfile(user_id=minh.id, team="Team B", opt_outs=["self_harm", "violence"]),
        AnnotatorProfile(user_id=priya.id, team="Team A", opt_outs=["sexual_content"]),
        AnnotatorProfile(user_id=anna.id, team="Krakow A", opt_outs=["violence"]),
        WelfareRefusal(annotator_id=linh.id, vendor_id=w.saigon.id, code="rotation", refused_at=at(1, 10, 10)),
        WelfareRefusal(annotator_id=linh.id, vendor_id=w.saigon.id, code="daily_cap", refused_at=at(1, 10, 18)),
        WelfareRefusal(annotator_id=minh.id, vendor_id=w.saigon.id, code="short_break", refused_at=at(1, 12)),
        WelfareRefusal(annotator_id=priya.id, vendor_id=w.bangalore.id, code="sensitive_minutes_cap",
                       refused_at=at(1, 11)),
        WelfareRefusal(annotator_id=anna.id, vendor_id=w.krakow.id, code="weekly_cap", refused_at=at(1, 15)),
        WelfareRefusal(annotator_id=linh.id, vendor_id=w.saigon.id, code="rotation", refused_at=at(2, 2)),
        ContentFlag(item_id=None, vendor_id=w.saigon.id, annotator_id=linh.id, category="violence",
                    created_at=at(1, 10)),
        ContentFlag(item_id=None, vendor_id=w.krakow.id, annotator_id=anna.id, category="self_harm",
                    created_at=at(1, 15)),
    ])
    db.session.commit()


def _add_compliance(w: World) -> None:
    cert = DeletionCertificate(reference="DC-2026-0001", scope="retention", dataset_id=None, dataset_name="Old chats",
                               counts={"items": 120}, key_ids_destroyed=["dk-1"], started_at=at(1, 20, 1),
                               finished_at=at(1, 20, 2), digest="ab" * 32, issued_at=at(1, 20, 2))
    db.session.add(cert)
    db.session.flush()
    db.session.add_all([
        _erasure("ER-1", date(2026, 1, 3), date(2026, 2, 3), closed=at(1, 20), cert=cert.id),  # met
        _erasure("ER-2", date(2025, 12, 1), date(2026, 1, 1), closed=at(1, 5)),  # missed
        _erasure("ER-3", date(2025, 12, 10), date(2026, 1, 10)),  # overdue
        _erasure("ER-4", date(2026, 1, 25), date(2026, 2, 25)),  # open, not yet due
        _erasure("ER-5", date(2025, 11, 1), date(2025, 12, 1), closed=at(11, 20, year=2025)),  # before the period
    ])
    reveal = RawReveal(item_id=None, dataset_id=w.support.id, officer_id=w.officer.id,
                       reason="Checking leak report 42 before release", revealed_at=at(1, 8, 9))
    db.session.add(reveal)
    db.session.commit()
    append_events(db.session, w.key, [
        {"occurred_at": at(1, 5, 8), "action": "auth.locked_out", "target_type": "user",
         "target_id": str(w.annotators["linh"].id), "details": {"minutes": 15}},
        {"occurred_at": at(1, 7, 10), "actor_id": w.admin.id, "actor_role": "admin",
         "action": "dataset.assignment_refused", "target_type": "dataset", "target_id": str(w.prefs.id),
         "details": {"vendor_id": w.krakow.id, "code": "no_dpa"}},
        {"occurred_at": at(1, 8, 9), "actor_id": w.officer.id, "actor_role": "compliance_officer",
         "action": "item.raw_revealed", "target_type": "item", "target_id": "7",
         "details": {"dataset_id": w.support.id, "reveal_id": reveal.id}},
        {"occurred_at": at(1, 9, 9), "actor_id": w.officer.id, "actor_role": "compliance_officer",
         "action": "auth.login", "target_type": "user", "target_id": str(w.officer.id)},
        {"occurred_at": at(2, 3, 9), "action": "auth.locked_out", "target_type": "user",
         "target_id": str(w.annotators["anna"].id), "details": {"minutes": 15}},
    ])


def _erasure(reference: str, received: date, due: date, closed: datetime | None = None,
             cert: int | None = None) -> ErasureRequest:
    return ErasureRequest(reference=reference, received_on=received, due_on=due,
                          status=ErasureStatus.CLOSED if closed else ErasureStatus.OPEN, identifier_kinds=["email"],
                          tokens=[], closed_at=closed, certificate_id=cert, created_at=at(1, 1))


def csv_tables(content: bytes) -> dict[str, list[dict[str, str]]]:
    """Parse a report CSV into {table title: rows as dicts}."""
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    tables: dict[str, list[dict[str, str]]] = {}
    index = 0
    while index < len(rows):
        if rows[index][:1] == ["Table"]:
            title, header = rows[index][1], rows[index + 1]
            index += 2
            body = []
            while index < len(rows) and rows[index]:
                body.append(dict(zip(header, rows[index], strict=True)))
                index += 1
            tables[title] = body
        index += 1
    return tables


def money(text: str) -> Decimal:
    """A figure as shown on a page or in a PDF ("$1,234.50", "−$3.00", "16.7%") as a Decimal."""
    cleaned = text.replace("$", "").replace(",", "").replace("%", "").replace("−", "-").strip()
    return Decimal(cleaned)
