"""The corpus as data: :class:`Article` and :class:`Section`, the boundary every other
module reads, and :class:`CorpusError` for files and folders that cannot be used."""

from __future__ import annotations

from dataclasses import dataclass

# The heading shown for text before an article's first heading. Such a section is marked
# ``lead=True``: a real heading that happens to read "Introduction" is indexed as one.
INTRODUCTION = "Introduction"


class CorpusError(Exception):
    """An article, settings file or corpus that cannot be used; the message names the file."""


@dataclass(frozen=True, slots=True)
class Section:
    """A heading and the paragraphs under it, the unit that is indexed and cited."""

    id: str
    article: str  # the slug of its Article
    heading: str
    paragraphs: tuple[str, ...]
    position: int
    lead: bool = False  # the text before the first heading (its heading is INTRODUCTION)

    @property
    def text(self) -> str:
        """The body text, paragraphs separated by a blank line."""
        return "\n\n".join(self.paragraphs)

    @property
    def indexed_heading(self) -> str:
        """The heading as evidence of what the section is about: empty for a lead section,
        whose shown heading was not written by the author."""
        return "" if self.lead else self.heading


@dataclass(frozen=True, slots=True)
class Article:
    """One article: where it came from, its provenance caveat if any, and its sections."""

    slug: str
    title: str
    source_file: str
    path: str
    sections: tuple[Section, ...]
    provenance: str | None = None
    source_url: str | None = None
    # How the file was read when it was not plain UTF-8 text: "PDF", "Word document",
    # "cp1252 (detected)", "UTF-16 (byte-order mark)".
    read_as: str | None = None
    # What reading it left out, for `check` ("over 1,000 pages: the first 1,000 were read").
    notes: tuple[str, ...] = ()
