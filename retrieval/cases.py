"""The case catalogue: concrete, named examples the articles present as cases.

Extraction is rule-based and general:
- in every section whose heading names case studies, each paragraph that introduces a
  named example is one case (a following section headed with that case's own name, such
  as `The U.S.-India Defense Cooperation in Multilateral Forums`, belongs to it);
- elsewhere, a sentence that introduces a named example with "for example", "for
  instance", "exemplify" or "a prime example" is an example (listed after the cases).
Cases naming the same thing (NATO in many articles) are one case with several sources.
An optional curated file (`cases.toml` in the corpus folder) renames, merges, adds
aliases to, or hides cases; it is the exception, not the engine.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from retrieval.corpus import read_toml
from retrieval.model import CorpusError, Section
from retrieval.settings_files import entries
from retrieval.text import PAREN_ACRONYM, normalize, split_sentences

CASES_FILE = "cases.toml"
# A case is offered as "closest" to a name that matched none when it shares a word with
# it (its words' starts) or this share of its letters in order.
CLOSE_ENOUGH = 0.5
CASE_STUDY = "case study"
EXAMPLE = "example"

_CASE_HEADING = re.compile(r"\bcase stud(?:y|ies)\b", re.IGNORECASE)
_EXAMPLE_MARKER = re.compile(
    r"\b(?:for example|for instance|exemplif(?:y|ies|ied|ying)|a prime example)\b", re.IGNORECASE
)
# Sentences that sum the cases up rather than introduce one.
_SUMMARY_START = re.compile(r"^(?:these|such|several|this|they|those)\b", re.IGNORECASE)
_LEAD_IN = re.compile(
    r"^(?:(?:for example|for instance|additionally|moreover|furthermore|similarly|also|"
    r"finally|in addition|likewise|notably),?\s+)+",
    re.IGNORECASE,
)
# "One notable example is the X, which ..." / "Another significant case is X ..."
_IS_THE = re.compile(
    r"\b(?:example|case|instance|illustration)s?\s+(?:is|was|are|were)\s+(?:the\s+)?(?P<name>.+)",
    re.IGNORECASE,
)
_EXEMPLIFIED_BY = re.compile(r"\bexemplified by\s+(?:the\s+)?(?P<name>.+)", re.IGNORECASE)
_NAME_END = re.compile(
    r"(?:,|;|:|\s+(?:which|where|that|who|whose|while|when|because|and thereby)\b|"
    r"\s+(?:also\s+)?(?:is|are|was|were|has|have|had|involved|involves|demonstrates?|"
    r"illustrates?|exemplif(?:y|ies)|highlights?|shows?|stands?|serves?|provides?|promotes?|"
    r"aims?|aimed|helped|helps|remains?|became|led|leads|culminating|engaged|deploy|deploys|"
    r"create|creates|offers?|enables?|underscores?|reflects?|may|can|will|would)\b)",
    re.IGNORECASE,
)
_PROPER = re.compile(r"\b(?:[A-Z]{2,}|[A-Z]\.(?:[A-Z]\.)+|[A-Z][a-z]+(?:-[A-Z][a-z]+)*)\b")
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
# Generic words after an entity that do not make it a different thing: the NATO alliance
# is NATO.
_GENERIC_TAIL = frozenset("alliance organization organisation treaty pact".split())


@dataclass(frozen=True, slots=True)
class CaseSource:
    """Where a case is told: the sentence introducing it, quoted exactly, and the
    sentences around it that support it."""

    section_id: str
    intro: str
    supporting: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Case:
    """A named case study or example, with every place the corpus tells it."""

    key: str
    name: str
    kind: str
    aliases: tuple[str, ...]
    sources: tuple[CaseSource, ...]


@dataclass(frozen=True, slots=True)
class Curation:
    """The curated file: renames, merges, extra aliases and hidden cases, by case key
    or name (case-insensitive)."""

    renames: Mapping[str, str] = field(default_factory=dict)
    merges: Mapping[str, str] = field(default_factory=dict)
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    hidden: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class CaseMatch:
    """A look-up result: the case found, or the closest cases when none matched."""

    case: Case | None
    suggestions: tuple[Case, ...] = ()


def read_curation(directory: Path) -> Curation:
    """Read `cases.toml` of a corpus folder; none is fine."""
    path = directory / CASES_FILE
    data = read_toml(path)
    if data is None:
        return Curation()
    renames: dict[str, str] = {}
    merges: dict[str, str] = {}
    aliases: dict[str, tuple[str, ...]] = {}
    hidden: set[str] = set()
    for number, entry in enumerate(entries(path, data, "case"), start=1):
        match = entry["match"].strip()
        if not match:
            raise CorpusError(f"{path}: [[case]] #{number}, key `match`: is empty")
        key = _norm(match)
        if entry.get("hide"):
            hidden.add(key)
        if entry.get("name"):
            renames[key] = entry["name"]
        if entry.get("merge_into"):
            merges[key] = _norm(entry["merge_into"])
        if entry.get("aliases"):
            aliases[key] = tuple(entry["aliases"])
    return Curation(renames, merges, aliases, frozenset(hidden))


@lru_cache(maxsize=100_000)
def _norm(text: str) -> str:
    text = normalize(text).lower().replace("’", "'")
    text = re.sub(r"\b([a-z])\.(?=[a-z]\.)", r"\1", text).replace(".", "")
    text = re.sub(r"'s\b", "", text)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def _has_proper_noun(text: str) -> bool:
    words = text.split()
    return any(_PROPER.fullmatch(w.strip(",.;:()’'s")) for w in words[1:]) or bool(
        words and re.match(r"^(?:[A-Z]{2,}|[A-Z]\.[A-Z])", words[0])
    )


def example_name(sentence: str, *, in_case_section: bool) -> str | None:
    """The name of the example a sentence introduces, or None when it names none."""
    if in_case_section and _SUMMARY_START.match(sentence):
        return None
    match = _IS_THE.search(sentence) or _EXEMPLIFIED_BY.search(sentence)
    if match:
        candidate = match["name"]
    else:
        candidate = _LEAD_IN.sub("", sentence)
        candidate = re.sub(r",\s*for (?:example|instance),?", "", candidate, flags=re.IGNORECASE)
        candidate = re.sub(r"^alliances like\s+", "", candidate, flags=re.IGNORECASE)
    candidate = _cut_name(candidate)
    if not in_case_section:
        such_as = re.search(r"\bsuch as (?:the )?(.+)", candidate, re.IGNORECASE)
        if such_as:
            candidate = such_as.group(1)
    candidate = _LEADING_ARTICLE.sub("", candidate.strip()).rstrip(".")
    if candidate and in_case_section and not _has_proper_noun(candidate):
        # "the role of diplomacy in X, where countries like the US and France …": the
        # parties it names make the case concrete.
        parties = re.search(r"\b(?:like|such as|between|including)\s+(?:the\s+)?(.+)", sentence)
        named = _cut_name(parties.group(1)) if parties else ""
        if named and _PROPER.match(named):
            candidate = f"{candidate} ({named})"
    if not candidate or len(candidate.split()) > 14 or not _has_proper_noun(candidate):
        return None
    return candidate[0].upper() + candidate[1:]


def _cut_name(text: str) -> str:
    # Keep a parenthesised acronym with its name: "Force (ISAF) in Afghanistan".
    end = _NAME_END.search(text)
    name = text[: end.start()] if end else text
    return name.strip()


@dataclass
class _Draft:
    key: str
    name: str
    kind: str
    sources: list[CaseSource]
    aliases: list[str]


def case_key(name: str, acronyms: Mapping[str, str]) -> str:
    """What identifies a case across articles: its acronym when it has one (`JCPOA`),
    the entity it is about when the rest is generic (`NATO alliance` -> `nato`), else its
    normalised name."""
    paren = PAREN_ACRONYM.search(name)
    if paren:
        return paren["acronym"].lower()
    normalized = _norm(name)
    words = normalized.split()
    first = re.sub(r"’s$|'s$", "", name.split()[0]) if name.split() else ""
    is_entity = bool(re.fullmatch(r"[A-Z]{2,}", first))
    if is_entity and (len(words) == 1 or name.split()[0].endswith(("’s", "'s"))):
        return words[0]
    if is_entity and len(words) == 2 and words[1] in _GENERIC_TAIL:
        return words[0]
    expansions = {_norm(long): short.lower() for short, long in acronyms.items()}
    return expansions.get(normalized, normalized)


def _aliases(name: str, key: str, acronyms: Mapping[str, str]) -> list[str]:
    found = [name]
    bare = " ".join(PAREN_ACRONYM.sub("", name).split())
    if bare != name:
        found.append(bare)
    paren = PAREN_ACRONYM.search(name)
    if paren:
        found.append(paren["acronym"])
    upper = {short.lower(): (short, long) for short, long in acronyms.items()}
    if key in upper:
        short, long = upper[key]
        found.extend([short, long])
    if "U.S." in name or "U.K." in name:
        found.append(name.replace("U.S.", "US").replace("U.K.", "UK"))
    return list(dict.fromkeys(found))


def extract_cases(
    sections: Sequence[Section],
    acronyms: Mapping[str, str],
    curation: Curation | None = None,
) -> tuple[Case, ...]:
    """The case catalogue of a corpus: case studies first (in corpus order), then
    examples; one case per thing named, with all its sources."""
    book = _CaseBook(acronyms, curation or Curation())
    by_article: dict[str, list[Section]] = {}
    for section in sections:
        by_article.setdefault(section.article, []).append(section)
    for article_sections in by_article.values():
        for index, section in enumerate(article_sections):
            if _CASE_HEADING.search(section.heading):
                told = _case_study_rule(book, section)
                _attach_followers(told, article_sections[index + 1 :])
    for section in sections:
        if not _CASE_HEADING.search(section.heading):
            _example_rule(book, section)
    return book.finish()


class _CaseBook:
    """The cases found so far, keyed by what they name (curation's merges applied)."""

    def __init__(self, acronyms: Mapping[str, str], curation: Curation) -> None:
        self.acronyms = acronyms
        self.curation = curation
        self.drafts: dict[str, _Draft] = {}  # in the order first found

    def add(self, name: str, kind: str, source: CaseSource) -> _Draft:
        """Record a case (or one more source of a case already found)."""
        key = case_key(name, self.acronyms)
        merges = self.curation.merges
        key = merges.get(key, merges.get(_norm(name), key))
        draft = self.drafts.get(key)
        if draft is None:
            draft = self.drafts[key] = _Draft(key, name, kind, [], [])
        elif kind == CASE_STUDY and draft.kind == EXAMPLE:
            draft.kind, draft.name = CASE_STUDY, name
        if all(s.section_id != source.section_id or s.intro != source.intro for s in draft.sources):
            draft.sources.append(source)
        new_aliases = _aliases(name, key, self.acronyms)
        draft.aliases.extend(a for a in new_aliases if a not in draft.aliases)
        return draft

    def finish(self) -> tuple[Case, ...]:
        """The curated cases: case studies first, then examples."""
        return _finish(self.drafts, self.curation)


def _case_study_rule(book: _CaseBook, section: Section) -> list[_Draft]:
    """Rule 1: in a case-study section, each paragraph whose first sentences name an
    example is one case study; the paragraph's other sentences support it."""
    told: list[_Draft] = []
    for paragraph in section.paragraphs:
        sentences = _sentences(paragraph)
        for position, sentence in enumerate(sentences[:2]):
            name = example_name(sentence, in_case_section=True)
            if name:
                supporting = tuple(sentences[position + 1 :] + sentences[:position])
                told.append(
                    book.add(name, CASE_STUDY, CaseSource(section.id, sentence, supporting))
                )
                break
    return told


def _attach_followers(told: Sequence[_Draft], followers: Sequence[Section]) -> None:
    """Sections right after a case-study section, headed with one of its cases' names,
    tell that case further: their first paragraph becomes one more source."""
    for follower in followers:
        draft = _owner(follower, told)
        if draft is None:
            return
        sentences = _sentences(follower.paragraphs[0]) if follower.paragraphs else []
        if sentences:
            draft.sources.append(CaseSource(follower.id, sentences[0], tuple(sentences[1:3])))


def _example_rule(book: _CaseBook, section: Section) -> None:
    """Rule 2: elsewhere, a sentence introducing a named example ("for example", "for
    instance", "exemplify", "a prime example") is an example; the next two support it."""
    for paragraph in section.paragraphs:
        if not _EXAMPLE_MARKER.search(paragraph):
            continue  # most paragraphs give no example: skip splitting them
        sentences = _sentences(paragraph)
        for position, sentence in enumerate(sentences):
            if not _EXAMPLE_MARKER.search(sentence):
                continue
            name = example_name(sentence, in_case_section=False)
            if name:
                supporting = tuple(sentences[position + 1 : position + 3])
                book.add(name, EXAMPLE, CaseSource(section.id, sentence, supporting))


def _owner(section: Section, told: Sequence[_Draft]) -> _Draft | None:
    heading = set(_norm(_LEADING_ARTICLE.sub("", section.heading)).split())
    for draft in told:
        for label in (draft.name, *draft.aliases):
            name = set(_norm(label).split())
            if heading and len(heading & name) / len(heading | name) >= 0.6:
                return draft
    return None


def _sentences(paragraph: str) -> list[str]:
    return [paragraph[a:b] for a, b in split_sentences(paragraph)]


def _finish(drafts: Mapping[str, _Draft], curation: Curation) -> tuple[Case, ...]:
    cases: list[Case] = []
    for key, draft in drafts.items():
        names = {key, _norm(draft.name)}
        if names & curation.hidden:
            continue
        name = next(
            (curation.renames[n] for n in (key, _norm(draft.name)) if n in curation.renames),
            draft.name,
        )
        extra = next(
            (curation.aliases[n] for n in (key, _norm(draft.name)) if n in curation.aliases), ()
        )
        aliases = tuple(
            dict.fromkeys(a for a in [*draft.aliases, *extra] if _norm(a) != _norm(name))
        )
        cases.append(Case(key, name, draft.kind, aliases, tuple(draft.sources)))
    cases.sort(key=lambda c: c.kind != CASE_STUDY)  # stable: case studies, then examples
    return tuple(cases)


class CaseCatalogue:
    """The cases of a corpus, with look-up by name, alias or a fuzzy match."""

    def __init__(self, cases: Iterable[Case]) -> None:
        self.cases: tuple[Case, ...] = tuple(cases)
        self._names: dict[str, Case] = {}
        for case in self.cases:
            for label in (case.name, *case.aliases, case.key):
                self._names.setdefault(_norm(label), case)

    def __len__(self) -> int:
        return len(self.cases)

    def labels(self) -> list[str]:
        """Every name and alias, names first (for autocomplete)."""
        names = [case.name for case in self.cases]
        aliases = [alias for case in self.cases for alias in case.aliases]
        return list(dict.fromkeys([*names, *aliases]))

    def find(self, text: str) -> CaseMatch:
        """The case named ``text`` (exact, alias, or fuzzy), or the closest suggestions."""
        query = _norm(text)
        if not query:
            return CaseMatch(None, self.cases[:3])
        exact = self._names.get(query)
        if exact:
            return CaseMatch(exact)
        words = query.split()
        scored: list[tuple[float, int, Case]] = []
        for label, case in self._names.items():
            label_words = label.split()
            covered = sum(any(lw.startswith(w) for lw in label_words) for w in words) / len(words)
            ratio = difflib.SequenceMatcher(None, query, label).ratio()
            scored.append((max(covered, ratio), -len(label), case))
        scored.sort(key=lambda item: (-item[0], -item[1]))
        if scored and scored[0][0] >= 0.8:
            return CaseMatch(scored[0][2])
        # "Closest" only when close: a name sharing a word, or most of its letters.
        close = [case for score, _, case in scored if score >= CLOSE_ENOUGH]
        return CaseMatch(None, tuple(dict.fromkeys(close))[:3])
