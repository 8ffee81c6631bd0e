"""Bounded parsing: limits on what one document may cost, and the worker process that
enforces them, so that no file (a compression bomb, a 5,000-page PDF, a Word file of
60,000 empty paragraphs) can take the bot or the CLI down.

- Document formats (PDF, Word, HTML) are parsed in a worker process (``spawn``: the bot
  has threads) whose address space is limited, and which is killed past a wall time. A
  worker that ran out of memory, died or took too long is replaced, and the file is
  refused with a one-line reason naming the setting (PARSE_MAX_MB, PARSE_TIMEOUT).
- Inside the worker, what a PDF's streams inflate to is counted while they are inflated
  and stops at the limit; a Word file is refused from its zip directory before anything
  is inflated (:mod:`retrieval.formats.docx`).
- A PDF longer than the page limit is read up to the limit, with a note saying so.
- Plain text (.txt, .md) is parsed in-process: its size is its inflated size.

The limits come from the caller (the CLI and the bot build them from their settings);
nothing here reads the environment.
"""

from __future__ import annotations

import contextlib
import dataclasses
import threading
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import context as mp_context
from multiprocessing import spawn as mp_spawn
from typing import TYPE_CHECKING, Any

from retrieval.model import CorpusError

if TYPE_CHECKING:
    from retrieval.formats.builder import ArticleInfo
    from retrieval.model import Article

__all__ = [
    "DEFAULT_LIMITS",
    "SANDBOXED_SUFFIXES",
    "ParseLimits",
    "current_limits",
    "read_document",
    "run_bounded",
    "shutdown",
    "use_limits",
]

MB = 1024 * 1024
# The worker's address space when PARSE_MAX_MB is at its default, and what it grows by
# with PARSE_MAX_MB: the interpreter, pdfminer and lxml take about 120 MB of it; the rest
# is for the inflated streams and what the parser builds from them.
BASE_WORKER_MB = 768


@dataclass(frozen=True, slots=True)
class ParseLimits:
    """What reading one document may cost.

    - ``max_inflated_mb``: what its compressed parts may inflate to (PARSE_MAX_MB);
    - ``max_pages``: pages of a PDF read, the rest left out with a note (PARSE_MAX_PAGES);
    - ``timeout_s``: wall time to read it (PARSE_TIMEOUT);
    - ``worker_memory_mb``: the worker process's address space (follows PARSE_MAX_MB).
    """

    max_inflated_mb: int = 256
    max_pages: int = 500
    timeout_s: float = 60.0
    worker_memory_mb: int = BASE_WORKER_MB

    @classmethod
    def from_settings(cls, max_mb: int, max_pages: int, timeout_s: float) -> ParseLimits:
        """Limits from the three settings; the worker's memory follows PARSE_MAX_MB."""
        memory = max(BASE_WORKER_MB, 2 * max_mb + 256)
        return cls(max_mb, max_pages, float(timeout_s), memory)

    @property
    def max_inflated_bytes(self) -> int:
        return self.max_inflated_mb * MB


DEFAULT_LIMITS = ParseLimits()
_current = DEFAULT_LIMITS

# Formats parsed in the worker: their cost is not their size.
SANDBOXED_SUFFIXES: frozenset[str] = frozenset({".pdf", ".docx", ".html", ".htm"})


def use_limits(limits: ParseLimits) -> None:
    """Make ``limits`` what a parse given no limits uses (the CLI and the bot call this
    once their settings are read)."""
    global _current
    _current = limits


def current_limits() -> ParseLimits:
    """The limits a parse given none uses."""
    return _current


def inflated_past(name: str, limits: ParseLimits) -> CorpusError:
    """The refusal of a file that inflates past the limit."""
    return CorpusError(f"{name}: inflates past {limits.max_inflated_mb:,} MB (PARSE_MAX_MB)")


def too_slow(name: str, limits: ParseLimits) -> CorpusError:
    """The refusal of a file that took too long."""
    return CorpusError(f"{name}: took longer than {limits.timeout_s:g} s to read (PARSE_TIMEOUT)")


def pages_note(limits: ParseLimits, total: int | None = None) -> str:
    """What an article read up to the page limit says about it."""
    of = f" ({total:,})" if total else ""
    return (
        f"over {limits.max_pages:,} pages{of}: the first {limits.max_pages:,} were read"
        " (PARSE_MAX_PAGES)"
    )


