"""Turn detections into what an annotator sees: typed, numbered placeholders, consistent across all
fields of one item (``<PERSON_1>`` is the same person in the prompt and in every response).

The replacement is done here rather than with Presidio's ``AnonymizerEngine``: that engine works one
text at a time (so numbering cannot span fields), does not number at all, and its per-document setup
is measurable overhead at import volume.

Placeholder names (Presidio entity → placeholder):

    PERSON → PERSON           EMAIL_ADDRESS → EMAIL      PHONE_NUMBER → PHONE
    LOCATION → LOCATION       STREET_ADDRESS → ADDRESS   POSTCODE → POSTCODE
    CREDIT_CARD → CREDIT_CARD IBAN_CODE → IBAN           IP_ADDRESS → IP_ADDRESS
    URL → URL                 US_SSN → US_SSN            UK_NHS → UK_NHS
    DATE_TIME → DATE_TIME     custom entities → their configured ``placeholder`` (else the entity name)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

from presidio_analyzer import RecognizerResult

from pii.tokens import DEFAULT_PHONE_REGIONS, HONORIFICS, normalise_value

PLACEHOLDER_NAMES = {
    "PERSON": "PERSON",
    "EMAIL_ADDRESS": "EMAIL",
    "PHONE_NUMBER": "PHONE",
    "LOCATION": "LOCATION",
    "STREET_ADDRESS": "ADDRESS",
    "POSTCODE": "POSTCODE",
    "CREDIT_CARD": "CREDIT_CARD",
    "IBAN_CODE": "IBAN",
    "IP_ADDRESS": "IP_ADDRESS",
    "URL": "URL",
    "US_SSN": "US_SSN",
    "UK_NHS": "UK_NHS",
    "DATE_TIME": "DATE_TIME",
}
# Names and places are found by NER, which misses some mentions of a value it found elsewhere;
# every other mention in the item is redacted too. Single name parts ("Ms Kowalska", "Anna") count.
PROPAGATED_TYPES = frozenset({"PERSON", "LOCATION"})
_NOT_NAME_PARTS = frozenset(
    word.casefold()
    for word in (
        *HONORIFICS,
        "The",
        "And",
        "For",
        "But",
        "Not",
        "You",
        "Your",
        "Our",
        "Can",
        "May",
        "Will",
        "June",
        "April",
        "August",
        "March",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "Dear",
        "Hello",
        "Thanks",
        "Regards",
        "Street",
        "Road",
        "City",
        "Van",
        "Von",
        "Der",
        "Den",
        "Del",
        "Della",
        "Thi",
        "Văn",
        "Thị",
        "Bin",
        "Binti",
        "Team",
        "Support",
        "Customer",
        "Agent",
        "I'm",
        "I've",
        "I'll",
        "I'd",
    )
)

Fields = Mapping[str, "str | Sequence[str]"]


class RedactionError(ValueError):
    """The item or the detections do not fit together (never carries field contents)."""


@dataclass(frozen=True)
class FieldRef:
    """Where a text sits in an item: a field, and an index when the field is a list of texts."""

    field: str
    index: int | None = None


@dataclass(frozen=True)
class Span:
    """One redacted stretch of an original field text. Never holds the value itself."""

    field: str
    index: int | None
    start: int
    end: int
    entity_type: str
    score: float
    placeholder: str

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form for storage next to the redacted payload."""
        return asdict(self)


@dataclass(frozen=True)
class RedactedItem:
    """The annotator-facing payload and where (not what) each redaction was."""

    payload: dict[str, str | list[str]]
    spans: tuple[Span, ...]

    def entity_counts(self) -> dict[str, int]:
        """Redactions per entity type (stored on the item for reports)."""
        return entity_counts(self.spans)


@dataclass(frozen=True)
class _Detection:
    text: int
    start: int
    end: int
    entity_type: str
    score: float


