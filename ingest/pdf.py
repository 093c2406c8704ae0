"""Text, page offsets and document-info metadata of a PDF (pypdf)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError

_JUNK_TITLE = re.compile(
    r"^(untitled.*|document\d*|microsoft word - .*|.*\.(docx?|pdf|indd|tex|dvi|rtf|odt))$", re.I
)


class PdfError(Exception):
    """A PDF that cannot be read; str() is a one-line, human-readable reason."""


@dataclass(frozen=True)
class PdfDoc:
    """Pages joined by a blank line; `page_starts[i]` is where page i+1's text begins in `text`."""

    text: str
    page_starts: tuple[int, ...]
    title: str
    subject: str
    author: str
    publisher: str
    date: str | None  # YYYY-MM-DD from /CreationDate
    url: str | None
    source_type: str


def pdf_date(value: str) -> str | None:
    """YYYY-MM-DD from a PDF date string such as `D:20250625120000+02'00'`."""
    m = re.match(r"\s*(?:D:)?(\d{4})(\d{2})?(\d{2})?", value)
    if not m or not m[2] or not m[3]:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return None


def parse_pdf(data: bytes) -> PdfDoc:
    """Read every page's text and the document info; raises PdfError with a reason."""
    if b"%PDF-" not in data[:1024]:
        raise PdfError("corrupt PDF: no %PDF header (not a PDF file)")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):  # many 'no copying' PDFs use an empty password
            raise PdfError("encrypted PDF: a password is needed to read it")
        pages = list(reader.pages)
        info = _info(reader)
    except PdfError:
        raise
    except DependencyError as err:
        raise PdfError(f"encrypted PDF: cannot decrypt it here ({_one_line(err)})") from err
    except FileNotDecryptedError as err:
        raise PdfError("encrypted PDF: a password is needed to read it") from err
    except Exception as err:  # pypdf raises many types (PdfReadError, KeyError, ValueError, ...) on bad files
        raise PdfError(f"corrupt PDF: {_one_line(err)}") from err
    if not pages:
        raise PdfError("corrupt PDF: it has no pages")
    texts, errors = [], []
    for page in pages:
        try:
            texts.append(_clean(page.extract_text() or ""))
        except Exception as err:  # one broken page content stream should not lose the rest
            errors.append(err)
            texts.append("")
    if not any(t.strip() for t in texts):
        if errors and len(errors) == len(pages):
            raise PdfError(f"corrupt PDF: {_one_line(errors[0])}")
        raise PdfError("PDF has no extractable text (scanned?)")
    starts, offset = [], 0
    for text in texts:
        starts.append(offset)
        offset += len(text) + 2
    title = info.get("/Title", "")
    return PdfDoc(
        text="\n\n".join(texts),
        page_starts=tuple(starts),
        title="" if _JUNK_TITLE.match(title) else title,
        subject=info.get("/Subject", ""),
        author=info.get("/Author", ""),
        publisher=info.get("/Publisher", ""),  # a custom key some tools write; /Producer is software
        date=pdf_date(info.get("/CreationDate", "")),
        url=info.get("/URL") or None,
        source_type=(info.get("/SourceType") or info.get("/Source_type", "")).lower(),
    )


def _info(reader: PdfReader) -> dict[str, str]:
    """The document-info dictionary as plain one-line strings."""
    raw: Any = reader.metadata or {}
    info: dict[str, str] = {}
    for key in ("/Title", "/Subject", "/Author", "/CreationDate", "/Publisher", "/URL", "/SourceType",
                "/Source_type"):
        try:
            value = raw.get(key)
            if hasattr(value, "get_object"):
                value = value.get_object()
        except Exception:  # a broken reference in the info dictionary is not worth failing the file
            continue
        if value is not None:
            info[key] = " ".join(str(value).replace("\x00", "").split())
    return info


def _clean(text: str) -> str:
    """Line endings normalised, NULs and lone surrogates (which storage rejects) removed, page trimmed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    return re.sub("[\ud800-\udfff]", "\ufffd", text).strip()


def _one_line(err: BaseException) -> str:
    return " ".join(str(err).split()) or type(err).__name__
