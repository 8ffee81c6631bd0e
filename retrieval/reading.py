"""What a reader sees, measured: answer sets (the sentences that answer a question) and
off-topic sets (queries the corpus cannot answer), in the formats of
``../shared/eval/README.md``. Section rankings are measured in :mod:`retrieval.evaluation`.

An excerpt answers when its first eight words are a gold sentence's first eight words
(an excerpt cut at a clause still matches its sentence).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retrieval.briefing import Briefing
from retrieval.text import normalize

MATCH_WORDS = 8
Briefer = Callable[[str], Briefing]


@dataclass(frozen=True, slots=True)
class AnswerItem:
    """A question, the sentences that answer it (``gold``; grade 2 in a graded set) and
    those that partly answer it (``partial``; grade 1)."""

    id: str
    kind: str
    question: str
    gold: tuple[str, ...]
    partial: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class OffTopicItem:
    """A query the corpus does not cover (`off`), or covers around a missing subject
    (`partial`: the words in ``missing`` are what it lacks)."""

    id: str
    cls: str
    query: str
    missing: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AnswerResult:
    """Where (1-based) the first answering excerpt came, if any, and the first useful
    one (answering or partly); refused = no excerpts."""

    item: AnswerItem
    rank: int | None
    refused: bool
    excerpts: tuple[str, ...]
    useful_rank: int | None = None


@dataclass(frozen=True, slots=True)
class OffTopicResult:
    """Whether a query abstained, and which missing words the notes named."""

    item: OffTopicItem
    abstained: bool
    named: tuple[str, ...]

    @property
    def acceptable(self) -> bool:
        """`off`: abstained. `partial`: abstained, or every missing word named."""
        if self.abstained:
            return True
        return self.item.cls == "partial" and set(self.item.missing) <= set(self.named)


def eval_format(data: Any) -> str:
    """Which kind of evaluation file this is: `qrels`, `answers` or `offtopic`."""
    first = data[0] if isinstance(data, list) and data and isinstance(data[0], dict) else {}
    if "gold" in first or "answers" in first:
        return "answers"
    if "class" in first:
        return "offtopic"
    if "relevant" in first:
        return "qrels"
    raise ValueError("not a qrels, answer or off-topic set (see ../shared/eval/README.md)")


def load_answers(path: Path | str) -> list[AnswerItem]:
    """Read an answer set: single-paragraph gold (``gold``), or graded (``answers``, each
    sentence graded 2 for an answer and 1 for a partial one)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return [_answer_item(item) for item in data]


def _answer_item(item: dict[str, Any]) -> AnswerItem:
    kind = item.get("kind", "all")
    if "gold" in item:
        return AnswerItem(item["id"], kind, item["question"], tuple(item["gold"]))
    graded = [(int(a["grade"]), str(a["text"])) for a in item["answers"]]
    if any(grade not in (1, 2) for grade, _ in graded):
        raise ValueError(f"{item['id']}: a grade must be 1 or 2")
    gold = tuple(text for grade, text in graded if grade == 2)
    partial = tuple(text for grade, text in graded if grade == 1)
    return AnswerItem(item["id"], kind, item["question"], gold, partial)


def load_offtopic(path: Path | str) -> list[OffTopicItem]:
    """Read an off-topic set."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return [
        OffTopicItem(item["id"], item["class"], item["query"], tuple(item.get("missing", ())))
        for item in data
    ]


def opening(text: str) -> tuple[str, ...]:
    """The first words of a text, normalised, for matching an excerpt to a sentence."""
    return tuple(re.findall(r"\w+", normalize(text).lower()))[:MATCH_WORDS]


def answer_rank(excerpts: Sequence[str], gold: Sequence[str]) -> int | None:
    """The 1-based rank of the first excerpt that is a gold sentence, or None."""
    wanted = {opening(sentence) for sentence in gold}
    return next((n for n, text in enumerate(excerpts, 1) if opening(text) in wanted), None)


def evaluate_answers(items: Sequence[AnswerItem], brief: Briefer) -> list[AnswerResult]:
    """Ask every question and find where its answer came."""
    results = []
    for item in items:
        briefing = brief(item.question)
        texts = tuple(excerpt.text for excerpt in briefing.excerpts)
        useful = answer_rank(texts, item.gold + item.partial)
        results.append(AnswerResult(item, answer_rank(texts, item.gold), not texts, texts, useful))
    return results


def evaluate_offtopic(items: Sequence[OffTopicItem], brief: Briefer) -> list[OffTopicResult]:
    """Run every off-topic query: did it abstain, and which missing words were named?"""
    results = []
    for item in items:
        briefing = brief(item.query)
        named = named_in(item.missing, " ".join(briefing.notes))
        results.append(OffTopicResult(item, not briefing.found, named))
    return results


def named_in(words: Sequence[str], text: str) -> tuple[str, ...]:
    """The words (or phrases) that a text names, as whole words, whatever their case."""
    lowered = text.lower()
    return tuple(w for w in words if re.search(rf"\b{re.escape(w.lower())}\b", lowered))


def answer_summary(results: Sequence[AnswerResult]) -> dict[str, dict[str, float | int]]:
    """answer@1, useful@1, answer@3, answer@any and refusals, per kind and for `all`."""
    groups: dict[str, list[AnswerResult]] = {}
    for result in results:
        groups.setdefault(result.item.kind, []).append(result)
    groups = {kind: groups[kind] for kind in sorted(groups)}
    groups["all"] = list(results)
    return {kind: _answer_row(group) for kind, group in groups.items()}


def _answer_row(group: Sequence[AnswerResult]) -> dict[str, float | int]:
    def share(limit: int) -> float:
        hits = sum(r.rank is not None and r.rank <= limit for r in group)
        return round(hits / len(group), 4) if group else 0.0

    useful = sum(r.useful_rank == 1 for r in group)
    return {
        "count": len(group),
        "answer@1": share(1),
        "useful@1": round(useful / len(group), 4) if group else 0.0,
        "answer@3": share(3),
        "answer@any": share(10**6),
        "refused": sum(r.refused for r in group),
    }


def offtopic_summary(results: Sequence[OffTopicResult]) -> dict[str, dict[str, float | int]]:
    """Per class: how many, the share that abstained, and the share acceptable (for
    `partial`: abstained or named every missing word)."""
    summary: dict[str, dict[str, float | int]] = {}
    for cls in sorted({r.item.cls for r in results}):
        group = [r for r in results if r.item.cls == cls]
        summary[cls] = {
            "count": len(group),
            "abstained": round(sum(r.abstained for r in group) / len(group), 4),
            "acceptable": round(sum(r.acceptable for r in group) / len(group), 4),
        }
    return summary
