"""Hostile files made in the test run: compression bombs and a very long PDF, for the
bounded-parsing tests and the benchmark (bench/run.py)."""

from __future__ import annotations

import functools
import io
import zipfile
import zlib

MB = 1024 * 1024


@functools.lru_cache(maxsize=4)
def double_flate_pdf(inflated_mb: int = 1024) -> bytes:
    """A PDF of a few KB whose one content stream is FlateDecode twice and inflates to
    ``inflated_mb`` MB of spaces (the first inflation gives about a thousandth of it)."""
    inner = zlib.compressobj(9)
    chunk = b" " * MB
    once = b"".join(inner.compress(chunk) for _ in range(inflated_mb)) + inner.flush()
    twice = zlib.compress(once, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << >> >>",
        b"<< /Length %d /Filter [/FlateDecode /FlateDecode] >>\nstream\n" % len(twice)
        + twice
        + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


@functools.lru_cache(maxsize=4)
def inflating_docx(inflated_mb: int = 1024) -> bytes:
    """A Word file whose document.xml inflates to ``inflated_mb`` MB (60,000 empty
    paragraphs over and over), written in chunks so it never sits whole in memory."""
    from testkit.documents import make_docx

    small = zipfile.ZipFile(io.BytesIO(make_docx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for member in small.infolist():
            if member.filename != "word/document.xml":
                bomb.writestr(member, small.read(member))
        head = (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document'
            b' xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            b"<w:body>"
        )
        paragraphs = b"<w:p/>" * (MB // 6)
        info = zipfile.ZipInfo("word/document.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with bomb.open(info, "w", force_zip64=True) as member:
            member.write(head)
            for _ in range(inflated_mb):
                member.write(paragraphs)
            member.write(b"</w:body></w:document>")
    return out.getvalue()


def long_pdf(pages: int) -> bytes:
    """A book-like PDF of ``pages`` pages (reportlab)."""
    from testkit.documents import BLOCKS, make_long_pdf

    return make_long_pdf(BLOCKS, pages)
