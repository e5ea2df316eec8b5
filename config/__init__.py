"""Configuration: environment settings (``settings.py``) and policy data as TOML files here."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

CONFIG_DIR = Path(__file__).resolve().parent


@cache
def load_policy(name: str) -> dict[str, Any]:
    """Read ``config/<name>.toml`` once per process (policy data is immutable at run time)."""
    with (CONFIG_DIR / f"{name}.toml").open("rb") as handle:
        return tomllib.load(handle)
