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
# C0 controls but newline and tab, DEL, C1 controls, and the bidirectional overrides
# that reorder what a terminal shows.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """Text with every control character and escape sequence shown as an escape
    (`\\x1b`), so nothing in a file name or an article can drive the terminal; the
    bold markers diplobrief itself writes are kept."""
    parts = re.split(f"({re.escape(_ANSI_BOLD_ON)}|{re.escape(_ANSI_BOLD_OFF)})", text)
    return "".join(
        part if part in (_ANSI_BOLD_ON, _ANSI_BOLD_OFF) else _UNSAFE.sub(_escaped, part)
        for part in parts
    )


def _escaped(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


def code_span(text: str) -> str:
    """Text as a Discord code span that nothing in it can break: a backtick inside
    becomes ˋ (markdown escapes do not work in code spans), controls are escaped."""
    return "`" + terminal_safe(text).replace("`", "ˋ") + "`"
