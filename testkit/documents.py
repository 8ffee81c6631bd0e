"""Real PDF and Word files, made in the test run (reportlab, python-docx), for the format
parsers and the `/corpus add` tests."""

from __future__ import annotations

import io
from collections.abc import Sequence

# One article, as (heading, paragraphs) blocks, written into every document format.
TITLE = "Arctic Security Cooperation"
BLOCKS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Origins of the Arctic Council",
        (
            "The Arctic Council was founded in 1996 by the Ottawa Declaration. It brings "
            "together eight Arctic states and six organisations of indigenous peoples.",
            "Its working groups study shipping, pollution and search and rescue across the "
            "polar region.",
        ),
    ),
    (
        "Search and Rescue Agreements",
        (
            "The 2011 Agreement on Cooperation on Aeronautical and Maritime Search and "
            "Rescue in the Arctic was the first legally binding agreement negotiated under "
            "the Council. It divides the region into national areas of responsibility.",
        ),
    ),
)
# A sentence the PDF breaks across two lines with a hyphen: `ice-` / `breaker`
# must come back as one word, `icebreaker`, with no hyphen or space inside.
HYPHENATED_LINES = ("Winter convoys along the Northern Sea Route are ice-", "breaker escorted.")
HYPHENATED_SENTENCE = "Winter convoys along the Northern Sea Route are icebreaker escorted."
RUNNING_HEADER = "Polar Policy Review"


def make_pdf(*, pages: int = 2, title_in_metadata: bool = True, blocks: Sequence = BLOCKS) -> bytes:
    """A text PDF: the title in 20 pt on page one, headings in 14 pt bold, body in
    11 pt, a running header and a page number on every page, and one hyphenated line
    break. Blocks beyond the first page are repeated with numbered headings to fill
    ``pages`` pages."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    if title_in_metadata:
        pdf.setTitle(TITLE)
    width, height = A4
    for page in range(1, pages + 1):
        pdf.setFont("Helvetica", 9)
        pdf.drawString(72, height - 40, RUNNING_HEADER)
        pdf.drawCentredString(width / 2, 30, str(page))
        y = height - 100
        if page == 1:
            pdf.setFont("Helvetica-Bold", 20)
            pdf.drawString(72, y, TITLE)
            y -= 40
        for number, (heading, paragraphs) in enumerate(blocks, start=1):
            shown = heading if page == 1 else f"{heading} {page}.{number}"
            pdf.setFont("Helvetica-Bold", 14)
            pdf.drawString(72, y, shown)
            y -= 24
            pdf.setFont("Helvetica", 11)
            for paragraph in paragraphs:
                for line in _wrap(paragraph, 85):
                    pdf.drawString(72, y, line)
                    y -= 14
                y -= 10
        pdf.setFont("Helvetica", 11)
        for line in HYPHENATED_LINES:
            pdf.drawString(72, y, line)
            y -= 14
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def make_scanned_pdf() -> bytes:
    """A PDF whose page is only drawn shapes, as a scan is only an image: no text layer."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for row in range(40):
        pdf.rect(72, 760 - row * 16, 300 + (row % 5) * 30, 8, fill=1, stroke=0)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def make_docx(*, title_in_properties: bool = True, title_paragraph: bool = False) -> bytes:
    """A Word document: the title in the core properties (or a Title-style paragraph),
    headings in Heading 1 and Heading 2 styles, body paragraphs, an empty paragraph."""
    import docx

    document = docx.Document()
    if title_in_properties:
        document.core_properties.title = TITLE
    if title_paragraph:
        document.add_paragraph(TITLE, style="Title")
    document.add_paragraph("Polar affairs are no longer a regional matter.")
    for number, (heading, paragraphs) in enumerate(BLOCKS):
        document.add_heading(heading, level=1 if number == 0 else 2)
        for paragraph in paragraphs:
            document.add_paragraph(paragraph)
        document.add_paragraph("")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _wrap(text: str, width: int) -> list[str]:
    """A paragraph's lines: wrapped at ``width`` characters, or as given when it has
    line breaks of its own."""
    if "\n" in text:
        return text.split("\n")
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return [*lines, current] if current else lines


def make_long_pdf(blocks: Sequence[tuple[str, Sequence[str]]], pages: int) -> bytes:
    """A book-like PDF of exactly ``pages`` pages: the blocks' headings (14 pt bold) and
    paragraphs (11 pt) flowing from page to page, over and over, with a running header
    and page numbers (for the parsing benchmark)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(TITLE)
    width, height = A4

    def furniture(page: int) -> float:
        pdf.setFont("Helvetica", 9)
        pdf.drawString(72, height - 40, RUNNING_HEADER)
        pdf.drawCentredString(width / 2, 30, str(page))
        return height - 80

    page, y = 1, furniture(1)
    while True:
        for heading, paragraphs in blocks:
            lines = [("Helvetica-Bold", 14, heading)]
            lines += [("Helvetica", 11, line) for p in paragraphs for line in [*_wrap(p, 90), ""]]
            for font, size, line in lines:
                if y < 72:
                    if page == pages:
                        pdf.showPage()
                        pdf.save()
                        return buffer.getvalue()
                    pdf.showPage()
                    page += 1
                    y = furniture(page)
                pdf.setFont(font, size)
                pdf.drawString(72, y, line)
                y -= size + 4
