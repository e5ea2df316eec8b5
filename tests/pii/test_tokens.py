"""Subject tokens: what an officer types matches what was detected, whatever the formatting."""

from __future__ import annotations

import os

import pytest

from governance.keys import derive_key
from pii.tokens import (
    normalise_email,
    normalise_name,
    normalise_phone,
    subject_token_key,
    subject_tokens,
    tokens_for_identifiers,
    values_tokens,
)

KEY = subject_token_key(b"k" * 32)


@pytest.mark.parametrize(
    ("formats", "e164"),
    [
        (
            [
                "+44 20 7946 0958",
                "020 7946 0958",
                "+44 (0)20 7946-0958",
                "0044 20 7946 0958",
                "020.7946.0958",
            ],
            "+442079460958",
        ),
        (["+84 912 345 678", "0912 345 678", "0912-345-678", "+84 (0) 912 345 678"], "+84912345678"),
        (["+91 98765 43210", "098765 43210", "+91-9876543210"], "+919876543210"),
        (["+48 512 345 678", "512 345 678", "512-345-678", "0048 512 345 678"], "+48512345678"),
        (["+1 (415) 555-2671", "(415) 555-2671", "415.555.2671"], "+14155552671"),
    ],
)
def test_when_phone_written_in_different_formats_then_normalised_equal(formats: list[str], e164: str) -> None:
    readings = [set(normalise_phone(text)) for text in formats]

    assert all(e164 in reading for reading in readings)
    assert set.intersection(*[subject_tokens("PHONE_NUMBER", text, KEY) for text in formats])


def test_when_phone_unparseable_then_digits_only() -> None:
    assert normalise_phone("1-2") == ("12",)


@pytest.mark.parametrize(
    "typed",
    [
        "Jane.Doe@Example.COM",
        "  jane.doe@example.com ",
        "mailto:JANE.DOE@example.com",
        "<jane.doe@EXAMPLE.com>",
    ],
)
def test_when_email_case_or_padding_differs_then_tokens_match(typed: str) -> None:
    detected = subject_tokens("EMAIL_ADDRESS", "jane.doe@example.com", KEY)

    assert normalise_email(typed) == "jane.doe@example.com"
    assert tokens_for_identifiers(email=typed, key=KEY) == detected


@pytest.mark.parametrize(
    ("detected", "typed"),
    [
        ("Ms Anna Kowalska", "anna   KOWALSKA"),
        ("Kowalska Anna", "Anna Kowalska"),
        ("Dr. Jacob Bennett PhD", "Jacob Bennett"),
        ("Nguyễn Văn An", "Nguyen Van An"),
        ("Łukasz Żółw", "lukasz zolw"),
    ],
)
def test_when_name_differs_in_case_order_title_or_diacritics_then_tokens_match(
    detected: str, typed: str
) -> None:
    assert subject_tokens("PERSON", detected, KEY) & tokens_for_identifiers(name=typed, key=KEY)


def test_when_names_differ_then_tokens_differ() -> None:
    assert not subject_tokens("PERSON", "Anna Kowalska", KEY) & subject_tokens("PERSON", "Anna Nowak", KEY)


def test_when_name_is_a_single_word_then_no_token() -> None:
    assert subject_tokens("PERSON", "Anna", KEY) == set()


def test_when_name_normalised_then_nfkc_casefold_and_whitespace_collapsed() -> None:
    assert normalise_name("  ＡＮＮＡ\n  Kowalska ") == "anna kowalska"


def test_when_key_differs_then_tokens_differ() -> None:
    other = subject_token_key(b"x" * 32)

    assert subject_tokens("EMAIL_ADDRESS", "a@example.com", KEY) != subject_tokens(
        "EMAIL_ADDRESS", "a@example.com", other
    )


def test_when_token_made_then_it_is_hmac_hex_without_the_value() -> None:
    (token,) = subject_tokens("EMAIL_ADDRESS", "jane.doe@example.com", KEY)

    assert len(token) == 64
    assert int(token, 16) >= 0
    assert "jane" not in token


def test_when_key_derived_then_it_is_the_subject_tokens_purpose_key() -> None:
    master = os.urandom(32)

    assert subject_token_key(master) == derive_key(master, "subject-tokens")
    assert subject_token_key(master) != derive_key(master, "audit-chain")


def test_when_same_value_has_different_types_then_tokens_differ() -> None:
    assert subject_tokens("EMPLOYEE_ID", "EMP-123456", KEY) != subject_tokens("UK_NHS", "EMP-123456", KEY)


def test_when_configured_id_typed_then_it_matches_detected_id() -> None:
    detected = values_tokens([("EMPLOYEE_ID", "EMP-123456")], KEY, token_entities=["EMPLOYEE_ID"])

    assert tokens_for_identifiers(ids={"EMPLOYEE_ID": "emp 123456"}, key=KEY) == detected


def test_when_type_not_configured_for_tokens_then_no_token() -> None:
    assert values_tokens([("LOCATION", "London"), ("PERSON", "Anna Kowalska")], KEY) == subject_tokens(
        "PERSON", "Anna Kowalska", KEY
    )


def test_when_nothing_typed_then_no_tokens() -> None:
    assert tokens_for_identifiers(email=" ", phone=None, name="", key=KEY) == set()