def flatten_fields(fields: Fields) -> list[tuple[FieldRef, str]]:
    """Every text of an item in a stable order; analyse them in this order and pass results back."""
    flat: list[tuple[FieldRef, str]] = []
    for name, value in fields.items():
        if isinstance(value, str):
            flat.append((FieldRef(name), value))
        elif isinstance(value, Sequence) and all(isinstance(v, str) for v in value):
            flat.extend((FieldRef(name, i), text) for i, text in enumerate(value))
        else:
            raise RedactionError(f"field '{name}' must be a string or a list of strings")
    return flat


def redact_item(
    fields: Fields,
    results_per_text: Sequence[Sequence[RecognizerResult]],
    *,
    placeholders: Mapping[str, str] | None = None,
    regions: Sequence[str] = DEFAULT_PHONE_REGIONS,
) -> RedactedItem:
    """Redact every text of an item given the analyzer results for ``flatten_fields(fields)``.

    Overlapping detections become one redaction covering all of them, typed by the widest (then the
    highest-scoring) detection, so no fragment of a partly overlapping value stays readable. Equal
    values (after normalisation: e-mail case, phone formatting, name case and titles) share a number.
    """
    flat = flatten_fields(fields)
    if len(flat) != len(results_per_text):
        raise RedactionError(f"{len(flat)} texts but {len(results_per_text)} result lists")
    texts = [text for _, text in flat]
    detections = _detections(texts, results_per_text)
    detections = resolve_overlaps(detections + propagate_repeats(texts, detections))
    names = {**PLACEHOLDER_NAMES, **(placeholders or {})}
    numbered = _number(texts, detections, names, regions)
    spans = tuple(
        Span(
            flat[d.text][0].field,
            flat[d.text][0].index,
            d.start,
            d.end,
            d.entity_type,
            round(d.score, 3),
            tag,
        )
        for d, tag in numbered
    )
    return RedactedItem(payload=_payload(fields, flat, texts, numbered), spans=spans)


def redact_texts(
    texts: Sequence[str], results_per_text: Sequence[Sequence[RecognizerResult]], **options: object
) -> list[str]:
    """Redact texts that belong to one item (numbering shared); returns the redacted texts in order."""
    item = redact_item({"texts": list(texts)}, results_per_text, **options)  # type: ignore[arg-type]
    return list(item.payload["texts"])


def entity_counts(spans: Sequence[Span]) -> dict[str, int]:
    """How many redactions of each entity type (not distinct values)."""
    return dict(Counter(span.entity_type for span in spans))


def span_values(fields: Fields, spans: Sequence[Span]) -> list[tuple[str, str]]:
    """``(entity_type, raw value)`` per span, for computing subject tokens in memory; never persist."""
    lookup = {(ref.field, ref.index): text for ref, text in flatten_fields(fields)}
    return [(s.entity_type, lookup[(s.field, s.index)][s.start : s.end]) for s in spans]


# ---------------------------------------------------------------- steps
def _detections(
    texts: Sequence[str], results_per_text: Sequence[Sequence[RecognizerResult]]
) -> list[_Detection]:
    detections = []
    for i, (text, results) in enumerate(zip(texts, results_per_text, strict=True)):
        for r in results:
            if not 0 <= r.start < r.end <= len(text):
                raise RedactionError(f"a {r.entity_type} result lies outside its text")
            detections.append(_Detection(i, r.start, r.end, r.entity_type, r.score))
    return detections


def propagate_repeats(texts: Sequence[str], detections: Sequence[_Detection]) -> list[_Detection]:
    """Other mentions, anywhere in the item, of names and places that were detected once."""
    found = []
    for entity_type, needle, score in _needles(texts, detections):
        for i, text in enumerate(texts):
            found.extend(
                _Detection(i, start, start + len(needle), entity_type, score)
                for start in _whole_word_hits(text, needle)
            )
    return found


def _whole_word_hits(text: str, needle: str) -> list[int]:
    """Start offsets of ``needle`` in ``text`` not glued to a letter or digit (plain ``str.find``:
    compiling a regex per needle was most of the redaction time)."""
    hits, start = [], text.find(needle)
    while start != -1:
        end = start + len(needle)
        if not (start > 0 and text[start - 1].isalnum()) and not (end < len(text) and text[end].isalnum()):
            hits.append(start)
        start = text.find(needle, start + 1)
    return hits


