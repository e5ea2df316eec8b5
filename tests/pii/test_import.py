"""Importing data: redaction of every shown field, encryption bound to the row, subject index,
bad input reported line by line with nothing imported, and no PII in logs or the audit trail."""

from __future__ import annotations

import io
import json
import logging
from typing import Any

import pytest
from sqlalchemy import func, select

from governance.audit import SYSTEM
from governance.db import db
from governance.models import AuditEvent, Role
from pii.datakeys import KeyShredded, data_key, shred
from pii.imports import import_context
from pii.ingest import create_job, run_import
from pii.models import ImportJob, ImportStatus, Item, ItemStatus, SubjectToken
from pii.subjects import identifier_tokens, items_matching
from pii.vault import VaultError, decrypt_payload
from tests.conftest import csrf_token

SEEDED = [
    {"id": "c1", "kind": "classification", "text": "Hi, this is Anna Kowalska, email Anna.Kowalska@example.com, "
                                                    "phone +48 601 234 567. My parcel is late.",
     "labels": ["delivery"], "metadata": {"agent_note": "Customer Anna Kowalska called twice"}},
    {"id": "c2", "kind": "classification", "text": "John Smith here, call me on 020 7946 0018 about the refund.",
     "sensitivity": ["violence"]},
    {"id": "c3", "kind": "classification", "text": "Please reset my password, thanks.", "gold": "account"},
    {"id": "c4", "kind": "classification", "text": "anna.kowalska@EXAMPLE.com wrote again: where is the parcel?"},
]
PII_VALUES = ["Anna Kowalska", "Anna.Kowalska@example.com", "601 234 567", "John Smith", "020 7946 0018"]


def jsonl(rows: list[dict]) -> bytes:
    return "\n".join(json.dumps(r) for r in rows).encode()


@pytest.fixture
def fast_app(app: Any, fast_pii_engine: Any) -> Any:
    app.extensions["pii_engine"] = fast_pii_engine
    return app


def do_import(app: Any, dataset: Any, data: bytes, filename: str = "data.jsonl", skip: bool = False) -> ImportJob:
    job = create_job(db.session, SYSTEM, dataset, filename, skip)
    db.session.commit()
    return run_import(db.session, SYSTEM, job.id, data, import_context(app))


def test_import_redacts_every_shown_field_and_encrypts_the_raw_record(fast_app: Any, make_dataset: Any) -> None:
    dataset = make_dataset()
    job = do_import(fast_app, dataset, jsonl(SEEDED))
    assert job.status == ImportStatus.DONE and job.imported == 4 and job.sensitive == 1
    items = {i.external_id: i for i in db.session.scalars(select(Item).where(Item.dataset_id == dataset.id))}
    shown = json.dumps([i.redacted for i in items.values()])
    for value in PII_VALUES:
        assert value not in shown
    first = items["c1"].redacted
    assert "<PERSON_1>" in first["text"] and "<PERSON_1>" in first["metadata.agent_note"]
    assert "<EMAIL_1>" in first["text"] and "<PHONE_1>" in first["text"]
    assert all(i.status == ItemStatus.ACTIVE for i in items.values())
    assert items["c3"].is_gold and items["c2"].severity == 2 and items["c2"].sensitivity == ["violence"]
    key = data_key(dataset, fast_app.extensions["portal"].master_key)
    raw = json.loads(decrypt_payload(key, str(items["c1"].id), items["c1"].raw_ciphertext))
    assert raw["text"] == SEEDED[0]["text"]
    assert job.entity_counts["PERSON"] >= 2 and job.entity_counts["EMAIL_ADDRESS"] == 2


def test_a_ciphertext_moved_to_another_row_does_not_decrypt(fast_app: Any, make_dataset: Any) -> None:
    dataset = make_dataset()
    do_import(fast_app, dataset, jsonl(SEEDED))
    one, two = db.session.scalars(select(Item).order_by(Item.id).limit(2)).all()
    key = data_key(dataset, fast_app.extensions["portal"].master_key)
    with pytest.raises(VaultError):
        decrypt_payload(key, str(two.id), one.raw_ciphertext)


def test_a_shredded_dataset_cannot_be_decrypted(fast_app: Any, make_dataset: Any) -> None:
    dataset = make_dataset()
    do_import(fast_app, dataset, jsonl(SEEDED))
    shred(db.session, dataset)
    db.session.commit()
    with pytest.raises(KeyShredded):
        data_key(dataset, fast_app.extensions["portal"].master_key)


