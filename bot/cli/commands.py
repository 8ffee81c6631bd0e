"""What each `diplobrief` command does, once parsed: the commands over a loaded library
(brief, ask, search, sources, cases, eval; see :data:`LIBRARY_COMMANDS`), and `check`
and `report`, which read a folder or the ratings store instead. Each returns its exit
status (:mod:`bot.cli.parser`) and raises :class:`~bot.cli.parser.UsageError` for bad
usage. Nothing here imports discord."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.cli.parser import EXIT_NOT_FOUND, EXIT_OK, UsageError
from bot.defaults import DEFAULT_CORPUS_DIR
from bot.present import render
from bot.present.text import visible
from retrieval.library import Library
from retrieval.parsing import ParseLimits

# A corpus this small has no word rarer than another: `check` says so.
FEW_SECTIONS = 5


def load_library(
    directory: Path, *, encoder: Any = None, limits: ParseLimits | None = None
) -> Library:
    """Load a corpus folder, naming the bundled one as such."""
    bundled = directory.resolve() == DEFAULT_CORPUS_DIR.resolve()
    name = "the bundled corpus" if bundled else directory.name
    return Library.load(directory, name=name, encoder=encoder, progress=True, limits=limits)


def print_json(data: Any) -> None:
    """Print ``data`` as indented JSON, non-ASCII kept as it is."""
    print(json.dumps(data, ensure_ascii=False, indent=2))


def query_text(parts: list[str]) -> str:
    """The words of a query as one line; raises UsageError when there are none."""
    # Bytes that are not UTF-8 reach argv as lone surrogates: show them as U+FFFD, so
    # that every output (JSON included) is valid UTF-8.
    text = " ".join(parts).encode("utf-8", "surrogateescape").decode("utf-8", "replace").strip()
    if not text:
        raise UsageError("the query is empty")
    return text


def _bold() -> tuple[str, str]:
    """Bold as the terminal shows it, or as Markdown when the output is not a terminal."""
    return render.ANSI_BOLD if sys.stdout.isatty() else render.MARKDOWN_BOLD


def check(directory: Path, *, as_json: bool = False) -> int:
    """`diplobrief check`: the report of a corpus folder, each article marked shared or
    a server's own (as JSON with ``as_json``); non-zero only when nothing is usable. Every
    name, title and reason is shown with its control characters escaped, on one line."""
    from retrieval.cases import read_curation
    from retrieval.corpus import LoadedCorpus, scan_corpus
    from retrieval.corpus_set import server_folders

    servers = server_folders(Path(directory))
    parts: list[tuple[str, LoadedCorpus]] = [
        ("shared", scan_corpus(directory, exclude=servers))  # a wrong manifest stops here
    ]
    parts += [(f"server {s.name}", scan_corpus(s, prefix=f"{s.name}/")) for s in servers]
    read_curation(Path(directory))  # and so does a wrong cases.toml
    sections = sum(len(a.sections) for _, part in parts for a in part.articles)
    few = None
    if 0 < sections < FEW_SECTIONS:
        few = (
            f"only {sections} section{'s' if sections != 1 else ''}: search works,"
            " but with so little text every word is equally rare and rankings mean little"
        )
    if as_json:
        print_json(_check_json(directory, parts, few))
    else:
        _check_text(directory, parts, few)
    if not any(part.articles for _, part in parts):
        print("diplobrief: error: nothing usable in this folder", file=sys.stderr)
        return EXIT_NOT_FOUND
    return EXIT_OK


def _check_text(directory: Path, parts: list[tuple[str, Any]], few: str | None) -> None:
    """`check`'s report for a reader: the totals, then each part's articles and skips."""
    articles = [a for _, part in parts for a in part.articles]
    sections = sum(len(a.sections) for a in articles)
    skipped = sum(len(part.skipped) for _, part in parts)
    print(
        f"{visible(str(directory))}: {len(articles)} articles, {sections} sections;"
        f" {skipped} files skipped"
    )
    for owner, part in parts:
        _report_part(owner, part)
    if few:
        print(f"warning: {few}")


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


def ratings_report(settings: Any, args: argparse.Namespace) -> int:
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
        print_json(report.as_json())
    else:
        print("\n".join(report_lines(report)))
    return EXIT_OK


def brief(library: Library, args: argparse.Namespace) -> int:
    """`brief` and `ask`: a cited briefing (a policy brief, or ranked excerpts for `ask`
    and `brief --flat`); exit 1 when nothing was found."""
    from retrieval.engine import Style
    from retrieval.engine import brief as make_briefing

    question = args.command == "ask"
    text = query_text(args.question if question else args.topic)
    if args.more < 0:
        raise UsageError("--more must be 0 or more")
    style = Style.RANKED if question or args.flat else Style.POLICY
    briefing = make_briefing(library, text, style, offset=args.more)
    if args.json:
        print_json(render.briefing_json(library, briefing))
    else:
        print(render.briefing_text(briefing, question=question, bold=_bold()))
    return EXIT_OK if briefing.found else EXIT_NOT_FOUND


def search(library: Library, args: argparse.Namespace) -> int:
    """`search`: the sections ranked for a query; exit 1 when none matched."""
    if args.top < 1:
        raise UsageError("--top must be at least 1")
    result = library.search(query_text(args.query), top_k=args.top)
    if args.json:
        print_json(render.search_json(library, result))
    else:
        print(render.search_text(library, result))
    return EXIT_OK if result.hits else EXIT_NOT_FOUND


def sources(library: Library, args: argparse.Namespace) -> int:
    """`sources`: the articles and their sections."""
    if args.json:
        print_json(render.sources_json(library))
    else:
        print(render.sources_text(library))
    return EXIT_OK


def evaluate(library: Library, args: argparse.Namespace) -> int:
    """`eval`: the library measured against evaluation files, in the mode `--mode`
    names (see :func:`_eval_libraries`); the output names each mode measured and what it
    fuses with BM25."""
    from bot.cli.eval_report import evaluate_files

    for path in args.files:
        if not path.is_file():
            raise UsageError(f"{path}: evaluation file not found")
    library, hybrid = _eval_libraries(library, args.mode)
    try:
        data, text = evaluate_files(library, args.files, baseline=args.baseline, hybrid=hybrid)
    except (ValueError, KeyError, TypeError) as error:
        raise UsageError(f"not an evaluation file of a known shape ({error})") from error
    systems = {"ours": library, **({"hybrid": hybrid} if hybrid is not None else {})}
    modes = {name: system.mode for name, system in systems.items()}
    if args.json:
        uses = {name: system.mode_description for name, system in systems.items()}
        print_json({"modes": modes, "uses": uses, **data})
    else:
        print(
            "Search mode: "
            + "; ".join(f"{name} {s.mode} ({s.mode_description})" for name, s in systems.items())
        )
        print(text)
    return EXIT_OK


def _eval_libraries(library: Library, mode: str | None) -> tuple[Library, Library | None]:
    """The library `eval` measures as ours, and the one beside it: the settings' mode
    alone by default; `--mode lexical`, the lexical mode alone; `--mode hybrid`, lexical
    as ours and hybrid beside it. A library in another mode is loaded from the same
    folder, the one the library in hand was loaded from (not its first article's, which
    may be a sub-folder); the library in hand is reused when it is in the mode asked."""
    if mode is None:
        return library, None
    from retrieval.semantic import encoder_for

    directory = library.directory
    if directory is None:  # built in memory: no folder to read again
        raise UsageError(f"{library.name} was not loaded from a folder: no other mode to load")

    def in_mode(name: str) -> Library:
        if library.mode == name:
            return library
        return load_library(directory, encoder=encoder_for(name))

    return in_mode("lexical"), (in_mode("hybrid") if mode == "hybrid" else None)


def cases(library: Library, args: argparse.Namespace) -> int:
    """`cases`: the case studies, or the briefing of the one named (exit 1, with the
    closest names, when none matches)."""
    if not args.name:
        if args.json:
            print_json([render.case_row(library, case) for case in library.cases.cases])
        else:
            print(render.cases_text(library))
        return EXIT_OK
    name = query_text(args.name)
    match = library.cases.find(name)
    if match.case is None:
        closest = [case.name for case in match.suggestions]
        if args.json:
            print_json({"query": name, "case": None, "suggestions": closest})
        else:
            more = ("Closest: " + "; ".join(closest)) if closest else "See `diplobrief cases`."
            print(f"No case matches “{name}”. {more}")
        return EXIT_NOT_FOUND
    _print_case(library, match.case, as_json=args.json)
    return EXIT_OK


def _print_case(library: Library, case: Any, *, as_json: bool) -> None:
    """One case study's briefing (with the case's row, as JSON)."""
    from retrieval.briefing import case_briefing

    briefing = case_briefing(library, case)
    if as_json:
        print_json(
            {
                "case": render.case_row(library, case),
                "briefing": render.briefing_json(library, briefing),
            }
        )
    else:
        print(render.briefing_text(briefing, bold=_bold()))


# The commands that search a loaded library, by name.
LIBRARY_COMMANDS: dict[str, Callable[[Library, argparse.Namespace], int]] = {
    "cases": cases,
    "brief": brief,
    "ask": brief,
    "search": search,
    "sources": sources,
    "eval": evaluate,
}
