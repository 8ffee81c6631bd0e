"""What the ratings say, for the reading list's keeper: how many answers were rated, the 👍
share per command and search mode, the most-downvoted queries with what they cited, and
the unanswered queries grouped by their words. Pure: rows in, a report out; the CLI
(`diplobrief report`) prints it, `/report` shows it for one server.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.ratings.store import sections_of
from retrieval.text import STOP_WORDS, words

TOP_DOWNVOTED = 10
TOP_WORDS = 15
EXAMPLES_PER_WORD = 3
_SINCE = re.compile(r"^(\d{1,5})([hdw])$")
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}


@dataclass(frozen=True, slots=True)
class ShareRow:
    """👍 share of one command in one search mode."""

    command: str
    mode: str
    up: int
    votes: int

    @property
    def share(self) -> float:
        """The share of 👍 among the votes."""
        return self.up / self.votes if self.votes else 0.0


@dataclass(frozen=True, slots=True)
class Downvoted:
    """A query whose answers were rated 👎, with what they cited."""

    query: str
    down: int
    up: int
    sections: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WordGroup:
    """Unanswered queries sharing a word."""

    word: str
    queries: int
    examples: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RatingsReport:
    """The whole report."""

    since: datetime | None
    answers_rated: int
    votes: int
    shares: tuple[ShareRow, ...]
    downvoted: tuple[Downvoted, ...]
    unanswered: int
    unanswered_words: tuple[WordGroup, ...]

    def as_json(self) -> dict[str, Any]:
        """The report as JSON-ready data (`--json`)."""
        data = asdict(self)
        data["since"] = self.since.isoformat() if self.since else None
        for row, share in zip(data["shares"], self.shares, strict=True):
            row["share"] = round(share.share, 4)
        return data


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """`7d`, `12h`, `2w` back from now, or an ISO date (`2026-11-01`)."""
    now = now or datetime.now(UTC)
    match = _SINCE.match(text.strip())
    if match:
        return now - timedelta(**{_UNITS[match[2]]: int(match[1])})
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as error:
        raise ValueError(
            f"{text!r} is not a time span (7d, 12h, 2w) or a date (2026-11-01)"
        ) from error
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


NOT_KEPT = "(query not kept)"


def build_report(
    votes: Sequence[dict[str, Any]], unanswered: Sequence[dict[str, Any]], since: datetime | None
) -> RatingsReport:
    """The report of stored vote and unanswered rows."""
    shares: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    per_query: dict[str, list[Any]] = {}
    for row in votes:
        tally = shares[(row["command"], row["mode"])]
        tally[0] += bool(row["up"])
        tally[1] += 1
        # A vote kept without its query (RECORD_UNANSWERED off, or a private answer)
        # counts under what it cited.
        entry = per_query.setdefault(row["query"] or NOT_KEPT, [0, 0, Counter()])
        entry[0 if not row["up"] else 1] += 1
        if not row["up"]:
            entry[2].update(sections_of(row))
    downvoted = sorted(
        (
            Downvoted(query, down, up, tuple(s for s, _ in cited.most_common(5)))
            for query, (down, up, cited) in per_query.items()
            if down
        ),
        key=lambda d: (-d.down, d.up, d.query),
    )
    return RatingsReport(
        since=since,
        answers_rated=len({row["message_id"] for row in votes}),
        votes=len(votes),
        shares=tuple(
            ShareRow(command, mode, up, total)
            for (command, mode), (up, total) in sorted(shares.items())
        ),
        downvoted=tuple(downvoted[:TOP_DOWNVOTED]),
        unanswered=len(unanswered),
        unanswered_words=word_groups([row["query"] for row in unanswered]),
    )


def word_groups(queries: Sequence[str]) -> tuple[WordGroup, ...]:
    """Unanswered queries grouped by the words they use (stop words aside), the words
    most asked about first: what the reading list lacks."""
    distinct = list(dict.fromkeys(" ".join(q.split()) for q in queries))
    by_word: dict[str, list[str]] = defaultdict(list)
    for query in distinct:
        seen = set()
        for word in words(query):
            surface = word.surface.lower()
            if len(surface) < 3 or surface in STOP_WORDS or surface in seen:
                continue
            seen.add(surface)
            by_word[surface].append(query)
    ranked = sorted(by_word.items(), key=lambda item: (-len(item[1]), item[0]))
    return tuple(
        WordGroup(word, len(found), tuple(found[:EXAMPLES_PER_WORD]))
        for word, found in ranked[:TOP_WORDS]
    )


def report_lines(report: RatingsReport) -> list[str]:
    """The report as plain text lines (the CLI; /report uses the same lines)."""
    since = f" since {report.since:%Y-%m-%d %H:%M} UTC" if report.since else ""
    lines = [f"Answers rated{since}: {report.answers_rated} ({report.votes} votes)"]
    if report.shares:
        lines.append("")
        lines.append("👍 share by command and mode:")
        lines += [
            f"  /{row.command} ({row.mode}): {row.share:.0%} of {row.votes}"
            for row in report.shares
        ]
    if report.downvoted:
        lines.append("")
        lines.append("Most downvoted:")
        for item in report.downvoted:
            lines.append(f"  {item.down}👎 {item.up}👍  {item.query}")
            lines += [f"      cited: {section}" for section in item.sections]
    lines.append("")
    if report.unanswered:
        lines.append(f"Unanswered or downvoted queries ({report.unanswered}), by word:")
        for group in report.unanswered_words:
            examples = "; ".join(group.examples)
            lines.append(f"  {group.word} ({group.queries}): {examples}")
    else:
        lines.append(
            "No unanswered queries stored (they are kept only with RECORD_UNANSWERED=true)."
        )
    return lines
