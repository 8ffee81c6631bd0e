"""Word vectors for the default install: some meaning where a query's words miss.

A question in everyday words (`hackers and online spying`) shares few words with the
articles (`cyber threats`, `espionage`). SEARCH_MODE=hybrid answers that with a sentence
model (all-MiniLM-L6-v2 on ONNX Runtime); lexical search has this table instead: one
vector per word for the 20,000 most used English words and the bundled corpus's words,
each the all-MiniLM-L6-v2 embedding of the word alone, centred, reduced to its 128 main
directions and stored as 8-bit integers (2.6 MB in ``data/word-vectors.npz``). A text's
vector is the mean of its words' vectors, each weighted by how much the word says
(:mod:`retrieval.informativeness`), so `security` counts less than `espionage`.

Such vectors know that `troops` is close to `military` and `hackers` to `cyber`, not
what a sentence says, so search uses them only for the part of a query the corpus has no
words for (see ``SearchConfig.word_vector_reach``); abstention still counts words.

``python3 -m retrieval.build_wordvectors`` rebuilds the table from the unquantized PyTorch model
(it needs the model-build extra, see :mod:`retrieval.build_model`).
The vectors derive from sentence-transformers/all-MiniLM-L6-v2 (Apache License 2.0).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from retrieval.informativeness import informativeness
from retrieval.text import STOP_WORDS, normalize, words

TABLE = Path(__file__).resolve().parent / "data" / "word-vectors.npz"
ENGLISH_WORDS = 20_000
DIMENSIONS = 128
_ENGLISH_WORD = re.compile(r"[a-z][a-z'-]*")


@dataclass(frozen=True, slots=True, eq=False)
class WordVectors:
    """A vector per word (unit length), and texts encoded as their words' weighted mean."""

    index: Mapping[str, int]
    vectors: np.ndarray
    name: str = "word-vectors (all-MiniLM-L6-v2, 128 dimensions)"

    @classmethod
    def load(cls, path: Path = TABLE) -> WordVectors:
        """The table written by :func:`write_table`."""
        with np.load(path, allow_pickle=False) as table:
            vectors = table["codes"].astype(np.float32) * table["scales"][:, None]
            vocabulary = [str(word) for word in table["words"]]
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
        return cls({word: row for row, word in enumerate(vocabulary)}, vectors)

    @property
    def dimensions(self) -> int:
        """The length of every vector."""
        return int(self.vectors.shape[1])

    def vector(self, text: str) -> np.ndarray:
        """The text's unit vector: its known words' vectors weighted by how much each
        says; all zeros when it has none (then it is close to nothing)."""
        total = np.zeros(self.dimensions, dtype=np.float32)
        for word in words(normalize(text)):
            surface = word.surface.lower()
            if surface in STOP_WORDS:
                continue
            row = self.index.get(surface)
            if row is not None:
                total += informativeness(surface) * self.vectors[row]
                continue
            # A compound the table lacks (`military-to-military`) means what its parts do.
            parts = [
                self.index[p] for p in surface.split("-") if p in self.index and p not in STOP_WORDS
            ]
            for part in parts:
                total += informativeness(surface) * self.vectors[part] / len(parts)
        norm = float(np.linalg.norm(total))
        return total / norm if norm > 0 else total

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """Unit vectors of texts, one row each (the Encoder protocol)."""
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        return np.stack([self.vector(text) for text in texts])


@cache
def bundled_word_vectors() -> WordVectors:
    """The table shipped with the package, loaded once per process."""
    return WordVectors.load()


def table_words(english: Mapping[str, int], corpus_texts: Iterable[str]) -> list[str]:
    """The words the table holds: the most used English words and every corpus word."""
    common = sorted(
        (w for w in english if _ENGLISH_WORD.fullmatch(w)), key=lambda w: (-english[w], w)
    )
    chosen = set(common[:ENGLISH_WORDS])
    for text in corpus_texts:
        chosen.update(word.surface.lower() for word in words(normalize(text)))
    return sorted(chosen)


def reduce(vectors: np.ndarray, dimensions: int = DIMENSIONS) -> tuple[np.ndarray, np.ndarray]:
    """Centred, projected on their main directions, unit length, as 8-bit codes with a
    scale per row: (codes, scales). Centring removes the direction every word shares,
    which otherwise makes any two texts look alike."""
    centred = vectors - vectors.mean(axis=0)
    _, _, directions = np.linalg.svd(centred, full_matrices=False)
    reduced = centred @ directions[:dimensions].T
    reduced /= np.maximum(np.linalg.norm(reduced, axis=1, keepdims=True), 1e-9)
    scales = np.abs(reduced).max(axis=1) / 127
    codes = np.round(reduced / scales[:, None]).astype(np.int8)
    return codes, scales.astype(np.float32)


def write_table(path: Path, vocabulary: Sequence[str], vectors: np.ndarray) -> None:
    """Write the table file from each word's full model embedding."""
    codes, scales = reduce(vectors)
    np.savez_compressed(path, words=np.asarray(vocabulary), codes=codes, scales=scales)
