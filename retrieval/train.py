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
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.abstention import ABSTENTION_FILE
from retrieval.abstention_training import abstention_examples, print_abstention, train_abstention
from retrieval.briefing import CANDIDATE_SECTIONS
from retrieval.excerpts import RANKER_FILE, Candidate, candidate_table, choose, ranked
from retrieval.features import FEATURES
from retrieval.library import Library
from retrieval.linear import FOLDS, L2_GRID, Group, LinearModel, fit_ranker, folds, save_models
from retrieval.reading import opening

DEFAULT_EVAL_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"
BUNDLED_CORPUS = Path(__file__).resolve().parent.parent / "corpus"
DEFAULT_DOCUMENTS = DEFAULT_EVAL_DIR.parent / "realdocs"
# Graded questions on real treaties, resolutions and reports (``DEFAULT_DOCUMENTS``), so
# that the ranker also learns what answers look like outside the bundled essays.
DOCUMENT_QUESTIONS = Path(__file__).resolve().parent / "data" / "realdocs-graded.json"
# How much a document question counts in the fit against a development question. Measured
# (5-fold on the development questions; one document held out on the document ones):
# 0 gives 0.63 / 0.22 answer@1, 0.6 gives 0.62 / 0.32, 1 gives 0.61 / 0.36.
DOCUMENT_WEIGHT = 0.5
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
    weight: float = 1.0  # how much it counts in a fit (see DOCUMENT_WEIGHT)

    @property
    def group(self) -> Group:
        gains = np.asarray([2**g - 1 for g in self.grades], dtype=float)
        return Group(self.rows, gains, self.weight)


def load_graded(path: Path) -> list[dict[str, Any]]:
    """The graded answer set (see ../shared/eval/README.md)."""
    return list(json.loads(path.read_text(encoding="utf-8")))


def questions_for(
    library: Library, graded: Sequence[dict[str, Any]], *, weight: float = 1.0
) -> list[Question]:
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
            Question(
                item["id"], item["kind"], item["question"], tuple(candidates), grades, table, weight
            )
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


def choose_l2(
    questions: Sequence[Question], k: int = FOLDS - 1, extra: Sequence[Question] = ()
) -> float:
    """The L2 strength with the best cross-validated answer@1 within these questions
    (``extra`` questions are always among the training ones)."""
    best, best_score = L2_GRID[0], -1.0
    for l2 in L2_GRID:
        shown: list[tuple[int, ...]] = []
        for test in folds(len(questions), k, seed=1):
            held = set(test.tolist())
            model = _fit([*_without(questions, held), *extra], l2)
            shown.extend(outcomes(model, questions[i]) for i in test)
        score = figures(shown)["answer@1"]
        if score > best_score:
            best, best_score = l2, score
    return best


def _without(questions: Sequence[Question], held: set[int]) -> list[Question]:
    return [q for i, q in enumerate(questions) if i not in held]


def cross_validate(
    questions: Sequence[Question],
    k: int = FOLDS,
    refused: frozenset[str] = frozenset(),
    *,
    extra: Sequence[Question] = (),
    test_folds: Sequence[np.ndarray] | None = None,
) -> dict[str, Any]:
    """Nested k-fold cross-validation: per outer fold, L2 chosen on its training
    questions, the model fitted on them (and on ``extra``, never held out) and measured
    on the held-out ones. Questions in ``refused`` (by the cross-validated abstention
    classifier) show nothing. ``test_folds`` replaces the shuffled folds (e.g. one fold
    per document)."""
    shown: dict[str, tuple[int, ...]] = {}
    chosen: list[float] = []
    for test in test_folds if test_folds is not None else folds(len(questions), k):
        train = _without(questions, set(test.tolist()))
        l2 = choose_l2(train, extra=extra)
        chosen.append(l2)
        model = _fit([*train, *extra], l2)
        for i in test:
            answered = questions[i].text not in refused
            shown[questions[i].id] = outcomes(model, questions[i]) if answered else ()
    return _report(questions, shown, chosen)


