"""Wellbeing check-ins reach the vendor's managers, nobody else, and never the assignment engine."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from governance.db import db
from governance.models import AuditEvent, Role
from tests.conftest import csrf_token, sign_in
from workforce.models import AnnotatorProfile


def test_a_checkin_goes_to_the_vendors_manager_only(app: Any, shop: dict, make_user: Any, make_vendor: Any) -> None:
    linh = sign_in(app.test_client(), shop["linh"])
    linh.post("/work/checkin", data={"answer": "struggling", "wants_contact": "y", "note": "long week",
                                     "csrf_token": csrf_token(linh, "/work")})
    mine = sign_in(app.test_client(), make_user(Role.VENDOR_MANAGER, managed=[shop["vendor"]]))
    other = sign_in(app.test_client(), make_user(Role.VENDOR_MANAGER, managed=[make_vendor("Elsewhere")]))
    page = mine.get("/wellbeing").get_data(as_text=True)
    assert "Linh" in page and "Struggling" in page and "long week" in page
    assert "Linh" not in other.get("/wellbeing").get_data(as_text=True)
    assert sign_in(app.test_client(), make_user(Role.COMPLIANCE_OFFICER)).get("/wellbeing").status_code == 403
    assert db.session.get(AnnotatorProfile, shop["linh"].id).last_checkin_on is not None
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "wellbeing.checked_in")).one()
    assert event.details == {}


def test_the_assignment_engine_never_reads_checkins() -> None:
    import inspect

    import workforce.assignment
    import workforce.welfare
    import workforce.welfare_state

    for module in (workforce.assignment, workforce.welfare, workforce.welfare_state):
        assert "WellbeingCheckin" not in inspect.getsource(module)
