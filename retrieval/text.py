"""Text normalisation, sentence splitting and the one tokenizer used for corpus and query.

Everything here is a pure function of its input: the index and the query analyser must
agree on every token, so both call :func:`analyse` and nothing else.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

# Standard English function words plus the words of a study-group question that carry
# no topic ("how can you tell whether ... actually ..."). Applied to corpus and query alike.
STOP_WORDS: frozenset[str] = frozenset(
    """
    a about above actually after again against all also am an and any are aren as at be
    because been before being below between both but by can cannot could couldn did didn
    do does doesn doing don down during each either else etc even ever every few for from
    further get gets got had hadn has hasn have haven having he her here hers herself him
    himself his how however i if in into is isn it its itself just let like ll may me
    might more most much must mustn my myself neither no nor not now of off often on once
    only or other others otherwise our ours ourselves out over own per please quite rather
    re really s same shall shan she should shouldn so some such t than that the their
    theirs them themselves then there therefore these they thing things this those though
    through thus to too under until up upon us ve very via was wasn way ways we well were
    weren what whatever when where whether which while who whom whose why will with
    within without won would wouldn yet you your yours yourself yourselves
    tell explain describe know want anything something someone somebody kind sort lot lots
    eg ie
    """.split()
)
# Prefixes that, split off a compound (`multi-national`, `post-conflict`), say nothing alone.
# A closed-up compound with one of these also matches its rest (`counterterrorism` is
# about terrorism); prefixes that make another word of the rest (`geopolitical` is not
# `political`, `multinational` not `national`) are not among them.
_COMPOUND_PREFIXES: tuple[str, ...] = ("cyber", "counter", "anti", "post")
# Prefixes that make another word: a hyphenated compound opening with one is one term
# (`geo-political`, `non-state`, `inter-agency`), not its parts.
OPAQUE_PREFIXES: frozenset[str] = frozenset(
    "bi co de geo inter intra multi non pre re semi sub trans tri un".split()
)
_MEANINGFUL_PREFIXES: frozenset[str] = frozenset({"cyber"})
_PREFIXES: frozenset[str] = frozenset(
    "anti bi co counter de geo inter intra multi non post pre pro re self semi sub trans tri un".split()
)

# British spellings folded to the American ones before stemming, so `defence` and
# `defense` (or `organisation`/`organization`) become one term. Word stems listed here
# match with any inflection (`favour`, `favourable`, `favoured`).
_BRITISH_STEMS: dict[str, str] = {
    "defence": "defense",
    "offence": "offense",
    "licence": "license",
    "pretence": "pretense",
    "programme": "program",
    "centre": "center",
    "theatre": "theater",
    "metre": "meter",
    "calibre": "caliber",
    "manoeuvr": "maneuver",
    "catalogu": "catalog",
    "behaviour": "behavior",
    "favour": "favor",
    "honour": "honor",
    "labour": "labor",
    "colour": "color",
    "neighbour": "neighbor",
    "harbour": "harbor",
    "endeavour": "endeavor",
    "rumour": "rumor",
    "vigour": "vigor",
    "armour": "armor",
    "humour": "humor",
    "valour": "valor",
    "savour": "savor",
    "flavour": "flavor",
    "analys": "analyz",
    "paralys": "paralyz",
    "catalys": "catalyz",
    "judgement": "judgment",
    "ageing": "aging",
    "travell": "travel",
    "counsell": "counsel",
    "modell": "model",
    "labell": "label",
    "cancell": "cancel",
    "fulfil": "fulfill",
    "enrol": "enroll",
}
# Words that end in -ise but are not British -ize spellings.
_ISE_WORDS: frozenset[str] = frozenset(
    """
    advertis advis apprais aris chastis circumcis compris compromis concis demis despis
    devis disguis enterpris excis exercis expertis franchis improvis incis merchandis
    otherwis paradis pois pracis precis premis promis rais revis ris superclis supervis
    surmis surpris televis treatis wis nois cruis prais chais fransis mis vis
    """.split()
)
_ISE_SUFFIX = re.compile(r"^(?P<stem>[a-z]{3,})is(?P<end>e|ed|es|ing|ation|ations|er|ers)$")

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2212"})
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)

# A word: letters/digits, optionally joined by hyphens or inner apostrophes. An acronym
# with periods (U.S., U.K., e.g.) is matched first so that its periods stay inside.
_WORD = re.compile(
    r"(?P<dotted>(?:[A-Za-z]\.){2,})|(?P<word>[^\W_]+(?:['’‘ʼ\-‐‑][^\W_]+)*(?:['’]s)?)",
)
_ACRONYM = re.compile(r"^[A-Z]{2,6}s?$")

_stemmer = snowballstemmer.stemmer("english")


_ODD_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000\t]")
# An acronym defined in parentheses after its expansion: `... Force (ISAF)`.
PAREN_ACRONYM = re.compile(r"\((?P<acronym>[A-Z][A-Za-z]{1,9})\)")


def normalize_spaces(text: str) -> str:
    """Turn no-break and other odd spaces into plain ones, and drop characters that show
    nothing (zero-width spaces and joiners, word joiners, soft hyphens): a quote is the
    text as a reader sees it. The text is otherwise kept, so quotes stay verbatim."""
    return _ODD_SPACES.sub(" ", text).translate(_INVISIBLE)


def normalize(text: str) -> str:
    """Unicode-normalise text: NFKC, one kind of apostrophe and dash, no accents or
    zero-width characters. Case is kept (acronyms are recognised by it)."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    text = text.translate(_APOSTROPHES).translate(_DASHES)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _prefixes(prefixes: Iterable[str]) -> re.Pattern[str]:
    """One pattern matching any of these prefixes (longest first), instead of a loop."""
    return re.compile("|".join(map(re.escape, sorted(prefixes, key=len, reverse=True))))


