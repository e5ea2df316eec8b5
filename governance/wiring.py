"""What the governance package adds to the app: blueprints, commands, jobs."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from governance.cli import commands
    from governance.demo import register_demo_step
    from governance.demo_erasure import seed_erasure_request
    from governance.views import blueprints
    from governance.watches import register_governance_jobs

    register_governance_jobs()
    register_demo_step(40, seed_erasure_request)
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    for command in commands:
        app.cli.add_command(command)
