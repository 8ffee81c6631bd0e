"""Training's bookkeeping: the document questions are held out one document at a time."""

from __future__ import annotations

from retrieval.train import DOCUMENT_QUESTIONS, document_folds, load_graded


def _item(*answers: tuple[str, str, int]) -> dict[str, object]:
    return {"answers": [{"file": f, "text": t, "grade": g} for f, t, g in answers]}


def test_two_files_of_one_treaty_are_one_document() -> None:
    graded = [
        _item(("a.pdf", "The objective of this Agreement is to ensure it.", 2)),
        _item(
            ("a.txt", "The objective of this Agreement is to ensure it.", 2),
            ("b.pdf", "A member may withdraw by notice in writing.", 1),
        ),
        _item(("b.pdf", "A member may withdraw by notice in writing.", 2)),
        _item(("c.md", "Article 5 sets out the general principles of the agreement.", 2)),
    ]
    folds = sorted(sorted(int(i) for i in fold) for fold in document_folds(graded))
    # a.pdf and a.txt hold the same sentence: one document. A question belongs to the
    # document of its answers (grade 2), not to one it only partly draws on (b.pdf).
    assert folds == [[0, 1], [2], [3]]


def test_the_document_questions_fall_into_several_documents() -> None:
    folds = document_folds(load_graded(DOCUMENT_QUESTIONS))
    assert len(folds) >= 4
    assert sum(len(f) for f in folds) == 50
