"""Recognizers that close the gaps measured in stock Presidio (see presidio-notes, "Where plain
Presidio misses"): international phone numbers, street addresses and address blocks, postcodes,
card numbers outside the stock regex, names and places next to unambiguous cues, clock times, and
e-mail validation that never touches the network.

Everything follows Presidio's shape: declared ``PATTERNS``/``CONTEXT``, ``validate_result`` /
``invalidate_result`` hooks for checksums, and a registry built from configuration
(``recognizers_for``). Address, name and place patterns are case-sensitive on purpose
(capitalisation is the signal), so they pass ``CASED`` instead of Presidio's IGNORECASE default.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import phonenumbers
import regex as re
from presidio_analyzer import (
    AnalysisExplanation,
    EntityRecognizer,
    LocalRecognizer,
    Pattern,
    PatternRecognizer,
    RecognizerResult,
)
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer,
    DateRecognizer,
    EmailRecognizer,
    IbanRecognizer,
    IpRecognizer,
    NhsRecognizer,
    UsSsnRecognizer,
)
from tldextract import TLDExtract

from pii.settings import CustomRecognizerSpec, PiiSettings
from pii.tokens import HONORIFICS

CASED = re.MULTILINE

# ---------------------------------------------------------------- shared building blocks
_CAP = r"\p{Lu}(?:[\p{L}\p{M}'’\-]*[\p{L}\p{M}])?"  # a capitalised word: "O'Neil", "Smith-Jones", "Đông"
_NUM = r"\d{1,5}[A-Za-z]?(?:[/-]\d{1,5}[A-Za-z]?){0,2}"  # 12, 12A, 66/258, 8/62/844
_SEP = r"(?:[ \t]*,[ \t]*|[ \t]*\n[ \t]*|[ \t]+)"  # between parts of one address
_TOWN = rf"{_CAP}(?:[ \t-]+{_CAP}){{0,3}}"
_NOT_SIGNOFF = (
    r"(?!(?i:regards|thanks|thank|cheers|best|sincerely|yours|kind|many|warm|dear|hi|hello|please|note)\b)"
)
_US_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|"
    "NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR|GU|VI|AS|MP|AA|AE|AP"
)
_UK_POSTCODE = r"(?:GIR[ ]?0AA|[A-Z]{1,2}\d[A-Z\d]?[ ]?\d[A-Z]{2})"
# USPS Publication 28 suffixes plus British and Indian street types; matched case-insensitively.
_STREET_TYPES = (
    "alley|annex|arcade|avenue|bayou|beach|bend|bluffs?|bottom|boulevard|branch|bridge|brooks?|"
    "burgs?|bypass|camp|canyon|cape|causeway|cent(?:er|re)s?|circles?|cliffs?|close|club|commons?|"
    "corners?|course|courts?|coves?|creek|crescent|crest|crossing|crossroads?|curve|dale|dam|"
    "divide|drives?|estates?|expressway|extensions?|falls?|ferry|fields?|flats?|fords?|forest|forges?|"
    "forks?|fort|freeway|gardens?|gateway|glens?|greens?|groves?|harbou?rs?|haven|heights|highway|"
    "hills?|hollow|inlet|islands?|isle|junctions?|keys?|knolls?|lakes?|land|landing|lane|lights?|loaf|"
    "locks?|lodge|loop|mall|manors?|meadows?|mews|mills?|mission|motorway|mount|mountains?|neck|orchard|"
    "oval|overpass|parade|parks?|parkways?|pass|passage|path|pike|pines?|place|plains?|plaza|points?|"
    "ports?|prairie|promenade|quay|radial|ramp|ranch|rapids?|rest|ridges?|rise|river|roads?|route|row|"
    "run|shoals?|shores?|skyway|springs?|spurs?|squares?|station|stravenue|stream|streets?|summit|"
    "terrace|throughway|trace|track|trafficway|trail|trailer|tunnel|turnpike|underpass|unions?|vale|"
    "valleys?|via|viaduct|views?|villages?|ville|vista|walks?|wall|ways?|wells?|wharf|wynd|yard|"
    "marg|nagar|chowk|ganj|zila|colony|layout|cross|bagh|puram|vihar|enclave|sector|gali|mohalla|peth"
)
_STREET_ABBREVIATIONS = "ave|blvd|cir|ct|cres|dr|hwy|ln|pl|rd|sq|st|ter"
# Phrases that introduce an address in running text.
_ADDRESS_CUE = (
    r"(?i:live[sd]?|living|stay(?:s|ed|ing)?|resid(?:e|es|ed|ing)|located|based|deliver(?:ed|y)?|sent|"
    r"ship(?:ped)?|left[ ]it|moved|address(?:[ ]is)?|postal[ ]address|home[ ]address|office[ ]is|is[ ]now)"
)
_STREET_SUFFIX = rf"(?:(?i:{_STREET_TYPES})\b|(?i:{_STREET_ABBREVIATIONS})\b\.?)"
_STREET_NAME = rf"(?:(?:{_CAP}|\d{{1,3}}(?:st|nd|rd|th))[ \t]+){{1,4}}"
_SECONDARY = (
    r"(?:,?[ \t]+(?:(?i:apt|apartment|suite|ste|unit|flat|floor|fl|room|rm)\.?[ \t]*\#?[ \t]*\w{1,6}"
    r"|\#[ \t]?\d{1,5}))?"
)
_LOCALITY_WITH_CODE = (
    rf"(?:{_TOWN}[ \t]*,?[ \t]+{_UK_POSTCODE}|{_UK_POSTCODE}"
    rf"|\d{{2}}-\d{{3}}[ \t]+{_TOWN}|{_TOWN},?[ \t]+\d{{2}}-\d{{3}}"
    rf"|{_TOWN},?[ \t]+(?:{_US_STATES})[ \t]+\d{{5}}(?:-\d{{4}})?"
    rf"|{_TOWN}(?:[ \t]*-[ \t]*|[ \t]+)\d{{5,6}}|\d{{4,5}}[ \t]+{_TOWN})\b"
)
# Capitalised words that start sentences or name roles, never a person or a town.
_NOT_ROLE = (
    r"(?!(?:Sir|Madam|Team|All|Everyone|There|Customer|Customers|Support|Colleagues|Hiring|Manager|"
    r"Folks|Guys|Friends?|Doctor|Nurse|Admin|Agent|Sir/Madam|HR|IT|Again|So|For|Monday|Tuesday|Wednesday|"
    r"Thursday|Friday|Saturday|Sunday|Today|Tomorrow|Yesterday|Re|Fwd|Subject|Invoice|Order)\b)"
)
_NOT_CALENDAR = (
    r"(?!(?:January|February|March|April|May|June|July|August|September|October|November|December|Monday|"
    r"Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b)"
)
_BARE_CODE = (
    r"(?:\d{5}(?:-\d{4})?|\d{6}|\d{3}[ ]\d{3}|\d{2}-\d{3})(?![\d-])"  # ZIP, PIN, VN, PL after an address
)
_LOCALITY = (
    rf"(?:{_LOCALITY_WITH_CODE}|{_BARE_CODE}|(?i:district|ward|quận|phường|sector)[ \t]+\w+"
    rf"|{_NOT_SIGNOFF}{_TOWN}(?=[ \t]*(?:[,.\n]|$)))"
)
# An address line may run on into its town, region and postcode (comma- or line-separated), or name
# its town with "in" ("88 Taylor Spurs in Damienland").
_TAIL = (
    rf"(?:(?:[ \t]*,[ \t]*|[ \t]*\n[ \t]*){_LOCALITY}"
    rf"|[ \t]+in[ \t]+{_NOT_SIGNOFF}{_NOT_CALENDAR}{_TOWN}){{0,3}}"
)

_VN_STREET_KW = (
    r"(?:[ĐđPp]hố|[Đđ]ường|[Hh]ẻm|[Nn]gõ|[Nn]gách|[Kk]iệt|[Kk]hu|[Kk]hóm|[Ấấ]p|[Tt]hôn|[Tt]ổ|[Xx]óm"
    r"|[Ll]àng|[Dd]ãy)"
)
_VN_ADMIN = (
    r"(?:[Pp]hường|[Xx]ã|[Qq]uận|[Hh]uyện|[Tt]hị xã|[Tt]hị trấn|[Tt]hành phố|[Tt]ỉnh"
    r"|(?<![\p{L}\d.])(?:TP|Tp|TX|Q|P)\.(?=[ \t]*[\p{Lu}\d]))"
)
_VN_TOKEN = rf"(?:{_VN_STREET_KW}|{_VN_ADMIN}|[Ss]ố|{_CAP}|\d{{1,5}}(?:/\d{{1,5}})*)"


def _luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


class RawTextContextMixin:
    """Recognizer-level context: context words looked up in the raw text just before a match.

    Presidio's lemma enhancer skips spaCy stop words, and spaCy lists "call" as one, so "Call
    7390219689" never got its boost. Here a context word counts when a word among the few before the
    match starts with it ("tel" matches "Tel.", "telephone"; not "hotel"). Presidio's hook for this is
    ``enhance_using_context``; boosted results are marked so the global enhancer leaves them alone.
    """

    WORDS_BEFORE = 6
    CONTEXT_BOOST = 0.35
    context: list[str]

    def enhance_using_context(
        self,
        text: str,
        raw_recognizer_results: list[RecognizerResult],
        other_raw_recognizer_results: list[RecognizerResult],
        nlp_artifacts: Any,
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        """Boost each result that has a context word among the words before it."""
        for result in raw_recognizer_results:
            word = self._supporting_word(text, result.start, context or [])
            if word:
                result.score = min(1.0, max(result.score + self.CONTEXT_BOOST, 0.4))
                result.analysis_explanation.set_supportive_context_word(word)
                result.analysis_explanation.set_improved_score(result.score)
            result.recognition_metadata[RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY] = True
        return raw_recognizer_results

    def _supporting_word(self, text: str, start: int, extra: list[str]) -> str:
        words = re.findall(r"[\p{L}\p{M}]+", text[max(0, start - 80) : start].casefold())[
            -self.WORDS_BEFORE :
        ]
        for candidate in [*self.context, *extra]:
            if any(word.startswith(candidate.casefold()) for word in words):
                return candidate
        return ""


# ---------------------------------------------------------------- e-mail, NHS, cards
class OfflineEmailRecognizer(EmailRecognizer):
    """Presidio's e-mail recognizer, validating the domain with an injected offline ``TLDExtract``.

    The stock recognizer calls the module-level ``tldextract.extract``, whose extractor is built when
    tldextract is imported: its cache lives under ``$HOME`` and its first call fetches the public
    suffix list. Environment variables only help if set before that import, so instead the domain check
    uses an extractor built with ``suffix_list_urls=()`` (bundled snapshot) and our cache directory.
    """

    def __init__(self, tld_extractor: TLDExtract, **kwargs: Any) -> None:
        self._tld_extractor = tld_extractor
        super().__init__(**kwargs)

    def validate_result(self, pattern_text: str) -> bool:
        """Valid only if the domain ends in a public suffix (rejects ``a@b.c0m`` and file names)."""
        return self._tld_extractor(pattern_text).fqdn != ""


class ContextualNhsRecognizer(NhsRecognizer):
    """NHS numbers whose checksum alone does not make them certain.

    One in eleven 10-digit numbers passes the NHS checksum, so Presidio's "valid → score 1.0" turns a
    tenth of 3-3-4 phone numbers into UK_NHS. Here a valid checksum gives 0.5 and the context words
    ("NHS", "health") lift it; an equally scored phone reading keeps the span as a phone.
    """

    def validate_result(self, pattern_text: str) -> bool | None:
        """Return None (keep the pattern score) when the checksum holds, False otherwise."""
        return None if super().validate_result(pattern_text) else False


class ExtendedCreditCardRecognizer(CreditCardRecognizer):
    """Card numbers by issuer prefix, length and Luhn, including formats the stock regex misses.

    Covers 19-digit Visa, 2-series Mastercard (2221-2720), Maestro 12-19 digits, JCB (3528-3589 and the
    15-digit 1800/2131 ranges), Amex, Diners, Discover and UnionPay, written with spaces or dashes.
    """

    PATTERNS = [
        Pattern("Card number (12-19 digits, grouped)", r"(?<![\d-])\d(?:[ -]?\d){11,18}(?![\d-])", 0.3)
    ]
    # (prefix regex, allowed lengths)
    ISSUERS: tuple[tuple[str, tuple[int, ...]], ...] = (
        (r"4", (13, 16, 19)),
        (r"5[1-5]|2(?:2[2-9][1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720)", (16,)),
        (r"3[47]", (15,)),
        (r"3(?:0[0-5]|[689])", (14, 15, 16, 17, 18, 19)),
        (r"6(?:011|4[4-9]|5)", (16, 17, 18, 19)),
        # JCB is 3528-3589; 3500-3527 is unassigned, so a Luhn-valid hit there is a mistyped or test card
        (r"35", (16, 17, 18, 19)),
        (r"1800|2131", (15,)),
        (r"62", (16, 17, 18, 19)),
        (r"5[06-9]|6\d|0604", tuple(range(12, 20))),  # Maestro, including the legacy 0604 range
    )

    def validate_result(self, pattern_text: str) -> bool:
        """A known issuer prefix at a length that issuer uses, and a valid Luhn checksum."""
        digits = re.sub(r"\D", "", pattern_text)
        if not self._issuer_length_ok(digits):
            return False
        return _luhn_valid(digits)

    def _issuer_length_ok(self, digits: str) -> bool:
        return any(re.match(prefix, digits) and len(digits) in lengths for prefix, lengths in self.ISSUERS)


class ChecksumIbanRecognizer(IbanRecognizer):
    """Presidio's IBAN recognizer, also accepting an IBAN whose ISO 7064 checksum holds but whose
    length does not match its country's registered format (typos, test data, formats newer than the
    table). The checksum alone leaves a 1-in-97 chance of a random match, so those keep the pattern
    score (0.5) instead of certainty."""

    def validate_result(self, pattern_text: str) -> bool | None:
        """True for a registered format, None (pattern score) for checksum-only, else False."""
        verdict = super().validate_result(pattern_text)
        if verdict is False and _iban_checksum_ok(re.sub(r"[ -]", "", pattern_text)):
            return None
        return verdict


def _iban_checksum_ok(compact: str) -> bool:
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", compact):
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


class OfflineUrlRecognizer(PatternRecognizer):
    """URLs and bare domains, accepted when their host ends in a public suffix (offline snapshot).

    Presidio's URL regex enumerates top-level domains (missing some, e.g. ``.biz``, so
    "www.site.biz/profile/x" became "www.site.bi") and is the slowest recognizer measured;
    a simple shape plus a public-suffix check is both faster and complete.
    """

    _TAIL = r"(?:/[^\s<>\"'()]*[^\s<>\"'().,;:!?])?"
    PATTERNS = [
        Pattern("URL with scheme", rf"\b(?:https?|ftp)://[^\s/<>\"'()]+{_TAIL}", 0.6),
        Pattern("www host", rf"(?<![\w.@-])www\d{{0,3}}\.[^\s/<>\"'()]+{_TAIL}", 0.55),
        Pattern(
            "bare domain",
            rf"(?<![\w.@/-])(?:[a-z0-9](?:[a-z0-9-]{{0,61}}[a-z0-9])?\.)+[a-z]{{2,24}}{_TAIL}(?![\w@-])",
            0.5,
        ),
    ]
    CONTEXT = ["url", "website", "link", "site", "visit"]

    def __init__(self, tld_extractor: TLDExtract, **kwargs: Any) -> None:
        self._tld_extractor = tld_extractor
        super().__init__(supported_entity="URL", patterns=list(self.PATTERNS), context=self.CONTEXT, **kwargs)

    def validate_result(self, pattern_text: str) -> bool | None:
        """None (keep the pattern score) when the host has a public suffix; False otherwise."""
        host = re.sub(r"^(?:https?|ftp)://", "", pattern_text, flags=re.IGNORECASE).split("/")[0]
        parts = self._tld_extractor(host.rstrip(".").split(":")[0])
        return None if parts.suffix and parts.domain else False


# ---------------------------------------------------------------- phone numbers
class InternationalPhoneRecognizer(RawTextContextMixin, LocalRecognizer):
    """Phone numbers in international and national formats, validated with ``phonenumbers``.

    A candidate regex finds digit groups shaped like phone numbers (+ or 00 prefix, parentheses,
    space/dot/dash/slash separators, extensions); dates, amounts, IP addresses, SSN-shaped numbers and
    numbers introduced as invoice/order/account references are dropped; ``phonenumbers`` then scores the
    rest: a number valid in one of the configured regions scores high, a merely possible one scores
    medium when it is formatted like a phone number, and a bare run of digits needs a context word.
    """

    CONTEXT = [
        "phone",
        "telephone",
        "tel",
        "mobile",
        "mob",
        "cell",
        "call",
        "ring",
        "contact",
        "reach",
        "whatsapp",
        "sms",
        "text",
        "fax",
        "landline",
        "hotline",
        "helpline",
        "switchboard",
        "reception",
        "dial",
        "komórk",
        "numer",
        "điện",
        "sđt",
        "đt",
        "thoại",
    ]
    _GROUP = r"(?:\(\d{1,5}\)|\d++)"
    _GAP = r"(?:[ ]?[.\-/][ ]?|[ ]|(?<=\))|(?=\())"
    CANDIDATE = re.compile(
        rf"(?<![\w@#/+.,:=\-])(?:\+[ ]?)?{_GROUP}(?:{_GAP}{_GROUP}){{0,6}}"
        r"(?:[ ]?(?i:x|ext\.?|extension)[ ]?\d{1,6})?(?![\w@]|[.,:/\-]\d)"
    )
    _EXTENSION = re.compile(r"[ ]?(?i:x|ext\.?|extension)[ ]?\d{1,6}$")
    _NOT_PHONE_SHAPES = [
        re.compile(r"^\d{1,4}([./-])\d{1,2}\1\d{1,4}$"),  # dates
        re.compile(r"^(?:19|20)\d\d[ ]?[./\-–]"),  # starts with a year: dates, references, ranges
        re.compile(r"^\d{1,3}(?:[,. ]\d{3})*[.,]\d{1,2}$"),  # amounts
        re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$"),  # IPv4
        re.compile(r"^\d{3}-\d{2}-\d{4}$"),  # US SSN
    ]
    _REFERENCE_BEFORE = re.compile(
        r"(?i:invoice|inv|order|ref|reference|account|acct|a/c|ticket|case|booking|tracking|policy|sku|"
        r"po|transaction|txn|id|serial|nhs|ssn|iban|card|sort code|pin|postcode|zip)\W{0,3}"
        r"(?i:no\.?|number|nr\.?|num|#)?\W{0,3}$"
    )
    _CURRENCY_BEFORE = re.compile(r"(?:[£$€¥₹₫]|(?i:usd|eur|gbp|pln|vnd|inr|rs\.?|zł))[ ]?$")
    _CURRENCY_AFTER = re.compile(r"^[ ]?(?:[%₫€£$]|(?i:usd|eur|gbp|pln|vnd|inr|zł|đ|kg|mg|ml|km)\b)")

    # Contact details come together: a number right after an e-mail address ("mail a@b.com or 2059911690").
    _AFTER_EMAIL = re.compile(r"@[\w-]+(?:\.[\w-]+)+\W{0,3}(?:or|and|/|,|;)?\W{0,3}$")

    def __init__(self, regions: Iterable[str] = ("GB", "US"), **kwargs: Any) -> None:
        self.regions = tuple(regions)
        kwargs.setdefault("context", self.CONTEXT)
        super().__init__(supported_entities=["PHONE_NUMBER"], **kwargs)

    def load(self) -> None:
        """Nothing to load: ``phonenumbers`` metadata loads lazily on first use."""

    def _supporting_word(self, text: str, start: int, extra: list[str]) -> str:
        word = super()._supporting_word(text, start, extra)
        if not word and self._AFTER_EMAIL.search(text[max(0, start - 40) : start]):
            return "e-mail address"
        return word

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        """Score every phone-shaped candidate that survives the negative filters."""
        results = []
        for match in self.CANDIDATE.finditer(text):
            score = self.score_candidate(text, match.start(), match.end())
            if score is not None:
                results.append(self._result(match.start(), match.end(), score))
        return EntityRecognizer.remove_duplicates(results)

    def score_candidate(self, text: str, start: int, end: int) -> float | None:
        """Confidence that ``text[start:end]`` is a phone number, or None if it is not one."""
        candidate = text[start:end]
        main = self._EXTENSION.sub("", candidate)
        digits = re.sub(r"\D", "", main)
        if not 7 <= len(digits) <= 15 or self._looks_like_something_else(main, text, start, end):
            return None
        if main.startswith(("+", "00")):
            international = self._international_score(digits[2:] if main.startswith("00") else digits)
            if international is not None or main.startswith("+"):
                return international
        return self._national_score(main, digits)

    def _looks_like_something_else(self, main: str, text: str, start: int, end: int) -> bool:
        if any(shape.search(main) for shape in self._NOT_PHONE_SHAPES):
            return True
        before, after = text[max(0, start - 24) : start], text[end : end + 6]
        return bool(
            self._REFERENCE_BEFORE.search(before)
            or self._CURRENCY_BEFORE.search(before)
            or self._CURRENCY_AFTER.search(after)
        )

    @staticmethod
    def _international_score(digits: str) -> float | None:
        try:
            number = phonenumbers.parse("+" + digits, None)
        except phonenumbers.NumberParseException:
            return None
        if phonenumbers.is_valid_number(number):
            return 0.85
        if phonenumbers.is_possible_number(number):
            return 0.7
        national = str(number.national_number)
        known = phonenumbers.region_code_for_country_code(number.country_code) != "ZZ"
        return 0.5 if known and 6 <= len(national) <= 13 else None

    def _national_score(self, main: str, digits: str) -> float | None:
        valid, possible = self._best_reading(main)
        shaped = bool(re.search(r"[()]|\d[ .\-/]\d", main)) or main.startswith("0")
        if valid:
            score = 0.65
        elif possible:
            score = 0.5
        elif shaped and digits.startswith("0") and 9 <= len(digits) <= 12:
            score = 0.45  # trunk-prefixed national number in a region we were not told about
        else:
            return None
        return score if shaped else min(score, 0.3)  # a bare digit run needs a context word

    def _best_reading(self, main: str) -> tuple[bool, bool]:
        possible = False
        for region in self.regions:
            try:
                number = phonenumbers.parse(main, region)
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_valid_number(number):
                return True, True
            possible = possible or phonenumbers.is_possible_number(number)
        return False, possible

    def _result(self, start: int, end: int, score: float) -> RecognizerResult:
        explanation = AnalysisExplanation(
            recognizer=self.name,
            original_score=score,
            textual_explanation="phone-shaped, checked with phonenumbers",
        )
        return RecognizerResult(
            entity_type="PHONE_NUMBER",
            start=start,
            end=end,
            score=score,
            analysis_explanation=explanation,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            },
        )


# ---------------------------------------------------------------- addresses, postcodes, places
class StreetAddressRecognizer(PatternRecognizer):
    """Street addresses in British, American, Indian, Polish, German/Dutch, Romance and Vietnamese
    conventions, including the town/postcode lines that follow them in an address block.

    Each pattern needs a structural cue (house number next to a street type, a unit prefix, ``ul.``,
    ``Số``, a Vietnamese street or admin word, a postcode closing the block), so ordinary capitalised
    phrases do not match.
    """

    PATTERNS = [
        Pattern(
            "number + street name + street type",
            rf"(?<![\w.,/-]){_NUM}{_SEP}{_STREET_NAME}{_STREET_SUFFIX}{_SECONDARY}{_TAIL}",
            0.6,
        ),
        Pattern(
            "unit/house prefix + street",
            r"\b(?:(?i:flat|studio|apartment|apt|unit|suite)\.?|H\.?[ ]?No\.?"
            r"|(?i:house|plot|door|flat)[ ]No\.?)"
            rf"[ \t]*{_NUM}{_SEP}(?:{_NUM}[ \t]+)?{_STREET_NAME}{_STREET_SUFFIX}{_SECONDARY}{_TAIL}",
            0.65,
        ),
        Pattern(
            "house number + named parts + postcode line",
            rf"(?<![\w.,/-])(?:H\.?[ ]?No\.?[ ]?)?{_NUM}(?:{_SEP}{_TOWN}){{1,3}}"
            rf"(?:[ \t]*,[ \t]*|[ \t]*\n[ \t]*){_LOCALITY_WITH_CODE}{_TAIL}",
            0.55,
        ),
        Pattern(
            "'live at' / 'deliver to' + house number + name",
            rf"(?<=\b{_ADDRESS_CUE}[ \t]+(?:at|to|on|:)[ \t]*){_NUM}{_SEP}"
            rf"{_NOT_CALENDAR}(?!(?i:am|pm)\b){_TOWN}{_TAIL}",
            0.5,
        ),
        Pattern(
            "Polish ul./al./pl./os. + name + number",
            rf"(?<!\w|et[ ])(?i:ul\.|ulica|al\.|aleja|pl\.|plac|os\.|osiedle|rondo)[ \t]+"
            rf"(?:(?:{_CAP}|\d{{1,2}})[ \t]+(?:(?:i|im\.|nad|pod|na)[ \t]+)?){{1,4}}"
            r"\d{1,4}[A-Za-z]?(?:[ \t]*/[ \t]*\d{1,4}[A-Za-z]?)?"
            rf"(?:[ \t]+(?:m\.|lok\.)[ \t]*\d{{1,4}})?{_TAIL}",
            0.65,
        ),
        Pattern(
            "Germanic street compound + number",
            r"\b\p{Lu}[\p{L}\-]*(?i:straße|strasse|str\.|weg|gasse|platz|allee|ring|damm|ufer|straat|laan|"
            rf"plein|gracht|kade|gatan|vägen|gade|vej|veien)[ \t]+\d{{1,4}}[a-z]?\b{_TAIL}",
            0.6,
        ),
        Pattern(
            "Romance street type + name (+ number)",
            rf"(?:\b\d{{1,4}}(?:[ \t]?(?:bis|ter))?,?[ \t]+)?\b(?:Rue|rue|Avenue|avenue|Boulevard|boulevard|"
            rf"Chemin|chemin|Impasse|impasse|Calle|Avenida|Paseo|Via|Viale|Piazza|Corso|Rua|Carrer)[ \t]+"
            r"(?:(?:de|del|della|di|da|do|dos|das|du|des|la|le|les|d'|l')[ \t]*)*"
            rf"{_CAP}(?:[ \t]+{_CAP}){{0,3}}"
            rf"(?:,?[ \t]+\d{{1,4}}[a-z]?)?{_TAIL}",
            0.5,
        ),
        Pattern(
            "US military (PSC/Unit/ship + APO/FPO/DPO)",
            r"\b(?:PSC[ \t]+\d{4},[ \t]+Box[ \t]+\d{4}|Unit[ \t]+\d{4}[ \t]+Box[ \t]+\d{4}"
            rf"|US[A-Z]{{1,3}}[ \t]+{_CAP})"
            rf"(?:[ \t]*[,\n][ \t]*|[ \t]+)(?:APO|FPO|DPO)[ \t]+A[AEP][ \t]+\d{{5}}\b{_TAIL}",
            0.7,
        ),
    ]
    CONTEXT = ["address", "street", "live", "deliver", "ship", "located", "adres", "địa"]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("global_regex_flags", CASED)
        super().__init__(
            supported_entity="STREET_ADDRESS", patterns=list(self.PATTERNS), context=self.CONTEXT, **kwargs
        )


class VietnameseAddressRecognizer(PatternRecognizer):
    """Vietnamese addresses: house number (optionally "Số"), street, alley, ward, district and city
    words in Vietnamese ("Số 7/73 Khu 68 phố số 28 xã Đông Hải TP. Hà Nội").

    The pattern reads on from any house number through capitalised words and Vietnamese address words;
    ``invalidate_result`` keeps only runs that start with "Số" or contain a Vietnamese street or
    administrative word, so "5 Euros to Anna" is not an address.
    """

    PATTERNS = [
        Pattern(
            "(Số) number + street / ward / district / city words",
            rf"(?<![\w.,/-])(?:[Ss]ố[ \t]+)?{_NUM}(?:(?:[ \t]*,[ \t]*|[ \t]+){_VN_TOKEN})+",
            0.6,
        )
    ]
    CONTEXT = ["địa", "address"]
    _VIETNAMESE_CUE = re.compile(rf"^[Ss]ố\b|{_VN_STREET_KW}\b|{_VN_ADMIN}")

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("global_regex_flags", CASED)
        super().__init__(
            supported_entity="STREET_ADDRESS", patterns=list(self.PATTERNS), context=self.CONTEXT, **kwargs
        )

    def invalidate_result(self, pattern_text: str) -> bool:
        """True (drop) unless the run carries a Vietnamese address cue."""
        return not self._VIETNAMESE_CUE.search(pattern_text)


class PostcodeRecognizer(RawTextContextMixin, PatternRecognizer):
    """UK postcodes; US ZIP after a state code; Polish 00-000 before a town; Indian PIN and
    Vietnamese 5/6-digit codes only next to a context word (alone they are just numbers)."""

    PATTERNS = [
        Pattern("UK postcode", rf"\b{_UK_POSTCODE}\b", 0.6),
        Pattern("US ZIP after state", rf"(?<=\b(?:{_US_STATES}),?[ \t])\d{{5}}(?:-\d{{4}})?\b", 0.6),
        Pattern("Polish postcode before a town", r"\b\d{2}-\d{3}\b(?=[ \t]+\p{Lu})", 0.55),
        Pattern("Polish postcode", r"\b\d{2}-\d{3}\b", 0.2),
        Pattern("5/6-digit code (ZIP, PIN, Vietnam)", r"\b\d{5,6}(?:-\d{4})?\b", 0.05),
        Pattern("Indian PIN with a space", r"\b[1-9]\d{2}[ ]\d{3}\b", 0.05),
    ]
    CONTEXT = ["postcode", "postal", "zip", "pin", "pincode", "kod", "pocztowy", "bưu"]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("global_regex_flags", CASED)
        super().__init__(
            supported_entity="POSTCODE", patterns=list(self.PATTERNS), context=self.CONTEXT, **kwargs
        )


class LocalityRecognizer(PatternRecognizer):
    """Places named by an unambiguous cue: Vietnamese administrative units ("thành phố Cần Thơ",
    "Phường Đông Hòa"), a town before a postcode, and "live in / moved to / based in" phrases.

    Small towns in address blocks are the place names spaCy misses most (about 61% caught).
    """

    PATTERNS = [
        Pattern("Vietnamese admin unit + name", rf"{_VN_ADMIN}[ \t]+{_CAP}(?:[ \t]+{_CAP}){{0,3}}", 0.6),
        Pattern(
            "town before a postcode",
            rf"(?<=^|,[ \t]*|\n[ \t]*){_NOT_SIGNOFF}{_NOT_ROLE}{_TOWN}"
            rf"(?=(?:[ \t]*,[ \t]*|[ \t]+|[ \t]*\n[ \t]*)(?:{_UK_POSTCODE}|\d{{2}}-\d{{3}}|\d{{5,6}})\b)",
            0.5,
        ),
        Pattern(
            "town, state",
            rf"(?<=^|,[ \t]*|\n[ \t]*){_NOT_SIGNOFF}{_TOWN}(?=,[ \t]?(?:{_US_STATES})[ \t]+\d{{5}})",
            0.5,
        ),
        Pattern(
            "lives in / moved to / based in",
            rf"(?<=\b(?i:live[sd]?|living|based|located|resid(?:e|es|ed|ing)|moved|relocat(?:ed|ing)|born|"
            rf"grew[ ]up|staying|travell?ing|flying|office|i'm|i[ ]am|we're|we[ ]are)"
            rf"[ \t]+(?i:in|to|near|from)[ \t]+)"
            rf"{_NOT_CALENDAR}{_TOWN}",
            0.45,
        ),
        Pattern(
            "city/town label", rf"(?<=\b(?:City|Town|city|town|Hometown|hometown)[ \t]*:[ \t]*){_TOWN}", 0.6
        ),
    ]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("global_regex_flags", CASED)
        super().__init__(supported_entity="LOCATION", patterns=list(self.PATTERNS), **kwargs)


# ---------------------------------------------------------------- names and times
# Honorifics in the portal's languages; names after them are names, and they belong inside the span.
# Polish writes "pan"/"pani" in lower case before a name ("pani Róża Satora").
TITLES = "|".join(re.escape(title) for title in sorted((*HONORIFICS, "pan", "pani"), key=len, reverse=True))
# A name word has lower-case letters ("ID", "PLN" and "SKU" are not names): "Anna", "O'Neil", "McDonald".
_NAME_WORD = r"\p{Lu}(?:['’]\p{Lu})?[\p{Ll}\p{M}](?:[\p{L}\p{M}'’\-]*[\p{L}\p{M}])?"
_NAME = rf"{_NAME_WORD}(?:[ ]{_NAME_WORD}){{0,3}}"
_FULL_NAME = rf"{_NAME_WORD}(?:[ ]{_NAME_WORD}){{1,3}}"  # two to four words
_NAME_SUFFIX = r"(?:,?[ \t]+(?:Jr\.?|Sr\.?|II|III|IV|PhD|MD|DDS|DVM|Esq\.?))?"
_GREETING = r"(?i:dear|hi|hello|hey|thanks|thank[ ]you|cześć|witam|chào|xin[ ]chào|namaste)"
_SIGNOFF = (
    r"(?i:regards|best[ ]regards|kind[ ]regards|warm[ ]regards|best[ ]wishes|thanks|thank[ ]you|cheers|"
    r"sincerely|yours[ ]sincerely|yours[ ]truly|yours[ ]faithfully|best|many[ ]thanks|pozdrawiam|"
    r"trân[ ]trọng)"
)
_ROLE = r"(?:Agent|Advisor|Adviser|Operator|Rep|Customer|Client|Support|Nurse|Caller)"
_TIMESTAMP = r"\[\d{1,2}:\d{2}(?::\d{2})?(?:[ ]?[AaPp]\.?[Mm]\.?)?\]"
# "my colleague Anna", "the courier, John Smith," - English puts a role noun right before a name.
_ROLE_NOUN = (
    r"(?i:colleague|courier|driver|manager|supervisor|technician|engineer|doctor|nurse|patient|client|"
    r"customer|tenant|landlord|neighbou?r|husband|wife|partner|son|daughter|mother|father|brother|sister|"
    r"friend|boss|assistant|teacher|student|lawyer|caseworker|contact|applicant|candidate|employee|agent)"
)
# "Jacek Szott's account", "Vũ's GP": a possessive before a noun only people have.
_PERSONAL_NOUN = (
    r"(?i:account|phone|number|address|email|e-mail|card|details|records|file|case|wife|husband|partner|"
    r"mother|father|son|daughter|children|GP|doctor|family|home|house|passport|salary|payslip|appointment|"
    r"birthday|manager|colleague|friend|diagnosis|prescription|medication|treatment|contract|application)"
)
_CONTACT_VERB = (
    r"(?i:spoke[ ]with|spoke[ ]to|talked[ ]to|met[ ]with|met|interviewed|called|phoned|emailed|e-mailed|"
    r"escalated[ ]to|assigned[ ]to|forwarded[ ]to|referred[ ]to|introduced|visited|contacted|thanked|"
    r"informed|asked|told)"
)
_INTRODUCTION = r"(?i:my[ ]name[ ]is|my[ ]name's|nazywam[ ]się|tên[ ]tôi[ ]là)[ \t]+"
_FORM_LABEL = (
    r"(?i:name|full[ ]name|patient|employee|candidate|signed|cardholder|account[ ]holder|bill[ ]to|"
    r"ship[ ]to|deliver[ ]to|sold[ ]to|attn|attention|from|next[ ]of[ ]kin|emergency[ ]contact|"
    r"contact[ ]person|beneficiary|payee|recipient)[ \t]*:[ \t]*\n?[ \t]*"
)
# The line under a name on a label or envelope starts the address: a unit, a house number, "ul.", "Số".
_ADDRESS_LINE_START = (
    r"(?:(?i:flat|studio|apartment|apt|unit|suite|h\.?[ ]?no\.?|ul\.|al\.|pl\.|ulica|aleja|plac)\b"
    r"|\d{1,5}[A-Za-z]?(?:/\d{1,5})*(?:,?[ \t]+\p{Lu}|[ \t]*,?[ \t]*\n)|Số\b|US[A-Z]{1,3}\b|PSC\b)"
)


class PersonCueRecognizer(PatternRecognizer):
    """Names that follow a title, a greeting, a sign-off or a self-introduction.

    spaCy's md model recalls about 86% of names and misses non-English and single-token ones; these cues
    are language conventions (not a list of names), so they carry over to names spaCy has never seen.
    Titles and name suffixes are part of the span so "Dr" does not stay readable beside a placeholder.
    """

    PATTERNS = [
        Pattern("title + name", rf"\b(?:{TITLES})\.?[ \t]+{_NAME}{_NAME_SUFFIX}", 0.6),
        Pattern("greeting + name", rf"(?<=\b{_GREETING}[ \t]+){_NOT_ROLE}{_NAME}(?=[ \t]*[,!:\n])", 0.5),
        Pattern(
            "sign-off + name",
            rf"(?<={_SIGNOFF}[ \t]*,?[ \t]*\n[ \t]*(?:-[ \t]*)?){_NOT_ROLE}{_NAME}(?=[ \t]*(?:\n|$|,))",
            0.55,
        ),
        Pattern(
            "self-introduction / form label",
            rf"(?<=(?:{_INTRODUCTION}|{_FORM_LABEL})){_NOT_ROLE}{_NAME}",
            0.55,
        ),
        Pattern(
            "name line above an address line",
            rf"(?<=^[ \t]*){_NOT_ROLE}{_FULL_NAME}(?=[ \t]*\n[ \t]*{_ADDRESS_LINE_START})",
            0.5,
        ),
        Pattern(
            "name + (age)",
            rf"\b{_NOT_ROLE}{_FULL_NAME}(?=[ \t]*\(\d{{1,3}}\)|[ \t]*,[ \t]*(?:aged[ ])?\d{{1,3}},)",
            0.5,
        ),
        Pattern(
            "first and last name + verb of speech",
            rf"\b{_NOT_ROLE}{_FULL_NAME}(?=[ \t]+(?:wrote|said|says|posted|replied|asked|commented|"
            rf"reported|explained|added|confirmed|complained|mentioned)\b)",
            0.5,
        ),
        Pattern("name + possessive personal noun", rf"\b{_NOT_ROLE}{_NAME}(?='s[ ]{_PERSONAL_NOUN}\b)", 0.5),
        Pattern("role noun + name", rf"(?<=\b{_ROLE_NOUN},?[ \t]+){_NOT_ROLE}{_NAME}", 0.5),
        Pattern(
            "verb of contact + first and last name",
            rf"(?<=\b{_CONTACT_VERB}[ \t]+){_NOT_ROLE}{_FULL_NAME}",
            0.5,
        ),
        Pattern(
            "I'm / this is + first and last name",
            rf"(?<=\b(?i:i'm|i[ ]am|this[ ]is|it's)[ \t]+){_NOT_ROLE}"
            rf"(?:{_FULL_NAME}|{_NAME_WORD}(?=[ \t]*[!,]))",
            0.5,
        ),
        Pattern(
            "chat speaker (after a timestamp or a role word)",
            rf"(?<={_TIMESTAMP}[ \t]*(?:{_ROLE}[ \t]+)?|^[ \t]*{_ROLE}[ \t]+){_NOT_ROLE}{_NAME}(?=[ \t]*:)",
            0.5,
        ),
    ]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("global_regex_flags", CASED)
        super().__init__(supported_entity="PERSON", patterns=list(self.PATTERNS), **kwargs)


MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?"
    r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)


class WrittenDateTimeRecognizer(PatternRecognizer):
    """Dates with the month written out ("30 October 1990", "Sep 27, 2023") and clock times
    ("14:32", "[09:05:11]", "3 pm"): Presidio's date recognizer covers numeric dates only, and spaCy
    often splits or misses these (it returned "October 1990" for "30 October 1990")."""

    PATTERNS = [
        Pattern(
            "day month year",
            rf"\b\d{{1,2}}(?:st|nd|rd|th)?[ \t]+(?:of[ \t]+)?{MONTHS}\.?,?[ \t]+\d{{4}}\b",
            0.6,
        ),
        Pattern("month day year", rf"\b{MONTHS}\.?[ \t]+\d{{1,2}}(?:st|nd|rd|th)?,?[ \t]+\d{{4}}\b", 0.6),
        Pattern("month year", rf"\b{MONTHS}\.?[ \t]+\d{{4}}\b", 0.45),
        Pattern("day month", rf"\b\d{{1,2}}(?:st|nd|rd|th)?[ \t]+(?:of[ \t]+)?{MONTHS}\b", 0.45),
        Pattern(
            "24h clock",
            r"(?<![\d:.])(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?:[ ]?(?i:am|pm))?(?!\d|:\d)",
            0.5,
        ),
        Pattern("12h clock", r"\b(?:1[0-2]|0?[1-9])(?:[.:][0-5]\d)?[ ]?(?i:am|pm|a\.m\.|p\.m\.)(?!\w)", 0.5),
    ]
    CONTEXT = ["date", "time", "born", "dob", "appointment", "seen", "due"]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("global_regex_flags", CASED)
        super().__init__(
            supported_entity="DATE_TIME", patterns=list(self.PATTERNS), context=self.CONTEXT, **kwargs
        )


# ---------------------------------------------------------------- registry built from config
RecognizerFactory = Callable[[PiiSettings, TLDExtract], list[EntityRecognizer]]

RECOGNIZER_FACTORIES: dict[str, RecognizerFactory] = {
    "EMAIL_ADDRESS": lambda s, tld: [OfflineEmailRecognizer(tld, supported_language=s.language)],
    "PHONE_NUMBER": lambda s, _: [
        InternationalPhoneRecognizer(s.phone_regions, supported_language=s.language)
    ],
    "STREET_ADDRESS": lambda s, _: [
        StreetAddressRecognizer(supported_language=s.language),
        VietnameseAddressRecognizer(supported_language=s.language),
    ],
    "POSTCODE": lambda s, _: [PostcodeRecognizer(supported_language=s.language)],
    "LOCATION": lambda s, _: [LocalityRecognizer(supported_language=s.language)],
    "PERSON": lambda s, _: [PersonCueRecognizer(supported_language=s.language)],
    "CREDIT_CARD": lambda s, _: [ExtendedCreditCardRecognizer(supported_language=s.language)],
    "IBAN_CODE": lambda s, _: [ChecksumIbanRecognizer(supported_language=s.language)],
    "IP_ADDRESS": lambda s, _: [IpRecognizer(supported_language=s.language)],
    "URL": lambda s, tld: [OfflineUrlRecognizer(tld, supported_language=s.language)],
    "US_SSN": lambda s, _: [UsSsnRecognizer(supported_language=s.language)],
    "UK_NHS": lambda s, _: [ContextualNhsRecognizer(supported_language=s.language)],
    "DATE_TIME": lambda s, _: [
        DateRecognizer(supported_language=s.language),
        WrittenDateTimeRecognizer(supported_language=s.language),
    ],
}
# Entities that spaCy's NER contributes (through Presidio's SpacyRecognizer) besides the patterns above.
NER_ENTITIES = frozenset({"PERSON", "LOCATION", "DATE_TIME"})


class UnknownEntityError(ValueError):
    """An entity is configured that neither a recognizer here, spaCy nor a custom recognizer provides."""


def recognizers_for(settings: PiiSettings, tld_extractor: TLDExtract) -> list[EntityRecognizer]:
    """Pattern recognizers for exactly the configured entities (plus global custom ones).

    Loading only these (about 15, against Presidio's 50-odd predefined recognizers) is one of the
    measured speed levers; an entity nobody can detect is refused rather than silently ignored.
    """
    custom_entities = {spec.entity for spec in settings.custom}
    recognizers: list[EntityRecognizer] = []
    for entity in settings.entities:
        factory = RECOGNIZER_FACTORIES.get(entity)
        if factory is None and entity not in NER_ENTITIES | custom_entities:
            raise UnknownEntityError(f"no recognizer for configured entity {entity}")
        if factory is not None:
            recognizers.extend(factory(settings, tld_extractor))
    recognizers.extend(custom_recognizer(spec, settings.language) for spec in settings.global_custom())
    return recognizers


def custom_recognizer(spec: CustomRecognizerSpec, language: str = "en") -> PatternRecognizer:
    """A Presidio ``PatternRecognizer`` from a ``[[custom]]`` config entry (patterns and/or deny-list)."""
    return PatternRecognizer(
        supported_entity=spec.entity,
        name=f"custom:{spec.entity}",
        supported_language=language,
        patterns=[Pattern(p.name, p.regex, p.score) for p in spec.patterns],
        deny_list=list(spec.deny_list) or None,
        deny_list_score=spec.deny_list_score,
        context=list(spec.context) or None,
        global_regex_flags=re.MULTILINE | re.IGNORECASE if spec.ignore_case else re.MULTILINE,
    )
