"""Verify a model's [n] citations against the passages and rebuild them as exact source quotes.

Policy, per sentence of the model's answer:
- each in-range marker is checked: the sentence must be supported by a sentence of that passage
  (embedding similarity and content-word overlap, no number absent from the passage, same polarity);
  the citation's quote is the passage's best-supporting source sentence, with its exact offsets;
- a sentence none of whose markers supports it is re-cited to another passage that does support it,
  else kept with its citation marked `supported: false` when it is at least on the cited passage's topic,
  and dropped when it has nothing to do with it (a fabrication);
- a sentence without a usable marker (none, or only out-of-range ones like [9]) is cited to the passage
  that supports it, or dropped when none does (an answer states nothing uncited);
- a repeated sentence is dropped, and so is one supported only by passages none of whose sentences
  relates to the question (cosine < 0.25): a weak model pasting retrieved but irrelevant passages;
- a sentence that relies on a flagged source sentence is attributed ("According to *Title* ...") unless
  it already attributes, and the flag is attached to the answer.
Citations are renumbered 1..n in order of appearance.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.claims import features as ft
from assistant.compose import NO_ANSWER, attributed, with_marker
from assistant.evidence import Candidate, Evidence, Vectors, embed
from assistant.library import Library
from assistant.textmatch import attributes, coverage, negated, term_set, terms, unsupported_numbers
from assistant.types import Citation, Flag
from ingest.sentences import sentence_spans

_NUM = r"\d{1,3}"
MARKER = re.compile(
    rf"\[\s*(?:(?:passage|source|doc(?:ument)?|ref)\s*)?({_NUM}(?:\s*(?:,|;|-|–|and)\s*(?:passage\s*)?{_NUM})*)\s*\]",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^(?:[-*•]|\d{1,2}[.)])\s+")
_LABEL = re.compile(r"^(?:\**\s*(?:final )?answer\s*\**\s*:\s*)", re.IGNORECASE)
_ECHO = re.compile(r"</?passage|^question\s*:|^contested statements", re.IGNORECASE)
_MARKERS_BEFORE_STOP = re.compile(r"([.!?])((?:\s*" + MARKER.pattern + r")+)", re.IGNORECASE)

STRONG_SIMILARITY = 0.62
SIMILARITY_WITH_TERMS = 0.45
TERM_COVERAGE = 0.6
LOOSE_SIMILARITY = 0.35  # ... when nearly every content word of the claim is in the sentence itself
NEAR_TOTAL_COVERAGE = 0.8
RELATED_SIMILARITY = 0.3  # below this (and with little word overlap) a cited claim is off-topic: dropped
RELATED_COVERAGE = 0.3
OFF_TOPIC = 0.25  # a passage none of whose sentences is this close to the question is off-topic
# Words an answer uses to talk about its sources rather than about the facts.
META_TERMS = frozenset(terms("report reports reported source sources passage passages article articles "
                             "document documents another instead mention mentions mentioned note notes noted"))


@dataclass
class Claim:
    """One sentence of the model's answer, without markers, with the passage numbers it cited."""

    text: str
    markers: list[int]
    terms: frozenset[str] = field(default_factory=frozenset)


def _numbers_in(group: str) -> list[int]:
    out: list[int] = []
    for m in re.finditer(rf"({_NUM})\s*(?:[-–]\s*({_NUM}))?", group):
        a, b = int(m.group(1)), int(m.group(2) or m.group(1))
        out += list(range(a, b + 1)) if 0 <= b - a <= 10 else [a, b]
    return out


def _prose(answer: str) -> str:
    """The answer without list bullets, labels ("Answer:") and echoed prompt lines (fences, "Question:")."""
    lines = []
    for line in answer.splitlines():
        line = _BULLET.sub("", _LABEL.sub("", line.strip()))
        if _ECHO.search(line) or line.endswith(":"):
            continue
        lines.append(line)
    return "\n".join(lines)


def split_claims(answer: str) -> list[Claim]:
    """The answer's statements, each with the markers it carries (markers after a full stop move before it).

    Questions are not statements and are left out.
    """
    text = _MARKERS_BEFORE_STOP.sub(lambda m: f" {m.group(2).strip()}{m.group(1)}", _prose(answer))
    claims = []
    for s, e in sentence_spans(text):
        raw = text[s:e]
        markers = [n for m in MARKER.finditer(raw) for n in _numbers_in(m.group(1))]
        clean = " ".join(MARKER.sub(" ", raw).split())
        clean = re.sub(r"\s+([.,;:!?])", r"\1", clean).strip()
        if any(ch.isalpha() for ch in clean) and not clean.endswith("?"):
            claims.append(Claim(clean, list(dict.fromkeys(markers)), term_set(clean)))
    return claims


def is_no_answer(answer: str) -> bool:
    norm = " ".join(MARKER.sub(" ", answer).lower().split())
    return NO_ANSWER.lower().rstrip(".") in norm or "does not contain an answer" in norm


@dataclass(frozen=True)
class Support:
    cand: Candidate
    similarity: float
    coverage: float
    ok: bool


