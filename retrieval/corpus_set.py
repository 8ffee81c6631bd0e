"""The libraries of a corpus folder that servers share: the shared articles' library, and
one per server with a folder of its own (the shared articles and the server's)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from retrieval.cases import read_curation
from retrieval.config import DEFAULT_CONFIG, SearchConfig
from retrieval.corpus import LoadedCorpus, scan_corpus
from retrieval.folders import SERVER_FOLDER
from retrieval.library import Library
from retrieval.model import CorpusError
from retrieval.parsing import ParseLimits
from retrieval.semantic import Encoder


def server_library(
    shared: Library, folder: Path, *, limits: ParseLimits | None = None
) -> Library | None:
    """A server's library: the shared articles and the server's own (from its folder,
    named by the server id); None when the folder has no usable article. The shared
    library's settings and encoder are reused (one model in memory)."""
    own = scan_corpus(folder, prefix=f"{folder.name}/", limits=limits)
    if not own.articles:
        return None
    merged = LoadedCorpus(shared.articles + own.articles, shared.skipped + own.skipped)
    return Library(
        merged,
        name=f"{shared.name} + this server's articles",
        config=shared.config,
        curation=shared.curation,
        encoder=shared.encoder,
        corpus_dir=folder,
    )


def server_folders(directory: Path) -> list[Path]:
    """The servers' own folders of a corpus folder (named exactly by a server id)."""
    if not directory.is_dir():
        return []
    return sorted(d for d in directory.iterdir() if d.is_dir() and SERVER_FOLDER.match(d.name))


@dataclass(frozen=True, slots=True)
class CorpusSet:
    """The shared library, and one library per server that has its own folder (the
    shared articles plus its own). No server ever searches another server's articles."""

    shared: Library
    guilds: Mapping[int, Library]

    def for_guild(self, guild_id: int | None) -> Library:
        """The library a server (or a DM, ``None``) searches."""
        if guild_id is None:
            return self.shared
        return self.guilds.get(guild_id, self.shared)

    @property
    def total_sections(self) -> int:
        """Sections in the shared library and the servers' own articles."""
        own = sum(len(lib.sections) - len(self.shared.sections) for lib in self.guilds.values())
        return len(self.shared.sections) + own

    @classmethod
    def load(
        cls,
        directory: Path | str,
        *,
        name: str | None = None,
        config: SearchConfig = DEFAULT_CONFIG,
        encoder: Encoder | None = None,
        limits: ParseLimits | None = None,
    ) -> CorpusSet:
        """Load a corpus folder: shared articles, and each `<guild id>/` sub-folder as
        that server's own. Raises CorpusError when no article at all is usable."""
        directory = Path(directory)
        name = name or directory.name
        guild_dirs = server_folders(directory)
        if not guild_dirs:
            library = Library.load(
                directory, name=name, config=config, encoder=encoder, limits=limits
            )
            return cls(library, {})
        shared = scan_corpus(directory, exclude=guild_dirs, limits=limits)
        if not shared.articles:
            raise CorpusError(f"{directory}: no shared article (only servers' own folders)")
        shared_library = Library(
            shared,
            name=name,
            config=config,
            curation=read_curation(directory),
            encoder=encoder,
            corpus_dir=directory,
        )
        guilds: dict[int, Library] = {}
        for folder in guild_dirs:
            own = server_library(shared_library, folder, limits=limits)
            if own is not None:
                guilds[int(folder.name)] = own
        return cls(shared_library, guilds)
