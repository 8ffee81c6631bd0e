"""Reading a corpus folder: the manifest and other TOML settings, and each article file
(found by :mod:`retrieval.folders`) decoded and handed to its format's parser
(:mod:`retrieval.formats`).

Only this module and :mod:`retrieval.folders` touch the file system; parsing is pure
(text in, Article out).
"""

from __future__ import annotations

import dataclasses
import hashlib
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from retrieval import parse_cache
from retrieval.folders import MANIFEST_NAME, SkippedFile, article_files, article_slugs
from retrieval.formats import DOCUMENT_PARSERS, PARSERS, ArticleInfo, parser_for
from retrieval.formats.builder import MAX_HEADING_CHARS, MAX_HEADING_WORDS, STRUCTURE_LABEL
from retrieval.formats.encoding import decode_text
from retrieval.model import INTRODUCTION, Article, CorpusError, Section
from retrieval.parsing import (
    SANDBOXED_SUFFIXES,
    ParseLimits,
    current_limits,
    inflated_past,
    read_document,
    run_bounded,
)
from retrieval.settings_files import entries
from retrieval.titles import distinct_titles

__all__ = [
    "INTRODUCTION",
    "MAX_ARTICLE_BYTES",
    "Article",
    "CorpusError",
    "LoadedCorpus",
    "ManifestEntry",
    "ParseLimits",
    "Section",
    "article_warnings",
    "load_corpus",
    "read_article",
    "read_manifest",
    "read_toml",
    "scan_corpus",
]

# Larger files are not articles a study group reads (a 100-page PDF is about 1 MB); they
# are skipped unread.
MAX_ARTICLE_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    """What the manifest says about one file: its original name and its title."""

    file: str
    source_file: str
    title: str | None = None


@dataclass(frozen=True, slots=True)
class LoadedCorpus:
    """The articles that loaded, and the files skipped with their reasons."""

    articles: tuple[Article, ...]
    skipped: tuple[SkippedFile, ...] = field(default=())
    # Files whose names would have given two articles one identity, and what each got.
    renamed: tuple[str, ...] = field(default=())


def read_toml(path: Path) -> dict[str, Any] | None:
    """A corpus settings file (manifest, cases) as a dict; None when there is none.
    Raises CorpusError naming the file when it is not valid TOML."""
    if not path.is_file():
        return None
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise CorpusError(f"{path}: not valid TOML ({error})") from error


def read_manifest(directory: Path) -> dict[str, ManifestEntry]:
    """The manifest of a corpus folder, keyed by file name; empty when there is none."""
    path = directory / MANIFEST_NAME
    data = read_toml(path)
    if data is None:
        return {}
    found: dict[str, ManifestEntry] = {}
    for item in entries(path, data, "article"):
        found[item["file"]] = ManifestEntry(
            file=item["file"],
            source_file=item.get("source_file") or item["file"],
            title=item.get("title"),
        )
    return found


def read_article(
    path: Path,
    *,
    slug: str,
    entry: ManifestEntry | None = None,
    limits: ParseLimits | None = None,
) -> Article:
    """Read and parse one article file; a file that cannot be used raises CorpusError
    naming it (too large, binary, an encoding that cannot be told, empty, no text).

    A file whose bytes were parsed before is not parsed again: a reload, or a server's
    rebuild after one upload, parses only what changed (a PDF takes about 20 ms a page;
    reading and hashing it, well under one)."""
    try:
        size = path.stat().st_size
        if size > MAX_ARTICLE_BYTES:
            raise CorpusError(
                f"{path}: too large ({size / 1048576:.1f} MB; articles up to"
                f" {MAX_ARTICLE_BYTES // 1048576} MB are read)"
            )
        data = path.read_bytes()
    except OSError as error:
        raise CorpusError(f"{path}: cannot be read ({error.strerror})") from error
    limits = limits or current_limits()
    key = (hashlib.sha256(data).digest(), str(path), slug, entry, limits)
    cached = _PARSED.get(key)
    if cached is None:
        info = ArticleInfo(
            slug=slug,
            source_file=entry.source_file if entry else path.name,
            path=str(path),
            title=entry.title if entry else None,
        )
        cached = parse_article(data, path.suffix, info, limits=limits)
        _PARSED[key] = cached
        while len(_PARSED) > PARSED_CACHE_SIZE:
            _PARSED.pop(next(iter(_PARSED)))
    return cached


# Articles parsed, by the file's content, path and how it was named; bounded, oldest
# dropped first.
PARSED_CACHE_SIZE = 4096
_PARSED: dict[tuple[bytes, str, str, ManifestEntry | None, ParseLimits], Article] = {}


