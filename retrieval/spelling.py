"""Typo correction: an unknown word corrected to the closest word of a corpus's vocabulary,
never a real English word (pyspellchecker's dictionary, loaded on first use)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from retrieval.text import STOP_WORDS

_ENGLISH_LOCK = threading.Lock()


@cache
def _load_english_words() -> Mapping[str, int]:
    from spellchecker import SpellChecker

    return SpellChecker(language="en", distance=1).word_frequency.dictionary


def _english_words() -> Mapping[str, int]:
    # Loaded on first use only (most queries need no correction), and once: concurrent
    # searches in worker threads must not each load the 160,000-word dictionary.
    with _ENGLISH_LOCK:
        return _load_english_words()


def warm_up() -> None:
    """Load what query analysis loads lazily, so the first typo is as fast as the rest."""
    _english_words()


def is_english_word(word: str) -> bool:
    """True when ``word`` is in pyspellchecker's English dictionary."""
    return word.lower() in _english_words()


def correction_limit(word: str) -> int:
    """How many edits a typo of this length may have: short words are left alone, and
    two edits only in long words (`assymetric`), where they still leave 80% intact
    (`medieval` is not a typo of `medical`)."""
    if len(word) < 5:
        return 0
    return 1 if len(word) < 10 else 2


class Speller:
    """Corrects typos against one corpus's vocabulary."""

    def __init__(self, vocabulary: Counter[str]) -> None:
        self._vocabulary = vocabulary
        self._by_length: dict[int, list[str]] = {}
        for word in sorted(vocabulary, key=lambda w: (-vocabulary[w], w)):
            self._by_length.setdefault(len(word), []).append(word)

    def correct(self, word: str) -> str | None:
        """The closest corpus word to an unknown word, if one is close enough. A real
        English word is never "corrected" (`stops` is not a typo of `steps`, nor
        `medieval` of `medical`): the corpus just does not use it."""
        limit = correction_limit(word)
        if limit == 0 or is_english_word(word):
            return None
        best: tuple[int, int, str] | None = None
        for length in range(len(word) - limit, len(word) + limit + 1):
            candidates = self._by_length.get(length, ())
            # Optimal string alignment distance (a transposition is one edit), in C.
            for candidate, distance, _ in process.extract(
                word, candidates, scorer=OSA.distance, score_cutoff=limit, limit=None
            ):
                if distance > 1 and candidate[0] != word[0]:
                    continue
                key = (int(distance), -self._vocabulary[candidate], candidate)
                if best is None or key < best:
                    best = key
        return best[2] if best else None


def vocabulary_of(surface_lists: Iterable[Iterable[str]]) -> Counter[str]:
    """The correctable words of a corpus, from the surface forms of its words:
    alphabetic, 3+ letters, not stop words."""
    surfaces: Counter[str] = Counter()
    for words_ in surface_lists:
        surfaces.update(words_)
    counts: Counter[str] = Counter()
    for surface, count in surfaces.items():
        for part in surface.split("-"):
            if part.isalpha() and len(part) >= 3 and part not in STOP_WORDS:
                counts[part] += count
    return counts
