"""Graded-relevance evaluation of search: nDCG@5, Recall@5, MRR, P@1 and abstention.

Sections are matched by ``(source_file, heading)``, so qrels stay valid whatever ids the
index uses. The plain-BM25 baseline is defined here too, so every report can show it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rank_bm25 import BM25Okapi

from retrieval.index import hits_from_scores
from retrieval.library import Library

CUTOFF = 5

SectionKey = tuple[str, str]  # (source_file, heading)
Ranker = Callable[[str], list[SectionKey]]


@dataclass(frozen=True, slots=True)
class Judged:
    """One query of a qrels file: its text, kind and graded relevant sections."""

    id: str
    query: str
    kind: str
    grades: dict[SectionKey, int]


@dataclass(frozen=True, slots=True)
class QueryResult:
    """The metrics of one query and what was ranked for it."""

    judged: Judged
    ranked: tuple[SectionKey, ...]
    ndcg: float
    recall: float
    mrr: float
    p_at_1: float

    @property
    def abstained(self) -> bool:
        """True when the search returned nothing."""
        return not self.ranked


@dataclass(frozen=True, slots=True)
class Summary:
    """Mean metrics over a group of queries (answerable ones only for the ranking
    metrics), and the abstention rate over the unanswerable ones."""

    count: int
    ndcg: float
    recall: float
    mrr: float
    p_at_1: float
    abstain_rate: float | None
    empty_answerable: int

    def as_dict(self) -> dict[str, float | int | None]:
        """The summary as plain JSON-ready numbers."""
        return {
            "count": self.count,
            "ndcg@5": round(self.ndcg, 4),
            "recall@5": round(self.recall, 4),
            "mrr": round(self.mrr, 4),
            "p@1": round(self.p_at_1, 4),
            "abstain_rate": None if self.abstain_rate is None else round(self.abstain_rate, 4),
            "empty_answerable": self.empty_answerable,
        }


GRADES = (0, 1, 2)


def load_qrels(path: Path | str) -> list[Judged]:
    """Read a qrels JSON file (a list of {id, query, kind, relevant: [{file, heading, grade}]}).
    A grade other than 0, 1 or 2 is a ValueError naming the query."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return [
        Judged(
            id=item["id"],
            query=item["query"],
            kind=item.get("kind", "all"),
            grades={(r["file"], r["heading"]): _grade(item, r) for r in item.get("relevant", [])},
        )
        for item in data
    ]


def _grade(item: dict[str, object], relevant: dict[str, object]) -> int:
    grade = relevant["grade"]
    if isinstance(grade, bool) or grade not in GRADES:
        raise ValueError(f"{item['id']}: grade {grade!r} is not 0, 1 or 2")
    return int(grade)


def dcg(gains: Sequence[float]) -> float:
    """Discounted cumulative gain of gains in rank order."""
    return sum(g / math.log2(rank + 2) for rank, g in enumerate(gains))


def score_query(judged: Judged, ranked: Sequence[SectionKey]) -> QueryResult:
    """The metrics of one ranking against its judgements."""
    top = list(ranked[:CUTOFF])
    gains = [2 ** judged.grades.get(key, 0) - 1 for key in top]
    ideal = sorted((2**g - 1 for g in judged.grades.values()), reverse=True)[:CUTOFF]
    ndcg = dcg(gains) / dcg(ideal) if ideal else 0.0
    highly = {key for key, grade in judged.grades.items() if grade >= 2}
    recall = len(highly & set(top)) / len(highly) if highly else 0.0
    mrr = next((1 / (rank + 1) for rank, key in enumerate(ranked) if key in highly), 0.0)
    p_at_1 = float(bool(top) and judged.grades.get(top[0], 0) >= 1)
    return QueryResult(judged, tuple(top), ndcg, recall, mrr, p_at_1)


def summarize(results: Sequence[QueryResult]) -> Summary:
    """Mean metrics of answerable queries and the abstention rate of the others."""
    answerable = [r for r in results if r.judged.grades]
    unanswerable = [r for r in results if not r.judged.grades]

    def mean(values: list[float]) -> float:
        return sum(values) / len(values) if values else 0.0

    return Summary(
        count=len(results),
        ndcg=mean([r.ndcg for r in answerable]),
        recall=mean([r.recall for r in answerable]),
        mrr=mean([r.mrr for r in answerable]),
        p_at_1=mean([r.p_at_1 for r in answerable]),
        abstain_rate=mean([float(r.abstained) for r in unanswerable]) if unanswerable else None,
        empty_answerable=sum(r.abstained for r in answerable),
    )


def evaluate(qrels: Sequence[Judged], ranker: Ranker) -> list[QueryResult]:
    """Run every judged query through a ranker and score it."""
    return [score_query(judged, ranker(judged.query)) for judged in qrels]


def library_ranker(library: Library) -> Ranker:
    """Our search, as a ranker of (source_file, heading) keys."""

    def rank(text: str) -> list[SectionKey]:
        result = library.search(text, top_k=CUTOFF)
        return [_key(library, hit.section_id) for hit in result.hits]

    return rank


def baseline_ranker(library: Library) -> Ranker:
    """Plain BM25: rank-bm25 ``BM25Okapi`` with default parameters over lower-cased
    whitespace tokens of heading + body; a query ranks every section with a score > 0."""
    sections = list(library.sections.values())
    model = BM25Okapi([_plain_tokens(f"{s.heading}\n{s.text}") for s in sections])
    ids = [s.id for s in sections]

    def rank(text: str) -> list[SectionKey]:
        scores = np.asarray(model.get_scores(_plain_tokens(text)))
        return [_key(library, hit.section_id) for hit in hits_from_scores(ids, scores, CUTOFF)]

    return rank


def _plain_tokens(text: str) -> list[str]:
    return [token for token in re.split(r"\s+", text.lower()) if token]


def _key(library: Library, section_id: str) -> SectionKey:
    section = library.sections[section_id]
    return (library.article_of(section).source_file, section.heading)


def by_kind(results: Sequence[QueryResult]) -> dict[str, Summary]:
    """Summaries per query kind, plus ``all``."""
    kinds: dict[str, list[QueryResult]] = {}
    for result in results:
        kinds.setdefault(result.judged.kind, []).append(result)
    summary = {kind: summarize(group) for kind, group in sorted(kinds.items())}
    summary["all"] = summarize(results)
    return summary


def worst(results: Sequence[QueryResult], n: int = 5) -> list[QueryResult]:
    """The answerable queries with the lowest nDCG@5 (and unanswerable ones not abstained)."""
    failing = [r for r in results if not r.judged.grades and not r.abstained]
    answerable = sorted(
        (r for r in results if r.judged.grades), key=lambda r: (r.ndcg, r.judged.id)
    )
    return (failing + answerable)[:n]
