"""What a reader sees: answer and off-topic sets, measured on the real corpus and held
to the committed figures (tests/data/dev_eval_figures.json)."""

from __future__ import annotations

import json

import pytest

from retrieval.briefing import Briefing, build_briefing
from retrieval.library import Library
from retrieval.reading import (
    AnswerItem,
    OffTopicItem,
    OffTopicResult,
    answer_rank,
    answer_summary,
    eval_format,
    evaluate_answers,
    evaluate_offtopic,
    load_answers,
    load_offtopic,
    offtopic_summary,
)
from tests.conftest import DATA_DIR, DEV_QRELS, needs_shared

ALLOWED_DROP = 0.02
FIGURES = json.loads((DATA_DIR / "dev_eval_figures.json").read_text())
ANSWERS = DEV_QRELS.parent / "answers-dev.json"
OFFTOPIC = DEV_QRELS.parent / "offtopic-dev-v2.json"
GRADED = DEV_QRELS.parent / "answers-graded-dev.json"


def test_an_excerpt_answers_when_its_opening_is_a_gold_sentence() -> None:
    gold = [
        "Military diplomacy fosters coordination among diverse armed forces, enabling quicker responses."
    ]
    cut = "Military diplomacy fosters coordination among diverse armed forces…"
    assert answer_rank(["Something else entirely, about treaties.", cut], gold) == 2
    assert answer_rank(["Military diplomacy fosters trust."], gold) is None
    assert (
        answer_rank(["MILITARY  diplomacy fosters coordination among diverse armed forces"], gold)
        == 1
    )


def test_formats_are_told_apart() -> None:
    assert eval_format([{"id": "a", "gold": []}]) == "answers"
    assert eval_format([{"id": "a", "class": "off"}]) == "offtopic"
    assert eval_format([{"id": "a", "relevant": []}]) == "qrels"
    with pytest.raises(ValueError):
        eval_format({"not": "a list"})


def test_partial_is_acceptable_when_it_abstains_or_names_every_missing_word() -> None:
    item = OffTopicItem("p", "partial", "Suez crisis diplomacy", ("suez",))
    assert OffTopicResult(item, abstained=True, named=()).acceptable
    assert OffTopicResult(item, abstained=False, named=("suez",)).acceptable
    assert not OffTopicResult(item, abstained=False, named=()).acceptable
    off = OffTopicItem("o", "off", "how to knit a scarf")
    assert not OffTopicResult(off, abstained=False, named=()).acceptable


def test_summaries_on_a_fake_briefer(library: Library) -> None:
    items = [
        AnswerItem("1", "definition", "what is defense diplomacy?", ("Nothing matches this.",)),
        AnswerItem("2", "definition", "pizza dough hydration", ("Nor this.",)),
    ]
    results = evaluate_answers(items, lambda text: build_briefing(library, text))
    summary = answer_summary(results)["all"]
    assert summary["count"] == 2 and summary["answer@any"] == 0.0 and summary["refused"] == 1
    empty = Briefing(query="x", excerpts=(), sources=(), notes=("Not found in the corpus: suez.",))
    off = evaluate_offtopic([OffTopicItem("p", "partial", "x", ("suez",))], lambda _: empty)
    assert offtopic_summary(off)["partial"] == {"count": 1, "abstained": 1.0, "acceptable": 1.0}


@pytest.fixture(scope="module")
def answered(library: Library):
    return answer_summary(
        evaluate_answers(load_answers(ANSWERS), lambda t: build_briefing(library, t))
    )


def _held(measured: dict, committed: dict) -> None:
    for key, value in committed.items():
        if key == "refused":
            assert measured[key] <= value, key
        else:
            assert measured[key] >= value - ALLOWED_DROP, key


@needs_shared
def test_answers_hold_the_committed_figures(answered) -> None:
    _held(answered["all"], FIGURES["answers"])


@needs_shared
def test_graded_answers_hold_the_committed_figures(library: Library) -> None:
    items = load_answers(GRADED)
    assert len(items) == 110 and all(item.gold for item in items)
    summary = answer_summary(evaluate_answers(items, lambda t: build_briefing(library, t)))
    _held(summary["all"], FIGURES["graded"])


@needs_shared
def test_lexical_mode_holds_its_committed_figures(lexical_library: Library) -> None:
    figures = FIGURES["lexical"]
    brief = lambda t: build_briefing(lexical_library, t)  # noqa: E731
    _held(answer_summary(evaluate_answers(load_answers(GRADED), brief))["all"], figures["graded"])
    summary = offtopic_summary(evaluate_offtopic(load_offtopic(OFFTOPIC), brief))
    assert summary["off"]["abstained"] >= figures["offtopic"]["off"] - ALLOWED_DROP
    assert summary["partial"]["acceptable"] >= figures["offtopic"]["partial"] - ALLOWED_DROP


@needs_shared
def test_offtopic_holds_the_committed_figures(library: Library) -> None:
    results = evaluate_offtopic(load_offtopic(OFFTOPIC), lambda t: build_briefing(library, t))
    summary = offtopic_summary(results)
    assert summary["off"]["abstained"] >= FIGURES["offtopic"]["off"] - ALLOWED_DROP
    assert summary["partial"]["acceptable"] == 1.0, "a partial query names what is missing"


def test_graded_sets_are_read_with_both_grades(tmp_path) -> None:
    path = tmp_path / "graded.json"
    path.write_text(
        '[{"id": "q", "kind": "why", "question": "why?", "answers": ['
        '{"grade": 2, "file": "f", "heading": "h", "text": "An answer sentence of some length."},'
        '{"grade": 1, "file": "f", "heading": "h", "text": "A partial one of some length."}]}]'
    )
    item = load_answers(path)[0]
    assert item.gold == ("An answer sentence of some length.",)
    assert item.partial == ("A partial one of some length.",)
    path.write_text(path.read_text().replace('"grade": 1', '"grade": 100000000'))
    with pytest.raises(ValueError, match="grade"):
        load_answers(path)
