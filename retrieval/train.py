"""Fit the sentence rankers (and the abstention classifier) on the development sets,
with k-fold cross-validation printed: ``python3 -m retrieval.train``.

The ranker's candidates and features come from the real pipeline (search, then
:func:`retrieval.excerpts.candidate_table`) on the bundled corpus; a candidate's gain is
its grade in ``answers-graded-dev.json`` (matched by its first eight words, as the
evaluation matches excerpts). The regularisation strength is chosen inside each training
fold (nested cross-validation), so the figures printed are measured on questions the
weights never saw. The final weights are fitted on every question and written to
``retrieval/data/sentence-ranker.json`` with the cross-validated figures beside them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.abstention import ABSTENTION_FILE, DECISION, SIGNALS
from retrieval.briefing import CANDIDATE_SECTIONS
from retrieval.excerpts import RANKER_FILE, Candidate, candidate_table, choose, ranked
from retrieval.features import FEATURES
from retrieval.library import Library
from retrieval.linear import (
    Group,
    LinearModel,
    fit_classifier,
    fit_ranker,
    folds,
    save_models,
)
from retrieval.reading import named_in, opening

DEFAULT_EVAL_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"
BUNDLED_CORPUS = Path(__file__).resolve().parent.parent / "corpus"
FOLDS = 5
L2_GRID = (0.001, 0.01, 0.03, 0.1, 0.3)
# The classifier has fewer examples of one class (off-topic queries) than the ranker has
# questions: its grid reaches stronger regularisation.
CLASSIFIER_L2_GRID = (0.01, 0.1, 0.3, 1.0, 3.0)
SHOWN = 5


@dataclass(frozen=True, slots=True)
class Question:
    """A graded question, its candidates (unscored), their features and gains."""

    id: str
    kind: str
    text: str
    candidates: tuple[Candidate, ...]
    grades: tuple[int, ...]
    rows: np.ndarray

    @property
    def group(self) -> Group:
        gains = np.asarray([2**g - 1 for g in self.grades], dtype=float)
        return Group(self.rows, gains)


def load_graded(path: Path) -> list[dict[str, Any]]:
    """The graded answer set (see ../shared/eval/README.md)."""
    return list(json.loads(path.read_text(encoding="utf-8")))


def questions_for(library: Library, graded: Sequence[dict[str, Any]]) -> list[Question]:
    """Every graded question's candidates and features, from the real pipeline (with
    abstention off: the ranker learns to rank, the classifier to abstain)."""
    out = []
    for item in graded:
        result = library.search(item["question"], top_k=CANDIDATE_SECTIONS, abstain=False)
        grade_of = {opening(a["text"]): int(a["grade"]) for a in item["answers"]}
        candidates, rows = candidate_table(library, result) if result.hits else ([], None)
        grades = tuple(grade_of.get(opening(c.text), 0) for c in candidates)
        table = rows if rows is not None else np.zeros((0, len(FEATURES)))
        out.append(
            Question(item["id"], item["kind"], item["question"], tuple(candidates), grades, table)
        )
    return out


def outcomes(model: LinearModel, question: Question) -> tuple[int, ...]:
    """The grades of the excerpts the model would show, in order."""
    if not question.candidates:
        return ()
    grade = {c.span: g for c, g in zip(question.candidates, question.grades, strict=True)}
    chosen = choose(ranked(list(question.candidates), model.score(question.rows)), SHOWN)
    return tuple(grade[c.span] for c in chosen)


def figures(shown: Sequence[tuple[int, ...]]) -> dict[str, float]:
    """answer@1, useful@1, answer@3, answer@any and refusals of the excerpts shown."""
    n = max(len(shown), 1)
    return {
        "count": len(shown),
        "answer@1": round(sum(bool(s) and s[0] == 2 for s in shown) / n, 4),
        "useful@1": round(sum(bool(s) and s[0] >= 1 for s in shown) / n, 4),
        "answer@3": round(sum(2 in s[:3] for s in shown) / n, 4),
        "answer@any": round(sum(2 in s for s in shown) / n, 4),
        "refused": sum(not s for s in shown),
    }


def _fit(questions: Sequence[Question], l2: float) -> LinearModel:
    return fit_ranker(FEATURES, [q.group for q in questions], l2)


def _answer_at_1(model: LinearModel, questions: Sequence[Question]) -> float:
    return figures([outcomes(model, q) for q in questions])["answer@1"]


def choose_l2(questions: Sequence[Question], k: int = FOLDS - 1) -> float:
    """The L2 strength with the best cross-validated answer@1 within these questions."""
    best, best_score = L2_GRID[0], -1.0
    for l2 in L2_GRID:
        shown: list[tuple[int, ...]] = []
        for test in folds(len(questions), k, seed=1):
            held = set(test.tolist())
            model = _fit([q for i, q in enumerate(questions) if i not in held], l2)
            shown.extend(outcomes(model, questions[i]) for i in test)
        score = figures(shown)["answer@1"]
        if score > best_score:
            best, best_score = l2, score
    return best


def cross_validate(
    questions: Sequence[Question], k: int = FOLDS, refused: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """Nested k-fold cross-validation: per outer fold, L2 chosen on its training
    questions, the model fitted on them and measured on the held-out ones. Questions in
    ``refused`` (by the cross-validated abstention classifier) show nothing."""
    shown: dict[str, tuple[int, ...]] = {}
    chosen: list[float] = []
    for test in folds(len(questions), k):
        held = set(test.tolist())
        train = [q for i, q in enumerate(questions) if i not in held]
        l2 = choose_l2(train)
        chosen.append(l2)
        model = _fit(train, l2)
        for i in test:
            answered = questions[i].text not in refused
            shown[questions[i].id] = outcomes(model, questions[i]) if answered else ()
    return _report(questions, shown, chosen)


def _report(
    questions: Sequence[Question], shown: dict[str, tuple[int, ...]], l2s: Sequence[float]
) -> dict[str, Any]:
    kinds = sorted({q.kind for q in questions})
    report: dict[str, Any] = {
        kind: figures([shown[q.id] for q in questions if q.kind == kind]) for kind in kinds
    }
    report["all"] = figures([shown[q.id] for q in questions])
    report["l2_per_fold"] = list(l2s)
    return report


def print_report(name: str, report: dict[str, Any], out: Any = sys.stdout) -> None:
    """The cross-validated figures as a table."""
    print(f"{name}: {FOLDS}-fold cross-validated (L2 per fold {report['l2_per_fold']})", file=out)
    print(
        f"  {'kind':<11}{'n':>4}{'ans@1':>8}{'use@1':>8}{'ans@3':>8}{'any':>8}{'refused':>9}",
        file=out,
    )
    for kind, row in report.items():
        if kind == "l2_per_fold":
            continue
        print(
            f"  {kind:<11}{row['count']:>4}{row['answer@1']:>8.2f}{row['useful@1']:>8.2f}"
            f"{row['answer@3']:>8.2f}{row['answer@any']:>8.2f}{row['refused']:>9}",
            file=out,
        )


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
        for item in load_graded(eval_dir / "answers-graded-dev.json")
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
    return (1 - figures_["off_abstained"]) + figures_["answerable_refused"] / answerable


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


def train(eval_dir: Path, corpus: Path, *, write: bool = True) -> dict[str, Any]:
    """Fit and cross-validate a ranker and an abstention classifier per search mode;
    write them unless told not to."""
    from retrieval.semantic import encoder_for

    graded = load_graded(eval_dir / "answers-graded-dev.json")
    rankers: dict[str, LinearModel] = {}
    classifiers: dict[str, LinearModel] = {}
    reports: dict[str, Any] = {}
    abstaining: dict[str, Any] = {}
    for mode in ("hybrid", "lexical"):
        library = Library.load(corpus, encoder=encoder_for(mode))
        # The abstention classifier first: the ranker's figures count the questions it
        # refuses (cross-validated too) as not answered.
        classifiers[mode], abstaining[mode] = train_abstention(
            abstention_examples(library, eval_dir)
        )
        print_abstention(mode, abstaining[mode])
        questions = questions_for(library, graded)
        refused = frozenset(abstaining[mode]["refused_queries"])
        reports[mode] = cross_validate(questions, refused=refused)
        print_report(mode, reports[mode])
        rankers[mode] = _fit(questions, choose_l2(questions, FOLDS))
    if write:
        save_models(RANKER_FILE, rankers, reports)
        save_models(ABSTENTION_FILE, classifiers, abstaining)
    return {"ranker": reports, "abstention": abstaining}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m retrieval.train", description=__doc__)
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--corpus", type=Path, default=BUNDLED_CORPUS)
    parser.add_argument("--dry-run", action="store_true", help="measure, write nothing")
    args = parser.parse_args(argv)
    train(args.eval_dir, args.corpus, write=not args.dry_run)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
