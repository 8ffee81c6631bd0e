"""What a corpus folder holds: its article files (sub-folders included, but not hidden
ones, links that lead outside it or misnamed server folders), the files skipped and why,
and a unique identity (slug) for every article file. :mod:`retrieval.corpus` reads them."""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from retrieval.formats import DOCUMENT_PARSERS, PARSERS
from retrieval.text import slugify

MANIFEST_NAME = "manifest.toml"
ARTICLE_SUFFIXES: frozenset[str] = frozenset(PARSERS) | frozenset(DOCUMENT_PARSERS)
# Files in a corpus folder that are data about the corpus, not articles.
CORPUS_DATA_FILES: frozenset[str] = frozenset({MANIFEST_NAME, "cases.toml", "README.md"})


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """A file in the corpus folder that was not loaded, and why."""

    path: str
    reason: str


def article_files(
    directory: Path, *, exclude: Iterable[Path] = ()
) -> tuple[list[Path], list[SkippedFile]]:
    """The article files of a corpus folder (sorted, sub-folders included but for
    ``exclude`` and hidden ones), and what was not read, with why: other file types,
    links that lead outside the folder, folders that cannot be read."""
    root = directory.resolve()
    excluded = {Path(e).resolve() for e in exclude}
    files: list[Path] = []
    skipped: list[SkippedFile] = []

    def unreadable(error: OSError) -> None:
        skipped.append(
            SkippedFile(str(error.filename), f"folder cannot be read ({error.strerror})")
        )

    for folder, subfolders, names in os.walk(directory, onerror=unreadable):
        here = Path(folder)
        subfolders[:] = sorted(
            name
            for name in subfolders
            if not name.startswith(".")
            and (here / name).resolve() not in excluded
            and _inside(here / name, root, skipped)
            and not _misnamed_server_folder(here / name, directory, skipped)
        )
        for name in sorted(names):
            path = here / name
            if name.startswith(".") or (name in CORPUS_DATA_FILES and here == directory):
                continue
            if _inside(path, root, skipped):
                _sort_file(path, files, skipped)
    return sorted(files), skipped


def _sort_file(path: Path, files: list[Path], skipped: list[SkippedFile]) -> None:
    """An article file goes in ``files``; a special file or one of another type in
    ``skipped``, with why."""
    special = _special_file(path)
    if special:
        skipped.append(SkippedFile(str(path), f"not a regular file ({special})"))
    elif path.suffix.lower() in ARTICLE_SUFFIXES:
        files.append(path)
    else:
        skipped.append(SkippedFile(str(path), f"unsupported file type {path.suffix!r}"))


_SPECIAL_FILES = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def _special_file(path: Path) -> str | None:
    """What a file that is not a regular file is (a FIFO, a socket, a device), found
    without opening it (opening a FIFO waits for a writer); None for a regular file, or
    one that cannot be looked at (reading it says why)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode):
        return None
    return next((what for test, what in _SPECIAL_FILES if test(mode)), "not a file")


# A sub-folder named exactly by a Discord server (guild) id, directly in the corpus
# folder, holds that server's own articles.
SERVER_FOLDER = re.compile(r"^\d{15,21}$")
_SERVER_ID = re.compile(r"\d{15,21}")


def _misnamed_server_folder(path: Path, directory: Path, skipped: list[SkippedFile]) -> bool:
    """A folder that looks meant for one server (a server id in its name) but is not a
    server folder (`123… (Study Group)/`, `sub/<id>/`): refused, so that its articles
    are never shown to every server."""
    if not _SERVER_ID.search(path.name):
        return False
    if path.parent == directory and SERVER_FOLDER.match(path.name):
        return False  # a server's own folder (the caller decides whose it is)
    skipped.append(
        SkippedFile(
            str(path),
            "looks like a server's own folder but is not one (name it exactly by the"
            " server id, directly in the corpus folder); not read, so that no other"
            " server sees it",
        )
    )
    return True


def _inside(path: Path, root: Path, skipped: list[SkippedFile]) -> bool:
    """Whether a path (a link followed) stays inside the corpus folder; a link that
    leaves it is listed as skipped, never read."""
    if not path.is_symlink():
        return True
    target = path.resolve()
    if target == root or root in target.parents:
        return True
    skipped.append(
        SkippedFile(str(path), "a link to somewhere outside the corpus folder; not read")
    )
    return False


def article_slugs(
    directory: Path, files: Iterable[Path], *, prefix: str = ""
) -> tuple[dict[Path, str], list[str]]:
    """A unique, stable identity for every file: its path, transliterated to a slug
    (`Арктика.md` -> `arktika`). Files whose names give the same slug (`a b.txt` and
    `a-b.txt`, `Arctic.md` and `arctic.md`) keep it only if their name already is that
    slug; the others get a suffix from a hash of their own path, so an identity never
    depends on which other files are there. Returns the slugs and what was renamed."""
    natural: dict[Path, str] = {}
    for path in files:
        parts = path.relative_to(directory).with_suffix("").parts
        natural[path] = prefix + "/".join(slugify(part) for part in parts)
    by_slug: dict[str, list[Path]] = {}
    for path, slug in natural.items():
        by_slug.setdefault(slug, []).append(path)
    slugs = dict(natural)
    renamed: list[str] = []
    for slug, paths in by_slug.items():
        if len(paths) < 2:
            continue
        for path in paths:
            relative = path.relative_to(directory)
            if prefix + relative.with_suffix("").as_posix() == slug and path.suffix.islower():
                continue  # its name is its identity already
            digest = hashlib.sha1(relative.as_posix().encode("utf-8")).hexdigest()[:6]
            slugs[path] = f"{slug}-{digest}"
            others = ", ".join(str(p.relative_to(directory)) for p in paths if p != path)
            renamed.append(
                f"{relative} and {others} would share the identity `{slug}`:"
                f" {relative} is `{slugs[path]}`"
            )
    return slugs, renamed
