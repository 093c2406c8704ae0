"""Sentence segmentation that keeps character offsets into the source text."""

from __future__ import annotations

import re

# Words after which a full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st mt no nos vs etc e.g i.e cf al fig figs eq approx dept est inc ltd co corp
    gen col lt sgt capt cmdr adm gov sen rep pres rev hon jan feb mar apr jun jul aug sep sept oct nov dec
    u.s u.k u.n e.u p pp vol ed eds ph.d a.m p.m""".split()
)

# A candidate boundary: terminal punctuation, optional closing quotes/brackets, then whitespace.
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)")
_NEXT_START = re.compile(r"\s+([\"'“‘(\[]?)(\S)")
_PARAGRAPH = re.compile(r"\n\s*\n")


def _ends_with_abbreviation(text: str, dot: int) -> bool:
    """True when the full stop at `dot` closes an abbreviation or an initial rather than a sentence."""
    word_start = dot
    while word_start > 0 and not text[word_start - 1].isspace() and text[word_start - 1] not in "(\"“'‘":
        word_start -= 1
    word = text[word_start:dot].lower()
    if word in _ABBREVIATIONS:
        return True
    return len(word) == 1 and word.isalpha()  # an initial: "J. Smith"


def _split_block(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    sent_start = start
    for m in _BOUNDARY.finditer(text, start, end):
        nxt = _NEXT_START.match(text, m.end(), end)
        if nxt is None:
            continue
        first = nxt.group(2)
        if first.islower() or first in ",;:":
            continue  # "e.g. the", "p. 3", "... and so"
        if text[m.start()] == "." and m.end() - m.start() == 1 and _ends_with_abbreviation(text, m.start()):
            continue
        spans.append((sent_start, m.end()))
        sent_start = nxt.start(1) if nxt.group(1) else nxt.start(2)
    spans.append((sent_start, end))
    return spans


def _lines_as_units(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split a block at single newlines when its lines do not read as one wrapped paragraph.

    A line that ends without terminal punctuation and is followed by a line starting with a capital
    is treated as a heading or list item of its own.
    """
    units: list[tuple[int, int]] = []
    unit_start = start
    pos = start
    while True:
        nl = text.find("\n", pos, end)
        if nl == -1:
            break
        line = text[pos:nl].rstrip()
        after = text[nl + 1 : end].lstrip()
        heading_like = bool(line) and line[-1] not in ".,;:!?…\"'”’)-–" and after[:1].isupper()
        if heading_like and len(line.split()) <= 20:
            units.append((unit_start, nl))
            unit_start = nl + 1
        pos = nl + 1
    units.append((unit_start, end))
    return units


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Return (start, end) spans of the sentences of `text`, trimmed of surrounding whitespace.

    Paragraph breaks and heading lines always end a sentence; inside a paragraph, terminal
    punctuation followed by a capitalised word does, unless it closes an abbreviation or initial.
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    blocks = [*(m.start() for m in _PARAGRAPH.finditer(text)), len(text)]
    for block_end in blocks:
        for unit_start, unit_end in _lines_as_units(text, pos, block_end):
            for s, e in _split_block(text, unit_start, unit_end):
                s, e = _trim(text, s, e)
                if e > s and any(ch.isalnum() for ch in text[s:e]):
                    spans.append((s, e))
        pos = block_end
    return spans
