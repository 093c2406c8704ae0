"""Main text and metadata of an HTML page (BeautifulSoup, stdlib parser); dates normalised here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, NavigableString, PageElement, Tag
from bs4.element import PreformattedString

_DROP = frozenset({
    "script", "style", "noscript", "nav", "header", "footer", "aside", "form", "svg", "iframe", "template",
    "head", "button", "select", "dialog", "canvas", "object", "embed",
})
_BLOCK = frozenset({
    "address", "article", "blockquote", "body", "caption", "center", "dd", "details", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "html", "legend", "li",
    "main", "ol", "p", "section", "summary", "table", "tbody", "tfoot", "thead", "tr", "ul",
})
_BR = "\ue000"  # private-use marker: one <br> is a space, two in a row split the paragraph
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)"""
    rb"""|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9._:-]+)""",
    re.I,
)
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                         "nov", "dec"), start=1)}
_DATE_KEYS = (
    "article:published_time", "og:published_time", "date", "pubdate", "publish-date", "publish_date",
    "publication_date", "datepublished", "dc.date", "dc.date.issued", "dcterms.date", "dcterms.issued",
    "citation_publication_date", "citation_date", "sailthru.date", "parsely-pub-date",
)
_AUTHOR_KEYS = ("author", "article:author", "dc.creator", "dcterms.creator", "citation_author", "byl",
                "parsely-author", "sailthru.author")
_OPINION_WORDS = ("opinion", "op-ed", "editorial", "commentary", "column")


@dataclass(frozen=True)
class HtmlDoc:
    """What a page says about itself; empty strings where it says nothing."""

    text: str  # main-text paragraphs separated by a blank line
    title: str
    heading: str  # the first <h1>, a title fallback
    author: str
    publisher: str
    date: str | None  # YYYY-MM-DD
    url: str | None
    source_type: str


def normalise_date(value: str) -> str | None:
    """YYYY-MM-DD from ISO dates/datetimes, `2025/06/25`, `25 June 2025`, `June 25, 2025`, RFC 2822."""
    value = " ".join(value.split())
    found: tuple[int, int, int] | None = None
    iso = re.match(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)", value)
    if m := iso or re.fullmatch(r"(\d{4})(\d\d)(\d\d)", value):
        found = int(m[1]), int(m[2]), int(m[3])
    elif m := re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,})\.?,?\s+(\d{4})\b", value):
        found = _with_month(m[3], m[2], m[1])
    elif m := re.search(r"\b([A-Za-z]{3,})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b", value):
        found = _with_month(m[3], m[1], m[2])
    if found is None:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        found = parsed.year, parsed.month, parsed.day
    try:
        return date(*found).isoformat()
    except ValueError:
        return None


def _with_month(year: str, month_name: str, day: str) -> tuple[int, int, int] | None:
    month = _MONTHS.get(month_name[:3].lower())
    return (int(year), month, int(day)) if month else None


def sniff_charset(data: bytes) -> str | None:
    """The charset a page declares in a <meta> tag near its top, if any."""
    m = _META_CHARSET.search(data[:4096])
    return (m[1] or m[2]).decode("ascii").lower() if m else None


def parse_html(markup: str, base_url: str | None = None) -> HtmlDoc:
    """Main text (scripts, navigation, hidden elements dropped) and metadata of a page."""
    soup = BeautifulSoup(markup, "html.parser")
    meta = _meta_tags(soup)
    title_tag = (soup.head or soup).find("title")  # not an <svg>'s <title> in the body
    h1 = soup.find("h1")
    published = next((d for k in _DATE_KEYS if (d := normalise_date(meta.get(k, "")))), None)
    if published is None:
        time_tag = soup.find("time", attrs={"datetime": True})
        published = normalise_date(str(time_tag.get("datetime"))) if isinstance(time_tag, Tag) else None
    author = next((a for k in _AUTHOR_KEYS if (a := meta.get(k, "")) and not _is_url(a)), "")
    section = f"{meta.get('article:section', '')} {meta.get('og:type', '')}".lower()
    declared_type = meta.get("source_type") or meta.get("source-type") or meta.get("candor:source_type", "")
    return HtmlDoc(
        text="\n\n".join(_paragraphs(_main_root(soup))),
        title=_clean(meta.get("og:title") or (title_tag.get_text() if title_tag else "")),
        heading=_clean(h1.get_text()) if h1 else "",
        author=re.sub(r"^by\s+", "", _clean(author), flags=re.I),
        publisher=_clean(meta.get("og:site_name") or meta.get("publisher") or meta.get("dc.publisher", "")),
        date=published,
        url=_page_url(soup, meta, base_url),
        source_type=_clean(declared_type).lower()
        or ("opinion" if any(w in section for w in _OPINION_WORDS) else ""),
    )


