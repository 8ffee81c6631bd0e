"""Titles two articles of a folder never share: four resolutions all titled "General
Assembly" cannot be cited apart. A title that two or more articles have gets a part that
tells them apart: the UN document symbol in the file name (``A-RES-77-321.pdf``) or in
the text (``A/RES/77/321``), else the date the document states, else the file name:
"General Assembly — A/RES/77/321"."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from pathlib import PurePath

from retrieval.model import Article

__all__ = ["distinct_titles", "document_date", "document_symbol"]

SEPARATOR = " — "
# How much of an article's text is searched for its symbol and date (its front matter).
FRONT_CHARS = 3000
# A UN document symbol: a series letter or body, then two or more parts, one a number
# (A/RES/77/321, A/CONF.232/2023/4, S/RES/2231, A/77/L.90).
_SYMBOL = re.compile(
    r"(?<![\w/])(?:A|S|E|ST|TD|UNEP|FCCC|CCPR|CRC|CEDAW|CERD|CAT|UNW|DP|HRC)"
    r"(?:/[A-Z0-9][A-Za-z0-9.\-]*){2,}(?![\w/])"
)
# The same in a file name, with hyphens or underscores for slashes (A-RES-77-321).
_FILE_SYMBOL = re.compile(
    r"(?<![A-Za-z0-9])((?:A|S|E)(?:[-_][A-Z0-9][A-Z0-9.]*){2,})(?![A-Za-z0-9])"
)
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE = re.compile(
    rf"\b(?:\d{{1,2}}\s+(?:{_MONTHS})\s+\d{{4}}|(?:{_MONTHS})\s+\d{{1,2}},\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2})\b"
)


def _front(article: Article) -> str:
    parts: list[str] = []
    size = 0
    for section in article.sections:
        for text in (section.heading, *section.paragraphs):
            parts.append(text)
            size += len(text)
            if size > FRONT_CHARS:
                return "\n".join(parts)[:FRONT_CHARS]
    return "\n".join(parts)


def document_symbol(article: Article) -> str | None:
    """The UN document symbol of an article: from its file name, else its text."""
    stem = PurePath(article.source_file).stem
    found = _FILE_SYMBOL.search(stem)
    if found and any(c.isdigit() for c in found[1]):
        return re.sub(r"[-_]", "/", found[1])
    for match in _SYMBOL.finditer(_front(article)):
        if any(c.isdigit() for c in match[0]):
            return match[0].rstrip(".-")
    return None


def document_date(article: Article) -> str | None:
    """The first date an article's front matter states."""
    found = _DATE.search(_front(article))
    return " ".join(found[0].split()) if found else None


def _stem(article: Article) -> str:
    return PurePath(article.source_file).stem


def _slug(article: Article) -> str:
    return article.slug


_PARTS: tuple[Callable[[Article], str | None], ...] = (
    document_symbol,
    document_date,
    _stem,
    _slug,
)


def distinct_titles(articles: Sequence[Article]) -> list[Article]:
    """The articles, in order, those sharing a title given a part that tells them apart
    (the first of symbol, date, file name and identity that no other of them has)."""
    groups: dict[str, list[int]] = {}
    for index, article in enumerate(articles):
        groups.setdefault(_title_key(article.title), []).append(index)
    result = list(articles)
    for members in groups.values():
        if len(members) < 2:
            continue
        values = [[part(articles[i]) for part in _PARTS] for i in members]
        for position, index in enumerate(members):
            title = articles[index].title
            for level, value in enumerate(values[position]):
                others = [v[level] for k, v in enumerate(values) if k != position]
                if value and value not in others and value.casefold() not in title.casefold():
                    result[index] = dataclasses.replace(
                        articles[index], title=f"{title}{SEPARATOR}{value}"
                    )
                    break
    # A title given a part may now be another article's own: that one keeps its title,
    # this one takes its identity too.
    seen: set[str] = set()
    for index, article in enumerate(result):
        key = _title_key(article.title)
        if key in seen:
            result[index] = dataclasses.replace(
                article, title=f"{article.title}{SEPARATOR}{article.slug}"
            )
        seen.add(_title_key(result[index].title))
    return result


def _title_key(title: str) -> str:
    return " ".join(title.split()).casefold()
