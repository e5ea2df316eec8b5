"""Deny by default: every endpoint declares its roles, and each role gets exactly what it declares."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest

from governance.models import Role
from governance.permissions import declared_roles
from tests.conftest import sign_in

A, C, V, N = Role.ADMIN, Role.COMPLIANCE_OFFICER, Role.VENDOR_MANAGER, Role.ANNOTATOR
PUBLIC = frozenset()

# endpoint → roles allowed. A new endpoint must be added here, or the first test fails.
EXPECTED: dict[str, frozenset[Role]] = {
    "auth.login": PUBLIC,
    "main.healthz": PUBLIC,
    "auth.logout": frozenset({A, C, V, N}),
    "main.dashboard": frozenset({A, C, V, N}),
    "audit.trail": frozenset({A, C}),
    "audit.verify_chain": frozenset({A, C}),
    "vendors.index": frozenset({A, C, V}),
    "vendors.detail": frozenset({A, C, V, N}),
    "vendors.new": frozenset({A}),
    "vendors.edit": frozenset({A}),
    "people.index": frozenset({A}),
    "people.new": frozenset({A}),
    "people.edit": frozenset({A}),
    "dpas.register": frozenset({A, C}),
    "dpas.new": frozenset({A, C}),
    "dpas.edit": frozenset({A, C}),
    "dpas.document": frozenset({A, C}),
    "datasets.index": frozenset({A, C, V, N}),
    "datasets.new": frozenset({A}),
    "datasets.detail": frozenset({A, C, V, N}),
    "datasets.assign": frozenset({A}),
    "datasets.unassign": frozenset({A}),
    "ops.jobs_page": frozenset({A, C}),
    "ops.run_now": frozenset({A, C}),
    "ops.read_notification": frozenset({A, C, V, N}),
    "erasure.index": frozenset({A, C}),
    "erasure.new": frozenset({C}),
    "erasure.detail": frozenset({A, C}),
    "erasure.execute_request": frozenset({C}),
    "erasure.extend_request": frozenset({C}),
    "erasure.certificates": frozenset({A, C}),
    "erasure.certificate": frozenset({A, C}),
    "erasure.certificate_pdf": frozenset({A, C}),
}
ALWAYS_PUBLIC = {"static", "bootstrap.static"}

# Each package's endpoints live beside its tests (tests/<package>/endpoints.py): EXPECTED (endpoint →
# roles), PATHS (endpoint → function of the world giving the URL) and optionally extend_world(world).
PACKAGE_MATRICES = [
    importlib.import_module(f"tests.{path.parent.name}.{path.stem}")
    for path in sorted(Path(__file__).parent.glob("*/endpoints*.py"))
]
for _matrix in PACKAGE_MATRICES:
    EXPECTED.update(_matrix.EXPECTED)


def test_every_endpoint_declares_who_may_call_it(app: Any) -> None:
    undeclared = [
        rule.endpoint for rule in app.url_map.iter_rules()
        if rule.endpoint not in ALWAYS_PUBLIC and declared_roles(app.view_functions[rule.endpoint]) is None
    ]
    assert undeclared == []


def test_the_matrix_covers_every_endpoint_and_matches_the_declarations(app: Any) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - ALWAYS_PUBLIC
    assert endpoints == set(EXPECTED)
    for endpoint, roles in EXPECTED.items():
        assert declared_roles(app.view_functions[endpoint]) == roles, endpoint


def test_an_endpoint_without_a_declaration_is_refused_at_run_time(app: Any, login_as: Any) -> None:
    app.add_url_rule("/forgotten", "forgotten", lambda: "open door")
    client = login_as(A)
    assert client.get("/forgotten").status_code == 403


@pytest.fixture
def world(app: Any, make_user: Any, make_vendor: Any, make_dpa: Any, make_dataset: Any) -> dict[str, Any]:
    """One in-scope vendor with one person of each vendor role, plus staff."""
    app.config["WTF_CSRF_ENABLED"] = False
    vendor = make_vendor("Scope Vendor")
    users = {
        A: make_user(A), C: make_user(C),
        V: make_user(V, managed=[vendor]), N: make_user(N, vendor=vendor),
    }
    world = {"vendor": vendor, "users": users, "app": app, "dpa": make_dpa(vendor),
             "dataset": make_dataset(vendors=[vendor]), **_erasure_world()}
    for matrix in PACKAGE_MATRICES:
        if hasattr(matrix, "extend_world"):
            matrix.extend_world(world)
    return world


def _erasure_world() -> dict[str, Any]:
    """An open erasure request (no tokens: executing it matches nothing) and a certificate."""
    from governance.db import db, utcnow
    from governance.deletion import issue_certificate, start_run
    from governance.ops_models import ErasureRequest

    today = utcnow().date()
    request = ErasureRequest(reference="ER-TEST-0001", received_on=today, due_on=today, identifier_kinds=["email"],
                             tokens=[], extension_reason="")
    db.session.add(request)
    certificate = issue_certificate(db.session, start_run(db.session, "retention"), "Old dataset")
    db.session.commit()
    return {"erasure_request": request, "certificate": certificate}


def _url(endpoint: str, world: dict[str, Any]) -> str:
    paths = {
        "vendors.detail": f"/vendors/{world['vendor'].id}",
        "vendors.edit": f"/vendors/{world['vendor'].id}/edit",
        "people.edit": f"/users/{world['users'][N].id}/edit",
        "dpas.new": f"/vendors/{world['vendor'].id}/dpas/new",
        "dpas.edit": f"/dpas/{world['dpa'].id}/edit",
        "dpas.document": f"/dpas/{world['dpa'].id}/document",
        "datasets.detail": f"/datasets/{world['dataset'].id}",
        "datasets.assign": f"/datasets/{world['dataset'].id}/assign",
        "datasets.unassign": f"/datasets/{world['dataset'].id}/vendors/{world['vendor'].id}/remove",
        "ops.run_now": "/jobs/dpa-expiry-watch/run",
        "ops.read_notification": "/notifications/1/read",
        "erasure.detail": f"/erasure/{world['erasure_request'].id}",
        "erasure.execute_request": f"/erasure/{world['erasure_request'].id}/execute",
        "erasure.extend_request": f"/erasure/{world['erasure_request'].id}/extend",
        "erasure.certificate": f"/certificates/{world['certificate'].id}",
        "erasure.certificate_pdf": f"/certificates/{world['certificate'].id}.pdf",
    }
    for matrix in PACKAGE_MATRICES:
        if endpoint in getattr(matrix, "PATHS", {}):
            return matrix.PATHS[endpoint](world)
    from flask import url_for

    with world["app"].test_request_context():
        return paths.get(endpoint) or url_for(endpoint)


def _method(app: Any, endpoint: str) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    return "GET" if "GET" in rule.methods else "POST"


@pytest.mark.parametrize("role", [A, C, V, N])
@pytest.mark.parametrize("endpoint", sorted(e for e, roles in EXPECTED.items() if roles))
def test_role_endpoint_matrix(app: Any, world: dict[str, Any], role: Role, endpoint: str) -> None:
    client = sign_in(app.test_client(), world["users"][role])
    response = client.open(_url(endpoint, world), method=_method(app, endpoint))
    if role in EXPECTED[endpoint]:
        assert response.status_code in (200, 302, 409), (endpoint, role, response.status_code)
        assert "next=" not in response.headers.get("Location", "")  # not bounced to sign-in
    else:
        assert response.status_code == 403, (endpoint, role, response.status_code)


@pytest.mark.parametrize("endpoint", sorted(e for e, roles in EXPECTED.items() if roles))
def test_anonymous_visitors_are_sent_to_sign_in(app: Any, world: dict[str, Any], endpoint: str) -> None:
    response = app.test_client().open(_url(endpoint, world), method=_method(app, endpoint))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("role", [N, V])
def test_another_vendors_object_answers_404(app: Any, world: dict[str, Any], make_vendor: Any, role: Role) -> None:
    other = make_vendor("Other Vendor", country="PL")
    client = sign_in(app.test_client(), world["users"][role])
    assert client.get(f"/vendors/{other.id}").status_code == 404
    assert client.get(f"/vendors/{world['vendor'].id}").status_code == 200


def test_vendor_manager_lists_only_managed_vendors(app: Any, make_user: Any, make_vendor: Any) -> None:
    mine = [make_vendor("Hanoi One", country="VN"), make_vendor("Pune Two", country="IN")]
    make_vendor("Gdansk Three", country="PL")
    client = sign_in(app.test_client(), make_user(V, managed=mine))
    page = client.get("/vendors/").get_data(as_text=True)
    assert "Hanoi One" in page and "Pune Two" in page
    assert "Gdansk Three" not in page


def test_admin_edit_of_missing_user_is_404(app: Any, login_as: Any) -> None:
    assert login_as(A).get("/users/999999/edit").status_code == 404
