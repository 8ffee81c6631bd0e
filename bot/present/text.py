"""Pure text helpers shared by the Discord builders and autocomplete (no discord import)."""

from __future__ import annotations

import re

ELLIPSIS = "…"


def truncate(text: str, limit: int) -> str:
    """Cut text to at most ``limit`` characters, ending in an ellipsis when cut."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + ELLIPSIS


_ANSI_BOLD_ON, _ANSI_BOLD_OFF = "\x1b[1m", "\x1b[0m"
# C0 controls but newline and tab, DEL, C1 controls, the line and paragraph separators,
# and the bidirectional marks and overrides that reorder what a terminal shows.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
# The same, and newline and tab: what a single name (a file's, a title) may not hold.
_UNSAFE_IN_NAMES = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """Text with every control character and escape sequence shown as an escape
    (`\\x1b`), so nothing in a file name or an article can drive the terminal; the
    bold markers diplobrief itself writes are kept."""
    parts = re.split(f"({re.escape(_ANSI_BOLD_ON)}|{re.escape(_ANSI_BOLD_OFF)})", text)
    return "".join(
        part if part in (_ANSI_BOLD_ON, _ANSI_BOLD_OFF) else _UNSAFE.sub(_escaped, part)
        for part in parts
    )


def visible(text: str) -> str:
    """One name (a file's, a title, a reason naming a file) for one line of output: every
    control character shown as an escape (`\\x1b`, `\\n`, `\\u202e`), escape sequences
    and newlines included, so that a name can neither drive the terminal nor forge a line."""
    return _UNSAFE_IN_NAMES.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    # \x.. for C0 (\n, \t, \x1b), \u.... above: JSON reads the same escape in a string.
    character = match.group()
    if ord(character) < 0x20:
        return character.encode("unicode_escape").decode("ascii")
    return f"\\u{ord(character):04x}"


def code_span(text: str) -> str:
    """Text as a Discord code span that nothing in it can break: a backtick inside
    becomes ˋ (markdown escapes do not work in code spans), controls are escaped."""
    return "`" + terminal_safe(text).replace("`", "ˋ") + "`"


def plural(count: int, noun: str) -> str:
    """The noun for a count: `source` for 1, `sources` otherwise."""
    return noun if count == 1 else noun + "s"


def counted(count: int, noun: str) -> str:
    """A count with its noun (`1 article`, `3 articles`)."""
    return f"{count:,} {plural(count, noun)}"
