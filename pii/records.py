"""Reading an import file into validated records, with every bad line reported by number.

Nothing here touches the database or the NLP engine: a file is parsed and checked completely
before anything is imported, so "imports nothing unless --skip-invalid" is cheap to honour. Error
messages name the line and the problem, never the line's content (it may hold personal data).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

KINDS = ("classification", "preference", "rewrite", "transcript")
CSV_COLUMNS = ("id", "kind", "text", "prompt", "responses", "labels", "sensitivity", "severity", "gold",
               "prelabel", "metadata")
MAX_RESPONSES, MIN_RESPONSES = 4, 2
MAX_ID_LENGTH = 128


@dataclass(frozen=True)
class LineError:
    line: int
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "reason": self.reason}


@dataclass
class Record:
    """One valid input line. ``texts`` holds every string an annotator may see (to be redacted)."""

    line: int
    external_id: str
    kind: str
    texts: dict[str, str | list[str]]
    labels: list[str] | None
    sensitivity: list[str]
    severity: int | None
    gold: Any
    prelabel: Any
    raw: dict[str, Any] = field(repr=False)


@dataclass
class ParseResult:
    records: list[Record]
    errors: list[LineError]
    total_lines: int


class FileRejected(ValueError):
    """The file as a whole cannot be read (empty, wrong CSV headers, not UTF-8 at all)."""


def parse_file(data: bytes, filename: str, max_line_bytes: int, existing_ids: set[str],
               expected_kind: str | None = None) -> ParseResult:
    """Parse JSONL (default) or CSV (``.csv``) into records and line errors."""
    if not data.strip():
        raise FileRejected("The file is empty.")
    rows = _csv_rows(data, max_line_bytes) if filename.lower().endswith(".csv") else _jsonl_rows(data, max_line_bytes)
    records, errors, seen = [], [], set(existing_ids)
    total = 0
    for line, row in rows:
        total += 1
        if isinstance(row, LineError):
            errors.append(row)
            continue
        try:
            record = _record(line, row, expected_kind)
        except ValueError as exc:
            errors.append(LineError(line, str(exc)))
            continue
        if record.external_id in seen:
            errors.append(LineError(line, f"duplicate id (already {'in the dataset' if record.external_id in existing_ids else 'earlier in the file'})"))
            continue
        seen.add(record.external_id)
        records.append(record)
    return ParseResult(records, errors, total)


def _jsonl_rows(data: bytes, max_line_bytes: int):
    for number, raw_line in enumerate(data.splitlines(), start=1):
        if not raw_line.strip():
            continue
        if len(raw_line) > max_line_bytes:
            yield number, LineError(number, f"line is longer than {max_line_bytes} bytes")
            continue
        try:
            text = raw_line.decode("utf-8")
        except UnicodeDecodeError:
            yield number, LineError(number, "not valid UTF-8")
            continue
        try:
            row = json.loads(text)
        except json.JSONDecodeError as exc:
            yield number, LineError(number, f"invalid JSON ({exc.msg} at column {exc.colno})")
            continue
        yield number, row if isinstance(row, dict) else LineError(number, "each line must be a JSON object")


def _csv_rows(data: bytes, max_line_bytes: int):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileRejected(f"The CSV file is not valid UTF-8 (first problem on line {line}).") from None
    reader = csv.DictReader(io.StringIO(text))
    headers = [h.strip() for h in reader.fieldnames or []]
    unknown = [h for h in headers if h not in CSV_COLUMNS]
    if unknown or "id" not in headers or "kind" not in headers:
        raise FileRejected(f"The CSV headers must be among {', '.join(CSV_COLUMNS)} and include id and kind; "
                           f"found {', '.join(headers) or 'none'}.")
    for row in reader:
        number = reader.line_num
        if sum(len(v or "") for v in row.values() if isinstance(v, str)) > max_line_bytes:
            yield number, LineError(number, f"line is longer than {max_line_bytes} bytes")
            continue
        try:
            yield number, _csv_to_row({k.strip(): v for k, v in row.items() if k is not None})
        except ValueError as exc:
            yield number, LineError(number, str(exc))


def _csv_to_row(row: dict[str, str | None]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        if value is None or value == "":
            continue
        if key in ("responses", "labels", "sensitivity"):
            out[key] = _csv_list(key, value)
        elif key in ("metadata", "gold", "prelabel") and value.lstrip().startswith(("{", "[")):
            try:
                out[key] = json.loads(value)
            except json.JSONDecodeError:
                raise ValueError(f"column {key} holds invalid JSON") from None
        else:
            out[key] = value
    return out


def _csv_list(key: str, value: str) -> list[str]:
    if value.lstrip().startswith("["):
        try:
            parsed = json.loads(value)
        except json.JSONDecodeError:
            raise ValueError(f"column {key} holds invalid JSON") from None
        return parsed
    return [part.strip() for part in value.split(";") if part.strip()]


def _record(line: int, row: dict[str, Any], expected_kind: str | None) -> Record:
    external_id = _external_id(row)
    kind = row.get("kind")
    if kind is None:
        raise ValueError("missing field: kind")
    if kind not in KINDS:
        raise ValueError(f"unknown kind (expected one of {', '.join(KINDS)})")
    if expected_kind and kind != expected_kind:
        raise ValueError(f"kind {kind} does not match the dataset's task kind {expected_kind}")
    return Record(
        line=line, external_id=external_id, kind=kind, texts=_texts(kind, row),
        labels=_string_list(row, "labels") or None, sensitivity=_string_list(row, "sensitivity"),
        severity=_severity(row.get("severity")), gold=row.get("gold"), prelabel=row.get("prelabel"), raw=row,
    )


def _external_id(row: dict[str, Any]) -> str:
    value = row.get("id")
    if value is None or value == "":
        raise ValueError("missing field: id")
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise ValueError("id must be a string or an integer")
    text = str(value).strip()
    if not text or len(text) > MAX_ID_LENGTH:
        raise ValueError(f"id must be 1 to {MAX_ID_LENGTH} characters")
    return text


def _texts(kind: str, row: dict[str, Any]) -> dict[str, str | list[str]]:
    texts: dict[str, str | list[str]] = {}
    if kind == "preference":
        texts["prompt"] = _required_string(row, "prompt")
        responses = row.get("responses")
        if not isinstance(responses, list) or not all(isinstance(r, str) for r in responses):
            raise ValueError("missing field: responses (a list of 2 to 4 strings)")
        if not MIN_RESPONSES <= len(responses) <= MAX_RESPONSES:
            raise ValueError(f"responses must hold {MIN_RESPONSES} to {MAX_RESPONSES} answers, not {len(responses)}")
        texts["responses"] = list(responses)
    else:
        texts["text"] = _required_string(row, "text")
        if isinstance(row.get("prompt"), str):
            texts["prompt"] = row["prompt"]
    for key in ("prelabel", "gold"):
        if isinstance(row.get(key), str) and kind in ("rewrite", "transcript"):
            texts[key] = row[key]
    metadata = row.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise ValueError("metadata must be an object")
    for key, value in (metadata or {}).items():
        if isinstance(value, str):
            texts[f"metadata.{key}"] = value
    return texts


def _required_string(row: dict[str, Any], key: str) -> str:
    value = row.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"missing field: {key}")
    return value


def _string_list(row: dict[str, Any], key: str) -> list[str]:
    value = row.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"{key} must be a list of strings")
    return [v.strip().lower() for v in value]


def _severity(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.upper().startswith("S"):
        value = value[1:]
    try:
        level = int(value)
    except (TypeError, ValueError):
        raise ValueError("severity must be 0-3 or S0-S3") from None
    if not 0 <= level <= 3:
        raise ValueError("severity must be 0-3 or S0-S3")
    return level
