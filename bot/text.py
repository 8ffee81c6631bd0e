"""Pure text helpers shared by the Discord builders and autocomplete (no discord import)."""

from __future__ import annotations

ELLIPSIS = "…"


def truncate(text: str, limit: int) -> str:
    """Cut text to at most ``limit`` characters, ending in an ellipsis when cut."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + ELLIPSIS
