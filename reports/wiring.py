"""What the reports package adds to the app: its pages, the ``reports`` commands, the menu entry and
the monthly job (called by app.py's ``_wire_packages``)."""

from __future__ import annotations

from flask import Flask

from governance.models import Role


def init_app(app: Flask) -> None:
    from governance.jobs import register_job
    from governance.navigation import register_nav
    from reports.cli import commands
    from reports.monthly import monthly_reports
    from reports.views import bp

    app.register_blueprint(bp)
    _wire_record_of_processing(app)
    for command in commands:
        app.cli.add_command(command)
    register_nav("Reports", "reports.index", {Role.ADMIN, Role.COMPLIANCE_OFFICER, Role.VENDOR_MANAGER}, 60)
    register_job("monthly-reports", monthly_reports,
                 "Write last month's audit, cost and welfare reports to the instance folder.",
                 day=1, hour=4, minute=15)


def _wire_record_of_processing(app: Flask) -> None:
    """The Art 30 record of processing (page and CSV)."""
    from governance.navigation import register_nav
    from reports.ropa_views import ropa

    app.register_blueprint(ropa)
    register_nav("Record of processing", "ropa.page", {Role.ADMIN, Role.COMPLIANCE_OFFICER}, 65)
