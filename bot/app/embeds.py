"""Pure builders of Discord embeds. Every builder returns embeds within Discord's limits:
they truncate here, so cogs never have to."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import discord
from discord.utils import escape_markdown, escape_mentions

from bot.app import limits
from bot.app.server_articles import CheckedUpload, UploadLimits, shown_name
from bot.present.render import MARKDOWN_BOLD, briefing_title, excerpt_line, mark_excerpt
from bot.present.text import code_span, counted, truncate
from retrieval.briefing import Briefing
from retrieval.library import Library
from retrieval.model import Article, Section

if TYPE_CHECKING:
    from bot.ratings.report import RatingsReport

BRAND_COLOUR = discord.Colour.dark_teal()
WARNING_COLOUR = discord.Colour.gold()
ERROR_COLOUR = discord.Colour.red()


def escape_user_text(text: str) -> str:
    """User text shown back: one line, markdown escaped, mentions defused (`@everyone`
    is shown, never pings, even where allowed mentions would not apply)."""
    return escape_mentions(escape_markdown(" ".join(text.split())))


def _lines_within(lines: Sequence[str], limit: int) -> str:
    """Join whole lines while they fit; a last line says how many were left out."""
    out: list[str] = []
    used = 0
    for index, line in enumerate(lines):
        line = truncate(line, limit)
        remaining = len(lines) - index
        cost = len(line) + (1 if out else 0)
        tail = f"\n… and {remaining - 1} more" if remaining > 1 else ""
        if used + cost + len(tail) > limit:
            out.append(f"… and {remaining} more")
            break
        out.append(line)
        used += cost
    return "\n".join(out)


def fit_message(embeds: list[discord.Embed]) -> list[discord.Embed]:
    """Drop trailing fields, then shorten descriptions, until the embeds of one message
    fit in Discord's 6000-character total (and at most 10 embeds)."""
    embeds = embeds[: limits.EMBEDS_PER_MESSAGE]
    while sum(len(e) for e in embeds) > limits.MESSAGE_EMBEDS_TOTAL:
        excess = sum(len(e) for e in embeds) - limits.MESSAGE_EMBEDS_TOTAL
        last = embeds[-1]
        if len(embeds) > 1 and not last.fields:
            embeds.pop()
        elif last.fields:
            last.remove_field(len(last.fields) - 1)
        elif last.description:
            keep = max(len(last.description) - excess - 1, 0)
            last.description = truncate(last.description, keep) if keep else None
        else:
            last.title = truncate(last.title or "", max(len(last.title or "") - excess, 1))
    return embeds


def briefing_embed(briefing: Briefing, *, question: bool = False) -> discord.Embed:
    """The embed of a briefing: numbered excerpts with bold query words and citations,
    the sources, the AI-provenance caveat where one applies, and a footer with the corpus
    and the number of sections searched. A briefing that found nothing says so and
    suggests topics."""
    title = escape_user_text(briefing_title(briefing, question=question))
    embed = discord.Embed(
        title=truncate(title, limits.EMBED_TITLE),
        colour=BRAND_COLOUR if briefing.found else WARNING_COLOUR,
    )
    embed.description = _lines_within(_briefing_lines(briefing), limits.EMBED_DESCRIPTION) or None
    if briefing.sources:
        lines = [f"[{s.citation_no}] {escape_markdown(s.label)}" for s in briefing.sources]
        embed.add_field(
            name="Sources", value=_lines_within(lines, limits.EMBED_FIELD_VALUE), inline=False
        )
    if briefing.caveats:
        caveats = [f"⚠️ {escape_markdown(caveat)}" for caveat in briefing.caveats]
        embed.add_field(
            name="Caveat: AI-generated source",
            value=_lines_within(caveats, limits.EMBED_FIELD_VALUE),
            inline=False,
        )
    footer = f"{briefing.corpus_name} · {briefing.sections_searched} sections searched"
    if briefing.has_more:
        footer += " · More for the next excerpts"
    embed.set_footer(text=truncate(footer, limits.EMBED_FOOTER))
    return fit_message([embed])[0]


