"""Fit the abstention classifier on the development sets, cross-validated: the
answerable questions against the off-topic queries (part of ``python3 -m retrieval.train``).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.abstention import DECISION, SIGNALS
from retrieval.library import Library
from retrieval.linear import FOLDS, L2_GRID, LinearModel, fit_classifier, folds
from retrieval.reading import named_in

# The classifier has fewer examples of one class (off-topic queries) than the ranker has
# questions: its grid reaches stronger regularisation.
CLASSIFIER_L2_GRID = (0.01, 0.1, 0.3, 1.0, 3.0)


@dataclass(frozen=True, slots=True)
class Queries:
    """The abstention classifier's examples: each query's signals, whether it is
    answerable (1) or off-topic (0), its set's class, and whether a partial query's
    missing words would all be named as not found."""

    texts: tuple[str, ...]
    rows: np.ndarray
    labels: np.ndarray
    classes: tuple[str, ...]  # answerable, off or partial
    names_missing: tuple[bool, ...]


def abstention_examples(library: Library, eval_dir: Path) -> Queries:
    """Answerable questions of the development sets, and the off-topic and partial
    queries of ``offtopic-dev-v2.json``, with their signals."""
    examples: list[tuple[str, str, tuple[str, ...]]] = [  # text, class, missing words
        (item["question"], "answerable", ())
        for item in json.loads((eval_dir / "answers-graded-dev.json").read_text(encoding="utf-8"))
    ]
    for name in ("dev.json", "answers-dev.json"):
        for item in json.loads((eval_dir / name).read_text(encoding="utf-8")):
            cls = "off" if item.get("kind") == "none" else "answerable"
            examples.append((item.get("query") or item["question"], cls, ()))
    for item in json.loads((eval_dir / "offtopic-dev-v2.json").read_text(encoding="utf-8")):
        examples.append((item["query"], item["class"], tuple(item.get("missing", ()))))
    rows, named = [], []
    for text, _, words in examples:
        result = library.search(text, abstain=False)
        rows.append(library.evidence(result.query, result.vector).signals())
        # What a briefing's notes would say is missing: unknown words and absent names.
        said = " ".join((*result.query.unknown, *result.query.absent_names))
        named.append(len(named_in(words, said)) == len(words))
    classes = tuple(cls for _, cls, _ in examples)
    labels = np.asarray([cls == "answerable" for cls in classes], dtype=float)
    texts = tuple(text for text, _, _ in examples)
    return Queries(texts, np.vstack(rows), labels, classes, tuple(named))


def _classifier(examples: Queries, keep: np.ndarray, l2: float) -> LinearModel:
    fit = [i for i in keep if examples.classes[i] != "partial"]
    return fit_classifier(SIGNALS, examples.rows[fit], examples.labels[fit], l2)


def _decisions(examples: Queries, l2: float, k: int, seed: int = 0) -> np.ndarray:
    """Cross-validated answer/abstain decisions for every example."""
    answered = np.zeros(len(examples.texts), dtype=bool)
    everything = np.arange(len(examples.texts))
    for test in folds(len(examples.texts), k, seed):
        model = _classifier(examples, np.setdiff1d(everything, test), l2)
        answered[test] = model.probability(examples.rows[test]) >= DECISION
    return answered


def abstention_figures(examples: Queries, answered: np.ndarray) -> dict[str, Any]:
    """Off-topic queries abstained, partial ones acceptable, answerable ones refused."""

    def share(cls: str, ok: Any) -> float:
        group = [i for i, c in enumerate(examples.classes) if c == cls]
        return round(sum(bool(ok(i)) for i in group) / max(len(group), 1), 4)

    return {
        "off_abstained": share("off", lambda i: not answered[i]),
        "partial_acceptable": share(
            "partial", lambda i: not answered[i] or examples.names_missing[i]
        ),
        "answerable_refused": int(
            sum(answered[i] == 0 for i, c in enumerate(examples.classes) if c == "answerable")
        ),
        "refused_queries": [
            examples.texts[i]
            for i, c in enumerate(examples.classes)
            if c == "answerable" and not answered[i]
        ],
        "answered_off": [
            examples.texts[i] for i, c in enumerate(examples.classes) if c == "off" and answered[i]
        ],
    }


def _balanced_errors(examples: Queries, answered: np.ndarray) -> float:
    figures_ = abstention_figures(examples, answered)
    answerable = sum(c == "answerable" for c in examples.classes)
    return float((1 - figures_["off_abstained"]) + figures_["answerable_refused"] / answerable)


def train_abstention(examples: Queries) -> tuple[LinearModel, dict[str, Any]]:
    """Nested cross-validation of the classifier, then the model fitted on everything."""
    answered = np.zeros(len(examples.texts), dtype=bool)
    everything = np.arange(len(examples.texts))
    l2s = []
    for test in folds(len(examples.texts), FOLDS):
        train_ids = np.setdiff1d(everything, test)
        inner = _subset(examples, train_ids)
        l2 = min(
            CLASSIFIER_L2_GRID,
            key=lambda v: _balanced_errors(inner, _decisions(inner, v, FOLDS - 1, 1)),
        )
        l2s.append(l2)
        answered[test] = (
            _classifier(examples, train_ids, l2).probability(examples.rows[test]) >= DECISION
        )
    report = {**abstention_figures(examples, answered), "l2_per_fold": l2s}
    final = min(
        L2_GRID, key=lambda v: _balanced_errors(examples, _decisions(examples, v, FOLDS, 1))
    )
    return _classifier(examples, everything, final), report


def _subset(examples: Queries, ids: np.ndarray) -> Queries:
    return Queries(
        tuple(examples.texts[i] for i in ids),
        examples.rows[ids],
        examples.labels[ids],
        tuple(examples.classes[i] for i in ids),
        tuple(examples.names_missing[i] for i in ids),
    )


def print_abstention(name: str, report: dict[str, Any], out: Any = sys.stdout) -> None:
    """The classifier's cross-validated figures."""
    print(
        f"{name} abstention, {FOLDS}-fold cross-validated (L2 per fold {report['l2_per_fold']}):"
        f" off abstained {report['off_abstained']:.2f}, partial acceptable"
        f" {report['partial_acceptable']:.2f}, answerable refused {report['answerable_refused']}",
        file=out,
    )
    for text in report["refused_queries"]:
        print(f"  refused: {text}", file=out)
    for text in report["answered_off"]:
        print(f"  answered off-topic: {text}", file=out)
