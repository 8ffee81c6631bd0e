"""The corpora the bot serves, swapped whole on reload (``/reload`` or SIGHUP).

Requests already running keep the library they started with; a reload that fails keeps
serving the old corpus and says why.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from bot.errors import UserFacingError
from retrieval.library import CorpusSet, Library, server_library
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
        """Re-read the whole corpus folder (the bot owner's) off the event loop and swap
        it in whole; returns a summary of what changed. Raises UserFacingError (old
        corpus kept) on failure."""
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
                raise self._failed(error) from error
            self.current = after
        summary = describe_reload(before, after)
        log.info("corpus reloaded: %s", summary)
        return summary

    async def reload_server(self, guild_id: int) -> str:
        """Re-read one server's own folder (its admins'), keeping the shared articles and
        every other server as they are; the summary speaks of that server only."""
        folder = self.corpus_dir / str(guild_id)
        if not folder.is_dir():
            raise UserFacingError(
                f"This server has no folder of its own ({guild_id}/ in the corpus folder);"
                " the shared articles are reloaded by the bot's owner."
            )
        async with self._lock:
            before = self.current
            try:
                own = await asyncio.to_thread(server_library, before.shared, folder)
            except CorpusError as error:
                raise self._failed(error) from error
            guilds = {**before.guilds}
            if own is None:
                guilds.pop(guild_id, None)
            else:
                guilds[guild_id] = own
            self.current = CorpusSet(before.shared, guilds)
        summary = describe_server_reload(before, self.current, guild_id)
        log.info("server %s reloaded its articles: %s", guild_id, summary)
        return summary

    def _failed(self, error: CorpusError) -> UserFacingError:
        log.warning("reload failed, keeping the old corpus: %s", error)
        message = self.relative(str(error))
        return UserFacingError(f"Reload failed; still serving the previous corpus. {message}")

    def relative(self, text: str) -> str:
        """Text with the corpus folder's absolute path left out (users see paths relative
        to CORPUS_DIR, never the server's file system)."""
        root = str(self.corpus_dir.resolve())
        for prefix in (root + "/", str(self.corpus_dir) + "/", root, str(self.corpus_dir)):
            text = text.replace(prefix, "")
        return text


def describe_server_reload(before: CorpusSet, after: CorpusSet, guild_id: int) -> str:
    """What a server's reload changed in its own articles, and nothing about others."""
    shared = {a.slug for a in after.shared.articles}

    def own(corpora: CorpusSet) -> dict[str, str]:
        library = corpora.guilds.get(guild_id)
        articles = library.articles if library else ()
        return {a.slug: a.title for a in articles if a.slug not in shared}

    old, new = own(before), own(after)
    parts = []
    if set(new) - set(old):
        parts.append("added: " + ", ".join(sorted(new[s] for s in set(new) - set(old))))
    if set(old) - set(new):
        parts.append("removed: " + ", ".join(sorted(old[s] for s in set(old) - set(new))))
    parts.append(f"this server's own articles: {len(old)} → {len(new)}")
    return "; ".join(parts)


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
