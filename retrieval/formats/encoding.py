"""Text files in whatever encoding they were saved in: UTF-8 (with or without a byte-order
mark), UTF-16 and UTF-32 with a byte-order mark or told by where their zero bytes fall,
and otherwise the encoding charset-normalizer detects, when it can tell.

A reading list saved on Windows is as often cp1252 as UTF-8. Quoting a sentence in the
wrong encoding would misquote it (cp1250 reads cp1252's `très` as `trčs`), so a file is
read only when the detection is confident; otherwise it is skipped with that reason.
"""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from retrieval.model import CorpusError

if TYPE_CHECKING:
    from charset_normalizer.models import CharsetMatch

# Byte-order marks, longest first (UTF-32-LE's starts with UTF-16-LE's).
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32 (byte-order mark)"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32 (byte-order mark)"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 (byte-order mark)"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16 (byte-order mark)"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16 (byte-order mark)"),
)
# More disorder than this in the decoded text (charset-normalizer's "chaos", 0 to 1)
# means the guess reads as garbage.
MAX_CHAOS = 0.1
# When the detector finds several encodings equally plausible, the one most used for
# documents wins: the Windows and ISO Western encodings first, as most reading lists are
# English or Western European, then Central European and Cyrillic.
PREFERRED_ENCODINGS: tuple[str, ...] = (
    "cp1252",
    "latin_1",
    "iso8859_15",
    "cp1250",
    "iso8859_2",
    "cp1251",
    "koi8_r",
    "mac_roman",
)
_WIDE = ("utf_16", "utf_16_le", "utf_16_be", "utf_32", "utf_32_le", "utf_32_be")


@dataclass(frozen=True, slots=True)
class DecodedText:
    """A file's text and how it was read (None when it was plain UTF-8)."""

    text: str
    read_as: str | None = None


def decode_text(data: bytes, name: str) -> DecodedText:
    """The text of a text file. Raises CorpusError naming the file when it is binary or
    its encoding cannot be told with confidence."""
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                return DecodedText(data.decode(codec), label)
            except UnicodeDecodeError as error:
                raise CorpusError(
                    f"{name}: starts as {label} but is not ({error.reason})"
                ) from error
    if b"\x00" in data[:8192]:
        wide = _wide_text(data)
        if wide is None:
            raise CorpusError(f"{name}: looks like a binary file, not text")
        return wide
    try:
        return DecodedText(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    return _detected(data, name)


# Without a byte-order mark, UTF-16 and UTF-32 are told by their zero bytes: the high byte
# of every ASCII character (spaces, digits, punctuation, Latin letters) is zero, always at
# the same place in each 2- or 4-byte unit and (nearly) never at the other places. At
# least this share of UTF-16 units must hold one where it belongs (Cyrillic or Greek text
# has them in its spaces and punctuation); UTF-32 text is nearly all in the first plane.
MIN_WIDE_ZEROS = 0.05
# Nearly never: U+0100, U+0200 … put a zero on the other side; binary data puts them
# anywhere.
MAX_STRAY_ZEROS = 0.005
# Characters a text file holds; any other C0 control in the decoded text means the bytes
# were not text after all.
_TEXT_CONTROLS = frozenset("\t\n\r\f\v")


def _wide_text(data: bytes) -> DecodedText | None:
    """UTF-32 or UTF-16 text saved without a byte-order mark, told by the places of its
    zero bytes and a strict decode into text without control characters; None when the
    bytes are not that (a binary file)."""
    sample = data[:65536]
    for codec, width, label in (
        ("utf-32-le", 4, "UTF-32-LE"),
        ("utf-32-be", 4, "UTF-32-BE"),
        ("utf-16-le", 2, "UTF-16-LE"),
        ("utf-16-be", 2, "UTF-16-BE"),
    ):
        if len(data) % width or not _zeros_fit(sample[: len(sample) - len(sample) % width], codec):
            continue
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if _reads_as_text(text):
            return DecodedText(text, f"{label} (no byte-order mark)")
    return None


def _reads_as_text(text: str) -> bool:
    """Text has spaces or line breaks, and no controls or unassigned characters."""
    if not any(c.isspace() for c in text[:4096]):
        return False
    return not any(
        (ord(c) < 0x20 and c not in _TEXT_CONTROLS)
        or c == "\x7f"
        or unicodedata.category(c) in ("Cn", "Co", "Cs")
        for c in text
    )


def _zeros_fit(sample: bytes, codec: str) -> bool:
    """Whether the zero bytes fall where this codec puts the high bytes of ASCII."""
    width = 4 if "32" in codec else 2
    units = len(sample) // width
    if not units:
        return False
    little = codec.endswith("le")
    if width == 4:  # the top byte is always zero, the next at most 0x10 (U+10FFFF)
        top, plane = (sample[3::4], sample[2::4]) if little else (sample[0::4], sample[1::4])
        return top.count(0) == units and plane.count(0) >= (1 - MIN_WIDE_ZEROS) * units
    high, low = (sample[1::2], sample[0::2]) if little else (sample[0::2], sample[1::2])
    return high.count(0) >= MIN_WIDE_ZEROS * units and low.count(0) <= MAX_STRAY_ZEROS * units


def _detected(data: bytes, name: str) -> DecodedText:
    """Text in an encoding charset-normalizer detects; ties go to the most used."""
    from charset_normalizer import from_bytes

    # A file without NUL bytes is not UTF-16 or UTF-32 (checked above): those guesses
    # only ever decode short 8-bit files into CJK noise.
    results = from_bytes(data, cp_exclusion=list(_WIDE))
    plausible = [match for match in results if match.chaos <= MAX_CHAOS]
    if not plausible:
        raise CorpusError(
            f"{name}: not UTF-8, and its encoding cannot be told with confidence; save it as UTF-8"
        )
    least = min(match.chaos for match in plausible)
    tied = [match for match in plausible if match.chaos == least]
    most = max(match.coherence for match in tied)
    tied = [match for match in tied if match.coherence == most]
    chosen = _preferred(tied)
    if chosen is None:
        texts = {str(match) for match in tied}
        if len(texts) > 1:
            options = ", ".join(match.encoding for match in tied[:3])
            raise CorpusError(
                f"{name}: not UTF-8, and its encoding cannot be told with confidence"
                f" (it reads as {options}, each differently); save it as UTF-8"
            )
        chosen = tied[0]
    text = str(chosen)
    return DecodedText(text, f"{_same_reading(data, text, chosen.encoding)} (detected)")


def _same_reading(data: bytes, text: str, encoding: str) -> str:
    """The most used encoding that reads the bytes as the same text (cp1250 and cp1252
    agree on most Western text: the file was more likely saved as cp1252)."""
    for candidate in PREFERRED_ENCODINGS:
        try:
            if data.decode(candidate) == text:
                return candidate
        except UnicodeDecodeError:
            continue
    return encoding


def _preferred(matches: list[CharsetMatch]) -> CharsetMatch | None:
    """The match in the most used encoding, if any is one of them."""
    by_encoding = {match.encoding: match for match in matches}
    for encoding in PREFERRED_ENCODINGS:
        if encoding in by_encoding:
            return by_encoding[encoding]
    return None