def _briefing_lines(briefing: Briefing) -> list[str]:
    """The description's lines: notes, then the excerpts (or topics to try instead)."""
    lines = [f"*{escape_markdown(note)}*" for note in briefing.notes]
    for number, excerpt in enumerate(briefing.excerpts, start=briefing.offset + 1):
        marked = mark_excerpt(excerpt, escape=escape_markdown)
        lines.append(excerpt_line(excerpt, number, marked, MARKDOWN_BOLD, escape=escape_markdown))
    if not briefing.found and briefing.suggestions:
        lines.append("Try one of these topics instead:")
        lines.extend(f"• {escape_markdown(topic)}" for topic in briefing.suggestions)
    return lines


def sources_embed(library: Library) -> discord.Embed:
    """The articles of the corpus, with titles and section counts."""
    embed = discord.Embed(
        title=truncate(f"Sources: {library.name}", limits.EMBED_TITLE),
        description=truncate(
            f"{counted(len(library.articles), 'article')},"
            f" {counted(len(library.sections), 'section')}.",
            limits.EMBED_DESCRIPTION,
        ),
        colour=BRAND_COLOUR,
    )
    for article in library.articles[: limits.EMBED_FIELDS]:
        caveat = "\n⚠️ AI-generated (the article says so)" if article.provenance else ""
        embed.add_field(
            name=truncate(escape_markdown(article.title), limits.EMBED_FIELD_NAME),
            value=truncate(
                f"{len(article.sections)} sections · {code_span(article.source_file)}" + caveat,
                limits.EMBED_FIELD_VALUE,
            ),
            inline=False,
        )
    if len(library.articles) > limits.EMBED_FIELDS:
        embed.set_footer(text=f"{len(library.articles) - limits.EMBED_FIELDS} more not shown")
    return fit_message([embed])[0]


HELP_ENTRIES: tuple[tuple[str, str], ...] = (
    ("/brief topic", "A cited briefing of 3–5 excerpts on a topic. `/brief cyber diplomacy`"),
    (
        "/ask question",
        "A question answered from the articles, cited. `/ask what do military attachés do?`",
    ),
    ("/cases [name]", "The case studies the articles describe, or one of them. `/cases jcpoa`"),
    ("/sources", "The articles the bot quotes from, with their sections."),
    (
        "/corpus add · list · remove",
        "Manage Server: keep this server's own articles (PDF, Word, text, Markdown, HTML)."
        " `/corpus add file:`",
    ),
    ("/help", "This message."),
)


def help_embed(corpus_name: str) -> discord.Embed:
    """What each command does, with examples."""
    embed = discord.Embed(
        title="diplobrief: cited briefings on diplomacy and security",
        description=(
            "Every sentence is quoted exactly from an article and cited `[n] Article › Section`. "
            "When the articles have nothing on a topic, the bot says so.\n"
            "Add `private: True` to /brief, /ask or /cases to see the answer alone."
        ),
        colour=BRAND_COLOUR,
    )
    for name, text in HELP_ENTRIES:
        embed.add_field(name=name, value=text, inline=False)
    embed.set_footer(text=truncate(f"Corpus: {corpus_name}", limits.EMBED_FOOTER))
    return embed


def section_embeds(article: Article, section: Section) -> list[list[discord.Embed]]:
    """The full text of a section, as messages (each a list of embeds within the limits),
    split between paragraphs, or inside a long paragraph at a sentence or word."""
    escaped = [escape_markdown(paragraph) for paragraph in section.paragraphs]
    chunks = _split_text(escaped, limits.EMBED_DESCRIPTION - 100)
    title = truncate(escape_markdown(f"{section.heading} — {article.title}"), limits.EMBED_TITLE)
    embeds: list[discord.Embed] = []
    for index, chunk in enumerate(chunks or [""], start=1):
        embed = discord.Embed(
            title=title if index == 1 else None,
            description=chunk or "(This section has no text.)",
            colour=BRAND_COLOUR,
        )
        if len(chunks) > 1:
            embed.set_footer(text=f"Part {index} of {len(chunks)}")
        embeds.append(embed)
    if article.provenance:
        embeds[-1].add_field(
            name="Caveat: AI-generated source",
            value=truncate(escape_markdown(article.provenance), limits.EMBED_FIELD_VALUE),
        )
    messages: list[list[discord.Embed]] = [[]]
    for embed in embeds:
        if sum(len(e) for e in messages[-1]) + len(embed) > limits.MESSAGE_EMBEDS_TOTAL:
            messages.append([])
        messages[-1].append(embed)
    return [fit_message(message) for message in messages]


