"""What a question asks for (its shape), and how a sentence shows it answers that shape.

A definition question wants a sentence that says what the thing is; a *why* question
wants purpose or benefit; a *how* question a mechanism; a *what are the …* question an
enumeration; a question about problems a sentence naming them. The cues are the function
words and verbs English uses for each of these, never a topic: they apply to any article.
"""

from __future__ import annotations

import re
from enum import StrEnum

from retrieval.text import normalize


class Shape(StrEnum):
    """The kind of answer a question asks for."""

    DEFINITION = "definition"
    WHY = "why"
    HOW = "how"
    LIST = "list"
    PROBLEMS = "problems"
    TOPIC = "topic"  # no question words: a topic to brief on


# Nouns that make "what are the X" ask for an enumeration rather than a definition.
_LIST_NOUNS = (
    r"(?:tools?|components?|types?|kinds?|forms?|mechanisms?|methods?|ways?|steps?|"
    r"elements?|factors?|examples?|stakeholders?|actors?|parties|players|means|measures?|"
    r"strategies|instruments?|options?|areas?|tactics|skills?|practices?|principles?)"
)
_QUESTION_SHAPES: tuple[tuple[Shape, re.Pattern[str]], ...] = (
    (
        Shape.PROBLEMS,
        re.compile(
            r"\b(?:stops?|prevents?|hinders?|hamper|obstacles?|barriers?|problems?|"
            r"difficult(?:y|ies)?|weakness(?:es)?|limitations?|downsides?|risks?|"
            r"challenges?|go wrong|fail(?:s|ure)?|struggle|dangers?|troubles?|backfire)\b"
        ),
    ),
    (Shape.WHY, re.compile(r"^(?:\W*\w+\W+){0,3}?why\b|\b(?:purpose|point of|big deal|matter)\b")),
    (
        Shape.LIST,
        re.compile(
            rf"\b(?:what|which)\s+(?:(?:are|were)\s+(?:the\s+)?(?:main\s+|key\s+)?)?{_LIST_NOUNS}\b"
            rf"|^(?:\W*\w+\W+){{0,3}}?which\b|\blist\b"
        ),
    ),
    (
        Shape.DEFINITION,
        re.compile(
            r"\b(?:what\s+(?:is|are|was)\b(?!\s+the\s+(?:role|effect|impact|purpose))|what's\b|"
            r"mean(?:s|t)?\b|meaning\b|counts?\s+as\b|defin(?:e|ed|ition)\b)"
        ),
    ),
    (Shape.HOW, re.compile(r"^(?:\W*\w+\W+){0,3}?how\b(?!\s+(?:well|much|many|often))")),
)

# Sentence cues, per shape: the words that signal a sentence gives that kind of answer.
_SENTENCE_CUES: dict[Shape, re.Pattern[str]] = {
    Shape.WHY: re.compile(
        r"\b(?:ensur(?:e|es|ing)|allow(?:s|ing)?|enabl(?:e|es|ing)|because|so\s+that|"
        r"in\s+order\s+to|increas(?:e|es|ing)|"
        r"reduc(?:e|es|ing)|prevent(?:s|ing)?|strengthen(?:s|ing)?|improv(?:e|es|ing)|"
        r"benefits?|deepens?|reinforc(?:e|es|ing)|help(?:s|ing)?)\b"
    ),
    Shape.HOW: re.compile(
        r"\b(?:through|by|via|mechanisms?|involv(?:e|es|ing)|requir(?:e|es|ing)|"
        r"establish(?:es|ing)?|using|relies\s+on|facilitat(?:e|es|ing)|enabl(?:e|es|ing)|"
        r"foster(?:s|ing)?)\b"
    ),
    Shape.LIST: re.compile(
        r"\b(?:include|includes|including|such\s+as|ranging\s+from|consist\s+of)\b|:\s|"
        r"\w+,\s[^,.]+,\s(?:and|or)\s"
    ),
    Shape.PROBLEMS: re.compile(
        r"\b(?:challenges?|obstacles?|barriers?|hinder(?:s|ing)?|limit(?:s|ed|ing|ations?)?|"
        r"difficult(?:y|ies)?|risks?|concerns?|undermin(?:e|es|ing)|complicat(?:e|es|ing)|"
        r"constrain(?:s|ts?)?|restrict(?:s|ing|ions?)?|tensions?|mistrust|distrust)\b"
    ),
}


def question_shape(text: str) -> Shape:
    """What a query asks for, from its question words (a bare topic is TOPIC)."""
    lowered = normalize(text).lower()
    for shape, pattern in _QUESTION_SHAPES:
        if pattern.search(lowered):
            return shape
    return Shape.TOPIC


def answers_shape(sentence: str, shape: Shape) -> bool:
    """True when the sentence has the cue of the answer the shape asks for."""
    cue = _SENTENCE_CUES.get(shape)
    return bool(cue and cue.search(sentence.lower()))


# What follows a term being defined: a copula or a defining verb, or examples of it.
_DEFINING = re.compile(
    r"^\W*(?:\([^)]*\)\W*)?(?:is|are|refers?\s+to|involves?|encompass(?:es)?|means|"
    r"consists?\s+of|comprises?|denotes?|describes?|such\s+as|including|plays?|serves?|"
    r"represents?|constitutes?)\b",
    re.IGNORECASE,
)
# Sentence-opening connectives that are not the subject.
CONNECTIVES: frozenset[str] = frozenset(
    "however moreover furthermore additionally also similarly ultimately overall thus "
    "therefore consequently indeed conversely likewise notably meanwhile".split()
)


def defines(sentence: str, subject_end: int) -> bool:
    """True when the words right after the sentence's subject define it (`X is …`, `X
    refers to …`, `X such as …`)."""
    return bool(_DEFINING.match(sentence[subject_end:]))


def is_gerund(word: str) -> bool:
    """A word that, opening a sentence, names an activity (`addressing`, `enhancing`)."""
    return len(word) > 5 and word.endswith("ing")
