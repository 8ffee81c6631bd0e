"""The corpora the bot serves, swapped whole on reload (``/reload`` or SIGHUP).

Requests already running keep the library they started with; a reload that fails keeps
serving the old corpus and says why.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from bot.app.failures import UserFacingError
from bot.app.server_articles import (
    NameTaken,
    UploadLimits,
    UploadRefused,
    changed_file,
    check_size,
    same_name,
)
from retrieval.corpus import article_fingerprint, scan_corpus
from retrieval.corpus_set import CorpusSet, server_library
from retrieval.library import Library
from retrieval.model import CorpusError
from retrieval.parsing import ParseLimits

log = logging.getLogger(__name__)


class Corpora:
    """The current :class:`CorpusSet` and the one lock reloads take turns on."""

    def __init__(
        self, corpora: CorpusSet, corpus_dir: Path, *, limits: ParseLimits | None = None
    ) -> None:
        self.current = corpora
        self.corpus_dir = corpus_dir
        # What reading one document may cost (None: the process's limits).
        self.limits = limits
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
                    limits=self.limits,
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
                own = await asyncio.to_thread(
                    server_library, before.shared, folder, limits=self.limits
                )
            except CorpusError as error:
                raise self._failed(error) from error
            self.current = with_server(before, guild_id, own)
        summary = describe_server_reload(before, self.current, guild_id)
        log.info("server %s reloaded its articles: %s", guild_id, summary)
        return summary

    def server_folder(self, guild_id: int) -> Path:
        """Where a server's own articles are kept."""
        return self.corpus_dir / str(guild_id)

    async def change_server_file(
        self,
        guild_id: int,
        name: str,
        data: bytes | None,
        *,
        replace: bool = True,
        limits: UploadLimits | None = None,
    ) -> str:
        """Put a file in a server's folder (``data``) or remove it (None), and swap in that
        server's rebuilt index, off the event loop. If the file would not load, or
        anything fails, the folder and the index stay exactly as they were (raises
        UserFacingError saying why). Returns what changed, for that server only.

        The name and the server's limits are checked here, under the one lock every
        change takes, so two adds at once can neither both take a name nor both fit
        under a limit: without ``replace``, a name already taken (or taken but for its
        case) raises NameTaken; with ``limits``, a file past them raises UploadRefused."""
        folder = self.server_folder(guild_id)
        async with self._lock:
            if data is not None:
                _check_addable(name, data, folder, replace=replace, limits=limits)
            before = self.current
            own = await self._rebuild_server(before, guild_id, folder, name, data)
            self.current = with_server(before, guild_id, own)
        summary = describe_server_reload(before, self.current, guild_id)
        log.info("server %s changed %s: %s", guild_id, name, summary)
        return summary

    async def _rebuild_server(
        self, before: CorpusSet, guild_id: int, folder: Path, name: str, data: bytes | None
    ) -> Library | None:
        """The server's library with the change made, off the event loop; on failure
        the folder is as it was (no empty folder left by a failed first add)."""
        created = not folder.exists()
        try:
            return await asyncio.to_thread(self._rebuilt, before, folder, name, data, self.limits)
        except OSError as error:
            log.warning("server %s: could not change %s: %s", guild_id, name, error)
            raise UserFacingError(
                f"The file could not be saved on the bot's side ({error.strerror});"
                " nothing was changed."
            ) from error
        except UploadRefused as error:
            raise UploadRefused(self.relative(str(error))) from error
        except CorpusError as error:
            raise self._failed(error) from error
        finally:
            if created and folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()

    @staticmethod
    def _rebuilt(
        before: CorpusSet,
        folder: Path,
        name: str,
        data: bytes | None,
        limits: ParseLimits | None = None,
    ) -> Library | None:
        """The server's library with the file changed; the change is undone if the
        library cannot be built, or an added file does not load or displaces another."""
        with changed_file(folder / name, data):
            own = server_library(before.shared, folder, limits=limits)
            if data is not None:
                _check_added(before, folder, name, own, limits)
            return own

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


def with_server(corpora: CorpusSet, guild_id: int, own: Library | None) -> CorpusSet:
    """The corpora with one server's library swapped (None: it has no articles of its own)."""
    guilds = {**corpora.guilds}
    if own is None:
        guilds.pop(guild_id, None)
    else:
        guilds[guild_id] = own
    return CorpusSet(corpora.shared, guilds)


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


def _check_added(
    before: CorpusSet,
    folder: Path,
    name: str,
    own: Library | None,
    limits: ParseLimits | None = None,
) -> None:
    """Raise UploadRefused when an added file did not load, has the text of a shared
    article, or made one of the server's other files a duplicate of it."""
    prefix = f"{folder.name}/"
    loaded = {a.source_file: a for a in (own.articles if own else ()) if a.slug.startswith(prefix)}
    previous = before.guilds.get(int(folder.name))
    had = {
        a.source_file
        for a in (previous.articles if previous else ())
        if a.slug.startswith(prefix) and a.source_file != name
    }
    reason = None
    if name not in loaded:
        scanned = scan_corpus(folder, prefix=prefix, limits=limits)
        reasons = [s.reason for s in scanned.skipped if Path(s.path).name == name]
        reason = reasons[0] if reasons else "it did not load"
    elif had - set(loaded):
        reason = f"it has the same text as `{sorted(had - set(loaded))[0]}`"
    else:
        shared = {article_fingerprint(a): a.title for a in before.shared.articles}
        title = shared.get(article_fingerprint(loaded[name]))
        if title is not None:
            reason = f"it has the same text as the shared article {title}"
    if reason is not None:
        raise UploadRefused(f"`{name}` was not added: {reason}.")


def _check_addable(
    name: str, data: bytes, folder: Path, *, replace: bool, limits: UploadLimits | None
) -> None:
    """Raise NameTaken when the name (or the name but for its case) is taken and may not
    be replaced, UploadRefused when the file would pass the server's limits."""
    taken = same_name(name, folder)
    if taken is not None and (not replace or taken != name):
        raise NameTaken(taken)
    if limits is not None:
        check_size(len(data), name, folder, limits)
