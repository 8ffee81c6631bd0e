"""How much a word says, from its frequency in general English.

A word as common as `need`, `help` or `security` says less about what a query is about
than `regularly`, `cyber` or `attaché`. Information content is ``log(total / count)``
over pyspellchecker's English word frequencies, scaled so that every word rarer than
:data:`IC_REFERENCE` (about 1 in 160,000 running words) counts fully. Only the words
common enough to count less are kept, in ``data/english-common.tsv`` (5,000 words,
loaded in a millisecond instead of the 0.17 s the whole dictionary takes);
``python3 -m retrieval.informativeness`` rewrites it, and a test holds it equal to the
dictionary.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from retrieval.text import STOP_WORDS

TABLE = Path(__file__).resolve().parent / "data" / "english-common.tsv"
# Information content (natural log) at and above which a word counts fully.
IC_REFERENCE = 12.0


@cache
def _table() -> tuple[Mapping[str, int], int]:
    counts: dict[str, int] = {}
    total = 0
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        word, _, count = line.partition("\t")
        if word == "#total":
            total = int(count)
        elif word:
            counts[word] = int(count)
    return counts, total


def informativeness(surface: str) -> float:
    """A word's information content in general English, scaled to 0–1 (1: rare enough
    to say what a query is about). A compound counts as its most informative part."""
    counts, total = _table()
    if surface in counts:
        return min(1.0, math.log(total / counts[surface]) / IC_REFERENCE)
    parts = [part for part in surface.split("-") if part and part not in STOP_WORDS]
    if len(parts) > 1:
        return max(informativeness(part) for part in parts)
    return 1.0


def common_words_table(frequencies: Mapping[str, int]) -> str:
    """The table file's text: the total, then every word common enough to count less
    than fully, most frequent first."""
    total = sum(frequencies.values())
    threshold = total / math.exp(IC_REFERENCE)
    common = sorted(
        ((w, c) for w, c in frequencies.items() if c > threshold), key=lambda i: (-i[1], i[0])
    )
    return "".join([f"#total\t{total}\n", *(f"{w}\t{c}\n" for w, c in common)])


def english_frequencies() -> Mapping[str, int]:
    """pyspellchecker's English word frequencies (the source of the table)."""
    from spellchecker import SpellChecker

    return SpellChecker(language="en", distance=1).word_frequency.dictionary


if __name__ == "__main__":
    TABLE.write_text(common_words_table(english_frequencies()), encoding="utf-8")
    print(f"wrote {TABLE}", file=sys.stderr)
