"""What never reaches the log: interaction and webhook tokens, the bot token, and, unless
LOG_QUERIES is on, what users typed (discord.py logs whole payloads at DEBUG)."""

from __future__ import annotations

import logging
import re

_TOKEN_PATHS = re.compile(r"(/(?:interactions/\d+|webhooks/\d+)/)[^/\s?'\"]+")
_TOKEN_FIELDS = re.compile(r"""(['"]token['"]\s*:\s*)(['"])(?:(?!\2).)*\2""")
_AUTHORIZATION = re.compile(r"(\bBot\s+)[\w.\-]{20,}")
# Every payload field that can carry what a user typed or what was built from it: option
# values, message content, embed titles, descriptions and fields, thread and option names,
# component custom_ids (a More button's carries its query) and labels.
_USER_FIELDS = (
    "value", "content", "title", "description", "name", "custom_id", "label",
    "placeholder", "text", "query", "topic", "question",
)  # fmt: skip
_USER_TEXT = re.compile(
    rf"""(['"](?:{"|".join(_USER_FIELDS)})['"]\s*:\s*)(['"])(?:\\.|(?!\2).)*\2"""
)
REDACTED = "<redacted>"


def redact(message: str, *, keep_queries: bool) -> str:
    """A log message with tokens (and, unless kept, users' text) replaced."""
    message = _TOKEN_PATHS.sub(rf"\1{REDACTED}", message)
    message = _TOKEN_FIELDS.sub(rf"\1'{REDACTED}'", message)
    message = _AUTHORIZATION.sub(rf"\1{REDACTED}", message)
    if not keep_queries:
        message = _USER_TEXT.sub(rf"\1'{REDACTED}'", message)
    return message


class RedactingFilter(logging.Filter):
    """Rewrites each record's message through :func:`redact` before it is written."""

    def __init__(self, *, keep_queries: bool) -> None:
        super().__init__()
        self.keep_queries = keep_queries

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message, keep_queries=self.keep_queries)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True
