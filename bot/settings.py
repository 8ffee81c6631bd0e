"""Settings from the environment and `.env` (pydantic-settings), built once in the CLI
and passed down; never at import time. The defaults the offline commands read come from
:mod:`bot.defaults`, written there once."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.defaults import DEFAULT_CORPUS_DIR, default_data_dir
from retrieval.config import DEFAULT_SEARCH_MODE, SearchMode
from retrieval.parsing import DEFAULT_LIMITS


class Settings(BaseSettings):
    """Every setting of diplobrief; `.env.example` lists them with comments."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    discord_token: SecretStr | None = None
    corpus_dir: Path = DEFAULT_CORPUS_DIR
    dev_guild_id: int | None = None
    top_k: int = Field(default=5, ge=3, le=5)
    cooldown_rate: int = Field(default=4, ge=1)
    cooldown_per: float = Field(default=30.0, gt=0)
    log_level: str = "INFO"
    log_queries: bool = False
    shard_count: int | None = Field(default=None, ge=1)
    shard_ids: list[int] | None = None
    search_mode: SearchMode = DEFAULT_SEARCH_MODE
    # Who may reload the shared corpus (besides the application's owner).
    owner_ids: list[int] = Field(default_factory=list)
    reload_cooldown: float = Field(default=60.0, ge=0)
    # What /corpus add accepts, per file and per server.
    upload_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1, le=10 * 1024 * 1024)
    server_max_files: int = Field(default=200, ge=1)
    server_max_bytes: int = Field(default=100 * 1024 * 1024, ge=1)
    # Where ratings are stored: an SQLite file in DATA_DIR, or DATABASE_URL
    # (postgresql://… when several shard processes share one store).
    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: SecretStr | None = None
    # Keep the text of queries that found nothing or were rated 👎 (off: not stored).
    record_unanswered: bool = False
    # What reading one document may cost: what it may inflate to (MB), the PDF pages read
    # (the rest left out, with a warning), and the seconds it may take.
    parse_max_mb: int = Field(default=DEFAULT_LIMITS.max_inflated_mb, ge=16, le=4096)
    parse_max_pages: int = Field(default=DEFAULT_LIMITS.max_pages, ge=1, le=100_000)
    parse_timeout: float = Field(default=DEFAULT_LIMITS.timeout_s, gt=0, le=3600)

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return level