def test_subject_lookup_finds_exactly_the_seeded_items(fast_app: Any, make_dataset: Any) -> None:
    dataset = make_dataset()
    do_import(fast_app, dataset, jsonl(SEEDED))
    ids = dict(db.session.execute(select(Item.external_id, Item.id)).all())
    key = fast_app.extensions["portal"].master_key
    by_email = items_matching(db.session, identifier_tokens(db.session, key, email="ANNA.kowalska@example.COM"))
    assert by_email == {dataset.id: {ids["c1"], ids["c4"]}}
    by_phone = items_matching(db.session, identifier_tokens(db.session, key, phone="+44 20 7946 0018"))
    assert by_phone == {dataset.id: {ids["c2"]}}
    by_name = items_matching(db.session, identifier_tokens(db.session, key, name="kowalska  anna"))
    assert by_name == {dataset.id: {ids["c1"]}}
    assert items_matching(db.session, identifier_tokens(db.session, key, email="nobody@example.com")) == {}
    assert not db.session.scalar(select(func.count()).select_from(SubjectToken).where(
        SubjectToken.token.contains("@")))


def test_every_preference_response_is_redacted(fast_app: Any, make_dataset: Any) -> None:
    dataset = make_dataset(task_kind="preference")
    row = {"id": "p1", "kind": "preference", "prompt": "Write to John Smith about his order",
           "responses": ["Dear John Smith, your order shipped.", "Hello, call 020 7946 0018.", "No."]}
    do_import(fast_app, dataset, jsonl([row]))
    item = db.session.scalars(select(Item)).one()
    assert "John Smith" not in json.dumps(item.redacted)
    assert item.redacted["prompt"].count("<PERSON_1>") == 1 and "<PERSON_1>" in item.redacted["responses"][0]
    assert "<PHONE_1>" in item.redacted["responses"][1]


BAD_CASES = [
    (b'{"id": "a", "kind": "classification", "text": "ok"}\n{not json}\n', "line 2", "invalid JSON"),
    (b'{"id": "a", "kind": "classification"}\n', "line 1", "missing field: text"),
    (b'{"id": "a", "kind": "poetry", "text": "x"}\n', "line 1", "unknown kind"),
    (b'{"id": "a", "kind": "classification", "text": "x"}\n{"id": "a", "kind": "classification", "text": "y"}\n',
     "line 2", "duplicate id"),
    (b'{"id": "a", "kind": "classification", "text": "caf\xe9"}\n', "line 1", "not valid UTF-8"),
    (b'{"id": "a", "kind": "classification", "text": "' + b"x" * 300_000 + b'"}\n', "line 1", "longer than"),
]


@pytest.mark.parametrize(("data", "where", "reason"), BAD_CASES)
def test_bad_lines_are_reported_and_nothing_is_imported(fast_app: Any, make_dataset: Any, data: bytes,
                                                         where: str, reason: str) -> None:
    dataset = make_dataset()
    job = do_import(fast_app, dataset, data)
    assert job.status == ImportStatus.REJECTED
    line = int(where.split()[1])
    assert any(r["line"] == line and reason in r["reason"] for r in job.rejected), job.rejected
    assert db.session.scalar(select(func.count()).select_from(Item)) == 0


def test_skip_invalid_imports_the_rest_and_says_how_many_were_skipped(fast_app: Any, make_dataset: Any) -> None:
    dataset = make_dataset()
    data = jsonl(SEEDED[:2]) + b"\n{broken\n"
    job = do_import(fast_app, dataset, data, skip=True)
    assert job.status == ImportStatus.DONE and job.imported == 2 and "1 bad line(s) skipped" in job.message


@pytest.mark.parametrize(("data", "filename", "message"), [
    (b"", "empty.jsonl", "The file is empty."),
    (b"name,text\nx,y\n", "wrong.csv", "CSV headers"),
])
def test_unreadable_files_are_refused_whole(fast_app: Any, make_dataset: Any, data: bytes, filename: str,
                                            message: str) -> None:
    job = do_import(fast_app, make_dataset(), data, filename)
    assert job.status == ImportStatus.REJECTED and message in job.message


def test_csv_with_the_same_columns_imports(fast_app: Any, make_dataset: Any) -> None:
    data = b"id,kind,text,labels,sensitivity\nr1,classification,Call John Smith,billing;other,\nr2,classification,Fine,,hate\n"
    job = do_import(fast_app, make_dataset(), data, "rows.csv")
    assert job.status == ImportStatus.DONE and job.imported == 2 and job.sensitive == 1


