"""Fixtures for the PII layer: settings, a small spaCy pipeline standing in for the real model (so
unit tests run in milliseconds and need no model), an engine built on it, and a network tripwire."""

from __future__ import annotations

import socket
from collections.abc import Callable

import pytest
import spacy
from spacy.language import Language

from pii.engine import OfflineSpacyNlpEngine, PiiEngine, build_engine, offline_tld_extractor
from pii.settings import PiiSettings, load_pii_settings

# What the stand-in "NER" knows: a few names and places, the way spaCy's model would tag them.
FIXTURE_ENTITIES = [
    {"label": "PERSON", "pattern": "Anna Kowalska"},
    {"label": "PERSON", "pattern": "John Smith"},
    {"label": "PERSON", "pattern": "Nguyễn Văn An"},
    {"label": "GPE", "pattern": "London"},
    {"label": "GPE", "pattern": "Warsaw"},
    {"label": "DATE", "pattern": "this morning"},
    {"label": "ORG", "pattern": "Acme Corp"},
]


def fixture_pipeline() -> Language:
    """A blank English pipeline with an entity ruler: tokenizer and entities, no model download."""
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(FIXTURE_ENTITIES)
    return nlp


@pytest.fixture(scope="session")
def pii_settings() -> PiiSettings:
    """The packaged defaults from config/pii.toml."""
    return load_pii_settings()


def build_fast_engine(settings: PiiSettings) -> PiiEngine:
    """The real recognizers and Presidio wiring around the fixture pipeline (no spaCy model)."""
    nlp_engine = OfflineSpacyNlpEngine(fixture_pipeline, settings.language)
    return build_engine(settings, nlp_engine=nlp_engine, tld_extractor=offline_tld_extractor(None))


@pytest.fixture(scope="session")
def fast_pii_engine(pii_settings: PiiSettings) -> PiiEngine:
    """An engine for the packaged settings, shared by the whole session."""
    return build_fast_engine(pii_settings)


@pytest.fixture
def make_fast_engine() -> Callable[[PiiSettings], PiiEngine]:
    """Build a fast engine for other settings (a test's own TOML)."""
    return build_fast_engine


@pytest.fixture
def analyze(fast_pii_engine: PiiEngine) -> Callable[[str], list[tuple[str, str]]]:
    """``analyze(text)`` → ``[(entity_type, matched text)]`` from the fast engine."""

    def run(text: str) -> list[tuple[str, str]]:
        return [(r.entity_type, text[r.start : r.end]) for r in fast_pii_engine.analyze_batch([text])[0]]

    return run


@pytest.fixture
def network_attempts(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Fail any DNS lookup or socket connection, and record that it was tried."""
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args[1] if len(args) > 1 else args)
        raise OSError("network access is not allowed in PII tests")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: refuse(None, a[0] if a else None))
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: refuse(None, a[0] if a else None))
    return attempts
