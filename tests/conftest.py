"""Shared fixtures: a fresh, migrated database per test (SQLite by default, PostgreSQL when
``PORTAL_TEST_DATABASE_URL`` is set), the app, clients signed in as each role, and factories."""

from __future__ import annotations

import contextvars
import os
import re
import secrets
import shutil
import socket
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text

from config.settings import Settings
from governance import audit, migrate
from governance.accounts import hash_password
from governance.db import Base, db, make_engine
from governance.dpas import required_clauses
from governance.models import Dataset, DatasetAssignment, Dpa, Role, TransferMechanism, User, Vendor

PG_URL = os.environ.get("PORTAL_TEST_DATABASE_URL")
TEST_PASSWORD = "correct horse battery"  # noqa: S105
_LOOPBACK = ("127.0.0.1", "::1", "localhost")


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any test that tries to reach beyond this machine (SMTP, model hubs, CDNs)."""
    real_connect = socket.socket.connect

    def guarded(sock: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in _LOOPBACK and sock.family != socket.AF_UNIX:
            raise AssertionError(f"test tried to open a network connection to {host}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(scope="session")
def _template_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Migrate once per run; each test then starts from a copy (SQLite) or a truncation (PostgreSQL)."""
    if PG_URL:
        engine = make_engine(_pg_url())
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        migrate.upgrade(engine)
        engine.dispose()
        return _pg_url()
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()  # closing the last connection checkpoints the WAL into the main file
    return str(path)


def _pg_url() -> str:
    from config.settings import normalise_database_url

    return normalise_database_url(PG_URL or "")


def _reset_postgres(url: str) -> None:
    engine = make_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        conn.execute(text("INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, :h)"), {"h": audit.GENESIS_HASH})
    engine.dispose()


@pytest.fixture
def database_url(_template_db: str, tmp_path: Path) -> str:
    """A clean, migrated database for this test."""
    if PG_URL:
        _reset_postgres(_template_db)
        return _template_db
    target = tmp_path / "portal.db"
    shutil.copyfile(_template_db, target)
    return f"sqlite:///{target}"


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(mode="test", instance_path=tmp_path / "instance", database_url=database_url,
                    secret_key=secrets.token_urlsafe(32), master_key=secrets.token_bytes(32))


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in a fresh context, as in production.

    The ``app`` fixture keeps an application context pushed so tests can call services; without
    this, Flask would reuse that context for requests and share ``g`` (and the signed-in user)
    between them, and the per-request database teardown would never run.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture
def app(settings: Settings) -> Iterator[Any]:
    from app import create_app

    application = create_app(settings)
    application.test_client_class = IsolatedClient
    with application.app_context():
        yield application
        db.session.remove()
    if db.engine is not None:
        db.engine.dispose()


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()


@pytest.fixture
def runner(app: Any) -> Any:
    return app.test_cli_runner()


@pytest.fixture
def chain_key(app: Any) -> bytes:
    key = audit.chain_key(db.session, app.extensions["portal"].master_key)
    db.session.commit()
    return key


_PASSWORD_HASH: dict[str, str] = {}


def _password_hash() -> str:
    # Argon2 is slow on purpose; hash the shared test password once per run.
    if "h" not in _PASSWORD_HASH:
        _PASSWORD_HASH["h"] = hash_password(TEST_PASSWORD)
    return _PASSWORD_HASH["h"]


@pytest.fixture
def make_vendor(app: Any) -> Callable[..., Vendor]:
    counter = iter(range(1, 10_000))

    def make(name: str | None = None, country: str = "VN", rate: str = "18.00", **fields: Any) -> Vendor:
        defaults = {"city": "", "dpf_certified": False, "corporate_group": "", "active": True}
        vendor = Vendor(name=name or f"Vendor {next(counter)}", country=country, hourly_rate_usd=Decimal(rate),
                        **(defaults | fields))
        db.session.add(vendor)
        db.session.commit()
        return vendor

    return make


@pytest.fixture
def make_user(app: Any, make_vendor: Callable[..., Vendor]) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def make(role: Role | str = Role.ANNOTATOR, vendor: Vendor | None = None,
             managed: list[Vendor] | None = None, **fields: Any) -> User:
        role = Role(role)
        n = next(counter)
        if role == Role.ANNOTATOR and vendor is None:
            vendor = make_vendor()
        user = User(email=fields.pop("email", f"{role.value}{n}@test.example"),
                    display_name=fields.pop("display_name", f"{role.label} {n}"), role=role,
                    vendor_id=vendor.id if role == Role.ANNOTATOR and vendor else None,
                    password_hash=_password_hash(), time_zone=fields.pop("time_zone", "UTC"),
                    active=fields.pop("active", True), failed_logins=0, **fields)
        if role == Role.VENDOR_MANAGER:
            user.managed_vendors = managed if managed is not None else [make_vendor()]
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_dpa(app: Any) -> Callable[..., Dpa]:
    """A complete, signed DPA valid for a year (override any field)."""

    def make(vendor: Vendor, **fields: Any) -> Dpa:
        today = datetime.now(UTC).date()
        defaults = {
            "reference": f"DPA-{vendor.country}-{vendor.id}", "signed_on": today - timedelta(days=30),
            "expires_on": today + timedelta(days=365), "storage_countries": [vendor.country],
            "transfer_mechanism": TransferMechanism.NONE, "scc_module": None, "tia_completed_on": None,
            "sub_processors": [], "deletion_sla_days": 30, "art28_clauses": list(required_clauses()),
        }
        dpa = Dpa(vendor_id=vendor.id, **(defaults | fields))
        db.session.add(dpa)
        db.session.commit()
        return dpa

    return make


@pytest.fixture
def make_dataset(app: Any) -> Callable[..., Dataset]:
    """A dataset (active, personal data, one-year retention), optionally assigned to vendors."""
    counter = iter(range(1, 10_000))

    def make(name: str | None = None, vendors: list[Vendor] = (), **fields: Any) -> Dataset:
        now = datetime.now(UTC)
        defaults = {
            "purpose": "sft", "lawful_basis": "legitimate_interests", "task_kind": "classification",
            "labels": ["billing", "delivery", "other"], "retention_days": 365,
            "expires_at": now + timedelta(days=365), "contains_personal_data": True, "overlap_k": 1,
        }
        dataset = Dataset(name=name or f"Dataset {next(counter)}", **(defaults | fields))
        db.session.add(dataset)
        db.session.flush()
        for vendor in vendors:
            db.session.add(DatasetAssignment(dataset_id=dataset.id, vendor_id=vendor.id))
        db.session.commit()
        return dataset

    return make


def sign_in(client: Any, user: User) -> Any:
    """Sign a test client in as ``user`` without going through the form (the form has its own tests)."""
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
    return client


@pytest.fixture
def login_as(app: Any, make_user: Callable[..., User]) -> Callable[..., Any]:
    """``login_as(role)`` → a test client signed in as a new user of that role (``.user`` holds it)."""

    def login(role: Role | str, **kwargs: Any) -> Any:
        user = make_user(role, **kwargs)
        test_client = app.test_client()
        sign_in(test_client, user)
        test_client.user = user
        return test_client

    return login


def csrf_token(client: Any, url: str) -> str:
    """The CSRF token printed in the form at ``url``."""
    page = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)
