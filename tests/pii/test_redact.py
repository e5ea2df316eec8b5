"""Redaction of whole items: numbered placeholders consistent across fields, overlaps resolved to the
widest detection, every mention redacted, and spans that never carry the value."""

from __future__ import annotations

import json

import pytest
from presidio_analyzer import RecognizerResult

from pii.redact import (
    PLACEHOLDER_NAMES,
    RedactionError,
    entity_counts,
    flatten_fields,
    redact_item,
    redact_texts,
    span_values,
)


def find(
    text: str, value: str, entity_type: str, score: float = 0.85, occurrence: int = 0
) -> RecognizerResult:
    """A detection of the ``occurrence``-th ``value`` in ``text``."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(value, start + 1)
    return RecognizerResult(entity_type, start, start + len(value), score)


def test_when_same_person_in_several_fields_then_same_placeholder_everywhere() -> None:
    fields = {
        "prompt": "Anna Kowalska asked about her order.",
        "responses": ["Reply to Anna Kowalska politely.", "Tell Anna Kowalska and John Smith the date."],
    }
    flat = flatten_fields(fields)
    results = [[find(text, "Anna Kowalska", "PERSON")] for _, text in flat]
    results[2].append(find(flat[2][1], "John Smith", "PERSON"))

    item = redact_item(fields, results)

    assert item.payload == {
        "prompt": "<PERSON_1> asked about her order.",
        "responses": ["Reply to <PERSON_1> politely.", "Tell <PERSON_1> and <PERSON_2> the date."],
    }


def test_when_value_differs_only_in_formatting_then_same_number() -> None:
    fields = {
        "a": "Mail Jane.Doe@Example.com or call +44 20 7946 0958.",
        "b": "jane.doe@example.com / 020 7946 0958",
    }
    flat = flatten_fields(fields)
    results = [
        [
            find(flat[0][1], "Jane.Doe@Example.com", "EMAIL_ADDRESS"),
            find(flat[0][1], "+44 20 7946 0958", "PHONE_NUMBER"),
        ],
        [
            find(flat[1][1], "jane.doe@example.com", "EMAIL_ADDRESS"),
            find(flat[1][1], "020 7946 0958", "PHONE_NUMBER"),
        ],
    ]

    item = redact_item(fields, results, regions=("GB",))

    assert item.payload == {"a": "Mail <EMAIL_1> or call <PHONE_1>.", "b": "<EMAIL_1> / <PHONE_1>"}


def test_when_partial_name_mentioned_then_it_gets_the_full_names_number() -> None:
    text = "Ms Anna Kowalska called. Later Ms Kowalska wrote again; Anna was upset. Piotr Nowak replied."
    results = [[find(text, "Ms Anna Kowalska", "PERSON"), find(text, "Piotr Nowak", "PERSON")]]

    (redacted,) = redact_texts([text], results)

    assert (
        redacted
        == "<PERSON_1> called. Later Ms <PERSON_1> wrote again; <PERSON_1> was upset. <PERSON_2> replied."
    )


def test_when_detection_found_once_then_other_mentions_in_other_fields_are_redacted_too() -> None:
    fields = {
        "prompt": "Write to Nguyễn Văn An in Warsaw.",
        "answer": "Dear Nguyễn Văn An, welcome to Warsaw!",
    }
    flat = flatten_fields(fields)
    results = [[find(flat[0][1], "Nguyễn Văn An", "PERSON"), find(flat[0][1], "Warsaw", "LOCATION")], []]

    item = redact_item(fields, results)

    assert item.payload["answer"] == "Dear <PERSON_1>, welcome to <LOCATION_1>!"
    for raw in ("Nguyễn", "Warsaw"):
        assert raw not in json.dumps(item.payload, ensure_ascii=False)


def test_when_name_part_is_inside_another_word_then_it_is_not_redacted() -> None:
    text = "Anna Kowalska met Annabelle and Kowalskas."

    (redacted,) = redact_texts([text], [[find(text, "Anna Kowalska", "PERSON")]])

    assert redacted == "<PERSON_1> met Annabelle and Kowalskas."


@pytest.mark.parametrize(
    ("detections", "expected"),
    [
        # a date inside a phone number: the phone (wider) wins
        ([("+44 20 7946 0958", "PHONE_NUMBER", 0.7), ("20 7946", "DATE_TIME", 0.85)], "Call <PHONE_1> now"),
        # same extent: the higher score wins
        (
            [("+44 20 7946 0958", "PHONE_NUMBER", 0.7), ("+44 20 7946 0958", "UK_NHS", 0.5)],
            "Call <PHONE_1> now",
        ),
        (
            [("+44 20 7946 0958", "PHONE_NUMBER", 0.4), ("+44 20 7946 0958", "UK_NHS", 0.9)],
            "Call <UK_NHS_1> now",
        ),
    ],
)
def test_when_detections_overlap_then_widest_then_highest_score_wins(
    detections: list[tuple[str, str, float]], expected: str
) -> None:
    text = "Call +44 20 7946 0958 now"
    results = [[find(text, value, entity_type, score) for value, entity_type, score in detections]]

    assert redact_texts([text], results) == [expected]


def test_when_detections_overlap_partly_then_union_is_redacted_with_the_widest_type() -> None:
    text = "Ship to 12 Baker Street London NW1 6XE today"
    results = [
        [
            find(text, "12 Baker Street London", "STREET_ADDRESS", 0.6),
            find(text, "London NW1 6XE", "LOCATION", 0.85),
        ]
    ]

    item = redact_item({"t": text}, results)

    assert item.payload["t"] == "Ship to <ADDRESS_1> today"
    (span,) = item.spans
    assert (span.start, span.end, span.entity_type) == (8, 38, "STREET_ADDRESS")


def test_when_item_redacted_then_spans_locate_redactions_but_never_hold_values() -> None:
    fields = {"prompt": "Email anna@example.com", "responses": ["ok", "Anna Kowalska, +48 512 345 678"]}
    flat = flatten_fields(fields)
    results = [
        [find(flat[0][1], "anna@example.com", "EMAIL_ADDRESS", 1.0)],
        [],
        [find(flat[2][1], "Anna Kowalska", "PERSON"), find(flat[2][1], "+48 512 345 678", "PHONE_NUMBER")],
    ]

    item = redact_item(fields, results)

    stored = json.dumps([span.to_dict() for span in item.spans])
    for raw in ("anna@example.com", "Kowalska", "512 345"):
        assert raw not in stored
    assert [(s.field, s.index, s.entity_type, s.placeholder) for s in item.spans] == [
        ("prompt", None, "EMAIL_ADDRESS", "<EMAIL_1>"),
        ("responses", 1, "PERSON", "<PERSON_1>"),
        ("responses", 1, "PHONE_NUMBER", "<PHONE_1>"),
    ]
    assert span_values(fields, item.spans)[0] == ("EMAIL_ADDRESS", "anna@example.com")
    assert item.payload["responses"] == ["ok", "<PERSON_1>, <PHONE_1>"]


def test_when_counted_then_each_redaction_counts_once_per_type() -> None:
    text = "Anna Kowalska and Anna Kowalska, anna@example.com"
    results = [[find(text, "Anna Kowalska", "PERSON"), find(text, "anna@example.com", "EMAIL_ADDRESS")]]

    item = redact_item({"t": text}, results)

    assert item.entity_counts() == {"PERSON": 2, "EMAIL_ADDRESS": 1}
    assert entity_counts(item.spans) == item.entity_counts()


def test_when_custom_entity_then_its_configured_placeholder_is_used() -> None:
    text = "Badge EMP-123456 issued"

    (redacted,) = redact_texts(
        [text], [[find(text, "EMP-123456", "EMPLOYEE_ID")]], placeholders={"EMPLOYEE_ID": "STAFF_ID"}
    )

    assert redacted == "Badge <STAFF_ID_1> issued"


def test_when_all_configured_types_redacted_then_short_placeholder_names_are_used() -> None:
    assert PLACEHOLDER_NAMES["EMAIL_ADDRESS"] == "EMAIL"
    assert PLACEHOLDER_NAMES["STREET_ADDRESS"] == "ADDRESS"
    assert PLACEHOLDER_NAMES["IBAN_CODE"] == "IBAN"


def test_when_results_do_not_match_fields_then_error_without_contents() -> None:
    with pytest.raises(RedactionError) as caught:
        redact_item({"a": "Anna Kowalska", "b": ["x", "y"]}, [[]])

    assert "Anna" not in str(caught.value)


def test_when_field_is_not_text_then_error_names_only_the_field() -> None:
    with pytest.raises(RedactionError, match="'score'"):
        redact_item({"score": 5}, [[]])  # type: ignore[dict-item]


def test_when_result_lies_outside_its_text_then_error() -> None:
    with pytest.raises(RedactionError):
        redact_item({"a": "short"}, [[RecognizerResult("PERSON", 2, 40, 0.9)]])


def test_when_nothing_detected_then_payload_is_unchanged() -> None:
    fields = {"prompt": "Nothing to see here.", "responses": []}

    item = redact_item(fields, [[]])

    assert item.payload == fields
    assert item.spans == ()
