"""Semantic re-ranking: all-MiniLM-L6-v2 sentence embeddings fused with BM25.

The model runs on ONNX Runtime from ``data/minilm/model.onnx`` (weights mostly int8,
33 MB, committed; ``python3 -m retrieval.build_model`` rebuilds it byte for byte, see
there and ``data/minilm/NOTICE``), with the model's own ``tokenizer.json``: no PyTorch, nothing
downloaded at run time. Section and sentence embeddings are cached in the user's cache
folder, keyed by the texts and the model, so a restart does not re-encode.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import sys
import tempfile
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from retrieval.model import Section

log = logging.getLogger(__name__)

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MODEL_DIR = Path(__file__).resolve().parent / "data" / "minilm"
DIMENSIONS = 384
EXTRA_HINT = (
    "hybrid search needs onnxruntime and tokenizers, which have no wheel for this machine: "
    "use SEARCH_MODE=lexical (or install them: python3 -m pip install onnxruntime tokenizers)"
)
# A progress bar only when encoding takes a while (a few seconds on a CPU).
# Threads encoding a corpus at once (each on one core).
MAX_ENCODING_WORKERS = 8
PROGRESS_ABOVE = 256


class SemanticUnavailableError(RuntimeError):
    """The sentence model cannot run here (the message says to use SEARCH_MODE=lexical)."""


def encoder_for(search_mode: str) -> Encoder | None:
    """The embedding model for SEARCH_MODE=hybrid (loaded only then), else None.
    Raises SemanticUnavailableError when ONNX Runtime cannot be imported."""
    if search_mode != "hybrid":
        return None
    return OnnxMiniLMEncoder()


class Encoder(Protocol):
    """Turns texts into unit-length vectors."""

    # Read-only: an encoder says what its vectors are (caches are keyed by it); nothing
    # renames one, and a frozen dataclass (WordVectors) is an encoder too.
    @property
    def name(self) -> str: ...

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray: ...


class OnnxMiniLMEncoder:
    """all-MiniLM-L6-v2 on ONNX Runtime's CPU provider, from the committed model.

    The graph takes the word-piece ids and returns the mean-pooled, unit-length sentence
    embedding. Most of its weights are int8 and their inputs are quantized at run time with
    one scale per tensor, so a text's vector would shift (by up to 0.04) with the other
    texts of its batch and their padding: by default each text is run alone
    (``batch_size=1``), so a text has one vector whatever it is encoded with. Texts are
    sorted by length and batched, padded to the longest of each batch, when
    ``batch_size`` is larger.

    ``threads`` is ONNX Runtime's intra-op thread count. One by default: a query is a
    few dozen word pieces, and the bot encodes queries from several worker threads at
    once, where one thread each beats one per core fighting over the cores (measured on
    2 cores under load: 1.8 ms a query against 6.3 ms; the corpus 2.0 s against 4.5 s).
    ``name`` includes the model file's sha256, so caches keyed by it follow the model.
    """

    max_tokens = 256

    def __init__(self, *, threads: int = 1, batch_size: int = 1, model_dir: Path = MODEL_DIR):
        # ONNX Runtime >= 1.29 sends usage telemetry unless told not to (and keeps a
        # device id under ~/.cache/Microsoft): off, before it is imported.
        os.environ["ORT_DISABLE_TELEMETRY"] = "1"
        try:
            import onnxruntime
            from tokenizers import Tokenizer
        except ImportError as error:
            raise SemanticUnavailableError(EXTRA_HINT) from error
        model = (Path(model_dir) / "model.onnx").read_bytes()
        self.name = f"{MODEL_NAME} onnx-int8 {hashlib.sha256(model).hexdigest()[:16]}"
        self.batch_size = batch_size
        tokenizer = Tokenizer.from_file(str(Path(model_dir) / "tokenizer.json"))
        tokenizer.no_padding()  # the file pads to 128: batches are padded here instead
        tokenizer.enable_truncation(self.max_tokens)
        self._tokenizer = tokenizer
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.log_severity_level = 3  # errors only
        self._session = onnxruntime.InferenceSession(
            model, sess_options=options, providers=["CPUExecutionProvider"]
        )

    def encode(
        self, texts: Sequence[str], *, progress: bool = False, batch_size: int | None = None
    ) -> np.ndarray:
        """Unit vectors (float32), one row per text; with ``progress``, a progress bar on
        stderr for long inputs when stderr is a terminal."""
        size = max(1, batch_size or self.batch_size)
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        if not texts:
            return out
        encodings = self._tokenizer.encode_batch(list(texts))
        lengths = np.asarray([len(e.ids) for e in encodings])
        order = np.argsort(lengths, kind="stable")  # little padding within a batch
        show = progress and len(texts) > PROGRESS_ABOVE and sys.stderr.isatty()
        batches = [order[start : start + size] for start in range(0, len(texts), size)]
        workers = min(len(batches), os.cpu_count() or 1, MAX_ENCODING_WORKERS)

        def run(rows: np.ndarray) -> None:
            out[rows] = self._session.run(None, _feed(encodings, rows, lengths))[0]

        # A session runs concurrently from several threads (ONNX Runtime releases the
        # GIL), each on one core: a corpus is encoded on every core, and each text alone
        # keeps its one vector.
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for done, _ in enumerate(pool.map(run, batches), 1):
                if show:
                    bar = "#" * (30 * done // len(batches))
                    print(f"\rEncoding {len(texts)} texts [{bar:<30}]", end="", file=sys.stderr)
        if show:
            print(file=sys.stderr)
        return out


def _feed(encodings: Sequence[Any], rows: np.ndarray, lengths: np.ndarray) -> dict[str, Any]:
    """One batch's inputs, padded to its longest text."""
    width = int(lengths[rows].max())
    ids = np.zeros((len(rows), width), dtype=np.int64)
    mask = np.zeros_like(ids)
    types = np.zeros_like(ids)
    for row, n in enumerate(rows):
        e = encodings[n]
        ids[row, : len(e.ids)] = e.ids
        mask[row, : len(e.ids)] = e.attention_mask
        types[row, : len(e.ids)] = e.type_ids
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}


