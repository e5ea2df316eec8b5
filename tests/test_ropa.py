"""The record of processing (Art 30): live categories, recipients and transfers; a safe CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

from governance.db import db, utcnow
from governance.models import Role, TransferMechanism
from pii.models import ImportJob, ImportStatus


def test_record_shows_detected_categories_recipients_and_transfers(login_as: Any, make_vendor: Any,
                                                                   make_dpa: Any, make_dataset: Any) -> None:
    pl, vn = make_vendor("Krakow Studio", country="PL"), make_vendor("Saigon Labs", country="VN")
    make_dpa(pl)
    make_dpa(vn, transfer_mechanism=TransferMechanism.SCC, scc_module=2,
             tia_completed_on=utcnow().date() - timedelta(days=10))
    dataset = make_dataset("=Chats", vendors=[pl, vn], description="support chats")
    db.session.add(ImportJob(dataset_id=dataset.id, filename="x", status=ImportStatus.DONE, rejected=[],
                             entity_counts={"PERSON": 4, "EMAIL_ADDRESS": 2}))
    db.session.commit()
    officer = login_as(Role.COMPLIANCE_OFFICER)
    page = officer.get("/record-of-processing").get_data(as_text=True)
    assert "person, email address" in page and "Krakow Studio (PL)" in page
    assert "VN (third; scc_module_2+tia)" in page
    response = officer.get("/record-of-processing.csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[2][0] == "dataset"
    assert rows[3][0] == "'=Chats"  # a cell that a spreadsheet would run as a formula is neutralised


def test_vendor_people_cannot_open_the_record(login_as: Any) -> None:
    assert login_as(Role.VENDOR_MANAGER).get("/record-of-processing").status_code == 403
