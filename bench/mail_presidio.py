"""Microsoft Presidio set up to look for what the email checker looks for, for bench/mail.py.

No trained spaCy model installs here, so the NLP engine is Presidio's own
``SpacyNlpEngine`` over ``spacy.blank("en")``: a tokenizer and nothing else,
so Presidio's PERSON recognizer (spaCy NER) finds no one. One small pipeline
step sets each token's lemma to its lower case, so that Presidio's context
words (which it compares with lemmas) work at all. Beside Presidio's own
recognizers it gets two ``PatternRecognizer``s in the profile's terms: a
student ID (the profile's pattern, its ID words as context) and a letter
grade (case-sensitive; grade words as context), and optionally a deny-list
of student names. Importing this module raises ``ImportError`` without
presidio-analyzer or spaCy.
"""

from __future__ import annotations

import re
from typing import Any

import spacy
from presidio_analyzer import AnalyzerEngine, Pattern, PatternRecognizer, RecognizerRegistry
from presidio_analyzer.nlp_engine import SpacyNlpEngine

from discretion.policy import Profile

ENTITIES = ["PERSON", "STUDENT_ID", "GRADE"]
# a capital A to F, with + or -, standing alone (not in a word, "J.D." or "E25-111")
GRADE_PATTERN = r"(?<![\w+\-.])[A-F][+-]?(?![\w+\-])"
GRADE_WORDS = ["grade", "grades", "mark", "marks", "got", "earned", "received", "final"]
PATTERN_SCORE = 0.4  # a context word nearby raises it by Presidio's 0.35
_LEMMAS = "discretion_bench_lower_lemmas"


def _lower_lemmas(doc: Any) -> Any:
    """Set each token's lemma to its lower case (a blank pipeline has no lemmatizer)."""
    for token in doc:
        token.lemma_ = token.lower_
    return doc


def version() -> str:
    """Return the installed presidio-analyzer and spaCy versions."""
    from importlib.metadata import version as installed

    return f"presidio-analyzer {installed('presidio-analyzer')}, spacy {spacy.__version__}"


def analyzer(profile: Profile, names: list[str] | None = None) -> Any:
    """Return a Presidio ``AnalyzerEngine`` on a blank spaCy pipeline, with our recognizers.

    Args:
        profile: gives the student ID pattern and its context words.
        names: student names for a deny-list recognizer of PERSON, or None for none.
    """
    if not spacy.language.Language.has_factory(_LEMMAS):
        spacy.language.Language.component(_LEMMAS, func=_lower_lemmas)
    nlp = spacy.blank("en")
    nlp.add_pipe(_LEMMAS)
    engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": "blank:en"}])
    engine.nlp = {"en": nlp}  # loaded: Presidio will not try to load (or download) a model
    registry = RecognizerRegistry(supported_languages=["en"])
    registry.load_predefined_recognizers(languages=["en"], nlp_engine=engine)
    id_words = sorted({part.lower() for word in profile.id_context_words for part in word.split()})
    flags = re.MULTILINE | re.DOTALL  # not Presidio's default IGNORECASE: "a" is no grade
    registry.add_recognizer(PatternRecognizer(
        "STUDENT_ID", name="student id", context=id_words, global_regex_flags=flags,
        patterns=[Pattern("student id", profile.student_id_pattern.pattern, PATTERN_SCORE)],
    ))  # fmt: skip
    registry.add_recognizer(PatternRecognizer(
        "GRADE", name="letter grade", context=GRADE_WORDS, global_regex_flags=flags,
        patterns=[Pattern("letter grade", GRADE_PATTERN, PATTERN_SCORE)],
    ))  # fmt: skip
    if names:
        registry.add_recognizer(PatternRecognizer("PERSON", name="students", deny_list=names))
    return AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=["en"])


def found(engine: Any, text: str) -> list[tuple[str, str, float]]:
    """Return Presidio's findings in ``text``: (entity, the text found, score)."""
    results = engine.analyze(text, language="en", entities=ENTITIES, score_threshold=0.0)
    return [(r.entity_type, text[r.start : r.end], float(r.score)) for r in results]
