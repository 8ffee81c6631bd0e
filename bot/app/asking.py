"""What to ask when a member asks diplobrief about someone's message: its text without
Discord's markup, and of a long message its first question (or its first 300
characters, cut at a word)."""

from __future__ import annotations

import re

from bot.app.checks import MAX_QUERY_LENGTH

# Mentions, channel links, role pings, custom emoji, timestamps: markup, not words.
_MARKUP = re.compile(r"<(?:@[!&]?|#|a?:\w+:|t:)\d+(?::\w)?>|@(?:everyone|here)\b")
_URL = re.compile(r"https?://\S+")
_CODE_FENCE = re.compile(r"```\w*")
_FORMATTING = re.compile(r"[*_~`|>]+")
_QUESTION = re.compile(r"[^.!?\n]*\?")


def message_question(content: str) -> str | None:
    """The question to answer for a message's text; None when it has no words."""
    text = _CODE_FENCE.sub(" ", content)
    text = _URL.sub(" ", _MARKUP.sub(" ", text))
    text = _FORMATTING.sub(" ", text)
    text = " ".join(text.split())
    if not any(character.isalnum() for character in text):
        return None
    if len(text) <= MAX_QUERY_LENGTH:
        return text
    for match in _QUESTION.finditer(text):
        question = " ".join(match.group(0).split())
        if len(question) > 3 and len(question) <= MAX_QUERY_LENGTH:
            return question
    cut = text[:MAX_QUERY_LENGTH]
    return cut.rsplit(" ", 1)[0] if " " in cut else cut