# --- the parent's side: one worker, reused, replaced when it fails ---------------------

_WORKER_NAME = "diplobrief-parser"
_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_pool_memory_mb = 0
# A new worker has this long to start (import Python and the parsers) before the
# document's own time starts.
STARTUP_TIMEOUT_S = 60.0


def run_bounded(
    work: Callable[..., Article], data: bytes, suffix: str, info: ArticleInfo, limits: ParseLimits
) -> Article:
    """``work(data, suffix, info, limits)`` in the worker, within the limits; raises
    CorpusError naming the limit when the worker runs out of memory, dies or is late.
    One document at a time per process: a document's time is its own."""
    name = info.name
    with _lock:
        pool = _worker_pool(limits.worker_memory_mb)
        future = pool.submit(work, data, suffix, info, limits)
        try:
            return future.result(timeout=limits.timeout_s)
        except FutureTimeout:
            _discard_pool()
            raise too_slow(name, limits) from None
        except MemoryError:
            _discard_pool()
            raise inflated_past(name, limits) from None
        except BrokenProcessPool:
            _discard_pool()
            raise CorpusError(
                f"{name}: the reader stopped while reading it (past its"
                f" {limits.worker_memory_mb:,} MB of memory? PARSE_MAX_MB)"
            ) from None


def shutdown() -> None:
    """Stop the worker (it is started again when needed)."""
    with _lock:
        _discard_pool()


def _worker_pool(memory_mb: int) -> ProcessPoolExecutor:
    global _pool, _pool_memory_mb
    if _pool is not None and _pool_memory_mb != memory_mb:
        _discard_pool()
    if _pool is None:
        _quiet_worker_preparation()
        _pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=_ParserContext(),
            initializer=_start_worker,
            initargs=(memory_mb,),
        )
        _pool_memory_mb = memory_mb
        try:  # started now, so that its start-up is not counted in a document's time
            _pool.submit(_ready).result(timeout=STARTUP_TIMEOUT_S)
        except (FutureTimeout, BrokenProcessPool) as error:
            _discard_pool()
            raise CorpusError(f"the document reader could not be started ({error!r})") from None
    return _pool


def _discard_pool() -> None:
    """Kill the worker (it may be stuck in a parse) and forget the pool."""
    global _pool
    pool, _pool = _pool, None
    if pool is None:
        return
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        process.kill()
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.join(timeout=5)


class _ParserProcess(mp_context.SpawnProcess):
    """A spawned process named as the parser's worker (see _quiet_worker_preparation)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("name", _WORKER_NAME)
        super().__init__(*args, **kwargs)


class _ParserContext(mp_context.SpawnContext):
    Process = _ParserProcess


def _quiet_worker_preparation() -> None:
    """A spawned process runs the parent's main script again (``diplobrief`` imports the
    whole CLI, numpy and ONNX Runtime with it): the parser's worker needs none of it, and
    its address space has no room for it. Its preparation leaves the main script out;
    other processes' is unchanged."""
    original = mp_spawn.get_preparation_data
    if getattr(original, "diplobrief_worker", False):
        return

    def get_preparation_data(name: str) -> dict[str, Any]:
        data = original(name)
        if name.startswith(_WORKER_NAME):
            data.pop("init_main_from_path", None)
            data.pop("init_main_from_name", None)
        return data

    get_preparation_data.diplobrief_worker = True  # type: ignore[attr-defined]  # marker attribute
    mp_spawn.get_preparation_data = get_preparation_data


# --- the worker's side -----------------------------------------------------------------


def _start_worker(memory_mb: int) -> None:
    """Limit the worker's address space and keep it from writing core files."""
    import resource

    limit = memory_mb * MB
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    import retrieval.formats  # noqa: F401  (the parsers, imported once)


def _ready() -> bool:
    return True


@dataclass(slots=True)
class _Budget:
    """What one document's streams may still inflate to."""

    left: int
    exceeded: bool = False

    def take(self, size: int) -> None:
        self.left -= size
        if self.left < 0:
            self.exceeded = True
            raise _InflateLimit


class _InflateLimit(Exception):
    """A stream inflated past the document's budget (pdfminer turns it into its own
    error; the budget remembers it)."""


