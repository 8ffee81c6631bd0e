"""The `diplobrief` process: output a terminal can show, the settings read (the full
validated Settings only when some are given), and each command dispatched to
:mod:`bot.cli.commands` (or, for `run` and `sync`, to the Discord bot). The parser is in
:mod:`bot.cli.parser`. The offline commands import no discord.

Exit status: 0 success, 1 nothing found, 2 bad usage or an unusable corpus, each with a
one-line error on stderr.
"""

from __future__ import annotations

import io
import os
import re
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bot.cli import commands
from bot.cli.parser import EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE, UsageError, build_parser
from bot.defaults import OfflineDefaults, parse_limits, settings_given
from bot.present.text import terminal_safe, visible
from retrieval.model import CorpusError
from retrieval.parsing import use_limits
from retrieval.semantic import SemanticUnavailableError, encoder_for

if TYPE_CHECKING:
    import argparse

    from bot.settings import Settings

__all__ = ["EXIT_NOT_FOUND", "EXIT_OK", "EXIT_USAGE", "InvalidSetting", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status. Output a terminal cannot show is
    escaped, never a traceback; a reader that stops reading (`| head`) ends it quietly."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    real = sys.stdout, sys.stderr
    # Nothing from a file name or an article reaches the terminal raw (escape sequences).
    sys.stdout, sys.stderr = _TerminalSafe(real[0]), _TerminalSafe(real[1])
    try:
        status = _run(argv)
        sys.stdout.flush()  # a closed pipe shows here, not in Python's exit handler
        return status
    except BrokenPipeError:
        # The reader went away: say nothing more (Python would complain at exit).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, real[0].fileno())
        return EXIT_OK
    finally:
        sys.stdout, sys.stderr = real


class _TerminalSafe(io.TextIOBase):
    """A text stream that writes through :func:`bot.present.text.terminal_safe`."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(terminal_safe(text))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return self._stream.isatty()

    def fileno(self) -> int:
        return self._stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]  # TextIOBase declares it an attribute; the wrapped stream's is read-only
        return self._stream.encoding


def _run(argv: Sequence[str] | None) -> int:
    """Parse, read the settings and run the command; a usage or corpus error is one
    line on stderr and exit status 2."""
    try:
        args = build_parser().parse_args(argv)
        if args.command in {"run", "sync"}:
            from bot.app.run import run_bot  # imported here: only the bot needs discord

            return run_bot(_read_settings(), sync_only=args.command == "sync")
        return _offline(args, _read_settings() if settings_given() else OfflineDefaults())
    except (UsageError, CorpusError, SemanticUnavailableError) as error:
        return _fail(str(error))


def _offline(args: argparse.Namespace, settings: Any) -> int:
    """An offline command, with the settings (or OfflineDefaults) it reads."""
    limits = parse_limits(settings)
    use_limits(limits)  # and for what is read without them (check)
    if args.command == "check":
        return commands.check(
            args.directory or args.corpus or settings.corpus_dir, as_json=args.json
        )
    if args.command == "report":
        return commands.ratings_report(settings, args)
    encoder = encoder_for(settings.search_mode)
    directory = args.corpus or settings.corpus_dir
    library = commands.load_library(directory, encoder=encoder, limits=limits)
    for skipped in library.skipped:
        print(
            f"diplobrief: warning: skipped {visible(skipped.path)}: {visible(skipped.reason)}",
            file=sys.stderr,
        )
    return commands.LIBRARY_COMMANDS[args.command](library, args)


class InvalidSetting(UsageError):
    """A setting that does not validate, named in one line."""


def _read_settings() -> Settings:
    """The validated settings (pydantic-settings, imported only here)."""
    from pydantic import ValidationError
    from pydantic_settings import SettingsError

    from bot.settings import Settings

    try:
        return Settings()
    except SettingsError as error:  # a list setting that is not JSON (OWNER_IDS=1,2)
        found = re.search(r'field "(\w+)"', str(error))
        setting = found[1].upper() if found else "a setting"
        raise InvalidSetting(
            f"setting {setting} is invalid: it takes a JSON list, like [123456789012345678]"
        ) from error
    except UnicodeDecodeError as error:
        raise InvalidSetting(
            f".env is not valid UTF-8 (byte {error.start}); save it as UTF-8"
        ) from error
    except ValidationError as error:
        first = error.errors()[0]
        setting = str(first["loc"][0]).upper() if first["loc"] else "settings"
        raise InvalidSetting(f"setting {setting} is invalid: {first['msg']}") from error


def _fail(message: str) -> int:
    """Report an error in one line on stderr; exit status 2."""
    print(f"diplobrief: error: {message}", file=sys.stderr)
    return EXIT_USAGE


if __name__ == "__main__":
    raise SystemExit(main())
