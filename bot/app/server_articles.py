"""A server's own articles as files: names made safe, uploads checked against the same
rules as `diplobrief check` and against the server's limits, and every change made so
that a failure leaves the folder exactly as it was. No Discord here: the `/corpus`
commands (:mod:`bot.app.cogs.corpus`) and :class:`bot.app.corpora.Corpora` glue it in.

A file waiting for "Replace?" is kept in the folder's hidden ``.pending/`` (hidden
folders are never read as articles), so the button works after a restart as well.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bot.app.failures import UserFacingError
from retrieval.corpus import article_warnings, parse_article
from retrieval.folders import ARTICLE_SUFFIXES
from retrieval.formats import ArticleInfo
from retrieval.model import Article, CorpusError
from retrieval.parsing import ParseLimits

PENDING_FOLDER = ".pending"
# A file waiting for "Replace?" is dropped after this long.
PENDING_SECONDS = 15 * 60
# Longest file name kept, in characters and in UTF-8 bytes (most file systems allow 255
# bytes: 96 emoji are 384).
MAX_NAME_CHARS = 100
MAX_NAME_BYTES = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Characters that make a name look like another one or hide part of it: C1 controls,
# bidirectional overrides and isolates, zero-width and invisible formatting characters.
_DECEPTIVE = re.compile(
    "[\u0080-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
_RESERVED = re.compile(r"^(?:con|prn|aux|nul|com\d|lpt\d)(?:\.|$)", re.IGNORECASE)
_PENDING_TOKEN = re.compile(r"^[0-9a-f]{16}$")


class UploadRefused(UserFacingError):
    """An upload, or a removal, that cannot be done; the message says why."""


class NameTaken(UploadRefused):
    """The server already keeps a file of this name (``name``: as it is stored)."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"This server already has `{shown_name(name)}`; upload the file again to replace it."
        )
        self.name = name


@dataclass(frozen=True, slots=True)
class UploadLimits:
    """What one server may keep (all settings)."""

    max_file_bytes: int
    max_files: int
    max_total_bytes: int


@dataclass(frozen=True, slots=True)
class StoredFile:
    """One of a server's article files."""

    name: str
    size: int


@dataclass(frozen=True, slots=True)
class CheckedUpload:
    """An upload that passed the check: its safe name, bytes, article and warnings."""

    name: str
    data: bytes
    article: Article
    warnings: tuple[str, ...]


def safe_article_name(filename: str) -> str:
    """The name an uploaded file is kept under. Raises UploadRefused for a name that
    could reach outside the folder, hide itself or is not an article format."""
    name = unicodedata.normalize("NFC", filename).strip()
    if "/" in name or "\\" in name or ".." in name:
        raise UploadRefused(
            f"`{shown_name(filename)}`: names with `/`, `\\` or `..` are not accepted; rename"
            " the file and upload it again."
        )
    if not name or name.startswith(".") or _CONTROL.search(name) or _RESERVED.match(name):
        raise UploadRefused(f"`{shown_name(filename)}` is not a usable file name; rename the file.")
    if _DECEPTIVE.search(name):
        raise UploadRefused(
            f"`{shown_name(filename)}` holds invisible or direction-changing characters, which"
            " can make it look like another name; rename the file."
        )
    if len(name) > MAX_NAME_CHARS or len(name.encode("utf-8")) > MAX_NAME_BYTES:
        raise UploadRefused(
            f"The file name is longer than {MAX_NAME_CHARS} characters"
            f" ({MAX_NAME_BYTES} bytes); rename the file."
        )
    suffix = Path(name).suffix.lower()
    if suffix not in ARTICLE_SUFFIXES:
        formats = ", ".join(sorted(ARTICLE_SUFFIXES))
        raise UploadRefused(f"`{shown_name(name)}` is not an article format ({formats}).")
    return name


def shown_name(name: str) -> str:
    """A name as it can be shown inside a code span (controls and invisible characters
    as `?`)."""
    return _DECEPTIVE.sub("?", _CONTROL.sub("?", name)).replace("`", "'")[:MAX_NAME_CHARS]


def same_name(name: str, folder: Path) -> str | None:
    """The stored file whose name is this one but for case (`Arctic.md`, `arctic.md`):
    on most file systems a second such file would be the same article twice, and on
    some the same file."""
    folded = name.casefold()
    return next((f.name for f in stored_files(folder) if f.name.casefold() == folded), None)