def read_document(
    parse: Callable[..., Article], suffix: str, data: bytes, info: ArticleInfo, limits: ParseLimits
) -> Article:
    """A document format's parser run within the limits: a Word file is checked against
    PARSE_MAX_MB from its zip directory; a PDF's streams are counted as they inflate and
    its pages past PARSE_MAX_PAGES are not read (a note says so)."""
    kind = suffix.lower()
    if kind == ".pdf":
        return _read_pdf(data, info, limits)
    if kind == ".docx":
        return parse(data, info, max_inflated_mb=limits.max_inflated_mb)
    return parse(data, info)


def _read_pdf(data: bytes, info: ArticleInfo, limits: ParseLimits) -> Article:
    """A PDF read with pdfminer inflating through a counting zlib, up to the page limit."""
    from retrieval.formats.pdf import read_pdf

    budget = _Budget(limits.max_inflated_bytes)
    try:
        with _counted_inflation(budget):
            read = read_pdf(data, info, max_pages=limits.max_pages)
    except (CorpusError, _InflateLimit):
        if budget.exceeded:
            raise inflated_past(info.name, limits) from None
        raise
    if budget.exceeded:
        raise inflated_past(info.name, limits)
    # The page limit is said once, naming its setting.
    notes = [
        warning.removeprefix(f"{info.name}: ")
        for warning in read.warnings
        if not (read.truncated and "were read" in warning)
    ]
    if read.truncated:
        notes.append(pages_note(limits, read.pages_total))
    article = read.article
    return dataclasses.replace(article, notes=(*article.notes, *notes)) if notes else article


@contextlib.contextmanager
def _counted_inflation(budget: _Budget) -> Iterator[None]:
    """pdfminer inflating through a zlib that counts against ``budget``; undone after."""
    import pdfminer.pdftypes

    # What is swapped is the zlib module pdfminer.pdftypes imported for itself, a name it
    # does not export: the module is handled as a plain namespace.
    pdftypes: Any = pdfminer.pdftypes
    original = pdftypes.zlib
    pdftypes.zlib = _CountingZlib(budget)
    try:
        yield
    finally:
        pdftypes.zlib = original


# A stream is inflated this much at a time; up to KEEP_BYTES of it is kept while it is
# counted.
INFLATE_CHUNK = 1024 * 1024
KEEP_BYTES = 16 * 1024 * 1024


class _CountingZlib:
    """The parts of :mod:`zlib` pdfminer uses, inflating no further than the budget."""

    error = zlib.error

    def __init__(self, budget: _Budget) -> None:
        self.budget = budget

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)

    def decompress(self, data: bytes, *args: Any, **kwargs: Any) -> bytes:
        """Inflate in chunks, counting: what is kept is at most KEEP_BYTES; a larger
        stream is only counted, then inflated again whole if it is within the budget (a
        bomb is refused having held one chunk of it)."""
        inflater = zlib.decompressobj()
        chunks: list[bytes] = []
        size = 0
        pending = data
        while True:
            out = inflater.decompress(pending, INFLATE_CHUNK)
            size += len(out)
            if size > self.budget.left:
                self.budget.take(size)  # raises
            if size <= KEEP_BYTES:
                chunks.append(out)
            else:
                chunks.clear()
            pending = inflater.unconsumed_tail
            if inflater.eof or not (pending or len(out) == INFLATE_CHUNK):
                break
        tail = inflater.flush()
        size += len(tail)
        self.budget.take(size)
        if not inflater.eof:
            raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
        if size <= KEEP_BYTES:
            return b"".join(chunks) + tail
        return zlib.decompress(data)

    def decompressobj(self, *args: Any, **kwargs: Any) -> _CountingInflater:
        return _CountingInflater(zlib.decompressobj(*args, **kwargs), self.budget)


class _CountingInflater:
    def __init__(self, inflater: Any, budget: _Budget) -> None:
        self.inflater = inflater
        self.budget = budget

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inflater, name)

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        limit = max(self.budget.left, 0) + 1
        out: bytes = self.inflater.decompress(data, min(max_length, limit) if max_length else limit)
        self.budget.take(len(out))
        return out


def _loaded_modules(names: list[str]) -> list[str]:
    """Which of these modules the worker has imported (tests: never numpy)."""
    import sys

    return [name for name in names if name in sys.modules]
