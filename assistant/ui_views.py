"""The web UI's pure parts (no gradio): chat transcript, library table, upload checks, ingest report."""

from __future__ import annotations

import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.render import FLAG_MARK, answer_body_html, esc, flag_item_html, flagged_citations, inline_html
from assistant.types import Answer, IngestReport, SourceInfo

ALLOWED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf")
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")


@dataclass
class Turn:
    """One question and its answer (or the text streamed so far, or an error)."""

    question: str
    answer: Answer | None = None
    partial: str = ""
    error: str | None = None


def _mb(n: int) -> str:
    if n < 1024 * 1024:
        return f"{max(1, round(n / 1024))} KB"
    return f"{n / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")


def upload_limits(max_bytes: int) -> str:
    return f"Allowed: {' '.join(ALLOWED_SUFFIXES)} — up to {_mb(max_bytes)} per file."


def check_upload(path: Path, max_bytes: int) -> str | None:
    """Why an uploaded file cannot be ingested (type or size), or None when it may be."""
    suffix = path.suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        shown = suffix or "no extension"
        return f"file type not allowed ({shown}); allowed: {' '.join(ALLOWED_SUFFIXES)}"
    try:
        size = path.stat().st_size
    except OSError:
        return "the upload could not be read"
    if size > max_bytes:
        return f"file too large ({_mb(size)}); the limit is {_mb(max_bytes)}"
    if size == 0:
        return "the file is empty"
    return None


def safe_name(name: str) -> str:
    """A plain file name (no folders, no odd characters) for keeping an upload in the store."""
    base = _UNSAFE_NAME.sub("_", Path(name.replace("\\", "/")).name).strip(" .")
    return base or "upload.txt"


def keep_uploads(paths: Sequence[str], folder: Path, max_bytes: int) -> tuple[dict[str, str], dict[str, str]]:
    """Copy allowed uploads into `folder`; returns ({kept path: original name}, {original name: error})."""
    kept: dict[str, str] = {}
    rejected: dict[str, str] = {}
    for p in paths:
        path = Path(p)
        name = safe_name(path.name)
        reason = check_upload(path, max_bytes)
        if reason:
            rejected[name] = reason
            continue
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / name
        shutil.copyfile(path, target)
        kept[str(target)] = name
    return kept, rejected


def _row(cls: str, *cells: str) -> str:
    return f'<tr class="{cls}">' + "".join(f"<td>{esc(c)}</td>" for c in cells) + "</tr>"


def ingest_report_html(report: IngestReport | None, names: dict[str, str], rejected: dict[str, str]) -> str:
    """Per-file outcome of an upload: added / updated / unchanged, or failed with the reason."""
    rows = []
    for item in report.items if report else []:
        name = names.get(item.input, Path(item.input).name)
        detail = item.reason or (f"{item.title} · {item.chunks} chunks" if item.chunks else item.title or "")
        cls = "candor-bad" if item.status == "failed" else "candor-ok"
        rows.append(_row(cls, name, item.status, detail))
    rows += [_row("candor-bad", n, "rejected", r) for n, r in rejected.items()]
    if not rows:
        return '<div class="candor"><em>No files.</em></div>'
    failed = (report.count("failed") if report else 0) + len(rejected)
    ok = len(rows) - failed
    return ('<div class="candor" id="candor-ingest-report">'
            f'<div class="candor-meta">{ok} ingested or unchanged, {failed} not ingested</div>'
            "<table><tr><th>File</th><th>Result</th><th>Details</th></tr>"
            + "".join(rows) + "</table></div>")


_LIBRARY_COLS = "<colgroup>" + "".join(f'<col style="width:{w}%">' for w in (31, 22, 13, 14, 10, 10)) + "</colgroup>"


def library_html(rows: Sequence[SourceInfo], collection: str) -> str:
    """The sources of a collection; each title is a button that opens the source with its flags."""
    if not rows:
        return (f'<div class="candor"><em>The collection “{esc(collection)}” is empty.</em> '
                "Upload files below to add sources.</div>")
    body = []
    for r in rows:
        flags = f'<span class="candor-flag">{FLAG_MARK}</span> {r.flags}' if r.flags else "0"
        body.append(
            f'<tr><td><button type="button" class="candor-open" data-source="{esc(r.source_id)}" '
            f'title="{esc(r.path or r.url or "")}">{esc(r.title)}</button></td><td>{esc(r.publisher)}</td>'
            f'<td>{esc(r.source_type)}</td><td class="candor-nowrap">{esc(r.date or "")}</td><td>{r.chunks}</td>'
            f'<td class="candor-nowrap">{flags}</td></tr>'
        )
    total_flags = sum(r.flags for r in rows)
    return (f'<div class="candor" id="candor-library-table"><div class="candor-meta">{len(rows)} sources, '
            f"{total_flags} flagged sentences in “{esc(collection)}”</div><table>{_LIBRARY_COLS}<tr><th>Title</th>"
            "<th>Publisher</th><th>Type</th><th>Date</th><th>Chunks</th><th>Flags</th></tr>"
            + "".join(body) + "</table></div>")