def document_folds(graded: Sequence[dict[str, Any]]) -> list[np.ndarray]:
    """One test fold per document: each question belongs to the document most of its
    answers are in, and two files that hold the same sentences (one treaty as a PDF and
    as text) are one document. Figures then measure documents the weights never saw."""
    same: dict[str, str] = {}

    def root(name: str) -> str:
        while same.get(name, name) != name:
            name = same[name]
        return name

    files_of: dict[tuple[str, ...], set[str]] = {}
    for item in graded:
        for answer in item["answers"]:
            files_of.setdefault(opening(answer["text"]), set()).add(answer["file"])
    for files in files_of.values():
        first, *others = sorted(files)
        for other in others:
            same[root(other)] = root(first)
    groups: dict[str, list[int]] = {}
    for i, item in enumerate(graded):
        counts = Counter(root(a["file"]) for a in item["answers"] if a["grade"] == 2)
        groups.setdefault(counts.most_common(1)[0][0], []).append(i)
    return [np.asarray(ids) for _, ids in sorted(groups.items())]


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


def train(
    eval_dir: Path, corpus: Path, *, documents: Path | None = None, write: bool = True
) -> dict[str, Any]:
    """Fit and cross-validate a ranker and an abstention classifier per search mode;
    write them unless told not to. With ``documents`` (the real documents of
    ``../shared/realdocs``), the ranker is also fitted on :data:`DOCUMENT_QUESTIONS`, and
    measured on them one document held out at a time."""
    from retrieval.semantic import encoder_for

    graded = load_graded(eval_dir / "answers-graded-dev.json")
    on_documents = load_graded(DOCUMENT_QUESTIONS) if documents else []
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
        extra = _document_questions(documents, mode, on_documents) if documents else []
        refused = frozenset(abstaining[mode]["refused_queries"])
        reports.update(_cross_validated(mode, questions, extra, on_documents, refused))
        everything = [*questions, *extra]
        rankers[mode] = _fit(everything, choose_l2(everything, FOLDS))
    if write:
        save_models(RANKER_FILE, rankers, reports)
        save_models(ABSTENTION_FILE, classifiers, abstaining)
    return {"ranker": reports, "abstention": abstaining}


def _document_questions(
    documents: Path, mode: str, graded: Sequence[dict[str, Any]]
) -> list[Question]:
    """The document questions' candidates, each counting DOCUMENT_WEIGHT in a fit."""
    from retrieval.semantic import encoder_for

    library = Library.load(documents, encoder=encoder_for(mode))
    return questions_for(library, graded, weight=DOCUMENT_WEIGHT)


def _cross_validated(
    mode: str,
    questions: Sequence[Question],
    extra: Sequence[Question],
    on_documents: Sequence[dict[str, Any]],
    refused: frozenset[str],
) -> dict[str, Any]:
    """The mode's cross-validated figures, printed: on the development questions (the
    document ones always in training), and on the document questions one document held
    out at a time."""
    reports = {mode: cross_validate(questions, refused=refused, extra=extra)}
    print_report(mode, reports[mode])
    if extra:
        name = f"{mode} documents"
        reports[name] = cross_validate(
            extra, extra=questions, test_folds=document_folds(on_documents)
        )
        print_report(f"{name}, one document held out", reports[name])
    return reports


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m retrieval.train", description=__doc__)
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--corpus", type=Path, default=BUNDLED_CORPUS)
    parser.add_argument(
        "--documents",
        type=Path,
        default=DEFAULT_DOCUMENTS,
        help="the real documents the document questions are about ('' to leave them out)",
    )
    parser.add_argument("--dry-run", action="store_true", help="measure, write nothing")
    args = parser.parse_args(argv)
    documents = args.documents if str(args.documents) not in ("", ".") else None
    train(args.eval_dir, args.corpus, documents=documents, write=not args.dry_run)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
