"""The corpora the bot serves, swapped whole on reload (``/reload`` or SIGHUP).

Requests already running keep the library they started with; a reload that fails keeps
serving the old corpus and says why.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from bot.errors import UserFacingError
from retrieval.library import CorpusSet, Library
from retrieval.model import CorpusError

log = logging.getLogger("diplobrief")


class Corpora:
    """The current :class:`CorpusSet` and the one lock reloads take turns on."""

    def __init__(self, corpora: CorpusSet, corpus_dir: Path) -> None:
        self.current = corpora
        self.corpus_dir = corpus_dir
        self._lock = asyncio.Lock()

    def library_for(self, guild_id: int | None) -> Library:
        """The library a server (or a DM, ``None``) searches."""
        return self.current.for_guild(guild_id)

    async def reload(self) -> str:
        """Re-read the corpus folder off the event loop and swap it in whole; returns a
        summary of what changed. Raises UserFacingError (old corpus kept) on failure."""
        async with self._lock:
            before = self.current
            try:
                after = await asyncio.to_thread(
                    CorpusSet.load,
                    self.corpus_dir,
                    name=before.shared.name,
                    encoder=before.shared.encoder,
                )
            except CorpusError as error:
                log.warning("reload failed, keeping the old corpus: %s", error)
                raise UserFacingError(
                    f"Reload failed; still serving the previous corpus. {error}"
                ) from error
            self.current = after
        summary = describe_reload(before, after)
        log.info("corpus reloaded: %s", summary)
        return summary


def describe_reload(before: CorpusSet, after: CorpusSet) -> str:
    """What a reload changed: articles added and removed, sections before and after."""
    old = {a.title for a in before.shared.articles}
    new = {a.title for a in after.shared.articles}
    parts = []
    if new - old:
        parts.append("added: " + ", ".join(sorted(new - old)))
    if old - new:
        parts.append("removed: " + ", ".join(sorted(old - new)))
    if set(before.guilds) != set(after.guilds):
        parts.append(f"servers with their own articles: {len(before.guilds)} → {len(after.guilds)}")
    parts.append(f"sections: {before.total_sections} → {after.total_sections}")
    return "; ".join(parts)