def _answer_turn(a: Answer, i: int) -> str:
    parts = [f'<div class="candor-meta">{esc(a.mode)} answer</div>']
    if a.notice:
        parts.append(f'<div class="candor-notice">{esc(a.notice)}</div>')
    parts.append(answer_body_html(a, turn=i))
    flagged = flagged_citations(a)
    if a.citations:
        refs = "".join(
            f'<li><button type="button" class="candor-cite" data-turn="{i}" data-n="{c.n}">[{c.n}]</button>'
            + (f'<span class="candor-flag">{FLAG_MARK}</span>' if c.n in flagged else "")
            + f" {esc(c.title)}" + ("" if c.supported else ' <span class="candor-meta">(unsupported)</span>')
            + "</li>"
            for c in a.citations
        )
        parts.append(f'<details class="candor-sources"><summary>Sources ({len(a.citations)})</summary>'
                     f'<ul class="candor-refs">{refs}</ul></details>')
    if a.flags:
        items = "".join(f"<li>{flag_item_html(f)}</li>" for f in a.flags)
        parts.append(f'<details class="candor-flags" open><summary>{FLAG_MARK} {len(a.flags)} contested '
                     "claim(s) stated as fact in the cited sources</summary>"
                     f'<ul class="candor-flaglist">{items}</ul></details>')
    return "".join(parts)


def transcript_html(turns: Sequence[Turn]) -> str:
    """The chat so far; every [n] is a button carrying its turn and number for the source panel."""
    if not turns:
        return ('<div class="candor candor-empty"><p><strong>Ask a question about your library.</strong></p>'
                "<p>Answers cite their sources: click a <span class=\"candor-cite\">[n]</span> to read the "
                f'quoted passage in context. <span class="candor-flag">{FLAG_MARK}</span> marks a contested '
                "claim that a source states as fact.</p></div>")
    out = ['<div class="candor candor-chat">']
    for i, t in enumerate(turns):
        out.append(f'<div class="candor-msg candor-user">{esc(t.question)}</div>')
        if t.error:
            body = f'<div class="candor-notice">Could not answer: {esc(t.error)}</div>'
        elif t.answer is not None:
            body = _answer_turn(t.answer, i)
        else:
            body = inline_html(t.partial) + '<span class="candor-pending">▍</span>'
        out.append(f'<div class="candor-msg candor-bot" data-turn="{i}">{body}</div>')
    out.append("</div>")
    return "".join(out)


def status_html(model_label: str, collection: str, n_sources: int) -> str:
    return (f'<div class="candor candor-status" id="candor-status"><span>Model: <strong>{esc(model_label)}'
            f"</strong></span> · <span>Collection: <strong>{esc(collection)}</strong> ({n_sources} sources)"
            "</span></div>")


UI_CSS = """
.candor-chat .candor-msg{padding:8px 12px;border-radius:10px;margin:6px 0;max-width:95%}
.candor-chat .candor-user{background:rgba(90,130,220,.15);margin-left:auto;width:fit-content}
.candor-chat .candor-bot{background:rgba(127,127,127,.08)}
.candor-chat .candor-msg p{margin:4px 0}
.candor .candor-refs{list-style:none;padding-left:4px}
.candor .candor-open{background:none;border:none;box-shadow:none;color:inherit;text-decoration:underline;
 cursor:pointer;text-align:left;padding:0;font:inherit}
#candor-library-table{overflow-x:auto}
#candor-library-table table{width:100%;font-size:.88em;table-layout:fixed;overflow-wrap:anywhere}
.candor td.candor-nowrap{white-space:nowrap}
.candor tr.candor-bad td{background:rgba(230,80,60,.10)}
.candor-status{font-size:.9em}
.candor-pending{animation:candor-blink 1s step-start infinite}
@keyframes candor-blink{50%{opacity:0}}
"""
