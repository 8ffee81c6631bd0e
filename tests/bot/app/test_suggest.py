"""Autocomplete: what was typed, matched in bounded work whatever the corpus size."""

from __future__ import annotations

from bot.app import limits
from bot.app.suggest import MAX_SCANNED, Suggestions, case_suggestions, topic_suggestions
from retrieval.library import Library


def test_labels_starting_with_the_text_come_first() -> None:
    suggestions = Suggestions(["Joint Exercises", "Military Joint Planning", "Jointness"])
    assert suggestions.matching("joint") == [
        "Joint Exercises",
        "Jointness",
        "Military Joint Planning",
    ]
    assert suggestions.matching("plan mil") == ["Military Joint Planning"]
    assert suggestions.matching("") == ["Joint Exercises", "Military Joint Planning", "Jointness"]
    assert suggestions.matching("zzz") == []


def test_topics_of_the_corpus(library: Library) -> None:
    topics = topic_suggestions(library)
    assert topic_suggestions(library) is topics, "indexed once per library"
    found = topics.matching("joint")
    assert found[0] == "Joint Exercises"
    assert 1 <= len(found) <= limits.AUTOCOMPLETE_CHOICES
    assert "ISAF (International Security Assistance Force)" in topics.matching("isaf")
    assert case_suggestions(library).matching("jcp")


def test_a_keystroke_reads_a_bounded_part_of_a_huge_index() -> None:
    labels = [f"Topic {n:06d} about cooperation and treaties" for n in range(100_000)]
    suggestions = Suggestions(labels)
    read = []

    class Counting(list):
        def __getitem__(self, item):
            part = super().__getitem__(item)
            read.append(len(part) if isinstance(item, slice) else 1)
            return part

    suggestions._by_key = Counting(suggestions._by_key)
    suggestions._by_word = Counting(suggestions._by_word)
    found = suggestions.matching("topic coop")
    assert len(found) == limits.AUTOCOMPLETE_CHOICES
    assert sum(read) <= 3 * MAX_SCANNED
    assert all(len(label) <= limits.CHOICE_NAME for label in found)
