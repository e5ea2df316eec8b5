"""Detect-and-redact over many items or lines, batched so spaCy's ``nlp.pipe`` sees many texts at once.

``redact_items`` is what import uses; ``scan_lines`` backs ``flask --app app pii scan FILE.jsonl``.
Both are pure functions over an engine and ``pii.redact``: no database, no files.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice

from pii.engine import PiiEngine, default_settings, get_engine
from pii.redact import Fields, RedactedItem, Span, flatten_fields, redact_item


class ScanInputError(ValueError):
    """A scan input line is not a JSON object with a string ``text`` (the message names the line only)."""


def redact_items(
    items: Sequence[Fields], engine: PiiEngine | None = None, dataset: str | None = None
) -> list[RedactedItem]:
    """Analyse all texts of all ``items`` in one batch, then redact each item on its own."""
    engine = engine or get_engine(default_settings())
    flat_per_item = [flatten_fields(fields) for fields in items]
    texts = [text for flat in flat_per_item for _, text in flat]
    results = engine.analyze_batch(texts, dataset=dataset)
    redacted, offset = [], 0
    placeholders = engine.settings.placeholders()
    regions = engine.settings.phone_regions
    for fields, flat in zip(items, flat_per_item, strict=True):
        own = results[offset : offset + len(flat)]
        offset += len(flat)
        redacted.append(redact_item(fields, own, placeholders=placeholders, regions=regions))
    return redacted


def scan_lines(
    lines: Iterable[str], engine: PiiEngine | None = None, chunk_size: int = 256
) -> Iterator[dict[str, object]]:
    """For each JSONL line ``{"id": ..., "text": ...}`` yield ``{"id", "spans", "redacted"}``.

    Spans are ``{"start", "end", "label", "score"}`` over the original text, ``label`` being the
    entity type; they never contain the detected value. Blank lines are skipped; a line without an
    ``id`` gets its line number.
    """
    engine = engine or get_engine(default_settings())
    records = _records(lines)
    while chunk := list(islice(records, chunk_size)):
        items = [{"text": text} for _, text in chunk]
        for (record_id, _), item in zip(chunk, redact_items(items, engine), strict=True):
            yield {
                "id": record_id,
                "spans": [_span_dict(s) for s in item.spans],
                "redacted": item.payload["text"],
            }


def _records(lines: Iterable[str]) -> Iterator[tuple[object, str]]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            raise ScanInputError(f"line {number} is not valid JSON") from None
        if not isinstance(record, Mapping) or not isinstance(record.get("text"), str):
            raise ScanInputError(f"line {number} is not a JSON object with a string 'text'")
        yield record.get("id", number), record["text"]


def _span_dict(span: Span) -> dict[str, object]:
    return {"start": span.start, "end": span.end, "label": span.entity_type, "score": span.score}
