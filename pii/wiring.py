"""What the PII package adds to the app: pages, commands, the dataset-page section, menu entries."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from governance.dataset_views import register_dataset_section
    from governance.demo import register_demo_step
    from governance.jobs import register_job
    from pii.ingest import recover_interrupted
    from pii.demo_data import import_demo_items
    from governance.models import Role
    from governance.navigation import register_nav
    from pii.cli import commands
    from pii.purge import register_pii_purgers
    from pii.views import dataset_section, pii

    register_pii_purgers()
    register_demo_step(20, import_demo_items)
    register_job("import-recovery", recover_interrupted, "Roll back imports whose process died.", minute=17)
    app.register_blueprint(pii)
    for command in commands:
        app.cli.add_command(command)
    register_dataset_section("pii/_dataset_section.html", dataset_section)
    register_nav("PII leaks", "pii.leaks", {Role.ADMIN, Role.COMPLIANCE_OFFICER}, 40)
