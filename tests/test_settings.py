"""Settings: safe embedded defaults, generated secrets kept 0600, production refuses to guess."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from config.settings import ConfigError, load_settings, normalise_database_url
from governance.keys import encode_master_key


def test_dev_mode_generates_secrets_once_in_0600_files(tmp_path: Path) -> None:
    first = load_settings(tmp_path, environ={})
    second = load_settings(tmp_path, environ={})
    assert first.secret_key == second.secret_key and first.master_key == second.master_key
    for name in ("secret_key", "master.key"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600
    assert first.database_url == f"sqlite:///{tmp_path / 'portal.db'}"


def test_a_key_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    load_settings(tmp_path, environ={})
    (tmp_path / "master.key").chmod(0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        load_settings(tmp_path, environ={})


@pytest.mark.parametrize("missing", ["PORTAL_DATABASE_URL", "PORTAL_SECRET_KEY", "PORTAL_MASTER_KEY"])
def test_production_mode_refuses_to_start_without_a_secret(tmp_path: Path, missing: str) -> None:
    env = {"PORTAL_MODE": "production", "PORTAL_DATABASE_URL": "postgresql://db/portal",
           "PORTAL_SECRET_KEY": "s" * 40, "PORTAL_MASTER_KEY": encode_master_key(b"m" * 32)}
    del env[missing]
    with pytest.raises(ConfigError, match=missing):
        load_settings(tmp_path, environ=env)
    assert not (tmp_path / "master.key").exists()


def test_production_settings_are_read_from_the_environment(tmp_path: Path) -> None:
    env = {"PORTAL_MODE": "production", "PORTAL_DATABASE_URL": "postgres://db/portal",
           "PORTAL_SECRET_KEY": "s" * 40, "PORTAL_MASTER_KEY": encode_master_key(b"m" * 32)}
    settings = load_settings(tmp_path, environ=env)
    assert settings.master_key == b"m" * 32 and settings.session_cookie_secure is True
    assert settings.database_url == "postgresql+psycopg://db/portal"


@pytest.mark.parametrize(("name", "value", "message"), [
    ("PORTAL_MASTER_KEY", "too-short", "PORTAL_MASTER_KEY: the master key is not valid"),
    ("PORTAL_MASTER_KEY", "c2hvcnQ=", "32 bytes"),
    ("PORTAL_MODE", "staging", "PORTAL_MODE"),
    ("PORTAL_LOGIN_MAX_FAILURES", "five", "whole number"),
    ("PORTAL_SESSION_COOKIE_SECURE", "maybe", "true or false"),
])
def test_malformed_settings_name_the_variable(tmp_path: Path, name: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(tmp_path, environ={name: value})


def test_postgres_urls_use_the_psycopg_driver() -> None:
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_database_errors_never_carry_bound_values(app: object) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    from governance.db import db

    try:
        db.session.execute(text("INSERT INTO no_such_table (x) VALUES (:value)"), {"value": "linh@example.com"})
    except SQLAlchemyError as exc:
        assert "linh@example.com" not in str(exc)
    else:  # pragma: no cover
        raise AssertionError("the statement should have failed")
    finally:
        db.session.rollback()
