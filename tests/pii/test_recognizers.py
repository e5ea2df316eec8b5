"""Recognizers, through the real Presidio wiring (threshold, context) around a stand-in spaCy pipeline.

Each table has positives in several national conventions and negatives that look similar: amounts,
invoice and order numbers, dates, lab values.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pii.engine import PiiEngine, offline_tld_extractor
from pii.recognizers import UnknownEntityError, recognizers_for
from pii.settings import PiiSettings, load_pii_settings

Analyze = Callable[[str], list[tuple[str, str]]]


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("Call me on +44 20 7946 0958 tomorrow.", "+44 20 7946 0958"),
        ("UK office: +44(0)121 4960260", "+44(0)121 4960260"),
        ("Ring 020 7946 0958 after lunch.", "020 7946 0958"),
        ("Mobile 07700 900123", "07700 900123"),
        ("US desk (415) 555-2671 ext. 12", "(415) 555-2671 ext. 12"),
        ("Phone: 415.555.2671", "415.555.2671"),
        ("Dial +1-212-555-0187x99", "+1-212-555-0187x99"),
        ("Số điện thoại: 0912 345 678", "0912 345 678"),
        ("Anh gọi +84 91 234 5678 nhé", "+84 91 234 5678"),
        ("HCMC office +84-28-3822-1234", "+84-28-3822-1234"),
        ("Please call +91 98765 43210 today", "+91 98765 43210"),
        ("mobile 098765 43210", "098765 43210"),
        ("tel. +48 512 345 678", "+48 512 345 678"),
        ("komórka 512-345-678", "512-345-678"),
        ("Berlin: +49 30 901820", "+49 30 901820"),
        ("Paris +33 1 42 68 53 00", "+33 1 42 68 53 00"),
        ("from abroad dial 0044 20 7946 0958", "0044 20 7946 0958"),
        ("Contact 7390219689 for help", "7390219689"),
    ],
)
def test_when_phone_in_international_format_then_found(analyze: Analyze, text: str, phone: str) -> None:
    assert ("PHONE_NUMBER", phone) in analyze(text)


@pytest.mark.parametrize(
    "text",
    [
        "The total was 3698.76 EUR.",
        "Amount due: £1,234,567.89",
        "Invoice 2023-004512 is overdue",
        "Order #123456789 shipped",
        "Reference no. 7390219689",
        "Account number 12345678",
        "Seen on 15.03.2024 at 14:30",
        "Born 1985-04-04",
        "Between 1990-2005 he lived abroad",
        "Server 192.168.10.254 rebooted",
        "SSN 123-45-6789",
        "BP 120/80, HbA1c 48 mmol/mol, 500 mg",
        "Version 3.14.159 released",
        "The word 7390219689 alone",  # a bare digit run without a phone word is not a phone
    ],
)
def test_when_number_is_not_a_phone_then_no_phone(analyze: Analyze, text: str) -> None:
    assert not [value for entity, value in analyze(text) if entity == "PHONE_NUMBER"]


@pytest.mark.parametrize(
    "address",
    [
        "123 Nguyen Hue Street",
        "221B Baker Street, London NW1 6XE",
        "Flat 4\nLynda Meadows\nPort Janetchester\nB7E 9EP",
        "586 Leon Haven\nBakerhaven\nPE07 6SG",
        "353 Kathleen Highway Apt. 681\nSouth Glendachester, VA 04307",
        "1600 Pennsylvania Avenue NW, Washington, DC 20500",
        "H.No. 39\nNadkarni Zila\nLucknow 806360",
        "66/258, Chadha Path, Danapur-286570",
        "14 MG Road, Bengaluru 560001",
        "ul. Marszałkowska 12",
        "ul. Marszałkowska 12/4\n00-950 Warszawa",
        "aleja Zielona 690\n90-457 Żory",
        "Số 7/73 Khu 68 phố số 28 xã Đông Hải TP. Hà Nội",
        "239 Đường Nguyễn Du, Phường Đông Hòa, thành phố Cần Thơ",
        "Hauptstraße 12, 10115 Berlin",
        "12 rue de Rivoli, Paris",
        "PSC 1234, Box 5678\nAPO AE 09021",
    ],
)
def test_when_street_address_then_whole_address_found(analyze: Analyze, address: str) -> None:
    assert ("STREET_ADDRESS", address) in analyze(f"Please deliver to {address}.\nThanks")


@pytest.mark.parametrize(
    "text",
    [
        "I paid 5 Euros to Anna yesterday.",
        "Chapter 3 Results are in table 2.",
        "We ordered 12 Large Pizzas.",
        "Room 101 is on the 3rd floor.",
    ],
)
def test_when_number_precedes_capitalised_words_then_no_address(analyze: Analyze, text: str) -> None:
    assert not [value for entity, value in analyze(text) if entity == "STREET_ADDRESS"]


@pytest.mark.parametrize(
    ("text", "postcode"),
    [
        ("Postcode: SW1A 1AA", "SW1A 1AA"),
        ("It is EC1A 1BB I think", "EC1A 1BB"),
        ("Arlington, VA 22201", "22201"),
        ("zip code 90210", "90210"),
        ("kod pocztowy 00-950", "00-950"),
        ("00-950 Warszawa", "00-950"),
        ("PIN code 560001", "560001"),
        ("PIN: 110 001", "110 001"),
        ("mã bưu chính 700000", "700000"),
    ],
)
def test_when_postcode_with_its_cue_then_found(analyze: Analyze, text: str, postcode: str) -> None:
    assert ("POSTCODE", postcode) in analyze(text)


@pytest.mark.parametrize(
    "text",
    ["We sold 560001 units", "Ticket 90210 closed", "Pages 10-123 are missing", "Score was 12-345 overall"],
)
def test_when_number_has_no_postcode_cue_then_no_postcode(analyze: Analyze, text: str) -> None:
    assert not [value for entity, value in analyze(text) if entity == "POSTCODE"]


@pytest.mark.parametrize(
    "card",
    [
        "4111 1111 1111 1111",  # Visa 16
        "4111-1111-1111-1111",
        "4000000000000000006",  # Visa 19
        "4222222222222",  # Visa 13
        "2221 0000 0000 0009",  # Mastercard 2-series
        "5555555555554444",  # Mastercard 5-series
        "6759649826438453",  # Maestro 16
        "6759 6498 2643 8453 003",  # Maestro 19
        "500000000009",  # Maestro 12
        "3530111333300000",  # JCB
        "378282246310005",  # Amex
        "30569309025904",  # Diners
        "6011111111111117",  # Discover
    ],
)
def test_when_card_number_is_luhn_valid_for_its_issuer_then_found(analyze: Analyze, card: str) -> None:
    assert ("CREDIT_CARD", card) in analyze(f"Paid with {card} yesterday")


@pytest.mark.parametrize(
    "text",
    [
        "Paid with 4111 1111 1111 1112",  # Luhn fails
        "Tracking 9999999999999995",  # Luhn-valid but no issuer starts with 9
        "Call +44 20 7946 0958",
        "Order 1234567890123",
    ],
)
def test_when_number_is_not_a_card_then_no_card(analyze: Analyze, text: str) -> None:
    assert not [value for entity, value in analyze(text) if entity == "CREDIT_CARD"]


@pytest.mark.parametrize(
    ("text", "entity", "value"),
    [
        ("IBAN GB82 WEST 1234 5698 7654 32 please", "IBAN_CODE", "GB82 WEST 1234 5698 7654 32"),
        ("IBAN PL61109010140000071219812874", "IBAN_CODE", "PL61109010140000071219812874"),
        ("Write to jane.doe@example.co.uk", "EMAIL_ADDRESS", "jane.doe@example.co.uk"),
        ("Profile: https://www.site.biz/profile/jdoe.", "URL", "https://www.site.biz/profile/jdoe"),
        ("see www.example.org/about", "URL", "www.example.org/about"),
        ("Server 10.0.12.7 logged in", "IP_ADDRESS", "10.0.12.7"),
        ("SSN 536-90-4399", "US_SSN", "536-90-4399"),
        ("NHS number 943 476 5919", "UK_NHS", "943 476 5919"),
        ("Born 30 October 1990 in", "DATE_TIME", "30 October 1990"),
        ("Seen on Sep 27, 2023.", "DATE_TIME", "Sep 27, 2023"),
        ("[14:32] Agent: hello", "DATE_TIME", "14:32"),
        ("Dear Mr Smith,", "PERSON", "Mr Smith"),
        ("Regards,\nKrzysztof Wójcik", "PERSON", "Krzysztof Wójcik"),
        ("Next of kin: pani Róża Satora, tel", "PERSON", "pani Róża Satora"),
        ("[11:21 AM] Autumn Neal: hi", "PERSON", "Autumn Neal"),
        ("I live in Port Samuel.", "LOCATION", "Port Samuel"),
        ("thành phố Hồ Chí Minh", "LOCATION", "thành phố Hồ Chí Minh"),
    ],
)
def test_when_other_identifiers_present_then_found(
    analyze: Analyze, text: str, entity: str, value: str
) -> None:
    assert (entity, value) in analyze(text)


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("IBAN GB82 WEST 1234 5698 7654 33", "IBAN_CODE"),  # checksum fails
        ("file report@final.draft0", "EMAIL_ADDRESS"),  # no public suffix
        ("see notes.txt and data.csv", "URL"),
        ("Dear Sir,", "PERSON"),
        ("this morning we met", "DATE_TIME"),
        ("Acme Corp signed", "PERSON"),
    ],
)
def test_when_lookalike_then_not_found(analyze: Analyze, text: str, entity: str) -> None:
    assert not [value for found, value in analyze(text) if found == entity]


def test_when_custom_recognizer_has_context_then_it_needs_the_context_word(analyze: Analyze) -> None:
    assert ("EMPLOYEE_ID", "EMP-123456") in analyze("Employee EMP-123456 joined")
    assert ("EMPLOYEE_ID", "EMP-123456") not in analyze("Code EMP-123456 printed")


def test_when_deny_list_is_dataset_scoped_then_it_applies_only_to_that_dataset(
    fast_pii_engine: PiiEngine,
) -> None:
    text = "Notes on Project Nightingale for the client."

    in_dataset = fast_pii_engine.analyze_batch([text], dataset="demo-support-chats")[0]
    elsewhere = fast_pii_engine.analyze_batch([text], dataset="other")[0]

    assert [(r.entity_type, text[r.start : r.end]) for r in in_dataset] == [
        ("PROJECT_CODENAME", "Project Nightingale")
    ]
    assert elsewhere == []


def test_when_custom_recognizer_declared_in_toml_then_it_is_loaded(
    tmp_path: Path, make_fast_engine: Callable[[PiiSettings], PiiEngine]
) -> None:
    config = tmp_path / "pii.toml"
    config.write_text(
        'entities = ["EMAIL_ADDRESS"]\n'
        "[[custom]]\n"
        'entity = "TICKET_ID"\n'
        "patterns = [{ name = \"ticket\", regex = 'TCK-\\d{6}', score = 0.7 }]\n"
        'deny_list = ["Operation Lantern"]\n',
        encoding="utf-8",
    )
    settings = load_pii_settings(config)
    engine = make_fast_engine(settings)
    text = "TCK-123456 about Operation Lantern, mail a@example.com"

    found = {(r.entity_type, text[r.start : r.end]) for r in engine.analyze_batch([text])[0]}

    assert found == {
        ("TICKET_ID", "TCK-123456"),
        ("TICKET_ID", "Operation Lantern"),
        ("EMAIL_ADDRESS", "a@example.com"),
    }


def test_when_entity_has_no_recognizer_then_configuration_is_refused(pii_settings: PiiSettings) -> None:
    settings = load_pii_settings(overrides={"entities": ["PERSON", "PASSPORT_NUMBER"]})

    with pytest.raises(UnknownEntityError, match="PASSPORT_NUMBER"):
        recognizers_for(settings, offline_tld_extractor(None))


def test_when_engine_built_then_only_configured_recognizers_are_loaded(fast_pii_engine: PiiEngine) -> None:
    entities = {e for r in fast_pii_engine.analyzer.registry.recognizers for e in r.supported_entities}

    assert entities == set(fast_pii_engine.settings.entities) | {"EMPLOYEE_ID"}
