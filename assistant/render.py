"""HTML and Markdown views of answers, flags and sources for the web UI and Jupyter; all text escaped."""

from __future__ import annotations

import hashlib
import html
import itertools
import re
from collections.abc import Sequence

from assistant.types import Answer, Citation, Flag, Source

FLAG_MARK = "⚑"
_CITE = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_EM = re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]])")

CSS = """
.candor{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;line-height:1.5;color:inherit}
.candor mark{background:#ffe066;color:#111;padding:0 1px;border-radius:2px}
.candor .candor-flagged{background:rgba(230,80,60,.14);border-bottom:2px solid #d9480f;cursor:help}
.candor .candor-flag{color:#d9480f;font-weight:700;font-size:.9em;cursor:help;margin-left:1px}
.candor .candor-cite{font-size:.8em;vertical-align:super;border:1px solid #8aa4d6;border-radius:4px;
 background:rgba(90,130,220,.12);color:inherit;padding:0 3px;margin:0 1px;cursor:pointer;text-decoration:none}
.candor .candor-cite.candor-unsupported{border-style:dashed;opacity:.7}
.candor .candor-notice{border-left:3px solid #f59f00;padding:2px 8px;margin:4px 0;font-size:.9em}
.candor .candor-meta{font-size:.85em;opacity:.75}
.candor .candor-refs li,.candor .candor-flaglist li{margin:4px 0}
.candor blockquote{margin:2px 0 2px 12px;padding-left:8px;border-left:3px solid #ccc;font-style:italic}
.candor .candor-srctext{white-space:pre-wrap;max-height:60vh;overflow:auto;padding:6px;border:1px solid #ddd;
 position:relative;
 border-radius:6px}
.candor table{border-collapse:collapse}.candor td,.candor th{border:1px solid #ddd;padding:3px 6px;
 vertical-align:top;text-align:left}
"""


def esc(text: object) -> str:
    """HTML-escape any text that came from a source, a model or a user."""
    return html.escape("" if text is None else str(text), quote=True)


def safe_href(url: str | None) -> str | None:
    """An escaped href for http(s) URLs only; `javascript:` and friends are never linked."""
    if url and re.match(r"^https?://", url.strip(), re.I):
        return esc(url.strip())
    return None


def _style(on: bool) -> str:
    return f"<style>{CSS}</style>" if on else ""


def flagged_citations(answer: Answer) -> dict[int, list[Flag]]:
    """Citation number -> the answer's flags whose sentence overlaps the cited quote."""
    out: dict[int, list[Flag]] = {}
    for c in answer.citations:
        hits = [f for f in answer.flags if f.source_id == c.source_id and f.start < c.end and c.start < f.end]
        if hits:
            out[c.n] = hits
    return out


def reasons_text(flag: Flag) -> str:
    """One plain-text line per reason, for tooltips."""
    return "\n".join(f"{r.kind}: {r.detail}" for r in flag.reasons)