_BRITISH_PREFIX = _prefixes(_BRITISH_STEMS)


def americanize(word: str) -> str:
    """Fold a lower-case British spelling to the American one (`defence` -> `defense`)."""
    british = _BRITISH_PREFIX.match(word)
    if british:
        return _BRITISH_STEMS[british.group()] + word[british.end() :]
    match = _ISE_SUFFIX.match(word)
    if match and match["stem"] not in _ISE_WORDS and (match["stem"] + "is") not in _ISE_WORDS:
        return f"{match['stem']}iz{match['end']}"
    return word


# Words Snowball (or the derivational roots of `term_root`) would join with words of
# another meaning, given a stem of their own: `international` is not `internal`,
# `officers` are not `officials`, `efficacy` is not `efficiency`. Found by auditing the
# corpus vocabulary (tests/retrieval/test_text.py lists every joined class) and from
# Snowball's known over-stemming (policy/police, experience/experiment).
_DISTINCT_STEMS: tuple[tuple[str, str], ...] = (
    ("internation", "internation"),
    ("officer", "officer"),
    ("efficac", "efficac"),
    ("governanc", "governanc"),
    ("police", "police"),
    ("policing", "police"),
    ("experiment", "experiment"),
    ("executive", "executive"),
    ("relativ", "relativ"),
    ("authorit", "authorit"),
    ("communis", "communis"),
    ("generat", "generate"),
    ("conventional", "conventional"),
    ("universit", "universit"),
)


_DISTINCT = dict(_DISTINCT_STEMS)
_DISTINCT_PREFIX = _prefixes(_DISTINCT)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball-stem one lower-case, Americanised word (kept apart where Snowball would
    join it with words of another meaning)."""
    word = americanize(word)
    distinct = _DISTINCT_PREFIX.match(word)
    if distinct:
        return _DISTINCT[distinct.group()]
    stemmed: str = _stemmer.stemWord(word)  # snowballstemmer is untyped
    return stemmed


@dataclass(frozen=True, slots=True)
class Word:
    """One word of a text: its surface form (lower-cased, normalised), where it is, and
    whether it was written as an acronym (`US`, `U.S.`), which exempts it from stop words."""

    surface: str
    start: int
    end: int
    acronym: bool


def words(text: str) -> list[Word]:
    """Split text into words with their character spans in ``text``.

    Each word is normalised on its own (so spans index into ``text`` itself and callers
    can highlight them): possessives are dropped (`NATO’s` -> `nato`) and a dotted
    acronym loses its periods (`U.S.` -> `us`).
    """
    return [
        Word(surface, match.start(), match.end(), acronym)
        for match in _WORD.finditer(text)
        for surface, acronym in (_surface(match.group(), bool(match["dotted"])),)
    ]


@lru_cache(maxsize=200_000)
def _surface(raw: str, dotted: bool) -> tuple[str, bool]:
    """The normalised surface form of one matched word, and whether it is an acronym."""
    if not raw.isascii() or "`" in raw:
        raw = normalize(raw)
    if dotted:
        return raw.replace(".", "").lower(), True
    if raw.lower().endswith("'s"):
        raw = raw[:-2]
    acronym = bool(_ACRONYM.match(raw.replace("'", "")))
    surface = raw.lower()
    if acronym and len(surface) > 2 and raw[-1] == "s":
        surface = surface[:-1]  # "NGOs" -> "ngo"
    return surface, acronym


def word_terms(word: Word) -> list[str]:
    """The index terms of one word: its stem, and for a hyphenated compound each part
    and the closed-up form (`cyber-security` -> `cyber`, `secur`, `cybersecur`)."""
    return list(_terms_of(word.surface, word.acronym))


@lru_cache(maxsize=200_000)
def _terms_of(surface: str, acronym: bool) -> tuple[str, ...]:
    return tuple(_compute_terms(surface, acronym))


def _compute_terms(surface: str, acronym: bool) -> list[str]:
    surface = surface.replace("'", "")
    if not acronym and surface in STOP_WORDS:
        return []
    if "-" not in surface:
        return [stem(surface), *_closed_compound_terms(surface)]
    parts = [p for p in surface.split("-") if p]
    joined = stem("".join(parts))
    if parts and parts[0] in OPAQUE_PREFIXES:
        return [joined]
    terms = [stem(p) for p in parts if p not in STOP_WORDS and p not in _PREFIXES and len(p) > 1]
    if joined not in terms:
        terms.append(joined)
    return terms


def _closed_compound_terms(surface: str) -> list[str]:
    """Terms of a closed-up compound's parts, so `cybersecurity` also matches `cyber` and
    `security`, as `cyber-security` does. Only prefixes that form many compounds qualify,
    and the rest must be a word of its own (6+ letters: `counterparts` is not split)."""
    for prefix in _COMPOUND_PREFIXES:
        rest = surface[len(prefix) :]
        if surface.startswith(prefix) and len(rest) >= 6 and rest.isalpha():
            extra = [stem(rest)]
            if prefix in _MEANINGFUL_PREFIXES:
                extra.append(stem(prefix))
            return extra
    return []


def tokenize(text: str) -> list[str]:
    """The tokenizer shared by index and query: normalised, lower-cased, stop words
    dropped, British spellings folded, compounds split and closed up, Snowball-stemmed."""
    return tokenize_with_surfaces(text)[0]


def tokenize_with_surfaces(text: str) -> tuple[list[str], list[str]]:
    """:func:`tokenize`, and the surface forms of the words read on the way (one pass
    for the index terms and the corpus vocabulary)."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    analysed = [_analysed(dotted or word, bool(dotted)) for dotted, word in _WORD.findall(text)]
    return [term for _, terms in analysed for term in terms], [surface for surface, _ in analysed]


