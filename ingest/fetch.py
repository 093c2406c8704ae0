"""Fetch an http(s) URL with a timeout, a streamed size cap and one-line error reasons; URL helpers."""

from __future__ import annotations

import http.client
import socket
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import urlsplit, urlunsplit

USER_AGENT = "Candor/0.1 (research assistant; Python urllib)"
ACCEPT = "text/html, application/xhtml+xml, application/pdf, text/markdown, text/plain;q=0.9, */*;q=0.5"
LIMIT_HINT = "(CANDOR_MAX_FILE_MB / --max-file-mb)"
_CHUNK = 64 * 1024
KIND_BY_SUFFIX = {".txt": "text", ".md": "text", ".markdown": "text", ".html": "html", ".htm": "html",
                  ".pdf": "pdf"}


class FetchError(Exception):
    """A URL could not be fetched; str() is a one-line, human-readable reason."""


@dataclass(frozen=True)
class Fetched:
    """A fetched response body with what the server said about it."""

    url: str  # final URL, after redirects
    data: bytes
    content_type: str  # lower-case media type without parameters; "" when the server sent none
    charset: str | None


def human_size(n: int) -> str:
    """`25.3 MB`, `12 KB`, `800 bytes`."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= scale:
            return f"{n / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{n} bytes"


def size_limit_reason(what: str, size: int | None, limit: int) -> str:
    """`file is 25.3 MB, over the 20 MB limit (CANDOR_MAX_FILE_MB / --max-file-mb)`."""
    limit_text = human_size(limit)
    if size is None:
        return f"{what} is over the {limit_text} limit {LIMIT_HINT}"
    size_text = human_size(size)
    if size_text == limit_text:  # 20 MB + 1 byte must not read "20 MB, over the 20 MB limit"
        size_text, limit_text = f"{size:,} bytes", f"{limit:,}-byte"
    return f"{what} is {size_text}, over the {limit_text} limit {LIMIT_HINT}"


def fetch(url: str, timeout: float, max_bytes: int) -> Fetched:
    """GET `url` (redirects followed), reading at most `max_bytes`; raises FetchError with a reason."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": ACCEPT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            declared = response.headers.get("Content-Length")
            if declared and declared.strip().isdigit() and int(declared) > max_bytes:
                raise FetchError(size_limit_reason("response", int(declared), max_bytes))
            data = _read_capped(response, max_bytes)
            has_type = response.headers.get("Content-Type") is not None
            return Fetched(
                url=response.geturl() or url,
                data=data,
                content_type=response.headers.get_content_type().lower() if has_type else "",
                charset=response.headers.get_content_charset(),
            )
    except FetchError:
        raise
    except urllib.error.HTTPError as err:
        err.close()  # it holds the open response
        reason = f" ({err.reason})" if err.reason else ""
        raise FetchError(f"HTTP {err.code} from {url}{reason}") from err
    except urllib.error.URLError as err:
        raise FetchError(_describe(err.reason, url, timeout)) from err
    except (OSError, http.client.HTTPException) as err:
        raise FetchError(_describe(err, url, timeout)) from err
    except ValueError as err:  # malformed URL (http.client.InvalidURL and friends)
        raise FetchError(f"invalid URL {url}: {err}") from err


def _read_capped(response: http.client.HTTPResponse, max_bytes: int) -> bytes:
    """Stream the body, stopping as soon as it passes `max_bytes`."""
    parts: list[bytes] = []
    total = 0
    while True:
        chunk = response.read(min(_CHUNK, max_bytes + 1 - total))
        if not chunk:
            return b"".join(parts)
        parts.append(chunk)
        total += len(chunk)
        if total > max_bytes:
            raise FetchError(size_limit_reason("response", None, max_bytes))


def _describe(err: object, url: str, timeout: float) -> str:
    """One line for a network-level failure."""
    if isinstance(err, TimeoutError):  # socket.timeout is TimeoutError since 3.10
        return f"timed out after {timeout:g} s"
    if isinstance(err, ConnectionRefusedError):
        detail = "connection refused"
    elif isinstance(err, http.client.RemoteDisconnected):  # before ConnectionResetError, its base
        detail = "the server closed the connection without a response"
    elif isinstance(err, ConnectionResetError):
        detail = "connection reset by the server"
    elif isinstance(err, socket.gaierror):
        detail = "host not found"
    elif isinstance(err, ssl.SSLError):
        detail = f"TLS/SSL error ({getattr(err, 'reason', None) or err})"
    elif isinstance(err, http.client.IncompleteRead):
        detail = "the server closed the connection mid-response"
    elif isinstance(err, OSError) and err.strerror:
        detail = err.strerror.lower()
    else:
        detail = str(err) or type(err).__name__
    return f"could not fetch {url}: {' '.join(detail.split())}"


def normalise_url(url: str) -> str:
    """Lower-case scheme and host, default port and fragment dropped, empty path as `/`."""
    try:
        parts = urlsplit(url.strip())
        scheme, netloc = parts.scheme.lower(), parts.netloc.lower()
        netloc = netloc.removesuffix({"http": ":80", "https": ":443"}.get(scheme, "\0"))
        return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))
    except ValueError:  # e.g. an unbalanced IPv6 bracket: still give it a stable form
        return url.strip()


def response_kind(got: Fetched) -> str | None:
    """html, pdf or text from the content type, sniffing the body when the server is vague; None if other."""
    media = got.content_type
    if media in ("text/html", "application/xhtml+xml"):
        return "html"
    if media in ("application/pdf", "application/x-pdf"):
        return "pdf"
    if media.startswith("text/") or media in ("application/markdown", "application/x-markdown"):
        return "text"
    if media in ("", "application/octet-stream", "binary/octet-stream"):
        head = got.data[:1024].lstrip().lower()
        if head.startswith(b"%pdf-"):
            return "pdf"
        if head.startswith((b"<!doctype html", b"<html")):
            return "html"
        return KIND_BY_SUFFIX.get(PurePosixPath(urlsplit(got.url).path).suffix.lower(), "text")
    return None
