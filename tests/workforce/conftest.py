"""Fixtures for the workbench: a lawful Vietnamese vendor, its annotators and a queue of items."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from governance.db import db, utcnow
from governance.models import Role, TransferMechanism
from pii.models import Item, ItemStatus


@pytest.fixture
def shop(app: Any, make_vendor: Any, make_dpa: Any, make_dataset: Any, make_user: Any) -> dict[str, Any]:
    """Saigon vendor with a valid SCC + TIA DPA, one assigned dataset, two annotators in Hanoi time."""
    vendor = make_vendor("Saigon Data Labs", country="VN")
    today = utcnow().date()
    dpa = make_dpa(vendor, transfer_mechanism=TransferMechanism.SCC, scc_module=2,
                   tia_completed_on=today - timedelta(days=30), storage_countries=["VN", "IE"])
    dataset = make_dataset("Support chats", vendors=[vendor], labels=["billing", "delivery", "other"], gold_rate=0)
    linh = make_user(Role.ANNOTATOR, vendor=vendor, time_zone="Asia/Ho_Chi_Minh", display_name="Linh")
    minh = make_user(Role.ANNOTATOR, vendor=vendor, time_zone="Asia/Ho_Chi_Minh", display_name="Minh")
    return {"vendor": vendor, "dpa": dpa, "dataset": dataset, "linh": linh, "minh": minh}


@pytest.fixture
def add_items(app: Any) -> Callable[..., list[Item]]:
    """``add_items(dataset, n, severity=0, categories=(), gold=None, slots=1)`` → the new items."""
    counter = iter(range(1, 1_000_000))

    def add(dataset: Any, n: int = 1, severity: int = 0, categories: tuple[str, ...] = (), gold: Any = None,
            slots: int = 1, prelabel: Any = None) -> list[Item]:
        items = [Item(dataset_id=dataset.id, external_id=f"x{next(counter)}", kind=dataset.task_kind,
                      status=ItemStatus.ACTIVE, redacted={"text": f"Hello <PERSON_1>, item {i}"}, spans=[],
                      entity_counts={"PERSON": 1}, sensitivity=list(categories), severity=severity,
                      gold_answer=gold, is_gold=gold is not None, prelabel=prelabel, open_slots=slots)
                 for i in range(n)]
        db.session.add_all(items)
        db.session.commit()
        return items

    return add