def inline_html(text: str) -> str:
    """Escape model text, then render paragraphs, line breaks, **bold** and *italics* (nothing else)."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    out = []
    for p in paragraphs:
        body = _EM.sub(r"<em>\1</em>", _STRONG.sub(r"<strong>\1</strong>", esc(p)))
        out.append("<p>" + body.replace("\n", "<br>") + "</p>")
    return "".join(out)


def _cite_html(c: Citation, flags: list[Flag], prefix: str, turn: int | None) -> str:
    label = f"[{c.n}]"
    tip = f"{c.title}: “{c.quote}”" + ("" if c.supported else " (not supported by the passage)")
    cls = "candor-cite" + ("" if c.supported else " candor-unsupported")
    if turn is None:
        cite = f'<a class="{cls}" href="#{prefix}-ref-{c.n}" title="{esc(tip)}">{label}</a>'
    else:
        cite = (f'<button type="button" class="{cls}" data-turn="{turn}" data-n="{c.n}" '
                f'title="{esc(tip)}">{label}</button>')
    if flags:
        why = "; ".join(r.kind for f in flags for r in f.reasons)
        tip = esc(f"contested claim stated as fact: {why}")
        cite += f'<span class="candor-flag" title="{tip}">{FLAG_MARK}</span>'
    return cite


def answer_body_html(answer: Answer, turn: int | None = None, prefix: str = "candor") -> str:
    """The answer text, each [n] a citation link (Jupyter) or button (UI: `turn` set), with flag marks."""
    by_n = {c.n: c for c in answer.citations}
    flagged = flagged_citations(answer)

    def repl(m: re.Match[str]) -> str:
        nums = [int(x) for x in re.findall(r"\d+", m.group(1))]
        if not all(n in by_n for n in nums):
            return m.group(0)
        return "".join(_cite_html(by_n[n], flagged.get(n, []), prefix, turn) for n in nums)

    return _CITE.sub(repl, inline_html(answer.answer))


def _source_label(title: str, publisher: str = "", source_type: str = "", date: str | None = None) -> str:
    extra = ", ".join(esc(x) for x in (publisher, source_type, date) if x)
    meta = f' <span class="candor-meta">({extra})</span>' if extra else ""
    return f"<strong>{esc(title)}</strong>{meta}"


def references_html(answer: Answer, prefix: str = "candor") -> str:
    if not answer.citations:
        return ""
    items = []
    for c in answer.citations:
        page = f", p. {c.page}" if c.page else ""
        link = safe_href(c.url)
        title = f'<a href="{link}" target="_blank" rel="noopener noreferrer">{esc(c.title)}</a>' if link \
            else esc(c.title)
        bad = "" if c.supported else ' <span class="candor-meta">(not supported by the passage)</span>'
        items.append(f'<li id="{prefix}-ref-{c.n}" value="{c.n}"><strong>[{c.n}]</strong> {title}'
                     f"{esc(page)}{bad}<blockquote>{esc(c.quote)}</blockquote></li>")
    return f'<ol class="candor-refs">{"".join(items)}</ol>'


def flag_item_html(f: Flag, show_source: bool = True) -> str:
    """One flag: the sentence, who asserts it, and each reason with its evidence."""
    who = _source_label(f.title, f.publisher, f.source_type) + " asserts: " if show_source else ""
    reasons = []
    for r in f.reasons:
        ev = "".join(f"<li>{esc(e.title)}: <q>{esc(e.quote)}</q></li>" for e in r.evidence)
        reasons.append(f"<li><code>{esc(r.kind)}</code> {esc(r.detail)}" + (f"<ul>{ev}</ul>" if ev else "")
                       + "</li>")
    return (f'<span class="candor-flag" title="contested claim stated as fact">{FLAG_MARK}</span> {who}'
            f'<span class="candor-flagged">{esc(f.sentence)}</span><ul>{"".join(reasons)}</ul>')


def answer_html(answer: Answer, style: bool = True) -> str:
    """The whole answer for Jupyter: text with linked [n], flag marks, references with quotes, flags."""
    prefix = "candor-" + hashlib.sha1(f"{answer.question}\0{answer.answer}".encode()).hexdigest()[:8]
    parts = [_style(style), '<div class="candor">']
    parts.append(f'<div class="candor-meta">Q: {esc(answer.question)} · {esc(answer.mode)} answer</div>')
    if answer.notice:
        parts.append(f'<div class="candor-notice">{esc(answer.notice)}</div>')
    parts.append(answer_body_html(answer, None, prefix))
    if answer.citations:
        parts.append("<div><strong>References</strong></div>" + references_html(answer, prefix))
    if answer.flags:
        items = "".join(f"<li>{flag_item_html(f)}</li>" for f in answer.flags)
        parts.append(f'<div><strong>{FLAG_MARK} Contested claims this answer relies on</strong></div>'
                     f'<ul class="candor-flaglist">{items}</ul>')
    parts.append("</div>")
    return "".join(parts)


def flags_html(flags: Sequence[Flag], style: bool = True) -> str:
    """A table of flagged sentences (source, sentence, reasons with evidence) for Jupyter."""
    if not flags:
        return f'{_style(style)}<div class="candor"><em>No flagged sentences.</em></div>'
    rows = []
    for f in flags:
        reasons = "".join(
            f"<li><code>{esc(r.kind)}</code> {esc(r.detail)}"
            + "".join(f"<br>evidence — {esc(e.title)}: <q>{esc(e.quote)}</q>" for e in r.evidence) + "</li>"
            for r in f.reasons
        )
        rows.append(f"<tr><td>{_source_label(f.title, f.publisher, f.source_type)}</td>"
                    f'<td><span class="candor-flag">{FLAG_MARK}</span> <span class="candor-flagged" '
                    f'title="{esc(reasons_text(f))}">{esc(f.sentence)}</span></td><td><ul>{reasons}</ul></td></tr>')
    return (f'{_style(style)}<div class="candor"><div class="candor-meta">{len(flags)} flagged sentence(s): '
            "contested claims stated as fact</div>"
            "<table><tr><th>Source</th><th>Sentence</th><th>Why</th></tr>"
            + "".join(rows) + "</table></div>")


# --- source view ---------------------------------------------------------------------------------


def locate(text: str, start: int, end: int, quote: str) -> tuple[int, int] | None:
    """The span of `quote` in `text`: the given offsets when they hold, else the first exact match."""
    if 0 <= start < end <= len(text) and (not quote or text[start:end] == quote):
        return start, end
    found = text.find(quote) if quote else -1
    return (found, found + len(quote)) if found >= 0 else None


def highlight(text: str, quote: tuple[int, int] | None, flags: Sequence[Flag]) -> str:
    """Escaped source text with the quote in <mark> and flagged sentences in a distinct, titled span."""
    spans: list[tuple[int, int, int]] = []  # (start, end, index into `kinds`); -1 = the quote
    for i, f in enumerate(flags):
        span = locate(text, f.start, f.end, f.sentence)
        if span:
            spans.append((*span, i))
    if quote and 0 <= quote[0] < quote[1] <= len(text):
        spans.append((quote[0], quote[1], -1))
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    out: list[str] = []
    first_mark, seen_flags = True, set()
    for a, b in itertools.pairwise(cuts):
        piece = esc(text[a:b])
        active = [k for s, e, k in spans if s <= a and b <= e]
        if -1 in active:
            anchor = ' id="candor-quote"' if first_mark else ""
            piece, first_mark = f"<mark{anchor}>{piece}</mark>", False
        for k in (k for k in active if k >= 0):
            tip = esc(reasons_text(flags[k]))
            piece = f'<span class="candor-flagged" data-flag="{k + 1}" title="{tip}">{piece}</span>'
            if k not in seen_flags:
                seen_flags.add(k)
                piece = f'<span class="candor-flag" title="{tip}">{FLAG_MARK}{k + 1}</span>' + piece
        out.append(piece)
    return "".join(out)


def source_html(source: Source, flags: Sequence[Flag] = (), cited: Citation | None = None,
                style: bool = True) -> str:
    """A source with the cited quote highlighted (<mark>), its flagged sentences marked and explained."""
    span = locate(source.text, cited.start, cited.end, cited.quote) if cited else None
    link = safe_href(source.url)
    where = (f'<a href="{link}" target="_blank" rel="noopener noreferrer">{esc(source.url)}</a>' if link
             else esc(source.url or source.path or ""))
    parts = [_style(style), '<div class="candor candor-source">',
             f"<div>{_source_label(source.title, source.publisher, source.source_type, source.date)}</div>",
             f'<div class="candor-meta">{where}</div>']
    if cited:
        page = source.page_at(span[0]) if span else None
        note = f"Cited as [{cited.n}]" + (f", page {page}" if page else "")
        if not span:
            note += " — the quote was not found in the stored text: " + f"<q>{esc(cited.quote)}</q>"
        elif not cited.supported:
            note += " (not supported by the passage)"
        parts.append(f'<div class="candor-meta">{note}</div>')
    parts.append(f'<div class="candor-srctext">{highlight(source.text, span, flags)}</div>')
    if flags:
        items = "".join(f'<li value="{i}">{flag_item_html(f, show_source=False)}</li>'
                        for i, f in enumerate(flags, 1))
        parts.append(f"<div><strong>{FLAG_MARK} Flagged sentences in this source</strong> "
                     '<span class="candor-meta">(stated as fact, but contested)</span></div>'
                     f'<ol class="candor-flaglist">{items}</ol>')
    parts.append("</div>")
    return "".join(parts)


# --- Markdown -------------------------------------------------------------------------------------


def md_text(text: str) -> str:
    """Source text made inert in Markdown: no HTML tags, links, emphasis or code spans."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split())).replace("<", "&lt;")


