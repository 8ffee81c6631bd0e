"""The `diplobrief` argument parser: its commands and options, the exit statuses, and
bad usage as one line (a mistyped command gets the closest one suggested).

Exit status: 0 success, 1 nothing found, 2 bad usage or an unusable corpus, each with a
one-line error on stderr.
"""

from __future__ import annotations

import argparse
import difflib
import re
from pathlib import Path
from typing import Any, NoReturn

from retrieval.config import SEARCH_MODES

EXIT_OK = 0
EXIT_NOT_FOUND = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """Bad usage: reported in one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(_with_suggestion(message))


class _CommandParser(_Parser):
    """A command's parser: --corpus is accepted after the command too
    (`diplobrief search X --corpus DIR`)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_argument("--corpus", type=Path, default=argparse.SUPPRESS, help=argparse.SUPPRESS)


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
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_CommandParser)
    _add_briefing_commands(commands)
    _add_listing_commands(commands)
    _add_eval(commands)
    check = commands.add_parser("check", help="validate a corpus folder and report problems")
    check.add_argument("directory", nargs="?", type=Path, help="default: CORPUS_DIR")
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    _add_report(commands)
    commands.add_parser("run", help="start the Discord bot")
    commands.add_parser("sync", help="sync slash commands globally and exit")
    return parser


def _add_briefing_commands(commands: Any) -> None:
    """brief and ask."""
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
        choices=tuple(SEARCH_MODES),
        default=None,
        help="lexical: measure the lexical mode (default: SEARCH_MODE);"
        " hybrid: lexical (as ours) and hybrid side by side",
    )
