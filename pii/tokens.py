"""Subject tokens: keyed hashes of normalised identifiers, so an erasure request finds every item of a
data subject without the portal storing the identifier itself (DESIGN rule 4).

The same normalisation runs on values detected in items and on what a compliance officer types, so
"Jane.Doe@Example.com " matches "jane.doe@example.com", "+44 20 7946 0958" matches "020 7946 0958",
and "Nguyen Van An" matches "Nguyễn Văn An". Tokens are HMAC-SHA256 under a key derived from the
master key for this purpose only; without the key a token cannot be tested against a guessed email.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

import phonenumbers
import regex as re

from governance.keys import derive_key

TOKEN_PURPOSE = "subject-tokens"  # noqa: S105 - an HKDF purpose label, not a secret
DEFAULT_PHONE_REGIONS = ("GB", "US", "VN", "IN", "PL", "DE", "FR")
DEFAULT_TOKEN_ENTITIES = ("EMAIL_ADDRESS", "PHONE_NUMBER", "PERSON")
# Honorifics and name suffixes are not part of who someone is: "Dr Jacob Bennett" is "Jacob Bennett".
HONORIFICS = (
    "Mr",
    "Mrs",
    "Ms",
    "Miss",
    "Mx",
    "Dr",
    "Prof",
    "Sir",
    "Dame",
    "Lady",
    "Lord",
    "Rev",
    "Fr",
    "Herr",
    "Frau",
    "Mme",
    "Mlle",
    "Pan",
    "Pani",
    "Ông",
    "Bà",
    "Chị",
    "Anh",
    "Cô",
    "Quý ông",
    "Quý bà",
    "Quý cô",
    "Shri",
    "Shrimati",
    "Smt",
    "Sri",
    "Kumari",
    "Km",
)
NAME_SUFFIXES = ("Jr", "Sr", "II", "III", "IV", "PhD", "MD", "DDS", "DVM", "Esq")
_HONORIFIC_PREFIX = re.compile(
    r"^(?:(?:"
    + "|".join(sorted((re.escape(h.casefold()) for h in HONORIFICS), key=len, reverse=True))
    + r")\.?\s+)+"
)
_SUFFIX_END = re.compile(
    r"(?:,?\s+(?:" + "|".join(re.escape(s.casefold()) for s in NAME_SUFFIXES) + r")\.?)+$"
)
_FOLD = str.maketrans({"đ": "d", "ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i"})


def subject_token_key(master_key: bytes) -> bytes:
    """The HMAC key for subject tokens, derived from the master key for this purpose only."""
    return derive_key(master_key, TOKEN_PURPOSE)


# ---------------------------------------------------------------- normalisation
def normalise_email(value: str) -> str:
    """Lower-cased, trimmed, without a ``mailto:`` prefix or angle brackets."""
    text = unicodedata.normalize("NFKC", value).strip().strip("<>").strip()
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:") :]
    return text.lower()


def normalise_phone(value: str, regions: Sequence[str] = DEFAULT_PHONE_REGIONS) -> tuple[str, ...]:
    """E.164 readings of a phone number, best first.

    With a + (or 00) prefix there is one reading. Without it, every configured region where the
    number is valid gives one (a number may be valid in two countries); failing that, every region
    where it is possible; failing that, the digits alone, so it still compares equal to itself.
    """
    text = unicodedata.normalize("NFKC", value).strip()
    digits = re.sub(r"\D", "", text)
    if text.startswith("00"):
        text = "+" + text[2:]
    if text.startswith("+"):
        return (_e164(text, None) or "+" + digits,)
    valid, possible = _regional_readings(text, regions)
    return tuple(dict.fromkeys(valid or possible)) or (digits,)


def canonical_phone(value: str, regions: Sequence[str] = DEFAULT_PHONE_REGIONS) -> str:
    """One E.164 form (the first region where the number is valid), for numbering placeholders.

    Cheaper than ``normalise_phone``: it stops at the first valid reading, which is all that giving
    equal numbers the same placeholder needs.
    """
    text = unicodedata.normalize("NFKC", value).strip()
    if text.startswith(("+", "00")):
        return normalise_phone(text, regions)[0]
    for region in regions:
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return re.sub(r"\D", "", text)


def _regional_readings(text: str, regions: Sequence[str]) -> tuple[list[str], list[str]]:
    valid: list[str] = []
    possible: list[str] = []
    for region in regions:
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        formatted = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        if phonenumbers.is_valid_number(number):
            valid.append(formatted)
        elif phonenumbers.is_possible_number(number):
            possible.append(formatted)
    return valid, possible


def _e164(text: str, region: str | None) -> str | None:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_name(value: str) -> str:
    """NFKC, case-folded, whitespace collapsed, without honorifics, name suffixes or stray punctuation."""
    text = unicodedata.normalize("NFKC", value).casefold()
    text = re.sub(r"[^\p{L}\p{M}\p{N}'’\- ]+", " ", text.replace("\n", " "))
    text = " ".join(text.split())
    text = _SUFFIX_END.sub("", _HONORIFIC_PREFIX.sub("", text))
    return " ".join(text.split())


def fold_diacritics(text: str) -> str:
    """ASCII-ish form ("nguyễn văn an" → "nguyen van an") for officers typing without diacritics."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalise_identifier(value: str) -> str:
    """Upper-case letters and digits only: "ab 12-34" and "AB1234" are the same identifier."""
    return re.sub(r"[^\p{L}\p{N}]", "", unicodedata.normalize("NFKC", value)).upper()