def flags_markdown(flags: Sequence[Flag]) -> str:
    """Flagged sentences as a Markdown list with reasons and evidence."""
    if not flags:
        return "No flagged sentences.\n"
    lines = []
    for f in flags:
        who = ", ".join(md_text(x) for x in (f.publisher, f.source_type) if x)
        lines.append(f"- {FLAG_MARK} **{md_text(f.title)}**" + (f" ({who})" if who else "")
                     + f": “{md_text(f.sentence)}”")
        for r in f.reasons:
            lines.append(f"  - {md_text(r.kind)}: {md_text(r.detail)}")
            lines += [f"    - evidence, {md_text(e.title)}: “{md_text(e.quote)}”" for e in r.evidence]
    return "\n".join(lines) + "\n"


def answer_markdown(answer: Answer) -> str:
    """The answer (flag marks after flagged [n]) followed by a numbered reference list and the flags."""
    flagged = flagged_citations(answer)
    body = _CITE.sub(
        lambda m: m.group(0) + (FLAG_MARK if any(int(n) in flagged for n in re.findall(r"\d+", m.group(1)))
                                else ""),
        answer.answer.strip().replace("<", "&lt;"),
    )
    out = [f"**Q:** {md_text(answer.question)}", ""]
    if answer.notice:
        out += [f"> {md_text(answer.notice)}", ""]
    out += [body, ""]
    if answer.citations:
        out += ["**References**", ""]
        for c in answer.citations:
            url = (c.url or "").strip().replace(" ", "%20").replace("(", "%28").replace(")", "%29")
            title = f"[{md_text(c.title)}]({url})" if safe_href(c.url) else md_text(c.title)
            page = f", p. {c.page}" if c.page else ""
            where = f" — `{c.path}`" if c.path and not c.url and "`" not in c.path else ""
            bad = " *(not supported by the passage)*" if not c.supported else ""
            out.append(f"{c.n}. {title}{page}{where}: “{md_text(c.quote)}”{bad}")
        out.append("")
    if answer.flags:
        out += [f"**{FLAG_MARK} Contested claims this answer relies on**", "", flags_markdown(answer.flags)]
    return "\n".join(out).rstrip() + "\n"