def _clean(text: str) -> str:
    return " ".join(text.split())


def _is_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


def _meta_tags(soup: BeautifulSoup) -> dict[str, str]:
    """First non-empty content of each <meta name|property|itemprop>, keys lower-cased."""
    found: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        key = str(tag.get("property") or tag.get("name") or tag.get("itemprop") or "").strip().lower()
        content = str(tag.get("content") or "").strip()
        if key and content and key not in found:
            found[key] = content
    return found


def _page_url(soup: BeautifulSoup, meta: dict[str, str], base_url: str | None) -> str | None:
    canonical = soup.find("link", rel="canonical")
    for candidate in (meta.get("og:url", ""), str(canonical.get("href") or "") if canonical else ""):
        url = urljoin(base_url, candidate.strip()) if base_url else candidate.strip()
        if url and urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc:
            return url
    return None


def _skipped(tag: Tag) -> bool:
    """Boilerplate or hidden: its whole subtree is left out of the text."""
    if tag.name in _DROP or tag.has_attr("hidden"):
        return True
    if str(tag.get("aria-hidden", "")).lower() == "true":
        return True
    if tag.name == "input" and str(tag.get("type", "")).lower() == "hidden":
        return True
    return bool(_HIDDEN_STYLE.search(str(tag.get("style") or "")))


def _main_root(soup: BeautifulSoup) -> Tag | BeautifulSoup:
    """The longest visible <article>, unless <main> holds far more text; else <main>; else <body>."""

    def visible(tag: Tag) -> bool:
        return not _skipped(tag) and not any(_skipped(p) for p in tag.parents if isinstance(p, Tag))

    def size(root: Tag | BeautifulSoup) -> int:
        return sum(len(p) for p in _paragraphs(root))

    articles = [a for a in soup.find_all("article") if visible(a)]
    main = next((m for m in soup.find_all(_is_main) if visible(m)), None)
    best = max(articles, key=size, default=None)
    if best is not None and size(best) > 0 and (main is None or size(best) * 3 >= size(main)):
        return best
    if main is not None and size(main) > 0:
        return main
    return soup.body if soup.body is not None else soup


def _is_main(tag: Tag) -> bool:
    return tag.name == "main" or str(tag.get("role", "")).lower() == "main"


def _paragraphs(root: Tag | BeautifulSoup) -> list[str]:
    """Block elements (and <br><br>) become paragraphs, whitespace collapsed inside each; <pre> verbatim."""
    paragraphs: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        for part in re.split(f"{_BR}\\s*{_BR}", "".join(buffer)):
            if line := " ".join(part.replace(_BR, " ").split()):
                paragraphs.append(line)
        buffer.clear()

    stack: list[tuple[PageElement, bool]] = [(root, False)]
    while stack:
        node, closing = stack.pop()
        if closing:
            flush()
        elif isinstance(node, Tag):
            if node is not root and _skipped(node):
                continue
            if node.name == "pre":
                flush()
                verbatim = node.get_text().strip("\n").rstrip()
                if verbatim.strip():
                    paragraphs.append(verbatim)
                continue
            if node.name in ("td", "th", "br"):
                buffer.append(_BR if node.name == "br" else " ")
            if node.name in _BLOCK:
                flush()
                stack.append((node, True))
            stack.extend((child, False) for child in reversed(node.contents))
        elif isinstance(node, NavigableString) and not isinstance(node, PreformattedString):
            buffer.append(str(node))
    flush()
    return paragraphs
