"""The web UI's logic without gradio: chat turns, citations, sources, uploads, escaping, login, light imports."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.settings import PROJECT_ROOT
from assistant.ui_state import ask_turns, cited, ingest_uploads, is_loopback, parse_auth, source_view
from assistant.ui_views import (
    Turn,
    check_upload,
    ingest_report_html,
    keep_uploads,
    library_html,
    safe_name,
    status_html,
    transcript_html,
)
from tests.ui_support import PAYLOAD, FakeAssistant


def test_ask_turns_streams_then_shows_the_final_answer() -> None:
    ra = FakeAssistant()
    steps = [(t[-1].partial, t[-1].answer) for t in ask_turns(ra, "Q1?", [])]
    assert steps[0] == ("", None)
    assert [p for p, _ in steps[1:3]] == ["Allies agreed ", "Allies agreed to 5% [1]."]
    final = steps[-1][1]
    assert final is not None and [c.n for c in final.citations] == [1, 2]
    # the next question carries the conversation so far
    turns = list(ask_turns(ra, "And Spain?", [Turn("Q1?", final)]))[-1]
    assert len(turns) == 2 and ra.histories[-1] == [("Q1?", final.answer)]


def test_ask_turns_reports_errors_in_the_chat() -> None:
    last = list(ask_turns(FakeAssistant(fail=True), "Q?", []))[-1]
    assert last[-1].error == "the index is <gone>"
    html = transcript_html(last)
    assert "Could not answer: the index is &lt;gone&gt;" in html


def test_transcript_escapes_questions_and_draft_and_numbers_buttons() -> None:
    pages = [transcript_html(t) for t in ask_turns(FakeAssistant(), PAYLOAD, [])]
    draft = pages[1]
    assert "<script" not in draft and "<img" not in draft and "candor-pending" in draft
    assert "<button" not in draft  # a draft's [n] are the model's own numbers: not clickable yet
    final = pages[-1]
    assert "<script" not in final and "<img" not in final and "&lt;script&gt;" in final
    buttons = re.findall(r'<button type="button" class="candor-cite" data-turn="(\d+)" data-n="(\d+)"', final)
    assert ("0", "1") in buttons and ("0", "2") in buttons
    assert "candor-flag" in final and "unhedged-prediction" in final
    assert "Ask a question" in transcript_html([])


def test_cited_and_source_view_highlight_the_quote() -> None:
    turns = list(ask_turns(FakeAssistant(), "Q?", []))[-1]
    c = cited(turns, {"turn": 0, "n": 2})
    assert c is not None and c.quote == "The plan will certainly fail."
    for bad in ({"turn": 5, "n": 1}, {"turn": 0, "n": 9}, {"n": 1}, {"turn": "x", "n": 1}):
        assert cited(turns, bad) is None
    html = source_view(FakeAssistant(), c.source_id, c)
    assert re.findall(r"<mark[^>]*>(.*?)</mark>", html) == ["The plan will certainly fail."]
    assert "candor-flagged" in html and "Flagged sentences in this source" in html
    assert "<script" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "not in this collection" in source_view(FakeAssistant(), "<nope>")
    assert "&lt;nope&gt;" in source_view(FakeAssistant(), "<nope>")


def test_check_upload_limits(tmp_path: Path) -> None:
    ok = tmp_path / "a.MD"
    ok.write_text("# hi")
    assert check_upload(ok, 100) is None
    exe = tmp_path / "tool.exe"
    exe.write_bytes(b"MZ")
    assert "file type not allowed (.exe)" in (check_upload(exe, 100) or "")
    assert "no extension" in (check_upload(tmp_path / "README", 100) or "")
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 3 * 1024 * 1024)
    assert check_upload(big, 2 * 1024 * 1024) == "file too large (3 MB); the limit is 2 MB"
    assert check_upload(big, 1000) == "file too large (3 MB); the limit is 1 KB"
    empty = tmp_path / "e.txt"
    empty.write_bytes(b"")
    assert check_upload(empty, 100) == "the file is empty"


def test_safe_name_strips_folders_and_odd_characters() -> None:
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("..\\..\\evil<script>.md") == "evil_script_.md"
    assert safe_name("...") == "upload.txt"


def test_ingest_uploads_reports_every_file(tmp_path: Path) -> None:
    up = tmp_path / "gradio"
    up.mkdir()
    (up / "notes.md").write_text("# Notes\nText.")
    (up / "<img src=x onerror=alert(1)>.exe").write_bytes(b"MZ")
    (up / "huge.pdf").write_bytes(b"%PDF" + b"x" * 2000)
    ra = FakeAssistant()
    kept = tmp_path / "store" / "uploads" / "library"
    html = ingest_uploads(ra, sorted(str(p) for p in up.iterdir()), kept, 1000)
    assert ra.ingested == [str(kept / "notes.md")] and (kept / "notes.md").read_text().startswith("# Notes")
    assert "<img" not in html and "file type not allowed (.exe)" in html
    assert "file too large" in html and "notes.md</td><td>added" in html
    assert "1 ingested or unchanged, 2 not ingested" in html
    assert keep_uploads([], kept, 10) == ({}, {})
    assert "No files" in ingest_report_html(None, {}, {})


def test_library_and_status_escape() -> None:
    rows = FakeAssistant().sources()
    html = library_html(rows, "<lib>")
    assert "Ledger &lt;b&gt;report&lt;/b&gt;" in html and "<b>" not in html
    assert 'data-source="s1"' in html and "&lt;lib&gt;" in html
    assert "is empty" in library_html([], "library")
    assert "offline" in status_html("offline (extractive answers, no model)", "library", 3)


def test_parse_auth_and_loopback() -> None:
    assert parse_auth(None) is None and parse_auth("") is None
    assert parse_auth("ann:s3:cret") == ("ann", "s3:cret")
    for bad in ("ann", ":pw", "ann:"):
        with pytest.raises(ValueError, match="user:password"):
            parse_auth(bad)
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("example.org")


def test_cli_and_notebook_api_do_not_import_gradio() -> None:
    code = ("import sys, assistant.cli, assistant.api, assistant.render, assistant.ui_views, assistant.ui_state\n"
            "from assistant import ResearchAssistant\n"
            "assistant.cli.build_parser().parse_args(['ui'])\n"
            "bad = [m for m in ('gradio', 'gradio_client', 'fastapi') if m in sys.modules]\n"
            "assert not bad, bad\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
