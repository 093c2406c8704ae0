"""`candor ui` in a real browser (Playwright + Debian chromium): cited answers, source panel, flags, XSS, login."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from assistant.settings import PROJECT_ROOT, SAMPLES_DIR

pytestmark = pytest.mark.integration

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = PROJECT_ROOT / "artifacts"
QUESTION = "Will spending 5% of GDP on defence deter Russia?"
# A hostile source: markup in metadata and text that must show as text and never run.
HOSTILE = """---
title: "Harbour <script>window.__pwned='title'</script> bulletin"
publisher: "<img src=x onerror=\\"window.__pwned='publisher'\\">"
source_type: news report
date: 2025-07-01
url: "javascript:window.__pwned='url'"
---
The bulletin repeats that NATO allies agreed to spend 5% of GDP on defence. <script>window.__pwned='body'</script>

A second paragraph hides an image: <img src=x onerror="window.__pwned='img'"> and <b>bold markup</b>.

Template tricks stay text too: ${window.__pwned='template'} and {{constructor.constructor('x')()}}.
"""


def _env(tmp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("CANDOR_MODEL", "CANDOR_STORE", "CANDOR_AUTH", "CHROMA_HOST", "OPENAI_BASE_URL")}
    env.update(HOME=str(tmp / "home"), PYTHONPATH=str(PROJECT_ROOT), GRADIO_ANALYTICS_ENABLED="False",
               HF_HUB_OFFLINE="1", **extra)
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_ui(store: Path, env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    """`python -m assistant ui` on a free loopback port; returns once it serves."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "ui", "--store", str(store), "--port", str(port)],
                            cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seen = []
    assert proc.stdout is not None
    for line in proc.stdout:  # gradio prints the URL once it accepts connections
        seen.append(line)
        if f"http://127.0.0.1:{port}" in line:
            return proc, f"http://127.0.0.1:{port}"
    proc.wait()
    raise RuntimeError("the UI did not start:\n" + "".join(seen))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("browser")
    (tmp / "extra").mkdir()
    (tmp / "extra" / "hostile-bulletin.md").write_text(HOSTILE)
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "ingest", str(SAMPLES_DIR), str(tmp / "extra"), "--store",
         str(tmp / "store"), "--quiet"], cwd=PROJECT_ROOT, env=_env(tmp), capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert " 0 failed" in done.stdout, done.stdout
    return tmp / "store"


@pytest.fixture(scope="module")
def ui_url(store: Path) -> Iterator[str]:
    proc, url = _start_ui(store, _env(store.parent))
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@dataclass
class Session:
    """A browser page plus what it tried that it must not: dialogs (alert) and off-machine requests."""

    page: Any
    dialogs: list[str] = field(default_factory=list)
    offsite: list[str] = field(default_factory=list)


@pytest.fixture
def session() -> Iterator[Session]:
    from playwright.sync_api import Dialog, Route, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        s = Session(browser.new_page(viewport={"width": 1440, "height": 960}))

        def on_dialog(d: Dialog) -> None:
            s.dialogs.append(d.message)
            d.dismiss()

        def guard(route: Route) -> None:  # the page must not reach off this machine
            url = route.request.url
            host = url.split("/")[2].rsplit(":", 1)[0] if "://" in url else ""
            if host in ("127.0.0.1", "localhost") or url.startswith(("data:", "blob:")):
                route.continue_()
            else:
                s.offsite.append(url)
                route.abort()

        s.page.on("dialog", on_dialog)
        s.page.route("**/*", guard)
        yield s
        browser.close()


def _quote_of(button: Any) -> str:
    return str(button.get_attribute("title")).split(": “", 1)[1].removesuffix("”").removesuffix(
        "” (not supported by the passage)")