def section_units(section: Section) -> list[str]:
    """What a section is embedded as: each paragraph with the heading before it (the
    model reads only the first 256 word pieces, so a whole section would be cut short;
    a section is then as close to a query as its closest paragraph)."""
    heading = section.indexed_heading + ". " if section.indexed_heading else ""
    return [heading + paragraph for paragraph in section.paragraphs] or [section.heading]


def cache_dirs(corpus_dir: Path | None = None) -> list[Path]:
    """Where embeddings are cached: the user's cache folder only (``$XDG_CACHE_HOME/
    diplobrief``, else ``~/.cache/diplobrief``), never the corpus folder, which may be
    read-only, shared or under version control. ``corpus_dir`` is accepted and ignored:
    the cache is keyed by the texts and the model, not by where they came from."""
    del corpus_dir
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    if not base.is_absolute():  # the XDG specification: a relative path is ignored
        base = Path.home() / ".cache"
    return [base / "diplobrief"]


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

    @property
    def centroid(self) -> np.ndarray:
        """The unit mean of every sentence's vector: what the corpus is about as a whole."""
        if not len(self.all):
            return np.zeros(self.all.shape[1] if self.all.ndim == 2 else 384, dtype=np.float32)
        mean: np.ndarray = self.all.mean(axis=0)
        return mean / max(float(np.linalg.norm(mean)), 1e-9)


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
            cached: np.ndarray = np.load(path)
            if cached.shape[0] == len(texts):
                return cached
    vectors = encoder.encode(list(texts), progress=progress)
    for folder in cache_dirs(corpus_dir):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            _save_whole(folder / f"embeddings-{key}.npy", vectors)
            break
        except OSError as error:  # a read-only cache folder: the next place, if any
            log.info("cannot cache embeddings in %s: %s", folder, error)
    return vectors


def _save_whole(path: Path, vectors: np.ndarray) -> None:
    """Write a cache file whole or not at all: into a temporary file beside it, renamed
    over it. Processes sharing the cache folder (shards starting together) then never
    read one half-written, and one stopped mid-write leaves no truncated entry behind."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".embeddings-", suffix=".npy")
    try:
        with os.fdopen(handle, "wb") as file:
            np.save(file, vectors)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[int]], weights: Sequence[float], k: float
) -> dict[int, float]:
    """Fuse rankings of document positions: each contributes weight / (k + rank)."""
    fused: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, doc in enumerate(ranking, start=1):
            fused[doc] = fused.get(doc, 0.0) + weight / (k + rank)
    return fused
