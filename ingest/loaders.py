"""Turn a file path or an http(s) URL into a Source (stored text + metadata), or a one-line LoadError."""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import re
from collections.abc import Iterable
from contextlib import suppress
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from assistant.settings import Settings
from assistant.types import Source
from ingest.fetch import KIND_BY_SUFFIX, FetchError, fetch, normalise_url, response_kind, size_limit_reason
from ingest.html import normalise_date, parse_html, sniff_charset
from ingest.pdf import PdfError, parse_pdf

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it: 8x faster on front matter

SUPPORTED = " ".join(KIND_BY_SUFFIX)
TITLE_MAX = 120
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_FRONT_MATTER = re.compile(r"---[ \t]*\n(.*?)^(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S | re.M)
_ATX_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(?:=+|-{2,})[ \t]*$")
_FRONT_MATTER_KEYS = {  # field: accepted keys, first present wins
    "title": ("title",), "publisher": ("publisher", "site_name", "site"), "author": ("author", "authors"),
    "date": ("date", "published", "date_published"), "url": ("url", "source_url", "canonical_url", "link"),
    "source_type": ("source_type", "source-type"),
}
_LATIN1_LABELS = frozenset({"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii"})
_NOT_TEXT = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f-\x9f]")  # controls other than \t \n \v \f \r ESC


class LoadError(Exception):
    """A source that cannot be loaded; str() is a one-line, human-readable reason."""


def is_url(location: str) -> bool:
    """True for `scheme://…` strings (only http and https can be loaded)."""
    return _URL.match(location) is not None


def expand_inputs(inputs: Iterable[str]) -> list[str]:
    """Files as given, folders walked recursively in sorted order (hidden entries skipped), URLs kept.

    Missing paths and unsupported files are returned too, so `load` can report why they failed; a folder
    with no files is returned itself for the same reason. Duplicates (same file or URL) are dropped.
    """
    expanded: list[str] = []
    seen: set[str] = set()
    for item in inputs:
        found = [item]
        folder = None if is_url(item) else Path(item).expanduser()
        if folder is not None and folder.is_dir():
            found = [str(p) for p in _walk(folder)] or [item]
        for location in found:
            key = source_id_for(location)
            if key not in seen:
                seen.add(key)
                expanded.append(location)
    return expanded


def _walk(folder: Path) -> list[Path]:
    files: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        files.extend(Path(dirpath) / name for name in filenames if not name.startswith("."))
    return sorted(files, key=lambda p: p.relative_to(folder).parts)


def source_id_for(location: str) -> str:
    """Stable id from the resolved absolute path or the normalised URL (not the contents)."""
    if is_url(location):
        key = normalise_url(location)
    else:
        try:
            key = str(Path(location).expanduser().resolve())
        except (OSError, RuntimeError):  # unreadable parent, symlink loop: the absolute path still names it
            key = os.path.abspath(os.path.expanduser(location))  # noqa: PTH100, PTH111
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def load(location: str, settings: Settings) -> Source:
    """Load one file or URL into a Source; raises LoadError with a one-line reason."""
    if is_url(location):
        return _load_url(location, settings)
    return _load_file(location, settings)


def _load_file(location: str, settings: Settings) -> Source:
    path = Path(location).expanduser()
    try:
        if not path.exists():
            raise LoadError("no such file or folder")
        if path.is_dir():
            raise LoadError("folder has no files to ingest" if not _walk(path) else "is a folder, not a file")
        if not path.is_file():  # a FIFO or device would block or never end
            raise LoadError("not a regular file")
    except PermissionError as err:
        raise LoadError("permission denied") from err
    suffix = path.suffix.lower()
    kind = KIND_BY_SUFFIX.get(suffix)
    if kind is None:
        shown = f"type {suffix}" if suffix else "type (no extension)"
        raise LoadError(f"unsupported file {shown} (supported: {SUPPORTED})")
    try:
        size = path.stat().st_size
        if size > settings.max_file_bytes:
            raise LoadError(size_limit_reason("file", size, settings.max_file_bytes))
        with path.open("rb") as handle:
            data = handle.read(settings.max_file_bytes + 1)
    except PermissionError as err:
        raise LoadError("permission denied") from err
    except OSError as err:
        raise LoadError(f"could not read the file: {(err.strerror or str(err)).lower()}") from err
    if len(data) > settings.max_file_bytes:  # it grew after stat()
        raise LoadError(size_limit_reason("file", None, settings.max_file_bytes))
    text, meta, page_starts = _parse(kind, data, None, f"{suffix} file", None)
    return _finish(location, text, meta, page_starts, path=str(path.resolve()), url=None, stem=path.stem,
                   default_type="document", default_publisher="")


def _load_url(url: str, settings: Settings) -> Source:
    scheme = url.split(":", 1)[0].lower()
    if scheme not in ("http", "https"):
        raise LoadError(f"unsupported URL scheme {scheme}:// (only http and https)")
    try:
        got = fetch(url, settings.url_timeout, settings.max_file_bytes)
    except FetchError as err:
        raise LoadError(str(err)) from err
    kind = response_kind(got)
    if kind is None:
        raise LoadError(f"unsupported content type {got.content_type} from {url} (HTML, PDF or text only)")
    host = (urlsplit(got.url).hostname or "").removeprefix("www.")
    text, meta, page_starts = _parse(kind, got.data, got.charset, "response", got.url)
    stem = PurePosixPath(unquote(urlsplit(got.url).path)).stem or host
    return _finish(url, text, meta, page_starts, path=None, url=url, stem=stem,
                   default_type="web page" if kind == "html" else "document", default_publisher=host)