def _needles(texts: Sequence[str], detections: Sequence[_Detection]) -> set[tuple[str, str, float]]:
    needles = set()
    for d in detections:
        if d.entity_type not in PROPAGATED_TYPES:
            continue
        value = texts[d.text][d.start : d.end].strip()
        needles.add((d.entity_type, value, d.score))
        if d.entity_type == "PERSON":
            needles.update(("PERSON", part, d.score) for part in _name_parts(value))
    return {n for n in needles if len(n[1]) >= 2}


def _name_parts(value: str) -> list[str]:
    parts = [p.strip(".,;:'’\"()") for p in value.split()]
    if len(parts) < 2:
        return []
    return [p for p in parts if len(p) >= 3 and p[0].isupper() and p.casefold() not in _NOT_NAME_PARTS]


def resolve_overlaps(detections: Sequence[_Detection]) -> list[_Detection]:
    """One detection per cluster of overlapping detections: the union of their extents, typed by the
    widest member (then the highest score)."""
    resolved: list[_Detection] = []
    ordered = sorted(set(detections), key=lambda d: (d.text, d.start, -d.end))
    cluster: list[_Detection] = []
    for d in ordered:
        if cluster and (d.text != cluster[0].text or d.start >= max(c.end for c in cluster)):
            resolved.append(_merge(cluster))
            cluster = []
        cluster.append(d)
    if cluster:
        resolved.append(_merge(cluster))
    return resolved


def _merge(cluster: Sequence[_Detection]) -> _Detection:
    best = max(cluster, key=lambda d: (d.end - d.start, d.score))
    start, end = min(d.start for d in cluster), max(d.end for d in cluster)
    return _Detection(best.text, start, end, best.entity_type, best.score)


def _number(
    texts: Sequence[str], detections: Sequence[_Detection], names: Mapping[str, str], regions: Sequence[str]
) -> list[tuple[_Detection, str]]:
    numbers: dict[tuple[str, str], int] = {}
    people: list[tuple[frozenset[str], int]] = []
    counters: Counter[str] = Counter()
    tagged = []
    for d in sorted(detections, key=lambda d: (d.text, d.start)):
        short = names.get(d.entity_type, d.entity_type)
        key = normalise_value(d.entity_type, texts[d.text][d.start : d.end], regions)
        number = numbers.get((short, key)) or (
            _same_person(key, people) if d.entity_type == "PERSON" else None
        )
        if number is None:
            counters[short] += 1
            number = counters[short]
            if d.entity_type == "PERSON":
                people.append((frozenset(key.split()), number))
        numbers[(short, key)] = number
        tagged.append((d, f"<{short}_{number}>"))
    return tagged


def _same_person(key: str, people: Sequence[tuple[frozenset[str], int]]) -> int | None:
    """ "Anna", "Ms Kowalska" and "Anna Kowalska" are one person when one's name parts contain the other's."""
    parts = frozenset(key.split())
    if not parts:
        return None
    for known, number in people:
        if parts <= known or known <= parts:
            return number
    return None


def _payload(
    fields: Fields,
    flat: Sequence[tuple[FieldRef, str]],
    texts: Sequence[str],
    numbered: Sequence[tuple[_Detection, str]],
) -> dict[str, str | list[str]]:
    redacted = list(texts)
    for d, tag in sorted(numbered, key=lambda item: (item[0].text, -item[0].start)):
        redacted[d.text] = redacted[d.text][: d.start] + tag + redacted[d.text][d.end :]
    payload: dict[str, str | list[str]] = {
        name: ([] if not isinstance(value, str) else "") for name, value in fields.items()
    }
    for (ref, _), text in zip(flat, redacted, strict=True):
        if ref.index is None:
            payload[ref.field] = text
        else:
            payload[ref.field].append(text)  # type: ignore[union-attr]
    return payload