def test_a_crash_half_way_leaves_nothing_imported(fast_app: Any, make_dataset: Any,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import pii.ingest as ingest

    dataset = make_dataset()
    rows = [{"id": f"r{i}", "kind": "classification", "text": f"Message {i} from John Smith"} for i in range(600)]
    calls = {"n": 0}
    real = ingest._insert_chunk

    def crash_on_second_chunk(*args: Any, **kwargs: Any) -> int:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(ingest, "_insert_chunk", crash_on_second_chunk)
    job = do_import(fast_app, dataset, jsonl(rows))
    assert job.status == ImportStatus.FAILED and "nothing was imported" in job.message
    assert db.session.scalar(select(func.count()).select_from(Item)) == 0
    assert db.session.scalar(select(func.count()).select_from(SubjectToken)) == 0


def test_no_pii_reaches_logs_errors_or_the_audit_trail(fast_app: Any, make_dataset: Any,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    dataset = make_dataset()
    do_import(fast_app, dataset, jsonl(SEEDED))
    do_import(fast_app, dataset, jsonl(SEEDED) + b"\n{bad json with Anna.Kowalska@example.com\n")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    trail = json.dumps([e.details for e in db.session.scalars(select(AuditEvent))])
    messages = json.dumps([(j.message, j.rejected) for j in db.session.scalars(select(ImportJob))])
    for value in PII_VALUES + ["anna.kowalska@example.com"]:
        assert value.lower() not in logged.lower()
        assert value.lower() not in trail.lower()
        assert value.lower() not in messages.lower()


def test_web_import_runs_in_the_background_and_shows_a_summary(fast_app: Any, login_as: Any,
                                                               make_dataset: Any) -> None:
    dataset = make_dataset()
    admin = login_as(Role.ADMIN)
    token = csrf_token(admin, f"/datasets/{dataset.id}/import")
    response = admin.post(f"/datasets/{dataset.id}/import", data={
        "csrf_token": token, "file": (io.BytesIO(jsonl(SEEDED)), "chats.jsonl")}, content_type="multipart/form-data")
    assert response.status_code == 302
    job_id = int(response.headers["Location"].rsplit("/", 1)[1])
    import threading

    for thread in threading.enumerate():
        if thread.name == f"import-{job_id}":
            thread.join(timeout=60)
    status = admin.get(f"/imports/{job_id}/status").get_json()
    assert status["status"] == "done" and status["imported"] == 4
    page = admin.get(f"/imports/{job_id}").get_data(as_text=True)
    assert 'data-testid="import-summary"' in page and "EMAIL_ADDRESS" in page


def test_free_text_gold_is_redacted_and_kept_out_of_the_shown_payload(fast_app: Any, make_dataset: Any) -> None:
    dataset = make_dataset(task_kind="rewrite")
    row = {"id": "r1", "kind": "rewrite", "text": "Tell John Smith the parcel is late.",
           "gold": "Dear John Smith, your parcel is delayed.", "prelabel": "Hi John Smith, parcel late."}
    do_import(fast_app, dataset, jsonl([row]))
    item = db.session.scalars(select(Item)).one()
    assert "gold" not in item.redacted and item.is_gold
    assert "John Smith" not in json.dumps([item.gold_answer, item.prelabel, item.redacted])
    assert "<PERSON_1>" in item.gold_answer and item.redacted["prelabel"] == item.prelabel


def test_an_import_whose_process_died_is_rolled_back_by_the_recovery_job(fast_app: Any, make_dataset: Any) -> None:
    from datetime import timedelta

    from governance.db import utcnow
    from governance.jobs import run_job

    dataset = make_dataset()
    job = create_job(db.session, SYSTEM, dataset, "x.jsonl", False)
    job.status, job.created_at = ImportStatus.RUNNING, utcnow() - timedelta(days=2)
    db.session.add(Item(dataset_id=dataset.id, import_id=job.id, external_id="half", kind="classification",
                        status=ItemStatus.IMPORTING, redacted={"text": "x"}, spans=[], entity_counts={}, sensitivity=[]))
    db.session.commit()
    run = run_job("import-recovery")
    assert run.status == "ok" and run.summary == {"rolled_back": 1}
    assert db.session.get(ImportJob, job.id).status == ImportStatus.FAILED
    assert db.session.scalars(select(Item)).all() == []
