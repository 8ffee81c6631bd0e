"""The `diplobrief` command line. The offline commands import no discord.

Exit status: 0 success, 1 nothing found, 2 bad usage or an unusable corpus, each with a
one-line error on stderr.
"""

from __future__ import annotations

import argparse
import difflib
import io
import json
import os
import re
import sys
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from bot.defaults import DEFAULT_CORPUS_DIR, OfflineDefaults, parse_limits, settings_given
from bot.present import render
from bot.present.text import terminal_safe, visible
from retrieval.library import Library
from retrieval.model import CorpusError
from retrieval.parsing import ParseLimits, use_limits
from retrieval.semantic import SemanticUnavailableError, encoder_for

if TYPE_CHECKING:
    from bot.settings import Settings

EXIT_OK = 0
EXIT_NOT_FOUND = 1
EXIT_USAGE = 2
# A corpus this small has no word rarer than another: `check` says so.
FEW_SECTIONS = 5


class UsageError(Exception):
    """Bad usage: reported in one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(_with_suggestion(message))


_INVALID_CHOICE = re.compile(r"invalid choice: '([^']*)' \(choose from (.*)\)")


def _with_suggestion(message: str) -> str:
    """argparse's message, with the closest command when a command was mistyped
    (`diplobrief breif` -> did you mean brief?)."""
    found = _INVALID_CHOICE.search(message)
    if found is None:
        return message
    choices = re.findall(r"'?([\w-]+)'?", found[2])
    close = difflib.get_close_matches(found[1], choices, n=1, cutoff=0.6)
    return f"{message}; did you mean {close[0]}?" if close else message


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every `diplobrief` command."""
    parser = _Parser(prog="diplobrief", description="Cited briefings on diplomacy and security.")
    parser.add_argument("--corpus", type=Path, help="corpus folder (default: CORPUS_DIR)")
    # --corpus is accepted after the command too (`diplobrief search X --corpus DIR`).
    corpus = _Parser(add_help=False)
    corpus.add_argument("--corpus", type=Path, default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    commands = parser.add_subparsers(
        dest="command", required=True, parser_class=partial(_Parser, parents=[corpus])
    )

    for name, helptext, argument in (
        ("brief", "a cited briefing on a topic", "topic"),
        ("ask", "answer a question from the corpus, cited", "question"),
    ):
        command = commands.add_parser(name, help=helptext)
        command.add_argument(argument, nargs="+")
        command.add_argument("--json", action="store_true", help="print JSON")
        command.add_argument("--more", type=int, default=0, metavar="N", help="skip N excerpts")
        if name == "brief":
            command.add_argument(
                "--flat", action="store_true", help="the ranked excerpts, not a policy brief"
            )

    _add_listing_commands(commands)
    _add_eval(commands)

    check = commands.add_parser("check", help="validate a corpus folder and report problems")
    check.add_argument("directory", nargs="?", type=Path, help="default: CORPUS_DIR")
    check.add_argument("--json", action="store_true", help="print the report as JSON")

    _add_report(commands)
    commands.add_parser("run", help="start the Discord bot")
    commands.add_parser("sync", help="sync slash commands globally and exit")
    return parser


def _add_listing_commands(commands: Any) -> None:
    """search, sources and cases."""
    search = commands.add_parser("search", help="rank sections for a query")
    search.add_argument("query", nargs="+")
    search.add_argument("--top", type=int, default=5, metavar="K")
    search.add_argument("--json", action="store_true")

    sources = commands.add_parser("sources", help="the articles and their sections")
    sources.add_argument("--json", action="store_true")

    cases = commands.add_parser("cases", help="the case studies, or one case's briefing")
    cases.add_argument("name", nargs="*", help="a case name, alias or close match")
    cases.add_argument("--json", action="store_true")


def _add_report(commands: Any) -> None:
    """report: what the ratings say."""
    report = commands.add_parser(
        "report", help="what the ratings say: 👍 share, most downvoted, unanswered queries"
    )
    report.add_argument("--since", help="a span back from now (7d, 12h, 2w) or a date")
    report.add_argument("--json", action="store_true")
    report.add_argument(
        "--forget-before", metavar="DATE", help="delete every vote and query stored before DATE"
    )


def _add_eval(commands: Any) -> None:
    """eval: search quality against graded judgements."""
    evaluate = commands.add_parser(
        "eval", help="measure search and answers against evaluation files"
    )
    evaluate.add_argument(
        "files", type=Path, nargs="+", help="graded sections, answer or off-topic sets"
    )
    evaluate.add_argument("--json", action="store_true")
    evaluate.add_argument("--baseline", action="store_true", help="show plain BM25 beside ours")
    evaluate.add_argument(
        "--mode",
        choices=("lexical", "hybrid"),
        default=None,
        help="hybrid: show lexical (as ours) and hybrid side by side",
    )


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
    def encoding(self) -> str:  # type: ignore[override]
        return self._stream.encoding


def _run(argv: Sequence[str] | None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.command in {"run", "sync"}:
            from bot.app.run import run_bot  # imported here: only the bot needs discord

            return run_bot(_read_settings(), sync_only=args.command == "sync")
        settings = _read_settings() if settings_given() else OfflineDefaults()
        limits = parse_limits(settings)
        use_limits(limits)  # and for what is read without them (check)
        if args.command == "check":
            return _check(args.directory or args.corpus or settings.corpus_dir, as_json=args.json)
        if args.command == "report":
            return _ratings_report(settings, args)
        encoder = encoder_for(settings.search_mode)
        library = load_library(args.corpus or settings.corpus_dir, encoder=encoder, limits=limits)
        for skipped in library.skipped:
            print(
                f"diplobrief: warning: skipped {visible(skipped.path)}: {visible(skipped.reason)}",
                file=sys.stderr,
            )
        return _COMMANDS[args.command](library, args)
    except (UsageError, CorpusError, SemanticUnavailableError) as error:
        return _fail(str(error))


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


def load_library(
    directory: Path, *, encoder: Any = None, limits: ParseLimits | None = None
) -> Library:
    """Load a corpus folder, naming the bundled one as such."""
    bundled = directory.resolve() == DEFAULT_CORPUS_DIR.resolve()
    name = "the bundled corpus" if bundled else directory.name
    return Library.load(directory, name=name, encoder=encoder, progress=True, limits=limits)


def _check(directory: Path, *, as_json: bool = False) -> int:
    """`diplobrief check`: the report of a corpus folder, each article marked shared or
    a server's own (as JSON with ``as_json``); non-zero only when nothing is usable. Every
    name, title and reason is shown with its control characters escaped, on one line."""
    from retrieval.cases import read_curation
    from retrieval.corpus import LoadedCorpus, scan_corpus
    from retrieval.library import server_folders

    servers = server_folders(Path(directory))
    parts: list[tuple[str, LoadedCorpus]] = [
        ("shared", scan_corpus(directory, exclude=servers))  # a wrong manifest stops here
    ]
    parts += [(f"server {s.name}", scan_corpus(s, prefix=f"{s.name}/")) for s in servers]
    read_curation(Path(directory))  # and so does a wrong cases.toml
    articles = [a for _, part in parts for a in part.articles]
    sections = sum(len(a.sections) for a in articles)
    skipped = sum(len(part.skipped) for _, part in parts)
    few = (
        f"only {sections} section{'s' if sections != 1 else ''}: search works,"
        " but with so little text every word is equally rare and rankings mean little"
    )
    if as_json:
        _print_json(_check_json(directory, parts, few if 0 < sections < FEW_SECTIONS else None))
    else:
        print(
            f"{visible(str(directory))}: {len(articles)} articles, {sections} sections;"
            f" {skipped} files skipped"
        )
        for owner, part in parts:
            _report_part(owner, part)
        if 0 < sections < FEW_SECTIONS:
            print(f"warning: {few}")
    if not articles:
        print("diplobrief: error: nothing usable in this folder", file=sys.stderr)
        return EXIT_NOT_FOUND
    return EXIT_OK


def _ratings_report(settings: Any, args: argparse.Namespace) -> int:
    """`diplobrief report`: the ratings report, or --forget-before."""
    from bot.ratings.report import build_report, parse_since, report_lines
    from bot.ratings.store import SALT_FILE, Store, StoreUnavailableError, database_url

    given = settings.database_url
    url = database_url(given.get_secret_value() if given else None, settings.data_dir)
    try:
        since = parse_since(args.since) if args.since else None
        cutoff = parse_since(args.forget_before) if args.forget_before else None
    except ValueError as error:
        raise UsageError(str(error)) from error
    try:
        store = Store.open(url, salt_file=settings.data_dir / SALT_FILE)
        if cutoff is not None:
            print(
                f"forgot {store.forget_before(cutoff)} votes and queries stored before {cutoff:%Y-%m-%d}"
            )
            return EXIT_OK
        report = build_report(store.votes_since(since), store.unanswered_since(since), since)
    except StoreUnavailableError as error:
        raise UsageError(f"the ratings store cannot be read: {error}") from error
    if args.json:
        _print_json(report.as_json())
    else:
        print("\n".join(report_lines(report)))
    return EXIT_OK


def _report_part(owner: str, part: Any) -> None:
    from retrieval.corpus import article_warnings

    for article in part.articles:
        count = len(article.sections)
        read_as = f"; read as {article.read_as}" if article.read_as else ""
        print(
            f"OK    [{visible(owner)}] {visible(article.path)}"
            f"  ({visible(article.title)}; {count} sections{read_as})"
        )
        for warning in article_warnings(article):
            print(f"      warning: {visible(warning)}")
    for skipped in part.skipped:
        print(f"SKIP  {visible(skipped.path)}: {visible(skipped.reason)}")
    for note in part.renamed:
        print(f"warning: {visible(note)}")


def _check_json(directory: Path, parts: list[tuple[str, Any]], few: str | None) -> dict[str, Any]:
    """`check --json`: the articles (whose each is, what was read), their warnings, the
    files skipped and why, and the totals."""
    from retrieval.corpus import article_warnings

    articles: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    warnings: list[str] = [*([few] if few else [])]
    for owner, part in parts:
        server = None if owner == "shared" else owner.removeprefix("server ")
        articles += [
            {
                "slug": article.slug,
                "title": article.title,
                "file": article.path,
                "source_file": article.source_file,
                "sections": len(article.sections),
                "read_as": article.read_as,
                "shared": server is None,
                "server": server,
                "warnings": article_warnings(article),
            }
            for article in part.articles
        ]
        skipped += [
            {"file": item.path, "reason": item.reason, "shared": server is None, "server": server}
            for item in part.skipped
        ]
        warnings += part.renamed
    return {
        "directory": str(directory),
        "articles": articles,
        "sections": sum(article["sections"] for article in articles),
        "skipped": skipped,
        "warnings": warnings,
        "usable": bool(articles),
    }


def _fail(message: str) -> int:
    print(f"diplobrief: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _query_text(parts: list[str]) -> str:
    # Bytes that are not UTF-8 reach argv as lone surrogates: show them as U+FFFD, so
    # that every output (JSON included) is valid UTF-8.
    text = " ".join(parts).encode("utf-8", "surrogateescape").decode("utf-8", "replace").strip()
    if not text:
        raise UsageError("the query is empty")
    return text


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _brief(library: Library, args: argparse.Namespace) -> int:
    from retrieval.engine import Style, brief

    question = args.command == "ask"
    text = _query_text(args.question if question else args.topic)
    if args.more < 0:
        raise UsageError("--more must be 0 or more")
    style = Style.RANKED if question or args.flat else Style.POLICY
    briefing = brief(library, text, style, offset=args.more)
    if args.json:
        _print_json(render.briefing_json(library, briefing))
    else:
        bold = render.ANSI_BOLD if sys.stdout.isatty() else render.MARKDOWN_BOLD
        print(render.briefing_text(briefing, question=question, bold=bold))
    return EXIT_OK if briefing.found else EXIT_NOT_FOUND


def _search(library: Library, args: argparse.Namespace) -> int:
    if args.top < 1:
        raise UsageError("--top must be at least 1")
    result = library.search(_query_text(args.query), top_k=args.top)
    if args.json:
        _print_json(render.search_json(library, result))
    else:
        print(render.search_text(library, result))
    return EXIT_OK if result.hits else EXIT_NOT_FOUND


def _sources(library: Library, args: argparse.Namespace) -> int:
    if args.json:
        _print_json(render.sources_json(library))
    else:
        print(render.sources_text(library))
    return EXIT_OK


def _eval(library: Library, args: argparse.Namespace) -> int:
    from bot.cli.eval_report import evaluate_files

    for path in args.files:
        if not path.is_file():
            raise UsageError(f"{path}: evaluation file not found")
    hybrid = None
    if args.mode == "hybrid":  # lexical as ours, hybrid beside it
        from retrieval.semantic import encoder_for

        directory = library.directory or DEFAULT_CORPUS_DIR
        hybrid = (
            library
            if library.mode == "hybrid"
            else load_library(directory, encoder=encoder_for("hybrid"))
        )
        library = load_library(directory) if library.mode == "hybrid" else library
    try:
        data, text = evaluate_files(library, args.files, baseline=args.baseline, hybrid=hybrid)
    except (ValueError, KeyError, TypeError) as error:
        raise UsageError(f"not an evaluation file of a known shape ({error})") from error
    modes = {"ours": library.mode, **({"hybrid": hybrid.mode} if hybrid is not None else {})}
    if args.json:
        _print_json({"modes": modes, **data})
    else:
        print("Search mode: " + ", ".join(f"{name} {mode}" for name, mode in modes.items()))
        print(text)
    return EXIT_OK


def _cases(library: Library, args: argparse.Namespace) -> int:
    from retrieval.briefing import case_briefing

    if not args.name:
        if args.json:
            _print_json([render.case_row(library, case) for case in library.cases.cases])
        else:
            print(render.cases_text(library))
        return EXIT_OK
    name = _query_text(args.name)
    match = library.cases.find(name)
    if match.case is None:
        closest = [case.name for case in match.suggestions]
        if args.json:
            _print_json({"query": name, "case": None, "suggestions": closest})
        else:
            more = ("Closest: " + "; ".join(closest)) if closest else "See `diplobrief cases`."
            print(f"No case matches “{name}”. {more}")
        return EXIT_NOT_FOUND
    if args.json:
        briefing = case_briefing(library, match.case)
        _print_json(
            {
                "case": render.case_row(library, match.case),
                "briefing": render.briefing_json(library, briefing),
            }
        )
    else:
        bold = render.ANSI_BOLD if sys.stdout.isatty() else render.MARKDOWN_BOLD
        print(render.briefing_text(case_briefing(library, match.case), bold=bold))
    return EXIT_OK


_COMMANDS = {
    "cases": _cases,
    "brief": _brief,
    "ask": _brief,
    "search": _search,
    "sources": _sources,
    "eval": _eval,
}


if __name__ == "__main__":
    raise SystemExit(main())
