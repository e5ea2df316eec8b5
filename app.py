"""The Governance Portal's application factory. ``python app.py`` runs the development server."""

from __future__ import annotations

import importlib
import logging
from pathlib import Path
from typing import Any

from flask import Flask, flash, jsonify, redirect, render_template, request, url_for
from flask_bootstrap import Bootstrap5
from flask_login import LoginManager
from flask_wtf.csrf import CSRFError, CSRFProtect

from config.settings import Settings, load_settings
from governance.db import db, utcnow
from governance.errors import PortalError
from governance.models import User
from governance.navigation import nav_items
from governance.permissions import enforce_declarations

ROOT = Path(__file__).resolve().parent
PACKAGES = ("governance", "pii", "workforce", "reports")  # governance ← pii ← workforce ← reports
login_manager = LoginManager()
csrf = CSRFProtect()
bootstrap = Bootstrap5()
log = logging.getLogger("portal")


def create_app(config: Settings | dict[str, Any] | None = None) -> Flask:
    """Build the portal. ``config`` is a :class:`Settings`, or a dict of overrides for tests."""
    app = Flask(__name__, instance_relative_config=True, template_folder=str(ROOT / "templates"),
                static_folder=str(ROOT / "static"))
    settings = _settings_for(app, config)
    app.extensions["portal"] = settings
    _configure_flask(app, settings)
    db.init_app(app, settings.database_url)
    _init_login(app)
    csrf.init_app(app)
    bootstrap.init_app(app)
    app.before_request(enforce_declarations)
    app.context_processor(lambda: {"nav_items": nav_items, "now_utc": utcnow})
    _wire_packages(app)
    _register_error_handlers(app)
    return app


def _settings_for(app: Flask, config: Settings | dict[str, Any] | None) -> Settings:
    if isinstance(config, Settings):
        return config
    settings = load_settings(app.instance_path)
    return settings.with_overrides(**config) if config else settings


def _configure_flask(app: Flask, settings: Settings) -> None:
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.session_cookie_secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=settings.session_cookie_secure,
        MAX_CONTENT_LENGTH=settings.max_upload_mb * 1024 * 1024,
        BOOTSTRAP_SERVE_LOCAL=True,
        WTF_CSRF_TIME_LIMIT=None,
        TESTING=settings.mode == "test",
    )


def _init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        if not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        return user if user is not None and user.active else None


def _wire_packages(app: Flask) -> None:
    """Let each package add its blueprints, commands, jobs, menu entries and panels, in dependency order."""
    for package in PACKAGES:
        try:
            wiring = importlib.import_module(f"{package}.wiring")
        except ModuleNotFoundError as exc:
            if exc.name != f"{package}.wiring":
                raise
            continue
        wiring.init_app(app)


def _register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_failed(exc: CSRFError) -> Any:
        return _error_page(400, "The form expired or was not sent from this portal. Reload the page and try again.")

    @app.errorhandler(PortalError)
    def domain_error(exc: PortalError) -> Any:
        if _wants_json():
            return jsonify(error=exc.message), exc.status_code
        flash(exc.message, "danger")
        return redirect(request.referrer if _same_site(request.referrer) else url_for("main.dashboard"))

    for code, message in ((400, "The request could not be understood."),
                          (403, "You do not have access to this page."),
                          (404, "There is nothing here."),
                          (405, "That action is not allowed here."),
                          (413, "The upload is larger than this portal accepts.")):
        app.register_error_handler(code, lambda exc, c=code, m=message: _error_page(c, m))

    @app.errorhandler(500)
    def server_error(exc: Exception) -> Any:
        log.error("unhandled error on %s %s", request.method, request.endpoint)
        return _error_page(500, "Something went wrong on our side. The error was logged; nothing was changed.")


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _same_site(url: str | None) -> bool:
    from governance.views import is_safe_redirect

    return bool(url) and is_safe_redirect(url)


def _error_page(code: int, message: str) -> Any:
    if _wants_json():
        return jsonify(error=message), code
    return render_template("error.html", code=code, message=message), code


if __name__ == "__main__":
    from governance.cli import serve

    with create_app().app_context():
        serve("127.0.0.1", 5000, scheduler=True)
