"""What the workforce package adds to the app (more is wired here as the package grows)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from workforce.purge import register_workforce_purgers

    register_workforce_purgers()
    _wire_workbench(app)
    _wire_team(app)
    _wire_demo()


def _wire_demo() -> None:
    """Demo work history (after the demo items exist)."""
    from governance.demo import register_demo_step
    from workforce.demo import seed_workforce_history

    register_demo_step(30, seed_workforce_history)


def _wire_workbench(app: Flask) -> None:
    """The annotator's workbench: pages and API, the home-page panel, the menu entry."""
    from governance.dashboard import register_panel
    from governance.models import Role
    from governance.navigation import register_nav
    from workforce.panel import dashboard_panel
    from workforce.views import work

    app.register_blueprint(work)
    register_nav("My work", "work.bench", {Role.ANNOTATOR}, 5)
    register_nav("Wellbeing", "work.checkins", {Role.VENDOR_MANAGER}, 27)
    register_panel(Role.ANNOTATOR, "workforce/_dashboard_panel.html", dashboard_panel)


def _wire_team(app: Flask) -> None:
    """Team pages (roster, throughput, quality, welfare, flags), review queue, staffing admin; panels."""
    from governance.dashboard import register_panel
    from governance.models import Role
    from governance.navigation import register_nav
    from workforce.staffing_views import staffing
    from workforce.team_panels import admin_panel, compliance_panel, manager_panel, reviewer_panel
    from workforce.team_views import review, team

    for blueprint in (team, review, staffing):
        app.register_blueprint(blueprint)
    register_nav("Team", "team.roster", {Role.ADMIN, Role.COMPLIANCE_OFFICER, Role.VENDOR_MANAGER}, 25)
    register_nav("Staffing", "staffing.profiles", {Role.ADMIN}, 85)
    register_panel(Role.VENDOR_MANAGER, "workforce/_team_panel.html", manager_panel)
    register_panel(Role.COMPLIANCE_OFFICER, "workforce/_flags_panel.html", compliance_panel)
    register_panel(Role.ADMIN, "workforce/_staffing_panel.html", admin_panel)
    register_panel(Role.ANNOTATOR, "workforce/_review_panel.html", reviewer_panel)
