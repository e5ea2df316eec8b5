"""Reveal of raw data (compliance only, with a reason, audited), "PII leaked" and its review queue,
and the command line: pii scan, datasets import, keys rotate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from governance import audit
from governance.db import db
from governance.models import AuditEvent, Role
from pii.datakeys import data_key
from pii.models import Item, ItemStatus, LeakReport, LeakStatus, RawReveal
from pii.vault import VaultError, decrypt_payload
from tests.conftest import csrf_token
from tests.pii.test_import import SEEDED, do_import, jsonl


@pytest.fixture
def imported(app: Any, fast_pii_engine: Any, make_dataset: Any, make_vendor: Any) -> dict[str, Any]:
    app.extensions["pii_engine"] = fast_pii_engine
    vendor = make_vendor("Saigon Data Labs", country="VN")
    dataset = make_dataset(vendors=[vendor])
    do_import(app, dataset, jsonl(SEEDED))
    item = db.session.scalars(select(Item).where(Item.external_id == "c1")).one()
    return {"dataset": dataset, "item": item, "vendor": vendor}


def test_compliance_officer_reveals_raw_data_with_a_reason_and_it_is_audited(login_as: Any, imported: dict) -> None:
    officer = login_as(Role.COMPLIANCE_OFFICER)
    item = imported["item"]
    page = officer.post(f"/items/{item.id}/reveal", data={
        "reason": "Subject access request SAR-2026-114 needs the original text",
        "csrf_token": csrf_token(officer, f"/items/{item.id}")}).get_data(as_text=True)
    assert "Anna Kowalska" in page and "recorded in the audit trail" in page
    reveal = db.session.scalars(select(RawReveal)).one()
    assert reveal.officer_id == officer.user.id and reveal.reason.startswith("Subject access request")
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "item.raw_revealed")).one()
    assert event.details == {"dataset_id": item.dataset_id, "reveal_id": reveal.id}


def test_a_reveal_without_a_reason_is_refused(login_as: Any, imported: dict) -> None:
    officer = login_as(Role.COMPLIANCE_OFFICER)
    item = imported["item"]
    page = officer.post(f"/items/{item.id}/reveal", data={
        "reason": "because", "csrf_token": csrf_token(officer, f"/items/{item.id}")},
        follow_redirects=True).get_data(as_text=True)
    assert "at least 15 characters" in page and "Anna Kowalska" not in page
    assert db.session.scalars(select(RawReveal)).all() == []


@pytest.mark.parametrize("role", [Role.ADMIN, Role.VENDOR_MANAGER, Role.ANNOTATOR])
def test_other_roles_see_only_redacted_content_and_cannot_reveal(login_as: Any, imported: dict, role: Role) -> None:
    client = login_as(role, vendor=imported["vendor"], managed=[imported["vendor"]]) \
        if role != Role.ADMIN else login_as(role)
    item = imported["item"]
    page = client.get(f"/items/{item.id}").get_data(as_text=True)
    assert "&lt;PERSON_1&gt;" in page and "Anna Kowalska" not in page
    assert client.post(f"/items/{item.id}/reveal", data={"reason": "x" * 30}).status_code in (400, 403)


def test_pii_leaked_quarantines_and_review_can_return_the_item(login_as: Any, imported: dict) -> None:
    annotator = login_as(Role.ANNOTATOR, vendor=imported["vendor"])
    item = imported["item"]
    annotator.post(f"/items/{item.id}/leak", data={"entity_type": "PHONE_NUMBER",
                                                   "csrf_token": csrf_token(annotator, f"/items/{item.id}")})
    db.session.expire_all()
    assert db.session.get(Item, item.id).status == ItemStatus.QUARANTINED
    report = db.session.scalars(select(LeakReport)).one()
    officer = login_as(Role.COMPLIANCE_OFFICER)
    queue = officer.get("/leaks").get_data(as_text=True)
    assert f"#{item.id}" in queue and "PHONE_NUMBER" in queue
    officer.post(f"/leaks/{report.id}/review", data={"decision": "dismiss", "csrf_token": csrf_token(officer, "/leaks")})
    db.session.expire_all()
    assert db.session.get(LeakReport, report.id).status == LeakStatus.DISMISSED
    assert db.session.get(Item, item.id).status == ItemStatus.ACTIVE


def test_an_item_of_another_vendor_is_404_for_vendor_people(login_as: Any, imported: dict, make_vendor: Any) -> None:
    stranger = login_as(Role.ANNOTATOR, vendor=make_vendor("Elsewhere", country="PL"))
    assert stranger.get(f"/items/{imported['item'].id}").status_code == 404


def test_pii_scan_prints_spans_and_redacted_text(runner: Any, app: Any, fast_pii_engine: Any, tmp_path: Path) -> None:
    app.extensions["pii_engine"] = fast_pii_engine
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": 7, "text": "Mail John Smith at john@example.com"}\n', encoding="utf-8")
    result = runner.invoke(args=["pii", "scan", str(source)])
    assert result.exit_code == 0, result.output
    line = json.loads(result.output.strip())
    assert line["id"] == 7 and "<EMAIL_1>" in line["redacted"] and "John Smith" not in line["redacted"]
    assert {"start", "end", "label", "score"} == set(line["spans"][0])
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{oops\n", encoding="utf-8")
    failed = runner.invoke(args=["pii", "scan", str(bad)])
    assert failed.exit_code == 2 and "line 1" in failed.output


def test_datasets_import_cli_reports_bad_lines_and_imports_nothing(runner: Any, app: Any, fast_pii_engine: Any,
                                                                    make_dataset: Any, tmp_path: Path) -> None:
    app.extensions["pii_engine"] = fast_pii_engine
    make_dataset("Chats")
    source = tmp_path / "chats.jsonl"
    source.write_bytes(jsonl(SEEDED) + b"\n{broken\n")
    result = runner.invoke(args=["datasets", "import", "--dataset", "Chats", str(source)])
    assert result.exit_code == 1 and "line 5" in result.output and "invalid JSON" in result.output
    db.session.rollback()
    assert db.session.scalars(select(Item)).all() == []
    ok = runner.invoke(args=["datasets", "import", "--dataset", "Chats", "--skip-invalid", str(source)])
    assert ok.exit_code == 0 and "items imported: 4" in ok.output
    assert runner.invoke(args=["datasets", "import", "--dataset", "Nope", str(source)]).exit_code == 2


def test_keys_rotate_keeps_every_item_readable_and_the_chain_valid(runner: Any, app: Any, imported: dict) -> None:
    settings = app.extensions["portal"]
    old = settings.master_key
    (Path(settings.instance_path)).mkdir(parents=True, exist_ok=True)
    from governance.keys import encode_master_key

    new_key = b"n" * 32
    db.session.rollback()
    result = runner.invoke(args=["keys", "rotate", "--new-key-stdin"], input=encode_master_key(new_key) + "\n")
    assert result.exit_code == 0 and "Re-wrapped 1 data key" in result.output
    db.session.expire_all()
    items = db.session.scalars(select(Item)).all()
    key = data_key(items[0].dataset, new_key)
    assert all(json.loads(decrypt_payload(key, str(i.id), i.raw_ciphertext)) for i in items)
    with pytest.raises(VaultError):
        data_key(items[0].dataset, old)
    assert audit.verify(db.session, audit.chain_key(db.session, new_key)).ok
