"""Loaders: every bad input gets a one-line reason; text, HTML, PDF and URLs load with their metadata."""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import cast

import pytest
from fpdf import FPDF
from fpdf.enums import EncryptionMethod
from hypothesis import given
from hypothesis import strategies as st

from assistant.settings import Settings
from ingest.html import normalise_date, parse_html
from ingest.loaders import LoadError, decode_text, expand_inputs, load, source_id_for
from ingest.pdf import pdf_date

DATA = Path(__file__).parent / "data" / "loaders"


def reason(location: str | Path, settings: Settings) -> str:
    with pytest.raises(LoadError) as caught:
        load(str(location), settings)
    text = str(caught.value)
    assert "\n" not in text
    return text


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def make_pdf(pages: list[str], *, metadata: bool = True, password: str | None = None) -> bytes:
    pdf = FPDF()
    if metadata:
        pdf.set_title("Defence Spending Review")
        pdf.set_author("Institute of Studies")
        pdf.set_subject("Annual review")
        pdf.set_creation_date(dt.datetime(2024, 3, 5, 12, 0, tzinfo=dt.UTC))
    pdf.set_font("helvetica", size=12)
    for text in pages:
        pdf.add_page()
        if text:
            pdf.multi_cell(0, 10, text)
        else:
            pdf.rect(20, 20, 50, 50)  # a page with drawing but no text
    if password:
        pdf.set_encryption(owner_password="owner", user_password=password,
                           encryption_method=EncryptionMethod.RC4)
    return bytes(pdf.output())


# --- bad inputs: one readable line each ---------------------------------------------------------------


def test_empty_and_whitespace_only_files(tmp_path: Path, settings: Settings) -> None:
    assert reason(write(tmp_path / "a.txt", b""), settings) == "empty file"
    assert reason(write(tmp_path / "b.md", " \n\t\r\n  "), settings) == "empty file"
    assert reason(write(tmp_path / "c.pdf", b""), settings) == "empty file"
    only_front_matter = "---\ntitle: Nothing here\n---\n\n  \n"
    assert reason(write(tmp_path / "d.md", only_front_matter), settings) == "empty file (front matter only)"


def test_binary_content_in_a_text_file(tmp_path: Path, settings: Settings) -> None:
    assert reason(write(tmp_path / "x.txt", b"GIF89a\x00\x01\x02binary"), settings) == (
        "binary content in a .txt file")
    controls = bytes(range(1, 9)) * 50 + b"a few letters"
    assert reason(write(tmp_path / "y.md", controls), settings) == "binary content in a .md file"


