"""The `diplobrief` parser alone: no corpus is loaded here."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli.parser import UsageError, build_parser


def test_corpus_is_read_before_or_after_the_command() -> None:
    parser = build_parser()
    assert parser.parse_args(["--corpus", "a", "sources"]).corpus == Path("a")
    assert parser.parse_args(["sources", "--corpus", "b"]).corpus == Path("b")
    assert parser.parse_args(["sources"]).corpus is None


def test_a_mistyped_command_is_a_usage_error_naming_the_closest() -> None:
    with pytest.raises(UsageError, match="did you mean brief"):
        build_parser().parse_args(["breif", "x"])
    with pytest.raises(UsageError) as raised:
        build_parser().parse_args(["zzzz"])
    assert "did you mean" not in str(raised.value)


def test_a_bad_option_value_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="invalid int value"):
        build_parser().parse_args(["search", "x", "--top", "many"])
