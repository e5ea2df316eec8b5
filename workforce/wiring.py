"""What the workforce package adds to the app (more is wired here as the package grows)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from workforce.purge import register_workforce_purgers

    register_workforce_purgers()