def normalise_value(entity_type: str, value: str, regions: Sequence[str] = DEFAULT_PHONE_REGIONS) -> str:
    """One canonical form per value, used to give equal values the same placeholder number."""
    if entity_type == "EMAIL_ADDRESS":
        return normalise_email(value)
    if entity_type == "PHONE_NUMBER":
        return canonical_phone(value, regions)
    if entity_type == "PERSON":
        return normalise_name(value)
    return " ".join(unicodedata.normalize("NFKC", value).casefold().split())


# ---------------------------------------------------------------- tokens
def subject_tokens(
    entity_type: str, value: str, key: bytes, regions: Sequence[str] = DEFAULT_PHONE_REGIONS
) -> set[str]:
    """HMAC-SHA256 hex tokens for one detected or typed identifier (empty if it identifies nobody).

    A set because one value may have several readings: a phone valid in two regions, a name with and
    without diacritics. Names are tokenised with their parts sorted ("Kowalska Anna" = "Anna
    Kowalska"); a single-word name gives no token, since matching on "Anna" would erase strangers.
    """
    return {_hmac(key, entity_type, form) for form in _token_forms(entity_type, value, regions)}


def _token_forms(entity_type: str, value: str, regions: Sequence[str]) -> set[str]:
    if entity_type == "EMAIL_ADDRESS":
        email = normalise_email(value)
        return {email} if "@" in email else set()
    if entity_type == "PHONE_NUMBER":
        return {form for form in normalise_phone(value, regions) if len(re.sub(r"\D", "", form)) >= 7}
    if entity_type == "PERSON":
        parts = normalise_name(value).split()
        if len(parts) < 2:
            return set()
        ordered = " ".join(sorted(parts))
        return {ordered, " ".join(sorted(fold_diacritics(ordered).split()))}
    identifier = normalise_identifier(value)
    return {identifier} if len(identifier) >= 4 else set()


def _hmac(key: bytes, entity_type: str, form: str) -> str:
    message = f"{entity_type}\x1f{form}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def tokens_for_identifiers(
    email: str | None = None,
    phone: str | None = None,
    name: str | None = None,
    *,
    key: bytes,
    ids: Mapping[str, str] | None = None,
    regions: Sequence[str] = DEFAULT_PHONE_REGIONS,
) -> set[str]:
    """Tokens for what an officer typed on an erasure request (``ids``: entity type → value, for
    configured ID types such as EMPLOYEE_ID); match them against stored subject tokens."""
    typed: list[tuple[str, str]] = [
        ("EMAIL_ADDRESS", email or ""),
        ("PHONE_NUMBER", phone or ""),
        ("PERSON", name or ""),
    ]
    typed.extend((ids or {}).items())
    tokens: set[str] = set()
    for entity_type, value in typed:
        if value.strip():
            tokens |= subject_tokens(entity_type, value, key, regions)
    return tokens


def values_tokens(
    values: Iterable[tuple[str, str]],
    key: bytes,
    token_entities: Iterable[str] = DEFAULT_TOKEN_ENTITIES,
    regions: Sequence[str] = DEFAULT_PHONE_REGIONS,
) -> set[str]:
    """Tokens for detected ``(entity_type, value)`` pairs of an item, keeping only token-bearing types."""
    wanted = set(token_entities)
    tokens: set[str] = set()
    for entity_type, value in set(values):  # an item repeats its values; tokenise each once
        if entity_type in wanted:
            tokens |= subject_tokens(entity_type, value, key, regions)
    return tokens
