"""Rendering of answers, flags and sources: escaping, highlight offsets, Markdown references."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from assistant.render import (
    FLAG_MARK,
    answer_body_html,
    answer_html,
    answer_markdown,
    flags_html,
    flags_markdown,
    highlight,
    inline_html,
    locate,
    source_html,
)
from assistant.types import Answer, Citation, Evidence, Flag, Reason, Source

XSS = '<script>alert("x")</script> and <img src=x onerror=alert(1)>'
TEXT = (
    "The summit was held on 24-25 June. Allies agreed to spend 5% of GDP on defence by 2035. "
    "The plan will certainly fail. " + XSS
)


class Tags(HTMLParser):
    """Collects the element names and attributes a browser would build from the HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def parse(html_text: str) -> list[tuple[str, dict[str, str | None]]]:
    p = Tags()
    p.feed(html_text)
    return p.tags


def _span(sub: str) -> tuple[int, int]:
    start = TEXT.index(sub)
    return start, start + len(sub)


def make_source(url: str | None = "https://example.org/a") -> Source:
    return Source(source_id="s1", text=TEXT, title="Summit <b>report</b>", path="/tmp/a.md", url=url,
                  publisher="Daily <i>Ledger</i>", source_type="opinion", date="2025-06-25")


def make_flag() -> Flag:
    s, e = _span("The plan will certainly fail.")
    ev = Evidence("s2", "Other <script>x</script>", "Officials said the plan <b>may</b> work.")
    return Flag("s1", "Summit <b>report</b>", "/tmp/a.md", TEXT[s:e], s, e,
                (Reason("unhedged-prediction", "A prediction <stated> as certain.", (ev,)),),
                publisher="Daily Ledger", source_type="opinion")


def make_answer() -> Answer:
    s1, e1 = _span("Allies agreed to spend 5% of GDP on defence by 2035.")
    s2, e2 = _span("The plan will certainly fail.")
    s3, e3 = _span(XSS)
    cits = [
        Citation(1, "s1", "Summit report", "/tmp/a.md", "s1:v:0", TEXT[s1:e1], s1, e1),
        Citation(2, "s1", "Summit report", "/tmp/a.md", "s1:v:0", TEXT[s2:e2], s2, e2),
        Citation(3, "s1", "Summit report", None, "s1:v:0", TEXT[s3:e3], s3, e3, supported=False,
                 url="javascript:alert(1)"),
    ]
    return Answer("Did allies agree <5%>?", "Allies agreed to 5% [1]. *The Daily Ledger* asserts the plan "
                  "will fail [2]. It also says <img src=x onerror=alert(1)> [3] and [9].",
                  "extractive", cits, [make_flag()], notice="<b>LLM</b> unreachable")


def test_highlight_marks_exact_offsets_and_escapes() -> None:
    q = _span("5% of GDP")
    out = highlight(TEXT, q, [make_flag()])
    marks = re.findall(r"<mark[^>]*>(.*?)</mark>", out)
    assert marks == ["5% of GDP"]
    assert '<mark id="candor-quote">' in out
    flagged = re.findall(r'<span class="candor-flagged"[^>]*>(.*?)</span>', out)
    assert flagged == ["The plan will certainly fail."]
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "<img" not in out and "&lt;img src=x onerror=alert(1)&gt;" in out
    # removing the markup gives back the escaped text exactly
    assert re.sub(r"<[^>]+>|⚑\d+", "", out) == highlight(TEXT, None, [])


def test_highlight_quote_overlapping_a_flag_nests_properly() -> None:
    flag = make_flag()
    q = (flag.start - 10, flag.start + 8)
    out = highlight(TEXT, q, [flag])
    assert "".join(re.findall(r"<mark[^>]*>(.*?)</mark>", out)) == TEXT[q[0]:q[1]]
    tags = parse(out)
    assert [t for t, _ in tags].count("mark") == 2  # split at the flag boundary, each part well formed


def test_locate_falls_back_to_finding_the_quote() -> None:
    assert locate(TEXT, 0, 10, TEXT[0:10]) == (0, 10)
    s, e = _span("The plan")
    assert locate(TEXT, 999, 1005, "The plan") == (s, e)
    assert locate(TEXT, 0, 5, "not in the text") is None


