"""Country → region, and the published rate band of each region (from ``config/regions.toml``)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from config import load_policy


@dataclass(frozen=True)
class Region:
    code: str
    label: str
    rate_band_usd: tuple[Decimal, Decimal]


def regions() -> dict[str, Region]:
    """Every configured region by code."""
    return {
        code: Region(code, spec["label"], (Decimal(spec["rate_band_usd"][0]), Decimal(spec["rate_band_usd"][1])))
        for code, spec in load_policy("regions")["regions"].items()
    }


def region_of(country: str) -> Region | None:
    """The region a country belongs to, or ``None`` for a country no region lists."""
    country = country.upper()
    for code, spec in load_policy("regions")["regions"].items():
        if country in spec["countries"]:
            return regions()[code]
    return None


def known_countries() -> list[str]:
    """Every country code that some region lists (a vendor must be in one of them)."""
    return sorted({c for spec in load_policy("regions")["regions"].values() for c in spec["countries"]})
