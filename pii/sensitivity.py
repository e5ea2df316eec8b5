"""Sensitivity at import: declared categories plus a lexicon screen, and the tier they imply.

The tiers come from ``config/welfare.toml`` (the same data the assignment engine enforces), read as
data so this package does not depend on the workforce package. An item's severity is the highest of
its declared tier and its categories' tiers; an unknown sensitive category counts as S2.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache

import regex

from config import load_policy


@cache
def _patterns(lexicon: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[tuple[str, regex.Pattern], ...]:
    compiled = []
    for category, words in lexicon:
        alternatives = "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True))
        compiled.append((category, regex.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", regex.IGNORECASE)))
    return tuple(compiled)


def screen(texts: Iterable[str], lexicon: tuple[tuple[str, tuple[str, ...]], ...]) -> set[str]:
    """Categories whose lexicon words occur in any of ``texts`` (whole words, any case)."""
    found: set[str] = set()
    patterns = _patterns(lexicon)
    for text in texts:
        for category, pattern in patterns:
            if category not in found and pattern.search(text):
                found.add(category)
    return found


@cache
def _tiers() -> Mapping[str, int]:
    policy = load_policy("welfare")
    return {category: int(name[1:]) for name, categories in policy["tiers"].items() for category in categories}


def severity_of(categories: Iterable[str], declared: int | None) -> int:
    """S0–S3: the highest of the declared tier and the categories' tiers (unknown sensitive → S2)."""
    unclassified = int(load_policy("welfare").get("unclassified_sensitive_tier", 2))
    tiers = [_tiers().get(c, unclassified) for c in categories]
    return max([declared or 0, *tiers])


def flatten_texts(texts: Mapping[str, str | list[str]]) -> list[str]:
    return [t for value in texts.values() for t in ([value] if isinstance(value, str) else value)]
