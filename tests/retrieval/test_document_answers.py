"""Answers from real treaties: `ask` on a UN agreement quotes, first, the sentence that
holds the answer (the ranker is also fitted on graded questions about such documents,
retrieval/data/realdocs-graded.json), and never page furniture or markup."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from retrieval.engine import Style, brief
from retrieval.library import Library
from retrieval.reading import opening
from retrieval.train import DOCUMENT_QUESTIONS
from tests.conftest import SHARED_DIR

REALDOCS = SHARED_DIR / "realdocs"
pytestmark = pytest.mark.skipif(
    not REALDOCS.is_dir(), reason=f"{REALDOCS} (real sample documents) is not beside this checkout"
)
# The 1995 fish stocks agreement as an official PDF and as hard-wrapped text, and a
# resolution saved as a web page.
DOCUMENTS = ("fish-stocks-1995.pdf", "hard-wrapped-1995.txt", "site_A-RES-78-272.html")
OBJECTIVE = "The objective of this Agreement is to ensure the long-term conservation"
FURNITURE_OR_MARKUP = re.compile(
    r"\(cid:\d+\)|_{4,}|\*\d{5,}\*|\bPage \d+ of \d+|\]\(#|\|\s*:?-{3,}"
)


@pytest.fixture(scope="module")
def treaties(tmp_path_factory: pytest.TempPathFactory) -> Library:
    from retrieval.semantic import encoder_for

    folder = tmp_path_factory.mktemp("treaties")
    for name in DOCUMENTS:
        shutil.copy(REALDOCS / name, folder / name)
    return Library.load(folder, encoder=encoder_for("hybrid"))


@pytest.mark.parametrize(
    "question", ["objective of the agreement", "what is the objective of this agreement?"]
)
def test_the_objective_is_among_the_first_excerpts(treaties: Library, question: str) -> None:
    # Not always first: the ranker, fitted mostly on essays, weighs a section's opening
    # sentence down, and a treaty article's opening sentence is its provision.
    shown = [e.text for e in brief(treaties, question, Style.RANKED).excerpts[:3]]
    assert any(text.startswith(OBJECTIVE) for text in shown), shown


def _answers(question: str) -> set[str]:
    graded = json.loads(DOCUMENT_QUESTIONS.read_text(encoding="utf-8"))
    item = next(item for item in graded if item["question"] == question)
    return {opening(a["text"]) for a in item["answers"] if a["grade"] == 2}


@pytest.mark.parametrize(
    "question", ["duties of the flag state", "application of the precautionary approach"]
)
def test_an_article_named_by_the_question_answers_first(treaties: Library, question: str) -> None:
    first = brief(treaties, question, Style.RANKED).excerpts[0].text
    assert opening(first) in _answers(question), first


def test_no_excerpt_holds_furniture_or_markup(treaties: Library) -> None:
    for question in ("objective of the agreement", "port state measures", "high seas boarding"):
        for excerpt in brief(treaties, question, Style.RANKED).excerpts:
            assert not FURNITURE_OR_MARKUP.search(excerpt.text), excerpt.text


@pytest.mark.parametrize(
    ("title", "article"),
    [
        ("compatibility of conservation and management measures", "article-7-"),
        ("Subregional and regional cooperation in enforcement", "article-21-"),
        ("good faith and abuse of rights", "part-x-"),
    ],
)
def test_a_query_that_is_a_provisions_title_searches_that_provision_first(
    treaties: Library, title: str, article: str
) -> None:
    # "Article 21. Subregional and regional cooperation in enforcement" is named by its
    # title alone, as a heading without a number is.
    first = treaties.search(title).hits[0].section_id
    assert first.split("/", 1)[1].startswith(article), first
