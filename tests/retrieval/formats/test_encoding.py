"""Text files in any common encoding: detected when it can be told, refused when not."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.corpus import read_article
from retrieval.formats.encoding import decode_text
from retrieval.model import CorpusError
from tests.conftest import SHARED_DIR

WESTERN = (
    "Défense Européenne\n"
    "The attaché’s rôle in the “Entente” was très important; the système à la française"
    " worked. Señor Müller’s café was naïve — and so was the treaty.\n"
)


def test_cp1252_with_curly_quotes_and_accents_is_read_exactly(tmp_path: Path) -> None:
    path = tmp_path / "windows.txt"
    path.write_bytes(WESTERN.encode("cp1252"))
    article = read_article(path, slug="windows")
    assert article.read_as == "cp1252 (detected)"
    assert article.sections[0].heading == "Défense Européenne"
    assert article.sections[0].paragraphs[0] == WESTERN.splitlines()[1]


def test_a_short_western_line_reads_as_cp1252_not_a_lookalike() -> None:
    # cp1250 and cp1252 agree on these bytes; the detector's first guess may be either.
    decoded = decode_text("Defence is “key” to the attaché’s work.\n".encode("cp1252"), "f")
    assert decoded.text == "Defence is “key” to the attaché’s work.\n"
    assert decoded.read_as == "cp1252 (detected)"


@pytest.mark.parametrize(
    ("codec", "label"),
    [
        ("utf-16", "UTF-16 (byte-order mark)"),
        ("utf-16-be", "UTF-16 (byte-order mark)"),
        ("utf-8-sig", "UTF-8 (byte-order mark)"),
        ("utf-32", "UTF-32 (byte-order mark)"),
    ],
)
def test_byte_order_marks_are_read(tmp_path: Path, codec: str, label: str) -> None:
    data = WESTERN.encode(codec)
    if codec == "utf-16-be":
        data = b"\xfe\xff" + data
    path = tmp_path / "marked.txt"
    path.write_bytes(data)
    article = read_article(path, slug="marked")
    assert article.read_as == label
    assert article.sections[0].paragraphs[0] == WESTERN.splitlines()[1]


def test_plain_utf8_says_nothing_about_its_encoding() -> None:
    assert decode_text(WESTERN.encode(), "f").read_as is None


def test_cyrillic_windows_file_is_detected() -> None:
    text = "Арктика\nАрктический совет объединяет восемь государств региона и народы Севера.\n"
    decoded = decode_text((text * 3).encode("cp1251"), "f")
    assert decoded.text == text * 3
    assert decoded.read_as == "cp1251 (detected)"


def test_a_file_whose_encoding_cannot_be_told_is_refused_with_that_reason(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="f: not UTF-8, and its encoding cannot be told"):
        decode_text(bytes(range(0x80, 0x100)) * 3, "f")


RUSSIAN = "Арктика\nАрктический совет объединяет восемь государств региона и народы Севера.\n"


@pytest.mark.parametrize("text", [WESTERN, RUSSIAN, "北极理事会。\n八个国家 和 北方人民。\n"])
@pytest.mark.parametrize(
    ("codec", "label"),
    [
        ("utf-16-le", "UTF-16-LE (no byte-order mark)"),
        ("utf-16-be", "UTF-16-BE (no byte-order mark)"),
        ("utf-32-le", "UTF-32-LE (no byte-order mark)"),
        ("utf-32-be", "UTF-32-BE (no byte-order mark)"),
    ],
)
def test_utf16_and_utf32_without_a_mark_are_told_by_their_zero_bytes(
    tmp_path: Path, text: str, codec: str, label: str
) -> None:
    decoded = decode_text(text.encode(codec), "f")
    assert (decoded.text, decoded.read_as) == (text, label)
    if text == WESTERN:  # and the file loads as an article
        path = tmp_path / "wide.txt"
        path.write_bytes(text.encode(codec))
        article = read_article(path, slug="wide")
        assert article.read_as == label
        assert article.sections[0].paragraphs[0] == text.splitlines()[1]


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 4,  # every byte value: zeros in no pattern
        b"\x00\x01\x02\x03" * 100,  # a UTF-32 pattern that decodes to no text
        b"PK\x03\x04" + bytes(1000),  # a zip header and zeros
        b"\x00" * 100,
        "no spaces at all in this one".replace(" ", "_").encode("utf-16-le") + b"\x01\x00",
    ],
)
def test_binary_data_is_still_binary(data: bytes) -> None:
    with pytest.raises(CorpusError, match="binary"):
        decode_text(data, "f")


@pytest.mark.parametrize(
    ("name", "start"),
    [
        ("sample-french.txt", "JEAN-BAPTISTE POQUELIN MOLIÈRE"),
        ("sample-russian.txt", "В гимназии он не был в числе первых учеников"),
    ],
)
def test_real_legacy_files_decode_and_their_utf16_reads_the_same(
    name: str, start: str, tmp_path: Path
) -> None:
    real = SHARED_DIR / "realdocs" / name
    if not real.is_file():
        pytest.skip(f"{real} is not beside this checkout")
    text = decode_text(real.read_bytes(), name).text
    assert start in text
    for codec in ("utf-16-le", "utf-16-be"):
        assert decode_text(text.encode(codec), name).text == text


def test_a_broken_byte_order_mark_is_refused() -> None:
    with pytest.raises(CorpusError, match="starts as UTF-16"):
        decode_text(b"\xff\xfeA\x00\x00\xd8", "f")
