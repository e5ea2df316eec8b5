"""Settings for the portal, read once from ``PORTAL_*`` environment variables.

Why this shape: every deployment knob lives in one validated, immutable object built at start-up,
so a misconfigured production server refuses to start instead of running with a silent default.
In the embedded (dev) mode the secrets a developer has not set are generated once and kept in
0600 files in the instance folder, so the one-command demo works and survives restarts.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from governance.keys import MasterKeyError, decode_master_key, encode_master_key

CONFIG_DIR = Path(__file__).resolve().parent
MODES = ("dev", "production", "test")


class ConfigError(RuntimeError):
    """A setting is missing or malformed; the message names the variable and what to do."""


@dataclass(frozen=True)
class Settings:
    """The portal's configuration. Built by :func:`load_settings`, never mutated afterwards."""

    mode: str
    instance_path: Path
    database_url: str
    secret_key: str
    master_key: bytes = field(repr=False)
    session_cookie_secure: bool = False
    login_max_failures: int = 5
    login_lockout_minutes: int = 15
    audit_page_size: int = 50
    scheduler_enabled: bool = False
    pii_workers: int = 1
    max_upload_mb: int = 64
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_sender: str = "governance-portal@localhost"
    extra: dict[str, Any] = field(default_factory=dict)

    def with_overrides(self, **changes: Any) -> Settings:
        """A copy with some fields replaced (tests and the CLI use this; the running app never does)."""
        return replace(self, **changes)


def _env(name: str, environ: dict[str, str]) -> str | None:
    value = environ.get(f"PORTAL_{name}")
    return value if value not in (None, "") else None


def _env_bool(name: str, environ: dict[str, str], default: bool) -> bool:
    value = _env(name, environ)
    if value is None:
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"PORTAL_{name} must be true or false, not {value!r}")


def _env_int(name: str, environ: dict[str, str], default: int, minimum: int = 1) -> int:
    value = _env(name, environ)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"PORTAL_{name} must be a whole number, not {value!r}") from None
    if number < minimum:
        raise ConfigError(f"PORTAL_{name} must be at least {minimum}")
    return number


def _secret_file(instance_path: Path, name: str, make: callable) -> str:
    """Read a generated secret from the instance folder, creating it 0600 on first use."""
    path = instance_path / name
    if path.exists():
        if path.stat().st_mode & 0o077:
            raise ConfigError(f"{path} is readable by other users; run: chmod 600 {path}")
        return path.read_text(encoding="ascii").strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    value = make()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(value + "\n")
    return value


def _secret(name: str, filename: str, make: callable, mode: str, instance: Path, environ: dict) -> str:
    value = _env(name, environ)
    if value is not None:
        return value
    if mode == "production":
        raise ConfigError(
            f"PORTAL_{name} is not set. Production mode never invents secrets: set it in the environment."
        )
    return _secret_file(instance, filename, make)


def load_settings(instance_path: Path | str, environ: dict[str, str] | None = None) -> Settings:
    """Build the settings from the environment; raise :class:`ConfigError` naming what is wrong."""
    environ = dict(os.environ if environ is None else environ)
    instance = Path(instance_path)
    mode = (_env("MODE", environ) or "dev").lower()
    if mode not in MODES:
        raise ConfigError(f"PORTAL_MODE must be one of {', '.join(MODES)}, not {mode!r}")
    if mode == "production" and _env("DATABASE_URL", environ) is None:
        raise ConfigError("PORTAL_DATABASE_URL is not set; production mode needs an explicit database.")
    database_url = _env("DATABASE_URL", environ) or f"sqlite:///{instance / 'portal.db'}"
    secret_key = _secret("SECRET_KEY", "secret_key", lambda: secrets.token_urlsafe(48), mode, instance, environ)
    master_text = _secret(
        "MASTER_KEY", "master.key", lambda: encode_master_key(secrets.token_bytes(32)), mode, instance, environ
    )
    try:
        master_key = decode_master_key(master_text)
    except MasterKeyError as exc:
        raise ConfigError(f"PORTAL_MASTER_KEY: {exc}") from None
    return Settings(
        mode=mode,
        instance_path=instance,
        database_url=normalise_database_url(database_url),
        secret_key=secret_key,
        master_key=master_key,
        session_cookie_secure=_env_bool("SESSION_COOKIE_SECURE", environ, mode == "production"),
        login_max_failures=_env_int("LOGIN_MAX_FAILURES", environ, 5),
        login_lockout_minutes=_env_int("LOGIN_LOCKOUT_MINUTES", environ, 15),
        scheduler_enabled=_env_bool("SCHEDULER", environ, False),
        pii_workers=_env_int("PII_WORKERS", environ, 1),
        max_upload_mb=_env_int("MAX_UPLOAD_MB", environ, 64),
        smtp_host=_env("SMTP_HOST", environ),
        smtp_port=_env_int("SMTP_PORT", environ, 25),
        smtp_sender=_env("SMTP_SENDER", environ) or "governance-portal@localhost",
    )


def normalise_database_url(url: str) -> str:
    """Accept ``postgres://`` and ``postgresql://`` URLs and use the psycopg 3 driver for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
