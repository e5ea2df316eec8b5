"""Each role signs in, lands on its own dashboard, and signs out (JOURNEYS.md, first steps)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from governance.models import Role
from tests.conftest import TEST_PASSWORD
from tests.e2e.conftest import sign_in_through_the_form

pytestmark = pytest.mark.e2e

DASHBOARD_TITLES = {
    Role.ADMIN: "Administration",
    Role.COMPLIANCE_OFFICER: "Compliance overview",
    Role.VENDOR_MANAGER: "Your vendors",
    Role.ANNOTATOR: "Hello,",
}


@pytest.mark.parametrize("role", list(Role))
def test_role_signs_in_sees_its_dashboard_and_signs_out(page: Any, make_user: Any, make_vendor: Any,
                                                         role: Role) -> None:
    vendor = make_vendor("Saigon Data Labs")
    user = make_user(role, vendor=vendor, managed=[vendor]) if role != Role.ANNOTATOR else \
        make_user(role, vendor=vendor)
    sign_in_through_the_form(page, user.email, TEST_PASSWORD)
    expect(page.get_by_test_id("dashboard-title")).to_contain_text(DASHBOARD_TITLES[role])
    expect(page.get_by_test_id("whoami")).to_contain_text(role.label)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login"))


def test_wrong_password_shows_a_message_in_the_browser(page: Any, make_user: Any) -> None:
    user = make_user(Role.ADMIN)
    sign_in_through_the_form(page, user.email, "not the password")
    expect(page.get_by_text("Wrong e-mail or password.")).to_be_visible()