def stored_files(folder: Path) -> list[StoredFile]:
    """The article files directly in a server's folder, by name."""
    if not folder.is_dir():
        return []
    return sorted(
        (
            StoredFile(entry.name, entry.stat().st_size)
            for entry in folder.iterdir()
            if entry.is_file()
            and not entry.name.startswith(".")
            and entry.suffix.lower() in ARTICLE_SUFFIXES
        ),
        key=lambda stored: stored.name.lower(),
    )


def check_size(size: int, name: str, folder: Path, limits: UploadLimits) -> None:
    """Refuse, before reading it, a file larger than the limit or one that would take
    the server past its number of files or bytes (a replaced file frees its own)."""
    if size > limits.max_file_bytes:
        raise UploadRefused(
            f"`{shown_name(name)}` is {size / 1048576:.1f} MB; files up to"
            f" {limits.max_file_bytes / 1048576:.0f} MB are accepted."
        )
    files = {stored.name: stored.size for stored in stored_files(folder)}
    replaced = files.pop(name, None)
    if replaced is None and len(files) >= limits.max_files:
        raise UploadRefused(
            f"This server already has {len(files)} articles, the most it may keep;"
            " remove one with `/corpus remove` first."
        )
    if sum(files.values()) + size > limits.max_total_bytes:
        raise UploadRefused(
            f"This server's articles would take more than"
            f" {limits.max_total_bytes / 1048576:.0f} MB; remove some with `/corpus remove`."
        )


def check_upload(
    name: str,
    data: bytes,
    slug: str,
    *,
    folder: Path | None = None,
    limits: ParseLimits | None = None,
) -> CheckedUpload:
    """Parse an upload with the rules `diplobrief check` applies, within ``limits`` (in
    a worker process: no upload can take the bot down). Raises UploadRefused with
    check's reason when the file would be skipped. Described as the file it will be in
    the server's ``folder``, so that the rebuild after it is stored finds this parse in
    the parse cache instead of parsing the file again."""
    info = ArticleInfo(slug=slug, source_file=name, path=str(folder / name) if folder else "")
    try:
        article = parse_article(data, Path(name).suffix, info, limits=limits)
    except CorpusError as error:
        raise UploadRefused(
            f"`{shown_name(name)}` was not added: {_reason(error, info)}."
        ) from error
    return CheckedUpload(name, data, article, tuple(article_warnings(article)))


def _reason(error: CorpusError, info: ArticleInfo) -> str:
    return str(error).removeprefix(f"{info.name}: ").rstrip(".")


def write_atomically(path: Path, data: bytes) -> None:
    """Write a file whole or not at all: a temporary file in the same folder, flushed
    to disk, then renamed over the target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


@contextlib.contextmanager
def changed_file(path: Path, data: bytes | None) -> Iterator[None]:
    """Put ``data`` at ``path`` (None: remove it); if the block raises, put back what
    was there before, so the folder is exactly as it was."""
    before = path.read_bytes() if path.is_file() else None
    if data is None:
        path.unlink()
    else:
        write_atomically(path, data)
    try:
        yield
    except BaseException:
        if before is None:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        else:
            write_atomically(path, before)
        raise


def hold_pending(folder: Path, upload: CheckedUpload) -> str:
    """Keep an upload that needs "Replace?" answered; returns its token (which goes in
    the button's custom_id)."""
    pending = folder / PENDING_FOLDER
    _drop_stale(pending)
    token = hashlib.sha256(upload.name.encode() + b"\0" + upload.data).hexdigest()[:16]
    write_atomically(pending / f"{token}.name", upload.name.encode())
    write_atomically(pending / f"{token}.data", upload.data)
    return token


def take_pending(folder: Path, token: str) -> tuple[str, bytes]:
    """The name and bytes of a held upload, no longer held. Raises UploadRefused when it
    has expired or was already used."""
    pending = folder / PENDING_FOLDER
    if not _PENDING_TOKEN.match(token):
        raise UploadRefused("That upload is not waiting any more; upload the file again.")
    _drop_stale(pending)
    try:
        name = (pending / f"{token}.name").read_bytes().decode()
        data = (pending / f"{token}.data").read_bytes()
    except (OSError, UnicodeDecodeError) as error:
        raise UploadRefused(
            "That upload is not waiting any more (it expired or was already answered);"
            " upload the file again."
        ) from error
    for suffix in (".name", ".data"):
        with contextlib.suppress(FileNotFoundError):
            (pending / f"{token}{suffix}").unlink()
    return name, data


def _drop_stale(pending: Path) -> None:
    if not pending.is_dir():
        return
    cutoff = time.time() - PENDING_SECONDS
    for entry in pending.iterdir():
        with contextlib.suppress(OSError):
            if entry.stat().st_mtime < cutoff:
                entry.unlink()