def test_ask_cite_flag_and_hostile_text_in_a_real_browser(ui_url: str, session: Session, tmp_path: Path) -> None:
    page = session.page
    page.goto(ui_url)
    page.wait_for_selector("#candor-question textarea")
    assert "offline" in page.inner_text("#candor-status")

    page.fill("#candor-question textarea", QUESTION)
    page.click("#candor-ask")
    cite = page.locator("#candor-transcript .candor-bot button.candor-cite").first
    cite.wait_for(timeout=120_000)
    assert page.locator("#candor-transcript .candor-user").inner_text() == QUESTION
    assert page.locator("#candor-transcript .candor-flag").count() >= 1  # the answer marks a contested claim

    quote = _quote_of(cite)
    cite.click()
    page.wait_for_selector("#candor-source mark")
    marked = "".join(page.locator("#candor-source mark").all_inner_texts())
    assert " ".join(marked.split()) == " ".join(quote.split())
    assert page.locator("#candor-source #candor-quote").is_visible()

    # a cited source with flagged sentences shows them, distinctly, with reasons
    flagged = page.locator("#candor-transcript .candor-bot button.candor-cite + .candor-flag").first
    flagged.locator("xpath=preceding-sibling::button[1]").click()
    page.wait_for_selector("#candor-source .candor-flagged")
    assert page.locator("#candor-source .candor-flaglist li").count() >= 1
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "ui-answer.png"
    page.screenshot(path=str(shot))
    if os.environ.get("CANDOR_UPDATE_SCREENSHOT"):
        shutil.copyfile(shot, PROJECT_ROOT / "docs" / "screenshot.png")

    # the hostile source: its markup is shown as text in the library and the source view, and never runs
    page.get_by_role("tab", name="Library").click()
    title = page.locator("#candor-library button.candor-open", has_text="bulletin")
    assert "<script>window.__pwned='title'</script>" in title.inner_text()
    assert "<img src=x onerror=" in page.inner_text("#candor-library")
    title.click()
    page.wait_for_selector("#candor-library-source .candor-srctext")
    text = page.inner_text("#candor-library-source")
    assert "<script>window.__pwned='body'</script>" in text and "<b>bold markup</b>" in text
    assert "${window.__pwned='template'} and {{constructor.constructor('x')()}}" in text
    assert "javascript:" not in "".join(a.get_attribute("href") or "" for a in page.locator("a").all())
    page.screenshot(path=str(ARTIFACTS / "ui-hostile-source.png"))

    # uploads: an allowed file is ingested, a disallowed one is refused with its reason
    (tmp_path / "field-notes.md").write_text("# Field notes\n\nThe port reopened on Monday after the strike.\n")
    (tmp_path / "payload.exe").write_bytes(b"MZ")
    page.locator("#candor-upload input[type=file]").set_input_files(
        [str(tmp_path / "field-notes.md"), str(tmp_path / "payload.exe")])
    page.wait_for_selector("#candor-ingest-report", timeout=120_000)
    report = page.inner_text("#candor-ingest-report")
    assert "field-notes.md\tadded" in report and "payload.exe\trejected\tfile type not allowed (.exe)" in report
    assert page.locator("#candor-library button.candor-open", has_text="Field notes").count() == 1

    page.get_by_role("tab", name="Chat").click()
    page.click("#candor-clear")
    page.wait_for_selector("#candor-transcript .candor-empty")

    # collections: a new name starts an empty one; an invalid name is refused; the old one is still there
    box = page.locator("#candor-collection input")
    box.fill("field-notes")
    box.press("Enter")
    page.wait_for_selector("#candor-status:has-text('field-notes (0 sources)')")
    box.fill("x")
    box.press("Enter")
    page.wait_for_selector(".toast-body:has-text('invalid collection name')")
    assert "field-notes (0 sources)" in page.inner_text("#candor-status")
    box.fill("library")
    box.press("Enter")
    page.wait_for_selector("#candor-status:has-text('library (16 sources)')")

    assert session.dialogs == []
    assert page.evaluate("window.__pwned") is None
    assert page.locator("img[src='x'], #candor-library script, #candor-library-source script").count() == 0
    assert session.offsite == []


def test_login_required_when_configured(store: Path, session: Session) -> None:
    page = session.page
    proc, url = _start_ui(store, _env(store.parent, CANDOR_AUTH="ann:s3cret"))
    try:
        page.goto(url)
        page.wait_for_selector("input[type=password]")
        assert page.locator("#candor-question").count() == 0
        page.fill("input[type=text]", "ann")
        page.fill("input[type=password]", "wrong")
        page.keyboard.press("Enter")
        page.wait_for_selector("text=Incorrect")
        page.fill("input[type=text]", "ann")  # the form is cleared after a failed attempt
        page.fill("input[type=password]", "s3cret")
        page.keyboard.press("Enter")
        page.wait_for_selector("#candor-question textarea", timeout=60_000)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_model_answer_streams_into_the_chat(store: Path, session: Session) -> None:
    from tests.fake_openai import FakeOpenAI, Reply, passages

    payload = "<img src=x onerror=\"window.__pwned='model'\"> Drafting: "

    def script(request: dict[str, Any]) -> Reply:
        n = next((k for k, body in passages(request).items() if "will deter Russia" in body), 1)
        sentence = ("Spending five per cent of national income on defence and security will deter Russia "
                    "from attacking any NATO member")
        return Reply("stall", text=f"{payload}The Meridian Review asserts: {sentence} [{n}].", delay=3,
                     stall_after=len(payload))

    page = session.page
    with FakeOpenAI(script) as server:
        env = _env(store.parent, CANDOR_MODEL="fake-model", OPENAI_BASE_URL=server.url, OPENAI_API_KEY="x")
        proc, url = _start_ui(store, env)
        try:
            page.goto(url)
            page.wait_for_selector("#candor-question textarea")
            assert "fake-model" in page.inner_text("#candor-status")
            page.fill("#candor-question textarea", QUESTION)
            page.click("#candor-ask")
            draft = page.locator("#candor-transcript .candor-bot", has=page.locator(".candor-pending"),
                                 has_text="Drafting:")
            draft.wait_for(timeout=60_000)  # the model's first words, shown while it is still writing
            assert "<img src=x onerror=" in draft.inner_text()
            page.locator("#candor-transcript .candor-bot button.candor-cite").first.wait_for(timeout=60_000)
            final = page.inner_text("#candor-transcript .candor-bot")
            assert "llm answer" in final and "will deter Russia" in final
            assert page.locator("#candor-transcript .candor-pending").count() == 0
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    assert session.dialogs == [] and page.evaluate("window.__pwned") is None
    assert page.locator("img[src='x']").count() == 0
