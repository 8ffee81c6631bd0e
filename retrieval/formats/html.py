"""Web pages saved from a browser: the article's headings and paragraphs, with
navigation, scripts, sidebars and "See also" debris dropped (BeautifulSoup, imported only
when an HTML file is read)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from retrieval.formats.builder import SEE_ALSO, ArticleInfo, SectionBuilder
from retrieval.model import Article, CorpusError
from retrieval.text import normalize_spaces

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag

_DEBRIS_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "nav",
        "header",
        "footer",
        "aside",
        "form",
        "iframe",
        "svg",
        "button",
        "select",
        "template",
        "figure",
    }
)
_DEBRIS_NAMES = re.compile(
    r"\b(?:nav|navbar|menu|sidebar|footer|header|breadcrumbs?|comments?|share|social|"
    r"related|cookie|banner|advert|ads|promo|newsletter|subscribe|see-also|crumbs?)\b",
    re.IGNORECASE,
)
# The work one page may cost: parsing is linear, about 1.5 s for 200,000 tags here.
MAX_HTML_TAGS = 250_000
_CONTAINERS = frozenset({"body", "html", "main", "article"})
_TEXT_ELEMENTS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "blockquote"})
# Elements that start a block: a <div> holding none of them is a paragraph of its own on
# a page without <p>s (pages built from <div>s and <br>s).
_BLOCK_ELEMENTS = _TEXT_ELEMENTS | frozenset(
    {"div", "section", "article", "main", "ul", "ol", "dl", "table", "pre", "form", "hr"}
)


def parse_html(text: str, info: ArticleInfo) -> Article:
    """Parse a saved web page into sections. Linear in the size of the page, however
    deeply it nests: every element is visited once, from an explicit stack."""
    from bs4 import BeautifulSoup

    tags = text.count("<")
    if tags > MAX_HTML_TAGS:
        raise CorpusError(
            f"{info.name}: a page of {tags:,} tags is more than an article"
            f" (at most {MAX_HTML_TAGS:,} are read)"
        )
    soup = BeautifulSoup(text, "html.parser")
    builder = SectionBuilder(info)
    builder.stated_title = _meta(soup, "meta", {"property": "og:title"}, "content")
    builder.source_url = _meta(soup, "link", {"rel": "canonical"}, "href")
    page_title = soup.title.get_text(" ", strip=True) if soup.title else None
    root = soup.find("article") or soup.find("main") or soup.body or soup
    divs = _text_divs(root) if root.find("p") is None else frozenset()
    for element in _text_elements(root, divs):
        content = " ".join(normalize_spaces(element.get_text(" ", strip=True)).split())
        if content and not SEE_ALSO.match(content):
            _add_element(builder, element.name, content)
    builder.stated_title = builder.stated_title or page_title
    return builder.build()


def _meta(soup: BeautifulSoup, tag: str, attrs: Mapping[str, str], key: str) -> str | None:
    from bs4 import Tag

    # A dict of its own: find() takes dict[str, <any filter>], which dict[str, str] is not.
    found = soup.find(tag, attrs=dict(attrs))
    if isinstance(found, Tag) and found.get(key):
        return str(found[key]).strip()
    return None


def _text_elements(root: Tag, divs: frozenset[int] = frozenset()) -> Iterator[Tag]:
    """The headings, paragraphs, list items and quotes of the page, in reading order,
    leaving out debris (navigation, scripts, sidebars …). An element's own text is taken
    whole, so what is inside it (a paragraph in a list item) is not visited again. The
    <div>s whose ids are in ``divs`` are paragraphs too."""
    from bs4 import Tag

    stack: list[Tag] = [root]
    while stack:
        tag = stack.pop()
        if tag is not root and _is_debris(tag):
            continue
        if tag.name in _TEXT_ELEMENTS or id(tag) in divs:
            yield tag
            continue
        stack.extend(child for child in reversed(tag.contents) if isinstance(child, Tag))


def _text_divs(root: Tag) -> frozenset[int]:
    """The ids of the <div>s that are paragraphs on a page without <p>s: text, and no
    block element inside. One pass from the leaves up, however deeply the page nests."""
    from bs4 import Comment, Tag
    from bs4.element import NavigableString

    blocks: dict[int, bool] = {}  # whether a block element is inside the tag
    texts: dict[int, bool] = {}  # whether text is inside the tag
    found: list[int] = []
    for tag in reversed([root, *root.find_all(True)]):
        children = [child for child in tag.children if isinstance(child, Tag)]
        blocks[id(tag)] = any(c.name in _BLOCK_ELEMENTS or blocks[id(c)] for c in children)
        texts[id(tag)] = any(texts[id(c)] for c in children) or any(
            isinstance(child, NavigableString) and not isinstance(child, Comment) and child.strip()
            for child in tag.children
        )
        if tag.name == "div" and texts[id(tag)] and not blocks[id(tag)]:
            found.append(id(tag))
    return frozenset(found)


def _is_debris(tag: Tag) -> bool:
    if tag.name in _DEBRIS_TAGS:
        return True
    attrs = tag.attrs or {}
    names = " ".join(
        [*attrs.get("class", []), str(attrs.get("id", "")), str(attrs.get("role", ""))]
    )
    return bool(names.strip()) and tag.name not in _CONTAINERS and bool(_DEBRIS_NAMES.search(names))


def _add_element(builder: SectionBuilder, name: str, content: str) -> None:
    if name[0] == "h":
        if name == "h1" and not builder.has_content and builder.stated_title in (None, content):
            builder.stated_title = content
        else:
            builder.heading(content)
    elif builder.note_provenance(content):
        return
    elif name != "li":
        builder.paragraph(content)
    elif builder.paragraphs and (
        builder.paragraphs[-1].endswith(":") or "\n- " in builder.paragraphs[-1]
    ):
        builder.extend_paragraph("- " + content, "\n")
    else:
        builder.paragraph("- " + content)