def test_answer_html_escapes_everything_and_links_citations() -> None:
    out = answer_html(make_answer())
    tags = parse(out)
    assert not [t for t, _ in tags if t in ("script", "img", "b", "i")]
    assert all(not k.startswith("on") for _, attrs in tags for k in attrs)
    assert "&lt;img src=x onerror=alert(1)&gt;" in out
    assert "&lt;b&gt;LLM&lt;/b&gt; unreachable" in out
    hrefs = [a.get("href") for t, a in tags if t == "a"]
    assert not [h for h in hrefs if h and "javascript" in h]
    assert sum(1 for h in hrefs if h and h.endswith("-ref-1")) == 1
    assert "<em>The Daily Ledger</em>" in out  # model emphasis survives, safely
    assert "[9]" in out  # a marker with no citation stays plain text
    assert FLAG_MARK in out and "candor-flag" in out
    assert "candor-unsupported" in out


def test_flag_mark_follows_only_flagged_citation() -> None:
    body = answer_body_html(make_answer(), turn=0)
    buttons = re.findall(r'<button[^>]*data-n="(\d)"[^>]*>\[\d\]</button>(<span class="candor-flag")?', body)
    assert buttons == [("1", ""), ("2", '<span class="candor-flag"'), ("3", "")]


def test_source_html_marks_quote_flags_and_blocks_javascript_urls() -> None:
    answer = make_answer()
    out = source_html(make_source(url="javascript:alert(1)"), [make_flag()], answer.citations[0])
    tags = parse(out)
    assert ("mark", {"id": "candor-quote"}) in tags
    assert not [t for t, _ in tags if t in ("script", "img", "b", "i")]
    assert "javascript:" not in "".join(str(a.get("href")) for _, a in tags)
    assert "Flagged sentences in this source" in out
    assert "unhedged-prediction" in out and "Officials said the plan &lt;b&gt;may&lt;/b&gt; work." in out
    ok = source_html(make_source(), [], answer.citations[0])
    assert '<a href="https://example.org/a"' in ok


def test_source_html_reports_a_quote_it_cannot_find() -> None:
    cit = Citation(1, "s1", "t", None, "c", "words not there", 5000, 5010)
    out = source_html(make_source(), [], cit)
    assert "<mark" not in out and "not found" in out


def test_flags_html_and_empty() -> None:
    out = flags_html([make_flag()])
    assert "candor-flag" in out and "&lt;stated&gt;" in out and "<stated>" not in out
    assert "No flagged sentences" in flags_html([])


def test_markdown_has_reference_list_and_inert_source_text() -> None:
    md = answer_markdown(make_answer())
    assert "**References**" in md
    first = "1. Summit report — `/tmp/a.md`: “Allies agreed to spend 5% of GDP on defence by 2035.”"
    assert first in md.splitlines()
    assert re.search(r"^3\. Summit report: .*\*\(not supported by the passage\)\*$", md, re.M)
    assert "[2]" + FLAG_MARK in md and "[1]" + FLAG_MARK not in md
    assert "<script" not in md and "<img" not in md
    assert "javascript:" not in md
    assert "Contested claims this answer relies on" in md and "unhedged-prediction" in md
    assert make_answer().to_markdown() == md


def test_flags_markdown_escapes_markdown() -> None:
    f = make_flag()
    md = flags_markdown([f])
    assert md.startswith(f"- {FLAG_MARK} **Summit &lt;b>report&lt;/b>**")
    assert "evidence, Other &lt;script>x&lt;/script>" in md
    assert flags_markdown([]) == "No flagged sentences.\n"


def test_answer_repr_html_is_render() -> None:
    a = make_answer()
    assert a._repr_html_() == answer_html(a)


def test_inline_html_renders_only_asterisk_emphasis_and_paragraphs() -> None:
    out = inline_html("*Title with __dunder__ and <b>tag</b>* says snake_case_word\nnext\n\n**bold** 2 * 3 * 4")
    assert out == ("<p><em>Title with __dunder__ and &lt;b&gt;tag&lt;/b&gt;</em> says snake_case_word<br>next</p>"
                   "<p><strong>bold</strong> 2 * 3 * 4</p>")