def _split_text(paragraphs: Sequence[str], limit: int) -> list[str]:
    pieces: list[str] = []
    for paragraph in paragraphs:
        while len(paragraph) > limit:
            cut = max(paragraph.rfind(". ", 0, limit), paragraph.rfind(" ", 0, limit))
            cut = cut + 1 if cut > 0 else limit
            pieces.append(paragraph[:cut].rstrip())
            paragraph = paragraph[cut:].lstrip()
        pieces.append(paragraph)
    chunks: list[str] = []
    for piece in pieces:
        if chunks and len(chunks[-1]) + 2 + len(piece) <= limit:
            chunks[-1] += "\n\n" + piece
        else:
            chunks.append(piece)
    return chunks


def error_embed(message: str) -> discord.Embed:
    """A short error for the user."""
    return discord.Embed(
        description=truncate(message, limits.EMBED_DESCRIPTION), colour=ERROR_COLOUR
    )


def cases_embed(library: Library) -> discord.Embed:
    """The case catalogue, grouped by the article that first tells each case."""
    from bot.present.render import cases_by_article

    embed = discord.Embed(title="Case studies in the articles", colour=BRAND_COLOUR)
    grouped = cases_by_article(library)
    for title, cases in list(grouped.items())[: limits.EMBED_FIELDS]:
        lines = [
            f"• {escape_markdown(case.name)}"
            + (" *(example)*" if case.kind != "case study" else "")
            for case in cases
        ]
        embed.add_field(
            name=truncate(escape_markdown(title), limits.EMBED_FIELD_NAME),
            value=_lines_within(lines, limits.EMBED_FIELD_VALUE),
            inline=False,
        )
    if not grouped:
        embed.description = "The articles present no named case studies."
    embed.set_footer(text=f"{len(library.cases)} cases · /cases name:<case> for one of them")
    return fit_message([embed])[0]


def no_case_embed(name: str, suggestions: Sequence[str]) -> discord.Embed:
    """A name that matches no case, with the closest ones."""
    text = f"No case matches “{escape_user_text(name)}”."
    if suggestions:
        text += " Closest: " + "; ".join(escape_markdown(s) for s in suggestions) + "."
    else:
        text += " `/cases` lists them all."
    return error_embed(truncate(text, limits.EMBED_DESCRIPTION))


def result_embed(title: str, description: str) -> discord.Embed:
    """The reply to an add, a replace, a remove or a reload (its summary may be long)."""
    return discord.Embed(
        title=truncate(title, limits.EMBED_TITLE),
        description=truncate(description, limits.EMBED_DESCRIPTION),
    )


def list_embed(
    files: list[tuple[str, int, str | None]], upload_limits: UploadLimits
) -> discord.Embed:
    """This server's files: name, size and the title each was read as (None: not loaded)."""
    lines = []
    for name, size, title in files:
        shown = escape_markdown(title) if title else "not loaded: run `diplobrief check`"
        lines.append(f"{code_span(name)} · {size / 1048576:.2f} MB · {shown}")
    total = sum(size for _, size, _ in files)
    description = _lines_within(lines, limits.EMBED_DESCRIPTION) or (
        "No articles of this server's own yet: `/corpus add`."
    )
    return discord.Embed(title="This server's own articles", description=description).set_footer(
        text=f"{len(files)} of {upload_limits.max_files} files ·"
        f" {total / 1048576:.1f} of {upload_limits.max_total_bytes / 1048576:.0f} MB"
    )


def report_embed(report: RatingsReport) -> discord.Embed:
    """The report in a code block: members' queries shown as typed, never as markdown."""
    from bot.ratings.report import report_lines  # the store's module: only the bot needs it

    text = "\n".join(report_lines(report)).replace("`", "ˋ")
    body = truncate(text, limits.EMBED_DESCRIPTION - 8)
    return discord.Embed(title="Ratings report: this server", description=f"```\n{body}\n```")


def upload_report(upload: CheckedUpload, summary: str) -> str:
    """What the reply to an add says: check's line for the file, its warnings, and what
    changed in the server's articles."""
    article = upload.article
    read_as = f"; read as {article.read_as}" if article.read_as else ""
    title = escape_markdown(article.title)
    lines = [
        f"**OK** `{shown_name(upload.name)}`: {title} ({len(article.sections)} sections{read_as})"
    ]
    lines += [f"warning: {warning}" for warning in upload.warnings]
    lines.append(summary)
    return "\n".join(lines)