def supports(claim: str, sentence: str, similarity: float, window: frozenset[str], passage_text: str) -> bool:
    """Whether `sentence` (with its neighbours' words `window`, inside `passage_text`) supports `claim`.

    Coverage is the share of the claim's content words found in the sentence or its neighbours; the
    loosest rule (modest similarity) needs nearly all of them in the sentence itself. Numbers the
    passage does not contain, opposite polarity (negation), opposite words (rose/fell) or conflicting
    figures always fail.
    """
    claim_terms = [t for t in terms(claim) if t not in META_TERMS]
    ok = (
        similarity >= STRONG_SIMILARITY
        or (similarity >= SIMILARITY_WITH_TERMS and coverage(claim_terms, window) >= TERM_COVERAGE)
        or (similarity >= LOOSE_SIMILARITY and len(set(claim_terms)) >= 3
            and coverage(claim_terms, term_set(sentence)) >= NEAR_TOTAL_COVERAGE)
    )
    if not ok or negated(claim) != negated(sentence) or unsupported_numbers(claim, passage_text):
        return False
    fc, fs = ft.features(claim), ft.features(sentence)
    return not ft.antonym_pair(fc, fs) and not ft.number_conflict(fc, fs)


def best_support(claim: Claim, row: int, cands: Sequence[Candidate], vectors: Vectors,
                 rows: dict[tuple[str, int], int]) -> Support | None:
    """The passage sentence that best supports the claim, and whether it supports it enough."""
    if not cands:
        return None
    passage_text = " ".join(c.text for c in cands)
    claim_terms = [t for t in terms(claim.text) if t not in META_TERMS]
    best: Support | None = None
    for j, c in enumerate(cands):
        sim = float(vectors[row] @ vectors[rows[c.key]])
        window = c.terms.union(*(x.terms for x in cands[max(0, j - 1) : j + 2]))
        cov = coverage(claim_terms, window)
        cand = Support(c, sim, cov, supports(claim.text, c.text, sim, window, passage_text))
        if best is None or (cand.ok, sim + 0.3 * cov) > (best.ok, best.similarity + 0.3 * best.coverage):
            best = cand
    return best


@dataclass
class Verified:
    answer: str
    citations: list[Citation]
    flags: list[Flag]
    unsupported: int = 0
    dropped: int = 0

    @property
    def supported(self) -> int:
        return sum(1 for c in self.citations if c.supported)


def verify(library: Library, answer: str, evidence: Evidence, question: str) -> Verified:
    """Check every claim of the model's answer against its cited passages (see the module docstring)."""
    claims = split_claims(answer)
    unique = evidence.unique
    if not claims or not unique:
        return Verified("", [], [], dropped=len(claims))
    rows = {c.key: i for i, c in enumerate(unique)}
    vectors = embed(library, [*(c.text for c in unique), *(cl.text for cl in claims), question])
    base = len(unique)
    relevance = [max((float(vectors[rows[c.key]] @ vectors[-1]) for c in cands), default=0.0)
                 for cands in evidence.by_passage]
    seen: set[str] = set()
    numbers: dict[tuple[str, int], int] = {}
    citations: list[Citation] = []
    flags: dict[tuple[str, int], Flag] = {}
    parts: list[str] = []
    out = Verified("", citations, [])

    def cite(s: Support, supported: bool) -> int:
        key = s.cand.key  # one number per quoted source sentence, whichever overlapping passage held it
        if key not in numbers:
            numbers[key] = len(citations) + 1
            citations.append(s.cand.citation(numbers[key], evidence.sources[s.cand.source_id], supported))
        return numbers[key]

    n_passages = len(evidence.passages)
    for i, claim in enumerate(claims):
        row = base + i
        if claim.text.lower() in seen:
            out.dropped += 1
            continue
        seen.add(claim.text.lower())
        cited = [best_support(claim, row, evidence.by_passage[n - 1], vectors, rows)
                 for n in claim.markers if 1 <= n <= n_passages]
        cited_ok = [s for s in cited if s is not None and s.ok]
        if not cited_ok:
            anywhere = [best_support(claim, row, cands, vectors, rows) for cands in evidence.by_passage]
            good = [s for s in anywhere if s is not None and s.ok]
            found = max(good, key=lambda s: s.similarity, default=None)
            cited_ok = [found] if found is not None else []
        if cited_ok and all(relevance[s.cand.passage_index] < OFF_TOPIC for s in cited_ok):
            out.dropped += 1  # true to a passage that has nothing to do with the question: a passage dump
            continue
        if cited_ok:
            ns = [cite(s, True) for s in cited_ok]
            leaning = [s.cand for s in cited_ok]
        elif related := [s for s in cited if s is not None and _related(s)]:
            ns, leaning = [cite(related[0], False)], [related[0].cand]
            out.unsupported += 1
        else:
            out.dropped += 1
            continue
        flagged = [c for c in leaning if c.flag is not None]
        for c in flagged:
            assert c.flag is not None
            flags.setdefault((c.flag.source_id, c.flag.start), c.flag)
        marks = "".join(f"[{n}]" for n in dict.fromkeys(ns))
        if flagged and not _attributes(claim.text, flagged[0]):
            parts.append(attributed(flagged[0], claim.text, marks, evidence.sources[flagged[0].source_id].text))
        else:
            parts.append(with_marker(claim.text, marks))
    out.answer = " ".join(parts)
    out.flags = list(flags.values())
    return out


def _related(s: Support) -> bool:
    return s.similarity >= RELATED_SIMILARITY or s.coverage >= RELATED_COVERAGE


def _attributes(text: str, cand: Candidate) -> bool:
    low = text.lower()
    return attributes(text) or cand.passage.title.lower() in low or (
        bool(cand.passage.publisher) and cand.passage.publisher.lower() in low
    )
