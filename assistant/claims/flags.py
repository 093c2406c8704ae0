"""Flags: asserted sentences with at least one contestedness reason, read back from the catalog."""

from __future__ import annotations

from collections.abc import Iterable

from assistant.library import Library
from assistant.types import Flag, Reason, Sentence, Source


def _flag(source: Source, sentence: Sentence, reasons: list[Reason]) -> Flag:
    return Flag(
        source_id=source.source_id, title=source.title, path=source.path, sentence=sentence.text,
        start=sentence.start, end=sentence.end, reasons=tuple(reasons), publisher=source.publisher,
        source_type=source.source_type,
    )


def list_flags(library: Library, source_id: str | None = None) -> list[Flag]:
    """The flagged sentences of the library (or of one source), by source title then position."""
    reasons = library.catalog.reasons(source_id)
    out: list[Flag] = []
    for sid in sorted({sid for sid, _ in reasons}):
        source = library.catalog.source(sid)
        if source is None:
            continue
        for sentence in library.catalog.sentences(sid):
            found = reasons.get((sid, sentence.index))
            if found and sentence.mode == "asserted":
                out.append(_flag(source, sentence, found))
    out.sort(key=lambda f: (f.title.lower(), f.source_id, f.start))
    return out


def flags_for_spans(library: Library, spans: Iterable[tuple[str, int, int]]) -> list[Flag]:
    """Flags of the asserted sentences overlapping any (source_id, start, end) span an answer relies on.

    Each flag appears once, in the order of the spans that first reach it.
    """
    wanted: dict[str, list[tuple[int, int]]] = {}
    for sid, start, end in spans:
        wanted.setdefault(sid, []).append((start, end))
    out: list[Flag] = []
    for sid, ranges in wanted.items():
        reasons = library.catalog.reasons(sid)
        if not reasons:
            continue
        source = library.catalog.source(sid)
        if source is None:
            continue
        for sentence in library.catalog.sentences(sid):
            found = reasons.get((sid, sentence.index))
            if not found or sentence.mode != "asserted":
                continue
            if any(sentence.start < end and start < sentence.end for start, end in ranges):
                out.append(_flag(source, sentence, found))
    return out
