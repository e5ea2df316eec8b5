"""Admin services: annotator profiles (audited, opt-outs never withdrawn by an admin) and vendor welfare
policies (refused past the legal ceiling, with the message by the field, nothing changed)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from governance.audit import SYSTEM
from governance.db import db, utcnow
from governance.errors import PortalError
from governance.models import AuditEvent, Role
from tests.conftest import csrf_token
from workforce.models import AnnotatorProfile, VendorPolicy
from workforce.profiles import (
    PolicyRejected,
    ProfileChanges,
    current_overrides,
    set_vendor_policy,
    update_profile,
)
from workforce.welfare_state import vendor_policy

N = Role.ANNOTATOR
TRAINED = date(2025, 3, 1)


def changes(**fields: Any) -> ProfileChanges:
    base = {"team": "", "started_on": None, "s3_trained_on": None, "s3_consent_on": None,
            "last_checkin_on": None, "opt_outs": frozenset(), "is_reviewer": False}
    return ProfileChanges(**(base | fields))


def events(action: str) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)
    return list(db.session.scalars(query))


def test_profile_update_is_saved_and_audited_with_field_names_only(make_user: Any) -> None:
    admin, person = make_user(Role.ADMIN), make_user(N)
    wanted = changes(team=" Night shift ", s3_trained_on=TRAINED, s3_consent_on=TRAINED,
                     opt_outs=frozenset({"self_harm"}), is_reviewer=True)
    update_profile(db.session, admin, person, wanted, utcnow())
    db.session.commit()
    profile = db.session.get(AnnotatorProfile, person.id)
    assert (profile.team, profile.s3_trained_on, profile.opt_outs, profile.is_reviewer) == (
        "Night shift", TRAINED, ["self_harm"], True)
    [event] = events("annotator_profile.updated")
    assert (event.actor_id, event.target_id) == (admin.id, str(person.id))
    assert event.details == {"fields": ["is_reviewer", "opt_outs", "s3_consent_on", "s3_trained_on", "team"],
                             "opt_outs_added": 1}
    assert "self_harm" not in str(event.details)  # an opt-out can hint at health: never in the trail


def test_saving_an_unchanged_profile_writes_no_event(make_user: Any) -> None:
    person = make_user(N)
    update_profile(db.session, SYSTEM, person, changes(team="A"), utcnow())
    update_profile(db.session, SYSTEM, person, changes(team="A"), utcnow())
    db.session.commit()
    assert len(events("annotator_profile.updated")) == 1


def test_an_admin_cannot_withdraw_an_annotators_opt_out(make_user: Any) -> None:
    person = make_user(N)
    db.session.add(AnnotatorProfile(user_id=person.id, team="", opt_outs=["violence"], is_reviewer=False))
    db.session.commit()
    with pytest.raises(PortalError, match="only they can withdraw violence") as refused:
        update_profile(db.session, SYSTEM, person, changes(opt_outs=frozenset({"hate"})), utcnow())
    assert refused.value.field == "opt_outs"
    db.session.rollback()
    assert db.session.get(AnnotatorProfile, person.id).opt_outs == ["violence"]
    update_profile(db.session, SYSTEM, person, changes(opt_outs=frozenset({"violence", "hate"})), utcnow())
    assert sorted(db.session.get(AnnotatorProfile, person.id).opt_outs) == ["hate", "violence"]


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"opt_outs": frozenset({"spiders"})}, "opt_outs", "Unknown opt-out: spiders"),
    ({"s3_trained_on": date.today() + timedelta(days=3)}, "s3_trained_on", "cannot be in the future"),
    ({"team": "x" * 61}, "team", "at most 60"),
])
def test_bad_profile_input_is_refused_with_its_field(make_user: Any, fields: dict, field: str,
                                                     message: str) -> None:
    person = make_user(N)
    with pytest.raises(PortalError, match=message) as refused:
        update_profile(db.session, SYSTEM, person, changes(**fields), utcnow())
    assert refused.value.field == field
    db.session.rollback()
    assert db.session.get(AnnotatorProfile, person.id) is None


def test_only_annotators_have_profiles(make_user: Any) -> None:
    with pytest.raises(PortalError, match="Only annotators"):
        update_profile(db.session, SYSTEM, make_user(Role.VENDOR_MANAGER), changes(), utcnow())


# --- vendor welfare policy -----------------------------------------------------------------------------


def test_tightening_a_vendors_policy_is_saved_and_audited(make_vendor: Any, make_user: Any) -> None:
    admin, vendor = make_user(Role.ADMIN), make_vendor(country="VN")
    tighter = {"daily_cap_hours": 7.0, "sensitive_items_per_day": 60}
    set_vendor_policy(db.session, admin, vendor, tighter, utcnow())
    db.session.commit()
    assert current_overrides(db.session, vendor) == {"daily_cap_hours": 7, "sensitive_items_per_day": 60}
    assert vendor_policy(db.session, vendor).daily_cap_hours == 7
    [event] = events("welfare_policy.updated")
    assert event.details == {"settings": ["daily_cap_hours", "sensitive_items_per_day"], "overridden": 2}
    set_vendor_policy(db.session, admin, vendor, {"daily_cap_hours": None}, utcnow())  # back to the default
    assert current_overrides(db.session, vendor) == {}


@pytest.mark.parametrize(("country", "overrides", "field", "message"), [
    ("IN", {"daily_cap_hours": 9}, "daily_cap_hours",
     "Daily cap of 9 h is above the legal ceiling of 8 h for IN."),
    ("VN", {"daily_rest_hours": 11}, "daily_rest_hours",
     "Daily rest of 11 h is below the legal minimum of 12 h"),
    ("VN", {"weekly_cap_hours": 60}, "weekly_cap_hours", "above the legal ceiling of 48 h for VN"),
])
def test_policy_past_the_legal_limit_is_refused_and_nothing_changes(
        make_vendor: Any, make_user: Any, country: str, overrides: dict, field: str, message: str) -> None:
    admin, vendor = make_user(Role.ADMIN), make_vendor(country=country)
    set_vendor_policy(db.session, admin, vendor, {"short_break_minutes": 15}, utcnow())
    db.session.commit()
    with pytest.raises(PolicyRejected) as refused:
        set_vendor_policy(db.session, admin, vendor, {"short_break_minutes": 12, **overrides}, utcnow())
    assert refused.value.field == field
    assert message in refused.value.by_field[field][0]
    db.session.rollback()
    assert current_overrides(db.session, vendor) == {"short_break_minutes": 15}
    assert len(events("welfare_policy.updated")) == 1


def test_settings_that_clash_with_each_other_are_refused_for_the_form(make_vendor: Any) -> None:
    vendor = make_vendor(country="VN")
    with pytest.raises(PolicyRejected) as refused:
        set_vendor_policy(db.session, SYSTEM, vendor, {"s3_items_per_day": 60, "sensitive_items_per_day": 50},
                          utcnow())
    assert refused.value.by_field == {}
    assert refused.value.general == [
        "S3 items per day (60) cannot be more than sensitive items per day (50)."]


def test_structured_overrides_survive_a_policy_edit(make_vendor: Any) -> None:
    vendor = make_vendor(country="VN")
    db.session.add(VendorPolicy(vendor_id=vendor.id, overrides={"tiers": {"profanity": 2}}))
    db.session.commit()
    set_vendor_policy(db.session, SYSTEM, vendor, {"daily_cap_hours": 6}, utcnow())
    assert current_overrides(db.session, vendor) == {"tiers": {"profanity": 2}, "daily_cap_hours": 6}


# --- pages ---------------------------------------------------------------------------------------------


def test_admin_marks_an_annotator_trained_through_the_page(login_as: Any, make_user: Any) -> None:
    client = login_as(Role.ADMIN)
    person = make_user(N, display_name="Minh Tran")
    url = f"/staffing/annotators/{person.id}"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "team": "Safety",
                                      "s3_trained_on": "2025-03-01", "s3_consent_on": "2025-03-01",
                                      "opt_outs": ["sexual"], "is_reviewer": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    profile = db.session.get(AnnotatorProfile, person.id)
    assert (profile.s3_trained_on, profile.team, profile.opt_outs, profile.is_reviewer) == (
        TRAINED, "Safety", ["sexual"], True)
    page = client.get(url).get_data(as_text=True)
    assert "Not yet eligible for S3 items" in page and "No check-in in the last 30 days." in page


def test_unchecking_an_opt_out_on_the_page_shows_the_message(login_as: Any, make_user: Any) -> None:
    client = login_as(Role.ADMIN)
    person = make_user(N)
    db.session.add(AnnotatorProfile(user_id=person.id, team="", opt_outs=["hate"], is_reviewer=False))
    db.session.commit()
    url = f"/staffing/annotators/{person.id}"
    page = client.post(url, data={"csrf_token": csrf_token(client, url), "team": "B"}).get_data(as_text=True)
    assert "only they can withdraw hate" in page
    db.session.expire_all()
    assert db.session.get(AnnotatorProfile, person.id).team == ""


def test_policy_page_refuses_past_the_legal_ceiling_by_the_field(login_as: Any, make_vendor: Any) -> None:
    client = login_as(Role.ADMIN)
    vendor = make_vendor("Bangalore Label Works", country="IN")
    url = f"/staffing/vendors/{vendor.id}/policy"
    page = client.get(url).get_data(as_text=True)
    assert "Daily cap (hours)" in page and "default 8; allowed 4–10" in page
    page = client.post(url, data={"csrf_token": csrf_token(client, url), "daily_cap_hours": "9",
                                  "weekly_cap_hours": "36"}).get_data(as_text=True)
    assert "invalid-feedback" in page
    assert "Daily cap of 9 h is above the legal ceiling of 8 h for IN." in page
    assert db.session.scalar(select(func.count()).select_from(VendorPolicy)) == 0
    ok = client.post(url, data={"csrf_token": csrf_token(client, url), "daily_cap_hours": "7"})
    assert ok.status_code == 302
    db.session.expire_all()
    assert current_overrides(db.session, vendor) == {"daily_cap_hours": 7}