def _parse(kind: str, data: bytes, charset: str | None, label: str,
           base_url: str | None) -> tuple[str, dict[str, str], tuple[int, ...]]:
    """Stored text, metadata found in the document, and page offsets (PDF)."""
    empty = "empty response" if label == "response" else "empty file"
    if not data.strip():
        raise LoadError(empty)
    if kind == "pdf":
        try:
            pdf = parse_pdf(data)
        except PdfError as err:
            raise LoadError(str(err)) from err
        meta = {"title": pdf.title, "heading": pdf.subject, "author": pdf.author, "publisher": pdf.publisher,
                "date": pdf.date or "", "url": pdf.url or "", "source_type": pdf.source_type}
        return pdf.text, meta, pdf.page_starts
    text = decode_text(data, charset or (sniff_charset(data) if kind == "html" else None), label)
    if kind == "html":
        page = parse_html(text, base_url)
        if not page.text.strip():
            raise LoadError(empty if not text.strip() else "no readable text in the page")
        meta = {"title": page.title, "heading": page.heading, "author": page.author,
                "publisher": page.publisher, "date": page.date or "", "url": page.url or "",
                "source_type": page.source_type}
        return page.text, meta, ()
    body, meta = split_front_matter(text)
    if not body.strip():
        raise LoadError(f"{empty} (front matter only)" if body != text else empty)
    return body, meta, ()


def decode_text(data: bytes, charset: str | None, label: str = "file") -> str:
    """Declared charset, else UTF-8 (BOM or not), else cp1252, else latin-1; \\r\\n and \\r become \\n."""
    binary = f"binary content in a {label}"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as err:
            raise LoadError(binary) from err
    elif data.startswith(codecs.BOM_UTF8):
        text = data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace")
    elif b"\x00" in data:
        raise LoadError(binary)
    else:
        text = _decode_guess(data, charset)
    sample = text[:8192]
    if sample and len(_NOT_TEXT.findall(sample)) > 0.1 * len(sample):
        raise LoadError(binary)
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _decode_guess(data: bytes, charset: str | None) -> str:
    label = (charset or "").strip().strip("\"'").lower()
    declared = "cp1252" if label in _LATIN1_LABELS else label  # as browsers do
    for encoding in (declared, "utf-8", "cp1252"):
        with suppress(LookupError, UnicodeDecodeError):
            if encoding:
                return data.decode(encoding)
    return data.decode("latin-1")


def split_front_matter(text: str) -> tuple[str, dict[str, str]]:
    """Body after a leading `---` YAML block and the known fields it gives; malformed → ({text}, {})."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return text, {}
    try:
        data = yaml.load(match[1], Loader=_YAML_LOADER) if match[1].strip() else {}
    except Exception:  # malformed YAML is not fatal: PyYAML raises YAMLError, ValueError (bad dates), ...
        return text, {}
    if not isinstance(data, dict):
        return text, {}
    fields = {str(k).strip().lower(): v for k, v in data.items()}
    meta: dict[str, str] = {}
    for name, aliases in _FRONT_MATTER_KEYS.items():
        value = next((_scalar(fields[a]) for a in aliases if _scalar(fields.get(a))), "")
        if value and name == "date":
            value = normalise_date(value) or value
        meta[name] = value.lower() if name == "source_type" else value
    return text[match.end():].lstrip("\n"), meta


def _scalar(value: Any) -> str:
    """A front-matter value as one line; lists joined, dates ISO, mappings ignored."""
    if isinstance(value, date):
        return value.isoformat()[:10]
    if isinstance(value, (list, tuple)):
        return ", ".join(s for s in (_scalar(v) for v in value) if s)
    if value is None or isinstance(value, dict):
        return ""
    return " ".join(str(value).split())


def _finish(location: str, text: str, meta: dict[str, str], page_starts: tuple[int, ...], *,
            path: str | None, url: str | None, stem: str, default_type: str,
            default_publisher: str) -> Source:
    """Apply the fallbacks and hash the stored text together with the metadata."""
    title = _trim(meta.get("title") or meta.get("heading") or title_from_text(text) or stem)
    publisher = meta.get("publisher") or default_publisher
    author = meta.get("author", "")
    published = meta.get("date") or None
    url = url or meta.get("url") or None
    source_type = meta.get("source_type") or default_type
    described = {"title": title, "publisher": publisher, "author": author, "date": published, "url": url,
                 "source_type": source_type, "page_starts": list(page_starts)}
    payload = text + "\0" + json.dumps(described, sort_keys=True, ensure_ascii=False)
    return Source(
        source_id=source_id_for(location), text=text, title=title, path=path, url=url, publisher=publisher,
        author=author, date=published, source_type=source_type, page_starts=page_starts,
        content_hash=hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest(),
    )


def title_from_text(text: str) -> str:
    """A heading among the first few lines (ATX or setext, code fences skipped), else the first line."""
    lines = text.split("\n")
    first, seen, in_fence = "", 0, False
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        if in_fence or not re.search(r"\w", stripped) or stripped.startswith(("<", "![")):
            continue
        if heading := _ATX_HEADING.match(line):
            return _plain(heading[1])
        if i + 1 < len(lines) and _SETEXT_UNDERLINE.match(lines[i + 1]):
            return _plain(stripped)
        first = first or stripped
        seen += 1
        if seen >= 5:
            break
    return _plain(first)


def _plain(line: str) -> str:
    """Markdown markup stripped from a one-line title."""
    line = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", line)
    line = re.sub(r"^(?:[#>]+|[-*+]|\d+[.)])\s+", "", line.strip())
    return line.replace("**", "").replace("__", "").strip("*_` \t")


def _trim(title: str, limit: int = TITLE_MAX) -> str:
    title = " ".join(title.split())
    if len(title) <= limit:
        return title
    cut = title[: limit - 1]
    if (space := cut.rfind(" ")) > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–—") + "…"