def parse_article(
    data: bytes, suffix: str, info: ArticleInfo, *, limits: ParseLimits | None = None
) -> Article:
    """An article from a file's bytes, by its suffix: a document format (PDF, Word) from
    the bytes, a text format from the decoded text. The article records how it was read
    (`read_as`) when that was not plain UTF-8 text. Raises CorpusError naming the file
    when it cannot be used, or when no article text is left after cleaning.

    Within ``limits`` (default: :func:`retrieval.parsing.current_limits`): PDF, Word
    and HTML are parsed in a worker process (:mod:`retrieval.parsing`). A file parsed
    before (the same bytes, name and limits) is taken from the parse cache
    (:mod:`retrieval.parse_cache`)."""
    limits = limits or current_limits()
    if not data.strip():
        raise CorpusError(f"{info.name}: the file is empty")
    if len(data) > limits.max_inflated_bytes:  # a text file's size is its inflated size
        raise inflated_past(info.name, limits)
    return parse_cache.cached_parse(data, suffix, info, limits, _parse_bounded)


def _parse_bounded(data: bytes, suffix: str, info: ArticleInfo, limits: ParseLimits) -> Article:
    """A document format in the worker process, plain text here."""
    if suffix.lower() in SANDBOXED_SUFFIXES:
        return run_bounded(parse_unbounded, data, suffix, info, limits)
    return parse_unbounded(data, suffix, info, limits)


def parse_unbounded(data: bytes, suffix: str, info: ArticleInfo, limits: ParseLimits) -> Article:
    """:func:`parse_article`'s work, in the calling process (the worker runs this)."""
    name = info.name
    document = DOCUMENT_PARSERS.get(suffix.lower())
    if document is not None:
        parse_document, kind = document
        article = read_document(parse_document, suffix, data, info, limits)
        article = dataclasses.replace(article, read_as=kind)
    else:
        decoded = decode_text(data, name)
        if not decoded.text.strip():
            raise CorpusError(f"{name}: the file is empty")
        parse = parser_for(suffix) or PARSERS[".md"]
        article = dataclasses.replace(parse(decoded.text, info), read_as=decoded.read_as)
    if not any(section.paragraphs for section in article.sections):
        raise CorpusError(f"{name}: no article text left after cleaning")
    return article


def scan_corpus(
    directory: Path | str,
    *,
    exclude: Iterable[Path] = (),
    prefix: str = "",
    limits: ParseLimits | None = None,
) -> LoadedCorpus:
    """Read every article of a corpus folder (sub-folders included, except ``exclude``).
    A bad file is skipped with its reason and never stops the others; a file with the
    same text as one already read is skipped as a duplicate. Every article gets a unique
    identity (its slug, after ``prefix``), whatever its file name, and a title no other
    article of the folder has (:func:`distinct_titles`). Files are read within
    ``limits`` (see :func:`parse_article`)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise CorpusError(f"{directory}: corpus folder not found")
    manifest = read_manifest(directory)
    files, skipped = article_files(directory, exclude=exclude)
    slugs, renamed = article_slugs(directory, files, prefix=prefix)
    articles: list[Article] = []
    seen: dict[str, str] = {}
    for path in files:
        try:
            article = read_article(
                path, slug=slugs[path], entry=manifest.get(path.name), limits=limits
            )
        except CorpusError as error:
            skipped.append(SkippedFile(str(path), str(error).removeprefix(f"{path}: ")))
            continue
        fingerprint = article_fingerprint(article)
        if fingerprint in seen:
            skipped.append(SkippedFile(str(path), f"duplicate of {seen[fingerprint]}"))
            continue
        seen[fingerprint] = str(path)
        articles.append(article)
    return LoadedCorpus(tuple(distinct_titles(articles)), tuple(skipped), tuple(renamed))


def article_fingerprint(article: Article) -> str:
    """A digest of an article's text: two files with the same text are one article."""
    text = "\n".join(p for s in article.sections for p in s.paragraphs)
    return hashlib.sha1(text.encode()).hexdigest()


def load_corpus(
    directory: Path | str, *, exclude: Iterable[Path] = (), limits: ParseLimits | None = None
) -> LoadedCorpus:
    """Load a corpus folder like :func:`scan_corpus`; a folder with no usable article
    raises CorpusError naming the files and why."""
    loaded = scan_corpus(directory, exclude=exclude, limits=limits)
    if not loaded.articles:
        reasons = "; ".join(f"{s.path}: {s.reason}" for s in loaded.skipped)
        raise CorpusError(f"{directory}: no usable article ({reasons or 'no article files'})")
    return loaded


def article_warnings(article: Article) -> list[str]:
    """What looks wrong in an article that did load: headings with no text under them,
    and "headings" too long to be headings."""
    warnings = list(article.notes)
    last = len(article.sections) - 1
    for index, section in enumerate(article.sections):
        words = len(section.heading.split())
        if words > MAX_HEADING_WORDS or len(section.heading) > MAX_HEADING_CHARS:
            warnings.append(f"suspicious heading ({words} words): {section.heading[:60]}…")
        # "PART II. …" over the articles that follow it has no text of its own.
        grouping = index < last and STRUCTURE_LABEL.match(section.heading)
        if not section.paragraphs and not grouping:
            warnings.append(f"heading with no paragraphs: {section.heading}")
    return warnings
