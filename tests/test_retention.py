"""Retention is executed (DESIGN rule 3): the sweep shreds the key, purges content in batches,
resumes after an interruption without counting twice, and certifies what it destroyed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from governance import audit, deletion
from governance.audit import SYSTEM
from governance.db import db, utcnow
from governance.deletion import certificate_digest, certificate_fields, verify_certificate
from governance.jobs import jobs, run_job
from governance.models import AuditEvent, Dataset, DatasetStatus, Role
from governance.ops_models import DeletionCertificate, DeletionRun
from governance.retention import sweep
from pii.datakeys import KeyShredded, data_key
from pii.models import Item, ItemStatus, SubjectToken
from pii.vault import decrypt_payload
from tests.conftest import csrf_token
from tests.deletion_seed import Subject, seed_items, seed_tasks
from workforce.models import Task, TaskStatus


def _subjects(n: int) -> list[Subject]:
    return [Subject(email=f"person{i}@example.org", phone=f"+44 20 7946 {i % 10000:04d}",
                    name=f"Alex Person{i}") for i in range(n)]


@pytest.fixture
def master_key(app: Any) -> bytes:
    return app.extensions["portal"].master_key


@pytest.fixture
def annotator(make_user: Any) -> Any:
    return make_user(Role.ANNOTATOR)


@pytest.fixture
def expired_dataset(make_dataset: Any) -> Any:
    """A dataset whose retention ended an hour ago."""
    def make(name: str = "Support tickets 2025", **fields: Any) -> Dataset:
        return make_dataset(name, expires_at=utcnow() - timedelta(hours=1), **fields)
    return make


def _count(model: Any, *where: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _task_facts(dataset_id: int) -> tuple[int, int, int]:
    """(tasks, total active seconds, submitted tasks): what cost and quality reports read."""
    return db.session.execute(select(func.count(), func.sum(Task.active_seconds),
                                     func.count(Task.submitted_at)).where(Task.dataset_id == dataset_id)).one()


def test_after_a_sweep_of_10000_items_nothing_of_the_dataset_can_be_read(
        app: Any, login_as: Any, expired_dataset: Any, annotator: Any, master_key: bytes) -> None:
    dataset = expired_dataset()
    ids = seed_items(db.session, dataset, master_key, _subjects(10_000))
    seed_tasks(db.session, dataset, ids[:3000], annotator, open_every=100)
    key_id, tasks_before = dataset.key_id, _task_facts(dataset.id)
    tokens_before = _count(SubjectToken, SubjectToken.dataset_id == dataset.id)

    run = run_job("retention-sweep")

    assert (run.status, run.summary) == ("ok", {"expired": 1, "deleted": 1, "items": 10_000})
    db.session.expire_all()
    dataset = db.session.get(Dataset, dataset.id)
    assert dataset.status == DatasetStatus.DELETED and dataset.wrapped_key is None and dataset.key_id == key_id
    with pytest.raises(KeyShredded):
        data_key(dataset, master_key)
    assert _count(Item, Item.dataset_id == dataset.id) == 10_000
    assert _count(Item, Item.dataset_id == dataset.id, Item.status == ItemStatus.PURGED) == 10_000
    assert _count(Item, Item.dataset_id == dataset.id, Item.raw_ciphertext.is_not(None)) == 0
    assert _count(Item, Item.dataset_id == dataset.id, Item.redacted.is_not(None)) == 0
    assert _count(Item, Item.dataset_id == dataset.id, Item.spans.is_not(None)) == 0
    assert _count(SubjectToken, SubjectToken.dataset_id == dataset.id) == 0
    assert _count(Task, Task.dataset_id == dataset.id, Task.answer.is_not(None)) == 0
    assert _task_facts(dataset.id) == tasks_before
    assert _count(Task, Task.dataset_id == dataset.id, Task.status == TaskStatus.ASSIGNED) == 0
    assert _count(Task, Task.dataset_id == dataset.id, Task.status == TaskStatus.WITHDRAWN) == 30

    item = db.session.get(Item, ids[0])
    assert item.redacted is None and item.raw_ciphertext is None
    certificate = db.session.scalars(select(DeletionCertificate)).one()
    assert certificate.counts == {"items": 10_000, "subject_tokens": tokens_before, "task_answers": 3000}
    assert certificate.key_ids_destroyed == [key_id] and verify_certificate(certificate)

    officer = login_as(Role.COMPLIANCE_OFFICER)
    page = officer.get(f"/items/{ids[0]}").get_data(as_text=True)
    assert "person0@" not in page and "parcel did not arrive" not in page
    response = officer.post(f"/items/{ids[0]}/reveal", follow_redirects=True,
                            data={"reason": "Checking the deletion certificate is true",
                                  "csrf_token": csrf_token(officer, f"/items/{ids[0]}")})
    assert "parcel did not arrive" not in response.get_data(as_text=True)


def test_the_certificate_is_in_the_audit_chain_after_the_key_was_destroyed(
        app: Any, expired_dataset: Any, master_key: bytes, chain_key: bytes) -> None:
    dataset = expired_dataset()
    seed_items(db.session, dataset, master_key, _subjects(25))
    sweep(db.session, utcnow())
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
    actions = [e.action for e in events]
    assert actions == ["dataset.expired", "deletion.key_destroyed", "deletion.certificate_issued"]
    certificate = db.session.scalars(select(DeletionCertificate)).one()
    issued = events[-1].details
    assert issued["digest"] == certificate.digest and issued["counts"]["items"] == 25
    assert issued["key_ids"] == [dataset.key_id] and events[1].details["key_id"] == dataset.key_id
    assert audit.verify(db.session, chain_key).ok
    assert "@" not in str([e.details for e in events])


def test_an_interrupted_sweep_resumes_and_counts_each_row_once(
        app: Any, expired_dataset: Any, annotator: Any, master_key: bytes,
        monkeypatch: pytest.MonkeyPatch) -> None:
    dataset = expired_dataset()
    ids = seed_items(db.session, dataset, master_key, _subjects(2500))
    seed_tasks(db.session, dataset, ids, annotator)
    tokens = _count(SubjectToken)
    _fail_on_call(monkeypatch, "items", 3)

    run = run_job("retention-sweep")
    assert run.status == "failed" and "RuntimeError" in run.message
    stopped = db.session.scalars(select(DeletionRun)).one()
    db.session.refresh(stopped)
    assert stopped.status == "running" and stopped.counts["items"] == 1000  # two batches of 500 committed
    assert db.session.get(Dataset, dataset.id).status == DatasetStatus.EXPIRED
    assert db.session.get(Dataset, dataset.id).wrapped_key is None  # the key went first
    monkeypatch.undo()

    sweep(db.session, utcnow(), batch_size=500)

    runs = db.session.scalars(select(DeletionRun)).all()
    assert len(runs) == 1 and runs[0].status == "done"
    certificate = db.session.scalars(select(DeletionCertificate)).one()
    assert certificate.counts == {"items": 2500, "subject_tokens": tokens, "task_answers": 2500}
    assert certificate.key_ids_destroyed == [dataset.key_id]
    assert _count(Item, Item.raw_ciphertext.is_not(None)) == 0


def _fail_on_call(monkeypatch: pytest.MonkeyPatch, name: str, failing_call: int, batch_size: int = 500) -> None:
    """Make purger ``name`` raise on its n-th call, as a crash half-way through would."""
    real = deletion._PURGERS[name]
    calls = {"n": 0}

    def flaky(session: Any, dataset_id: int, item_ids: Any, size: int) -> int:
        calls["n"] += 1
        if calls["n"] == failing_call:
            raise RuntimeError("injected crash")
        return real.func(session, dataset_id, item_ids, batch_size)

    monkeypatch.setitem(deletion._PURGERS, name, deletion._Registered(name, flaky, real.order))


@pytest.mark.parametrize("stage", ["task_answers", "subject_tokens"])
def test_a_sweep_interrupted_in_a_later_stage_also_finishes_exactly(
        app: Any, expired_dataset: Any, annotator: Any, master_key: bytes, monkeypatch: pytest.MonkeyPatch,
        stage: str) -> None:
    dataset = expired_dataset()
    ids = seed_items(db.session, dataset, master_key, _subjects(1200))
    seed_tasks(db.session, dataset, ids, annotator)
    tokens = _count(SubjectToken)
    _fail_on_call(monkeypatch, stage, 2)
    with pytest.raises(RuntimeError, match="injected"):
        sweep(db.session, utcnow(), batch_size=500)
    db.session.rollback()
    monkeypatch.undo()
    sweep(db.session, utcnow(), batch_size=500)
    certificate = db.session.scalars(select(DeletionCertificate)).one()
    assert certificate.counts == {"items": 1200, "subject_tokens": tokens, "task_answers": 1200}


def test_a_crash_before_a_batch_commits_loses_only_that_batch(
        app: Any, expired_dataset: Any, master_key: bytes) -> None:
    dataset = expired_dataset()
    seed_items(db.session, dataset, master_key, _subjects(900))
    commits = {"n": 0}

    def dying_commit() -> None:
        commits["n"] += 1
        if commits["n"] == 7:  # expire, key, its audit event, stage, batch 1, batch 2, then death
            raise SystemExit("killed")
        db.session.commit()

    with pytest.raises(SystemExit):
        sweep(db.session, utcnow(), batch_size=200, checkpoint=dying_commit)
    db.session.rollback()
    assert _count(Item, Item.status == ItemStatus.PURGED) == 400
    sweep(db.session, utcnow(), batch_size=200)
    assert db.session.scalars(select(DeletionCertificate)).one().counts["items"] == 900


def test_datasets_still_in_retention_are_left_alone(app: Any, make_dataset: Any, expired_dataset: Any,
                                                     master_key: bytes) -> None:
    keep = make_dataset("Still needed")
    seed_items(db.session, keep, master_key, _subjects(30))
    gone = expired_dataset()
    seed_items(db.session, gone, master_key, _subjects(30))
    summary = sweep(db.session, utcnow())
    assert summary == {"expired": 1, "deleted": 1, "items": 30}
    keep = db.session.get(Dataset, keep.id)
    assert keep.status == DatasetStatus.ACTIVE and keep.wrapped_key is not None
    item = db.session.scalars(select(Item).where(Item.dataset_id == keep.id)).first()
    assert b"parcel" in decrypt_payload(data_key(keep, master_key), str(item.id), item.raw_ciphertext)
    assert _count(SubjectToken, SubjectToken.dataset_id == keep.id) > 0
    assert sweep(db.session, utcnow()) == {"expired": 0, "deleted": 0, "items": 0}


def test_a_dataset_without_items_still_gets_a_certificate(app: Any, expired_dataset: Any) -> None:
    dataset = expired_dataset()
    sweep(db.session, utcnow())
    certificate = db.session.scalars(select(DeletionCertificate)).one()
    assert certificate.counts == {"items": 0, "subject_tokens": 0, "task_answers": 0}
    assert certificate.key_ids_destroyed == [] and certificate.dataset_name == dataset.name


def test_certificates_are_numbered_per_year_and_their_digest_detects_changes(
        app: Any, expired_dataset: Any, master_key: bytes) -> None:
    for name in ("First", "Second"):
        seed_items(db.session, expired_dataset(name), master_key, _subjects(3))
    sweep(db.session, utcnow())
    first, second = db.session.scalars(select(DeletionCertificate).order_by(DeletionCertificate.id)).all()
    year = utcnow().year
    assert (first.reference, second.reference) == (f"DC-{year}-0001", f"DC-{year}-0002")
    assert first.digest == certificate_digest(certificate_fields(first))
    first.counts = {**first.counts, "items": 2}
    assert not verify_certificate(first)
    db.session.rollback()


def test_without_a_key_destroyer_the_sweep_refuses_to_purge(app: Any, expired_dataset: Any, master_key: bytes,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    dataset = expired_dataset()
    seed_items(db.session, dataset, master_key, _subjects(5))
    monkeypatch.setattr(deletion, "_KEY_DESTROYERS", {})
    with pytest.raises(RuntimeError, match="no key destroyer"):
        sweep(db.session, utcnow())
    db.session.rollback()
    assert _count(Item, Item.raw_ciphertext.is_not(None)) == 5


def test_the_sweep_is_an_hourly_job(app: Any) -> None:
    spec = jobs()["retention-sweep"]
    assert spec.cron == {"minute": 15}
    assert "erasure-deadline-watch" in jobs()


def test_compliance_dashboard_lists_the_last_runs_and_certificates(login_as: Any, expired_dataset: Any,
                                                                   master_key: bytes) -> None:
    seed_items(db.session, expired_dataset("Chat logs Q1"), master_key, _subjects(4))
    sweep(db.session, utcnow(), actor=SYSTEM)
    page = login_as(Role.COMPLIANCE_OFFICER).get("/").get_data(as_text=True)
    assert 'data-testid="deletions-panel"' in page and "Chat logs Q1" in page
    assert f"DC-{utcnow().year}-0001" in page


def test_a_task_batch_lost_after_the_keyset_moved_on_is_still_cleared(
        app: Any, expired_dataset: Any, annotator: Any, master_key: bytes) -> None:
    dataset = expired_dataset()
    ids = seed_items(db.session, dataset, master_key, _subjects(1200))
    seed_tasks(db.session, dataset, ids, annotator)

    def dies_after_first_task_batch() -> None:
        run = db.session.scalars(select(DeletionRun)).one()
        if run.counts.get("task_answers"):
            raise SystemExit("killed before the batch committed")
        db.session.commit()

    with pytest.raises(SystemExit):
        sweep(db.session, utcnow(), batch_size=500, checkpoint=dies_after_first_task_batch)
    db.session.rollback()
    assert _count(Task, Task.answer.is_not(None)) == 1200
    sweep(db.session, utcnow(), batch_size=500)
    assert _count(Task, Task.answer.is_not(None)) == 0
    assert db.session.scalars(select(DeletionCertificate)).one().counts["task_answers"] == 1200


def test_a_second_runner_of_a_finished_run_issues_no_second_certificate(
        app: Any, expired_dataset: Any, master_key: bytes) -> None:
    from governance.retention import finish_run

    seed_items(db.session, expired_dataset(), master_key, _subjects(10))
    sweep(db.session, utcnow())
    run = db.session.scalars(select(DeletionRun)).one()
    again = finish_run(db.session, SYSTEM, run)  # e.g. "Run now" beside the scheduled sweep
    assert again.id == db.session.scalars(select(DeletionCertificate)).one().id
    assert _count(AuditEvent, AuditEvent.action == "deletion.certificate_issued") == 1
