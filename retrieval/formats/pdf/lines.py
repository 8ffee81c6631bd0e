"""A line of a PDF page's text layer, as the stages after reading see it."""

from __future__ import annotations

import re
from dataclasses import dataclass

# The top and bottom bands of a page where running headers, footers and numbers live.
MARGIN_SHARE = 0.1
# A paragraph number or list label set apart from its text: "3.", "(a)", "iv)", "12".
LABEL = re.compile(r"^(?:\(?\d{1,3}[.)]|\d{1,3}|\([a-z]{1,5}\)|[a-z][.)]|[ivxlc]{1,6}[.)]|[•▪–-])$")


@dataclass(frozen=True, slots=True)
class PdfLine:
    """One line of a page's text layer, with what its typesetting says about it."""

    page: int
    box: int  # the text box (pdfminer's layout block) it belongs to
    text: str
    size: float
    bold: bool
    top: float  # distance from the top of the page
    bottom: float
    page_height: float
    left: float = 0.0
    right: float = 0.0

    @property
    def in_margin(self) -> bool:
        """In the top or bottom band of its page, where running lines are set."""
        band = self.page_height * MARGIN_SHARE
        return self.top < band or self.bottom > self.page_height - band


def collapse(text: str) -> str:
    """Runs of spaces as one space, the ends stripped (justified text)."""
    return re.sub(r" {2,}", " ", text).strip()
