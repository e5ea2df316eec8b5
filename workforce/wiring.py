"""What the workforce package adds to the app (more is wired here as the package grows)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from workforce.purge import register_workforce_purgers

    register_workforce_purgers()
    _wire_workbench(app)


def _wire_workbench(app: Flask) -> None:
    """The annotator's workbench: pages and API, the home-page panel, the menu entry."""
    from governance.dashboard import register_panel
    from governance.models import Role
    from governance.navigation import register_nav
    from workforce.panel import dashboard_panel
    from workforce.views import work

    app.register_blueprint(work)
    register_nav("My work", "work.bench", {Role.ANNOTATOR}, 5)
    register_panel(Role.ANNOTATOR, "workforce/_dashboard_panel.html", dashboard_panel)
