"""The PII package's endpoints for the deny-by-default matrix (tests/test_permissions.py)."""

from __future__ import annotations

from typing import Any

from governance.db import db
from governance.models import Role
from pii.models import ImportJob, ImportStatus, Item, ItemStatus, LeakReport

A, C, V, N = Role.ADMIN, Role.COMPLIANCE_OFFICER, Role.VENDOR_MANAGER, Role.ANNOTATOR
EXPECTED = {
    "pii.import_file": frozenset({A}),
    "pii.import_progress": frozenset({A, C}),
    "pii.import_status": frozenset({A, C}),
    "pii.item": frozenset({A, C, V, N}),
    "pii.reveal": frozenset({C}),
    "pii.leak": frozenset({A, C, V, N}),
    "pii.leaks": frozenset({A, C}),
    "pii.review": frozenset({C}),
}


def extend_world(world: dict[str, Any]) -> None:
    dataset = world["dataset"]
    job = ImportJob(dataset_id=dataset.id, filename="x.jsonl", status=ImportStatus.DONE, rejected=[],
                    entity_counts={})
    item = Item(dataset_id=dataset.id, external_id="e1", kind="classification", status=ItemStatus.ACTIVE,
                redacted={"text": "Hello <PERSON_1>"}, spans=[], entity_counts={"PERSON": 1}, sensitivity=[])
    db.session.add_all([job, item])
    db.session.flush()
    report = LeakReport(item_id=item.id, dataset_id=dataset.id, entity_type="PHONE_NUMBER")
    db.session.add(report)
    db.session.commit()
    world.update(import_job=job, item=item, leak_report=report)


PATHS = {
    "pii.import_file": lambda w: f"/datasets/{w['dataset'].id}/import",
    "pii.import_progress": lambda w: f"/imports/{w['import_job'].id}",
    "pii.import_status": lambda w: f"/imports/{w['import_job'].id}/status",
    "pii.item": lambda w: f"/items/{w['item'].id}",
    "pii.reveal": lambda w: f"/items/{w['item'].id}/reveal",
    "pii.leak": lambda w: f"/items/{w['item'].id}/leak",
    "pii.review": lambda w: f"/leaks/{w['leak_report'].id}/review",
}