def test_corrupt_pdfs(tmp_path: Path, settings: Settings) -> None:
    not_pdf = reason(write(tmp_path / "fake.pdf", b"this is plain text, not a PDF"), settings)
    assert not_pdf == "corrupt PDF: no %PDF header (not a PDF file)"
    garbage = reason(write(tmp_path / "garbage.pdf", b"%PDF-1.4\n1 0 obj << /Type /Cat"), settings)
    assert garbage.startswith("corrupt PDF: ")
    whole = make_pdf(["Some text on a page."])
    truncated = reason(write(tmp_path / "cut.pdf", whole[: len(whole) // 2]), settings)
    assert truncated.startswith("corrupt PDF: ")


def test_encrypted_and_textless_pdfs(tmp_path: Path, settings: Settings) -> None:
    locked = write(tmp_path / "locked.pdf", make_pdf(["Secret text."], password="hunter2"))
    assert reason(locked, settings) == "encrypted PDF: a password is needed to read it"
    scanned = write(tmp_path / "scan.pdf", make_pdf(["", ""]))
    assert reason(scanned, settings) == "PDF has no extractable text (scanned?)"


def test_non_utf8_text_decodes(tmp_path: Path, settings: Settings) -> None:
    text = "\u201cSmart quotes\u201d and caf\u00e9 \u2014 \u20ac5.\r\nSecond line."
    source = load(str(write(tmp_path / "win.txt", text.encode("cp1252"))), settings)
    assert source.text == "\u201cSmart quotes\u201d and caf\u00e9 \u2014 \u20ac5.\nSecond line."
    # bytes undefined in cp1252 still decode (latin-1), never fail
    odd = load(str(write(tmp_path / "odd.txt", b"Caf\xe9 \x81 costs more than you think")), settings)
    assert odd.text == "Caf\u00e9 \x81 costs more than you think"


def test_utf8_bom_and_line_endings(tmp_path: Path, settings: Settings) -> None:
    raw = "\ufeffTitle line\r\nsecond\rthird\n".encode()
    source = load(str(write(tmp_path / "bom.txt", raw)), settings)
    assert source.text == "Title line\nsecond\nthird\n"
    assert source.title == "Title line"
    utf16 = load(str(write(tmp_path / "wide.txt", "\ufeffWide text \u00e9".encode("utf-16-le"))), settings)
    assert utf16.text == "Wide text \u00e9"


def test_oversize_file_is_refused_before_reading(tmp_path: Path, settings: Settings) -> None:
    small = settings.with_(max_file_bytes=100)
    big = write(tmp_path / "big.txt", "x" * 500)
    hint = "(CANDOR_MAX_FILE_MB / --max-file-mb)"
    assert reason(big, small) == f"file is 500 bytes, over the 100 bytes limit {hint}"
    huge = settings.with_(max_file_bytes=20 * 1024 * 1024)
    with big.open("wb") as handle:  # sparse: 25.3 MB without writing them
        handle.truncate(int(25.3 * 1024 * 1024))
    assert reason(big, huge) == f"file is 25.3 MB, over the 20 MB limit {hint}"
    assert load(str(write(tmp_path / "ok.txt", "x" * 100)), small).text == "x" * 100


def test_unsupported_missing_and_folder(tmp_path: Path, settings: Settings) -> None:
    assert reason(write(tmp_path / "doc.docx", b"PK\x03\x04"), settings) == (
        "unsupported file type .docx (supported: .txt .md .markdown .html .htm .pdf)")
    assert reason(write(tmp_path / "README", "text"), settings) == (
        "unsupported file type (no extension) (supported: .txt .md .markdown .html .htm .pdf)")
    assert reason(tmp_path / "nope.md", settings) == "no such file or folder"
    (tmp_path / "empty").mkdir()
    assert reason(tmp_path / "empty", settings) == "folder has no files to ingest"
    os.mkfifo(tmp_path / "pipe.txt")  # reading it would block forever
    assert reason(tmp_path / "pipe.txt", settings) == "not a regular file"
    ftp = reason("ftp://example.org/file.txt", settings)
    assert ftp == "unsupported URL scheme ftp:// (only http and https)"


def test_upper_case_extension_is_supported(tmp_path: Path, settings: Settings) -> None:
    assert load(str(write(tmp_path / "NOTES.TXT", "Hello.")), settings).text == "Hello."


# --- text and Markdown -------------------------------------------------------------------------------


def test_front_matter_metadata(tmp_path: Path, settings: Settings) -> None:
    body = "The alliance agreed a target.\n\nIt will be reviewed in 2029.\n"
    md = write(tmp_path / "notes" / "summit.md", (
        "---\n"
        "title: Summit agrees target\n"
        "publisher: The Daily Ledger\n"
        "author: [Jane Roe, John Doe]\n"
        "date: 2025-06-25\n"
        "url: https://ledger.example/summit\n"
        "source_type: Opinion\n"
        "tags: [nato]\n"
        "---\n\n" + body))
    source = load(str(md), settings)
    assert source.text == body
    assert (source.title, source.publisher, source.author) == ("Summit agrees target", "The Daily Ledger",
                                                               "Jane Roe, John Doe")
    assert (source.date, source.url, source.source_type) == ("2025-06-25", "https://ledger.example/summit",
                                                             "opinion")
    assert source.path == str(md.resolve())
    assert source.page_starts == ()
    assert source.source_id == source_id_for(str(md))


def test_front_matter_dates_in_other_formats(tmp_path: Path, settings: Settings) -> None:
    def date_of(value: str) -> str | None:
        return load(str(write(tmp_path / "d.md", f"---\ndate: {value}\n---\nBody.\n")), settings).date

    assert date_of("2025-06-25T10:00:00Z") == "2025-06-25"
    assert date_of("25 June 2025") == "2025-06-25"
    assert date_of('"June 25, 2025"') == "2025-06-25"
    assert date_of("2025") == "2025"  # partial dates are kept as written


def test_malformed_front_matter_is_plain_text(tmp_path: Path, settings: Settings) -> None:
    content = "---\ntitle: [unclosed\nauthor: x\n---\nBody text.\n"
    source = load(str(write(tmp_path / "bad.md", content)), settings)
    assert source.text == content
    assert source.author == ""
    bad_date = "---\ndate: 2025-13-45\n---\nBody.\n"  # PyYAML raises ValueError, not YAMLError
    assert load(str(write(tmp_path / "bad-date.md", bad_date)), settings).text == bad_date
    unclosed = "---\ntitle: Never closed\n\nBody.\n"
    assert load(str(write(tmp_path / "open.md", unclosed)), settings).text == unclosed


def test_markdown_without_front_matter(tmp_path: Path, settings: Settings) -> None:
    md = write(tmp_path / "plain.md", "Draft, do not circulate\n\n# The **real** title #\n\nBody text.\n")
    source = load(str(md), settings)
    assert source.title == "The real title"
    assert source.text.startswith("Draft, do not circulate")
    assert (source.publisher, source.author, source.date, source.url) == ("", "", None, None)
    assert source.source_type == "document"
    setext = load(str(write(tmp_path / "setext.md", "Report Title\n============\n\nText.\n")), settings)
    assert setext.title == "Report Title"
    fenced = "```\n# not a heading\n```\nFirst real line.\n"
    assert load(str(write(tmp_path / "fence.md", fenced)), settings).title == "First real line."


def test_title_falls_back_to_a_trimmed_first_line(tmp_path: Path, settings: Settings) -> None:
    long_line = "word " * 60
    source = load(str(write(tmp_path / "long.txt", "\n\n" + long_line + "\nmore")), settings)
    assert len(source.title) <= 120
    assert source.title.endswith("…")
    assert source.title.startswith("word word")
    assert load(str(write(tmp_path / "dashes.txt", "----\n....\n")), settings).title == "dashes"


# --- HTML ---------------------------------------------------------------------------------------------


def test_html_main_text_and_metadata(settings: Settings) -> None:
    source = load(str(DATA / "article.html"), settings)
    paragraphs = source.text.split("\n\n")
    assert paragraphs[:3] == [
        "Summit agrees spending target",
        "Leaders meeting in The Hague agreed on Wednesday to raise defence spending.",
        "The summit was held on 24\u201325 June. Officials said the target would be reviewed in 2029.",
    ]
    assert "\u201cThis is a historic day,\u201d the secretary general said." in paragraphs
    assert "Target: 5% of GDP" in paragraphs
    for boilerplate in ("SCRIPT-TEXT", "LD-JSON", "font-family", "NAV-TEXT", "HEADER-TEXT", "ASIDE-TEXT",
                        "FOOTER-TEXT", "FORM-TEXT", "NOSCRIPT", "HIDDEN-TEXT", "tracker"):
        assert boilerplate not in source.text
    assert source.title == "Summit agrees spending target"
    assert (source.author, source.publisher, source.date) == ("Jane Roe", "The Daily Ledger", "2025-06-25")
    assert source.url == "https://ledger.example/2025/06/summit"
    assert source.source_type == "news report"
    assert source.path == str((DATA / "article.html").resolve())


def test_html_without_article_prefers_main(tmp_path: Path, settings: Settings) -> None:
    page = write(tmp_path / "page.htm", (
        "<html><head><meta name='date' content='2024/02/03'></head><body>"
        "<div>Menu junk</div><main><h2>Findings</h2><p>Line one<br>continues.<br><br>New paragraph.</p>"
        "<time datetime='2020-01-01'>ignored</time></main></body></html>"))
    source = load(str(page), settings)
    assert source.text == "Findings\n\nLine one continues.\n\nNew paragraph.\n\nignored"
    assert source.date == "2024-02-03"
    assert source.title == "Findings"
    assert source.publisher == ""
    doc = parse_html("<body><time datetime='2023-07-08T09:00'>x</time><p>Words</p></body>")
    assert doc.date == "2023-07-08"


def test_html_with_no_text(tmp_path: Path, settings: Settings) -> None:
    page = write(tmp_path / "empty.html", "<html><body><script>only()</script><nav>menu</nav></body></html>")
    assert reason(page, settings) == "no readable text in the page"


def test_html_declared_charset(tmp_path: Path, settings: Settings) -> None:
    markup = "<html><head><meta charset='windows-1252'></head><p>Caf\u00e9 \u201cq\u201d</p></html>"
    page = write(tmp_path / "legacy.html", markup.encode("cp1252"))
    assert load(str(page), settings).text == "Caf\u00e9 \u201cq\u201d"


# --- PDF ----------------------------------------------------------------------------------------------


def test_pdf_pages_and_metadata(tmp_path: Path, settings: Settings) -> None:
    pdf = write(tmp_path / "review.pdf", make_pdf(["Page one opens the review.", "Page two begins here."]))
    source = load(str(pdf), settings)
    assert len(source.page_starts) == 2
    assert source.page_starts[0] == 0
    assert source.text.startswith("Page one opens the review.")
    assert source.text[source.page_starts[1]:].startswith("Page two begins here.")
    assert source.text[: source.page_starts[1]].endswith("\n\n")
    assert source.page_at(source.text.index("two")) == 2
    assert source.page_at(0) == 1
    assert (source.title, source.author, source.date) == ("Defence Spending Review", "Institute of Studies",
                                                          "2024-03-05")
    assert source.publisher == ""  # /Producer (the PDF library) is not the publisher
    assert source.source_type == "document"


def test_pdf_without_metadata_uses_subject_then_first_line(tmp_path: Path, settings: Settings) -> None:
    source = load(str(write(tmp_path / "bare.pdf", make_pdf(["", "Opening line of text."], metadata=False))),
                  settings)
    assert source.title == "Opening line of text."
    assert source.page_starts == (0, 2)  # an empty first page still has a start
    assert source.page_at(source.text.index("Opening")) == 2


def test_pdf_dates() -> None:
    assert pdf_date("D:20250625120000+02'00'") == "2025-06-25"
    assert pdf_date("20240229") == "2024-02-29"
    assert pdf_date("D:2025") is None
    assert pdf_date("D:20251345") is None
    assert pdf_date("yesterday") is None


# --- identity -----------------------------------------------------------------------------------------


def test_source_id_stable_and_hash_follows_text_and_metadata(tmp_path: Path, settings: Settings) -> None:
    path = write(tmp_path / "a.md", "---\ntitle: One\n---\nSame body.\n")
    first = load(str(path), settings)
    write(path, "---\ntitle: Two\n---\nSame body.\n")
    retitled = load(str(path), settings)
    write(path, "---\ntitle: Two\n---\nChanged body.\n")
    changed = load(str(path), settings)
    assert first.source_id == retitled.source_id == changed.source_id
    assert len({first.content_hash, retitled.content_hash, changed.content_hash}) == 3
    assert load(str(path), settings).content_hash == changed.content_hash
    relative = Path(tmp_path.name) / "a.md"
    assert source_id_for(str(tmp_path / "." / "a.md")) == first.source_id
    assert source_id_for(str(tmp_path.parent / relative)) == first.source_id
    assert source_id_for(str(tmp_path / "b.md")) != first.source_id
    assert len(first.source_id) == 16


def test_url_ids_are_normalised() -> None:
    base = source_id_for("https://example.org/a?b=1")
    assert source_id_for("HTTPS://Example.ORG/a?b=1#section") == base
    assert source_id_for("https://example.org:443/a?b=1") == base
    assert source_id_for("https://example.org/a?b=2") != base
    assert source_id_for("https://example.org") == source_id_for("https://example.org/")


def test_expand_inputs(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    for name in ("b.md", "a.txt", "sub/z.pdf", "sub/deeper/c.html", "notes.docx", ".hidden.md",
                 ".git/config.md", "sub/.cache/x.txt"):
        write(root / name, "x")
    (root / "empty-dir").mkdir()
    missing = str(tmp_path / "missing.md")
    single = str(write(tmp_path / "single.md", "x"))
    got = expand_inputs([str(root), single, missing, "https://example.org/page", str(root / "a.txt"),
                         str(tmp_path / "empty-dir-2")])
    assert got == [
        str(root / "a.txt"), str(root / "b.md"), str(root / "notes.docx"),
        str(root / "sub" / "deeper" / "c.html"), str(root / "sub" / "z.pdf"),
        single, missing, "https://example.org/page", str(tmp_path / "empty-dir-2"),
    ]
    (tmp_path / "nothing").mkdir()
    assert expand_inputs([str(tmp_path / "nothing")]) == [str(tmp_path / "nothing")]


# --- URLs against a local server ----------------------------------------------------------------------


@dataclass
class Site:
    base: str
    user_agents: list[str] = field(default_factory=list)


class _Server(ThreadingHTTPServer):
    routes: dict[str, tuple[str, bytes]]
    user_agents: list[str]


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        server = cast(_Server, self.server)
        server.user_agents.append(self.headers.get("User-Agent", ""))
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/article.html")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path == "/endless":  # no Content-Length: the cap must stop the read
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            try:
                for _ in range(64):
                    self.wfile.write(b"y" * 65536)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        if self.path not in server.routes:
            self.send_error(404)
            return
        content_type, body = server.routes[self.path]
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # quiet test output
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.user_agents = []
    server.routes = {
        "/article.html": ("text/html; charset=utf-8", (DATA / "article.html").read_bytes()),
        "/plain-page": ("text/html", b"<html><head><title>Plain page</title></head><body><p>Hello web.</p>"),
        "/notes.md": ("text/markdown; charset=windows-1252",
                      "# Field notes\n\n\u201cQuoted\u201d caf\u00e9.\n".encode("cp1252")),
        "/report.pdf": ("application/pdf", make_pdf(["First page.", "Second page."])),
        "/mystery": ("application/octet-stream", make_pdf(["Sniffed PDF."], metadata=False)),
        "/image.png": ("image/png", b"\x89PNG\r\n\x1a\n"),
        "/big.txt": ("text/plain", b"z" * 5000),
        "/empty.txt": ("text/plain", b""),
    }
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield Site(f"http://127.0.0.1:{server.server_address[1]}", server.user_agents)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_url_html(site: Site, settings: Settings) -> None:
    url = f"{site.base}/article.html"
    source = load(url, settings)
    assert source.text.startswith("Summit agrees spending target\n\nLeaders meeting in The Hague")
    assert "SCRIPT-TEXT" not in source.text
    assert (source.url, source.path) == (url, None)
    assert (source.publisher, source.source_type, source.date) == ("The Daily Ledger", "news report",
                                                                   "2025-06-25")
    assert source.source_id == source_id_for(url)
    assert any("Candor" in agent for agent in site.user_agents)


def test_url_fallbacks_and_redirect(site: Site, settings: Settings) -> None:
    plain = load(f"{site.base}/plain-page", settings)
    assert (plain.title, plain.text) == ("Plain page", "Hello web.")
    assert (plain.publisher, plain.source_type) == ("127.0.0.1", "web page")
    redirected = load(f"{site.base}/redirect", settings)
    assert redirected.title == "Summit agrees spending target"
    assert redirected.url == f"{site.base}/redirect"


def test_url_text_pdf_and_sniffing(site: Site, settings: Settings) -> None:
    notes = load(f"{site.base}/notes.md", settings)
    assert notes.text == "# Field notes\n\n\u201cQuoted\u201d caf\u00e9.\n"
    assert (notes.title, notes.publisher, notes.source_type) == ("Field notes", "127.0.0.1", "document")
    report = load(f"{site.base}/report.pdf", settings)
    assert report.text[report.page_starts[1]:] == "Second page."
    assert report.title == "Defence Spending Review"
    assert load(f"{site.base}/mystery", settings).text == "Sniffed PDF."


def test_url_failures(site: Site, settings: Settings) -> None:
    missing = reason(f"{site.base}/missing", settings)
    assert missing == f"HTTP 404 from {site.base}/missing (Not Found)"
    assert reason(f"{site.base}/image.png", settings) == (
        f"unsupported content type image/png from {site.base}/image.png (HTML, PDF or text only)")
    assert reason(f"{site.base}/empty.txt", settings) == "empty response"


def test_url_size_cap(site: Site, settings: Settings) -> None:
    small = settings.with_(max_file_bytes=1000)
    hint = "(CANDOR_MAX_FILE_MB / --max-file-mb)"
    assert reason(f"{site.base}/big.txt", small) == f"response is 4.9 KB, over the 1000 bytes limit {hint}"
    assert reason(f"{site.base}/endless", small) == f"response is over the 1000 bytes limit {hint}"


def test_unreachable_url(settings: Settings) -> None:
    with socket.socket() as reserved:  # bound but not listening: connections are refused
        reserved.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{reserved.getsockname()[1]}/page"
        assert reason(url, settings) == f"could not fetch {url}: connection refused"


def test_url_timeout(settings: Settings) -> None:
    with socket.socket() as stalled:  # accepts the connection (backlog) but never answers
        stalled.bind(("127.0.0.1", 0))
        stalled.listen(1)
        url = f"http://127.0.0.1:{stalled.getsockname()[1]}/slow"
        assert reason(url, settings.with_(url_timeout=0.2)) == "timed out after 0.2 s"


# --- properties ---------------------------------------------------------------------------------------

_PRINTABLE = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\n\t"))


@given(_PRINTABLE)
def test_utf8_text_round_trips(text: str) -> None:
    assert decode_text(text.encode("utf-8"), None) == text.removeprefix("\ufeff")


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_dates_normalise_from_common_formats(day: dt.date) -> None:
    iso = day.isoformat()
    for written in (iso, f"{iso}T08:00:00Z", day.strftime("%d %B %Y"), day.strftime("%B %d, %Y"),
                    day.strftime("%a, %d %b %Y 10:00:00 +0000"), day.strftime("%Y/%m/%d")):
        assert normalise_date(written) == iso
