"""What the offline commands need to know about settings without importing
pydantic-settings (a fifth of a `diplobrief brief` process): the defaults, and the names
of the settings, so the CLI can tell whether any were given.

The defaults the offline commands read are each written once: :class:`OfflineDefaults`
and :class:`bot.settings.Settings` both take them from the same constants (the corpus
and data folders here, the search mode from :mod:`retrieval.config`, the parse limits
from :mod:`retrieval.parsing`; a test holds the two equal)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from retrieval.config import DEFAULT_SEARCH_MODE, SearchMode
from retrieval.parsing import DEFAULT_LIMITS, ParseLimits

DEFAULT_CORPUS_DIR = Path(__file__).resolve().parent.parent / "corpus"


def default_data_dir() -> Path:
    """Where ratings are kept by default: the user's data folder
    (``$XDG_DATA_HOME/diplobrief``, else ``~/.local/share/diplobrief``), never the
    checkout or the folder a command happens to run in."""
    base = os.environ.get("XDG_DATA_HOME") or ""
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".local" / "share"
    return root / "diplobrief"


ENV_FILE = ".env"
# Every field of bot.settings.Settings, as its environment variable (a test holds the two
# equal).
SETTING_NAMES: frozenset[str] = frozenset(
    {
        "DISCORD_TOKEN",
        "CORPUS_DIR",
        "DEV_GUILD_ID",
        "TOP_K",
        "COOLDOWN_RATE",
        "COOLDOWN_PER",
        "LOG_LEVEL",
        "LOG_QUERIES",
        "SHARD_COUNT",
        "SHARD_IDS",
        "SEARCH_MODE",
        "OWNER_IDS",
        "RELOAD_COOLDOWN",
        "UPLOAD_MAX_BYTES",
        "SERVER_MAX_FILES",
        "SERVER_MAX_BYTES",
        "DATA_DIR",
        "DATABASE_URL",
        "RECORD_UNANSWERED",
        "PARSE_MAX_MB",
        "PARSE_MAX_PAGES",
        "PARSE_TIMEOUT",
    }
)


@dataclass(frozen=True, slots=True)
class OfflineDefaults:
    """The settings an offline command reads, at their defaults (the same as
    :class:`bot.settings.Settings`', from the same constants)."""

    corpus_dir: Path = DEFAULT_CORPUS_DIR
    search_mode: SearchMode = DEFAULT_SEARCH_MODE
    data_dir: Path = field(default_factory=default_data_dir)
    database_url: None = None
    parse_max_mb: int = DEFAULT_LIMITS.max_inflated_mb
    parse_max_pages: int = DEFAULT_LIMITS.max_pages
    parse_timeout: float = DEFAULT_LIMITS.timeout_s


def parse_limits(settings: Any) -> ParseLimits:
    """What reading one document may cost, from the settings (or OfflineDefaults)."""
    return ParseLimits.from_settings(
        settings.parse_max_mb, settings.parse_max_pages, settings.parse_timeout
    )


def settings_given() -> bool:
    """True when a `.env` file or any setting in the environment may change a default,
    so the full (validated) Settings must be read."""
    if Path(ENV_FILE).is_file():
        return True
    return any(name.upper() in SETTING_NAMES for name in os.environ)
