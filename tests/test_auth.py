"""Sign-in: passwords, lock-out and its expiry, CSRF, safe redirects, session cookie flags."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from governance import views
from governance.db import db, utcnow
from governance.models import AuditEvent, Role, User
from tests.conftest import TEST_PASSWORD, csrf_token


def _post_login(client: Any, email: str, password: str, next_url: str = "") -> Any:
    token = csrf_token(client, "/login")
    url = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"email": email, "password": password, "csrf_token": token})


def _actions(user_id: int | None = None) -> list[str]:
    query = select(AuditEvent.action).order_by(AuditEvent.seq)
    if user_id is not None:
        query = query.where(AuditEvent.target_id == str(user_id))
    return list(db.session.scalars(query))


def test_right_password_signs_in_and_is_audited(client: Any, make_user: Any) -> None:
    user = make_user(Role.COMPLIANCE_OFFICER)
    response = _post_login(client, user.email.upper(), TEST_PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Compliance overview" in client.get("/").get_data(as_text=True)
    assert _actions(user.id) == ["auth.login"]


def test_wrong_password_is_refused_and_counted(client: Any, make_user: Any) -> None:
    user = make_user(Role.ADMIN)
    page = _post_login(client, user.email, "wrong password").get_data(as_text=True)
    assert "Wrong e-mail or password." in page
    assert db.session.get(User, user.id).failed_logins == 1
    assert client.get("/").status_code == 302


def test_unknown_email_gets_the_same_message_and_no_pii_in_the_trail(client: Any) -> None:
    page = _post_login(client, "nobody@nowhere.example", "whatever-password").get_data(as_text=True)
    assert "Wrong e-mail or password." in page
    event = db.session.scalars(select(AuditEvent)).one()
    assert event.action == "auth.login_failed" and event.details == {"known_account": False}
    assert "nobody" not in str(event.details) + str(event.target_id)


def test_five_failures_lock_the_account_for_fifteen_minutes(client: Any, make_user: Any,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    user = make_user(Role.ANNOTATOR)
    start = utcnow()
    monkeypatch.setattr(views, "utcnow", lambda: start)
    for _ in range(5):
        _post_login(client, user.email, "wrong password")
    page = _post_login(client, user.email, TEST_PASSWORD).get_data(as_text=True)
    assert "locked" in page and client.get("/").status_code == 302
    assert "auth.locked_out" in _actions(user.id)
    locked = db.session.get(User, user.id)
    db.session.refresh(locked)
    assert locked.locked_until == start + timedelta(minutes=15)

    monkeypatch.setattr(views, "utcnow", lambda: start + timedelta(minutes=14))
    assert "locked" in _post_login(client, user.email, TEST_PASSWORD).get_data(as_text=True)
    monkeypatch.setattr(views, "utcnow", lambda: start + timedelta(minutes=15, seconds=1))
    assert _post_login(client, user.email, TEST_PASSWORD).status_code == 302
    assert client.get("/").status_code == 200


def test_missing_csrf_token_is_400_and_changes_nothing(client: Any, make_user: Any) -> None:
    user = make_user(Role.ADMIN)
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    response = client.post("/login", data={"email": user.email, "password": "wrong password"})
    assert response.status_code == 400
    assert "form expired" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).failed_logins == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before


def test_missing_csrf_token_on_an_admin_form_changes_nothing(login_as: Any) -> None:
    admin = login_as(Role.ADMIN)
    response = admin.post("/vendors/new", data={"name": "Sneaky Ltd", "country": "PL", "hourly_rate_usd": "60"})
    assert response.status_code == 400
    assert "Sneaky" not in admin.get("/vendors/").get_data(as_text=True)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"])
def test_next_parameter_never_leaves_the_site(client: Any, make_user: Any, target: str) -> None:
    user = make_user(Role.ADMIN)
    response = _post_login(client, user.email, TEST_PASSWORD, next_url=target)
    assert response.headers["Location"] == "/"


def test_next_parameter_returns_to_a_local_page(client: Any, make_user: Any) -> None:
    user = make_user(Role.ADMIN)
    assert _post_login(client, user.email, TEST_PASSWORD, next_url="/vendors/").headers["Location"] == "/vendors/"


def test_session_cookie_is_httponly_and_samesite_lax(client: Any, make_user: Any) -> None:
    user = make_user(Role.ADMIN)
    _post_login(client, user.email, TEST_PASSWORD)
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"


def test_logout_ends_the_session(client: Any, make_user: Any) -> None:
    user = make_user(Role.VENDOR_MANAGER)
    _post_login(client, user.email, TEST_PASSWORD)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert client.get("/").status_code == 302
    assert _actions(user.id)[-1] == "auth.logout"


def test_disabled_account_cannot_sign_in(client: Any, make_user: Any) -> None:
    user = make_user(Role.ADMIN, active=False)
    assert "Wrong e-mail or password." in _post_login(client, user.email, TEST_PASSWORD).get_data(as_text=True)