@lru_cache(maxsize=200_000)
def _analysed(raw: str, dotted: bool) -> tuple[str, tuple[str, ...]]:
    surface, acronym = _surface(raw, dotted)
    return surface, _terms_of(surface, acronym)


_DERIVATIONAL = re.compile(r"(?:ical|aci|ic|ist|ism|at|al|i|y)$")


def term_root(term: str) -> str:
    """A coarser key than the stem, shared by derivations the stemmer keeps apart
    (`diplomaci`/`diplomat`, `strategi`/`strateg`, `terror`/`terrorist`)."""
    root = _DERIVATIONAL.sub("", term)
    if len(root) >= 6 and root[-1] == root[-2] and root[-1] not in "aeiou":
        root = root[:-1]  # `deterr(ence)` and `deter`
    return root if len(root) >= 5 else term


def bigrams(terms: list[str]) -> list[str]:
    """Adjacent term pairs, as single tokens, so that phrases score above scattered words.
    A pair is unordered: `sharing intelligence` matches `intelligence sharing`."""
    return [a + "_" + b if a < b else b + "_" + a for a, b in itertools.pairwise(terms) if a != b]


# Abbreviations after which a period does not end a sentence.
_ABBREVIATIONS: frozenset[str] = frozenset(
    "e.g i.e etc vs cf al approx mr mrs ms dr prof st no gen col lt capt sgt jr sr inc ltd co".split()
)
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+)")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split a paragraph into sentences, returned as ``(start, end)`` spans of ``text``.

    A line break always ends a sentence (bullet lists are joined into paragraphs with
    one). A period after an abbreviation (`e.g.`, `etc.`) or a dotted acronym (`U.S.`,
    `U.K.`) does not, and neither does one followed by a lower-case word.
    """
    spans: list[tuple[int, int]] = []
    line_start = 0
    for line in text.split("\n"):
        line_end = line_start + len(line)
        start = line_start
        for match in _SENTENCE_END.finditer(line):
            end = line_start + match.end()
            if not _is_sentence_end(line, match.start(), match.end()):
                continue
            _append_span(text, spans, start, end)
            start = end
        _append_span(text, spans, start, line_end)
        line_start = line_end + 1
    return spans


_TOKEN_BEFORE = re.compile(r"([A-Za-z.]+)$")
_DOTTED_TOKEN = re.compile(r"(?:[a-z]\.)+[a-z]")


def _is_sentence_end(line: str, punct_start: int, punct_end: int) -> bool:
    if line[punct_start] == ".":
        before = _TOKEN_BEFORE.search(line, max(0, punct_start - 24), punct_start)
        token = before.group(1).lower() if before else ""
        if token.rstrip(".") in _ABBREVIATIONS:
            return False
        if _DOTTED_TOKEN.fullmatch(token):  # U.S. / U.K. / e.g.
            return False
    following = line[punct_end:].lstrip()
    return not (following and following[0].islower())


def _append_span(text: str, spans: list[tuple[int, int]], start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def slugify(text: str) -> str:
    """A lower-case ASCII slug, transliterated (`The Role of Military Attachés` ->
    `the-role-of-military-attaches`, `Арктика` -> `arktika`, `太平洋` -> `taipingyang`)."""
    from anyascii import anyascii  # imported on first use: most names are ASCII already

    ascii_text = (text if text.isascii() else anyascii(normalize(text))).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return slug or "untitled"
