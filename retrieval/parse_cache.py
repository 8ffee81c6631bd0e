"""Parsed articles kept on disk, keyed by the file's content, so that a command on an
unchanged folder does not parse its PDFs again.

The cache is in the user's cache folder (``$XDG_CACHE_HOME/diplobrief/parsed/``, else
``~/.cache/diplobrief/parsed/``), never in the corpus folder. A key is the SHA-256 of the
file's bytes, its suffix, what the caller knows of it (:class:`ArticleInfo`), the limits
it was read under and the parser's version (a digest of the parsing code and the versions
of the libraries it uses): any change to one of them reads the file again. A refusal is
kept too (a compression bomb is not tried again on every command), except a worker that
stopped for no reason it could tell. An entry that cannot be read is parsed again; a
cache folder that cannot be written is no error. Entries unused for 30 days are removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from retrieval.model import Article, CorpusError

if TYPE_CHECKING:
    from retrieval.formats.builder import ArticleInfo
    from retrieval.parsing import ParseLimits

# Bump to drop every entry (the code digest already changes with any parsing code).
FORMAT = 1
MAX_AGE_DAYS = 30
# The code and libraries whose change changes a parse.
_CODE = ("formats", "corpus.py", "model.py", "text.py", "parsing.py", "parse_cache.py")
_LIBRARIES = ("pdfminer.six", "python-docx", "beautifulsoup4", "lxml", "charset-normalizer")
_folder_override: Path | None = None
_version: str | None = None
_pruned = False


def cache_folder() -> Path:
    """Where parsed articles are kept."""
    if _folder_override is not None:
        return _folder_override
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    if not base.is_absolute():  # the XDG specification: a relative path is ignored
        base = Path.home() / ".cache"
    return base / "diplobrief" / "parsed"


def use_folder(folder: Path | None) -> None:
    """Keep parsed articles in ``folder`` (tests), or where the user's cache is (None)."""
    global _folder_override
    _folder_override = folder


def parser_version() -> str:
    """A digest of the parsing code and the versions of the libraries it uses."""
    global _version
    if _version is None:
        digest = hashlib.sha256(f"{FORMAT} {sys.version_info[:2]}".encode())
        root = Path(__file__).resolve().parent
        for name in _CODE:
            path = root / name
            files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
            for file in files:
                with contextlib.suppress(OSError):
                    digest.update(file.name.encode() + file.read_bytes())
        for library in _LIBRARIES:
            try:
                digest.update(f"{library} {metadata.version(library)}".encode())
            except metadata.PackageNotFoundError:
                digest.update(f"{library} -".encode())
        _version = digest.hexdigest()[:16]
    return _version


def cache_key(data: bytes, suffix: str, info: ArticleInfo, limits: ParseLimits) -> str:
    """The entry of a file's parse."""
    described = repr((suffix.lower(), info, limits, parser_version()))
    digest = hashlib.sha256(hashlib.sha256(data).digest() + described.encode("utf-8"))
    return digest.hexdigest()


def cached_parse(
    data: bytes,
    suffix: str,
    info: ArticleInfo,
    limits: ParseLimits,
    parse: Callable[[bytes, str, ArticleInfo, ParseLimits], Article],
) -> Article:
    """``parse(data, suffix, info, limits)``, or what it gave before for the same key;
    a refusal (CorpusError) is raised again the same way."""
    key = cache_key(data, suffix, info, limits)
    path = cache_folder() / f"{key}.pickle"
    found = _load(path)
    if isinstance(found, Article):
        return found
    if isinstance(found, str):
        raise CorpusError(found)
    try:
        article = parse(data, suffix, info, limits)
    except CorpusError as error:
        if "the reader stopped" not in str(error):
            _store(path, str(error))
        raise
    _store(path, article)
    return article


def _load(path: Path) -> Article | str | None:
    """An entry: an Article, a refusal's message, or None (none, or unreadable)."""
    try:
        with path.open("rb") as file:
            value = pickle.load(file)
    except FileNotFoundError:
        return None
    except Exception:  # a damaged or foreign entry is parsed again
        return None
    if not (isinstance(value, tuple) and len(value) == 2 and value[0] == FORMAT):
        return None
    found = value[1]
    if not isinstance(found, Article | str):
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # used: not pruned
    return found


def _store(path: Path, value: Article | str) -> None:
    """Write an entry whole (a temporary file renamed over it), or not at all."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".entry-")
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as file:
            pickle.dump((FORMAT, value), file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except Exception:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        return
    _prune(path.parent)


def _prune(folder: Path) -> None:
    """Once a process, remove entries unused for MAX_AGE_DAYS."""
    global _pruned
    if _pruned:
        return
    _pruned = True
    cutoff = time.time() - MAX_AGE_DAYS * 86400
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            with contextlib.suppress(OSError):
                if entry.stat().st_mtime < cutoff:
                    os.unlink(entry.path)
