"""Cross-source signals: attributed-elsewhere, disputed-elsewhere and contradicted, from sentence pairs of
neighbouring chunks.

Candidate pairs come from the vector index, not from all pairs: each chunk of a new source asks Chroma for
its `K_CHUNKS` nearest chunks of other sources, and only sentences inside such a chunk pair are compared.
A pair is kept for embedding only if its modes could yield a signal (one side asserted, the other
attributed/hedged, or a surface for a contradiction: quantities, negation, antonyms) and it shares content
words. Sentence vectors (MiniLM, of the claim with any attribution frame removed) are computed only for
those, and cached in the library's sentence collection so later batches reuse them.

The rules ask for a high cosine before two sentences count as the same claim. A pair they turn down gets a
second reading when it would be a signal if it were the same claim (a conflicting figure, a negation, an
opposite outcome, or the other side attributing it to someone) and its cosine reaches `T_MODEL_COSINE`:
the same-claim model (`sameclaim.py`) reads both sentences together and decides.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from assistant.claims import features as ft
from assistant.claims import lexicon as lx
from assistant.types import Evidence, Reason

log = logging.getLogger(__name__)
CROSS_KINDS = ("attributed-elsewhere", "disputed-elsewhere", "contradicted")
K_CHUNKS = 8  # neighbour chunks per chunk
MIN_OVERLAP = 0.2  # shared content stems (over the smaller sentence) before a pair is embedded
MIN_OVERLAP_ATTRIBUTED = 0.3  # ... for an asserted sentence against an attributed or hedged one
MIN_OVERLAP_NEGATION = 0.4  # ... for a negation mismatch
MIN_OVERLAP_MEASURE = 0.1  # ... for conflicting counts of the same things
T_ATTRIBUTED = 0.66  # cosine: the same claim, asserted here and attributed or hedged there
T_SOURCED = 0.85  # ... when the other side only names where a figure comes from ("according to", "found")
T_NUMBERS = 0.70  # cosine: the same statement with a different percentage, sum or date
T_MEASURES = 0.55  # ... with a different count of the same things or measure ("4 minutes" / "13 seconds")
T_ANTONYM = 0.66  # cosine: the same statement with an opposite outcome word
T_ALIGNED = 0.40  # ... when every other content word of the shorter sentence is in the longer one
T_NEGATION = 0.60  # cosine: the same statement, negated on one side (in the clause that shares its words)
MIN_OVERLAP_META = 0.15  # shared content stems with a sentence that calls a matter disputed or open
T_DISPUTED = 0.45  # cosine: an asserted claim and another source's "whether X is disputed" about it
T_MODEL_COSINE = 0.55  # cosine before a pair the rules turned down is read by the same-claim model
T_SAME_CLAIM = 0.85  # the model's P(same claim) for such a pair to count as one claim
# A sentence about a dispute rather than a side of it: "Whether X is disputed", "X remains unclear".
META = re.compile(r"^\s*whether\b|\b(?:is|are|was|were|remains?) (?:\w+ )?(?:disputed|contested|debated|"
                  r"unclear|uncertain|an open question|a matter of (?:debate|dispute))\b|"
                  r"\bdisagree(?:ment)? (?:between|over|about)\b|"
                  r"\b(?:too early|too soon|premature) to (?:judge|say|tell|know)\b", re.I)
# A document as the speaker ("the notice also states that ...") names where a fact comes from, not a party;
# so do these cues.
_RECORD_AGENT = "|".join(sorted(lx.RECORDS))
_SOURCING = ("according to", "reported", "found", "figures", "estimated", "estimates", "per ", "show", "data")


@dataclass
class Item:
    """One sentence as claim analysis sees it."""

    source_id: str
    title: str
    version: str
    idx: int
    start: int
    end: int
    text: str
    mode: str
    cue: str
    core: str
    feats: ft.Features = field(repr=False)

    @functools.cached_property
    def meta(self) -> bool:
        """Whether the sentence is about a dispute ("Whether X is disputed") rather than a side of it.

        Cached: pair screening asks it of every sentence once per neighbour, hundreds of thousands of times.
        """
        return self.mode == "asserted" and bool(META.search(self.text))

    @property
    def key(self) -> tuple[str, int]:
        return (self.source_id, self.idx)

    @property
    def vector_id(self) -> str:
        return f"{self.source_id}:{self.version}:s{self.idx:05d}"


@dataclass(frozen=True)
class Finding:
    """A cross-source reason for `target`, citing `evidence`."""

    target: Item
    evidence: Item
    kind: str
    detail: str
    score: float

    def reason(self) -> Reason:
        ev = Evidence(self.evidence.source_id, self.evidence.title, self.evidence.text)
        return Reason(self.kind, self.detail, (ev,))


def _eligible(a: Item, b: Item) -> bool:
    """Whether a pair could yield a signal, judged without vectors (so most pairs are never embedded)."""
    if "asserted" not in (a.mode, b.mode) or "question" in (a.mode, b.mode) or (a.meta and b.meta):
        return False
    shared = ft.overlap(a.feats, b.feats)
    if a.meta or b.meta:
        return shared >= MIN_OVERLAP_META
    other = b if a.mode == "asserted" else a
    if other.mode in ("attributed", "hedged", "quotation"):
        return shared >= MIN_OVERLAP_ATTRIBUTED
    if shared < MIN_OVERLAP:
        return shared >= MIN_OVERLAP_MEASURE and bool(ft.number_conflict(a.feats, b.feats, specific_only=True))
    negated = (a.feats.negations > 0) != (b.feats.negations > 0) and shared >= MIN_OVERLAP_NEGATION
    return negated or bool(ft.antonym_pair(a.feats, b.feats) or ft.number_conflict(a.feats, b.feats))


def candidate_pairs(new_chunks: Sequence[tuple[list[Item], list[list[Item]]]]) -> list[tuple[Item, Item]]:
    """Pairs (new sentence, neighbour sentence) worth embedding, from each chunk and its neighbour chunks."""
    seen: set[tuple[tuple[str, int], tuple[str, int]]] = set()
    out: list[tuple[Item, Item]] = []
    for mine, neighbours in new_chunks:
        for theirs in neighbours:
            for a in mine:
                for b in theirs:
                    key = (min(a.key, b.key), max(a.key, b.key))
                    if a.source_id != b.source_id and key not in seen and _eligible(a, b):
                        seen.add(key)
                        out.append((a, b))
    return out


def _sourcing(other: Item) -> bool:
    """Whether the attribution only names where a figure comes from ("according to the survey")."""
    return any(s in other.cue.lower() for s in _SOURCING) or bool(
        re.search(rf"\b(?:{_RECORD_AGENT})\s+(?:\w+\s+)?{re.escape(other.cue)}\b", other.text, re.I))


def _attribution(asserted: Item, other: Item, cos: float, same_claim: bool = False) -> Finding | None:
    if not same_claim and cos < (T_SOURCED if _sourcing(other) else T_ATTRIBUTED):
        return None
    how = "hedges" if other.mode == "hedged" else "attributes"
    cue = f" (“{other.cue}”)" if other.cue and other.cue != "quote" else ""
    detail = f"{other.title} {how} the same claim{cue} instead of stating it as fact."
    return Finding(asserted, other, "attributed-elsewhere", detail, cos)


def _surface_conflict(a: Item, b: Item) -> str | None:
    """What would make the pair a contradiction if both sentences made the same claim."""
    if conflict := ft.number_conflict(a.feats, b.feats):
        return f"conflicting figures, {conflict}"
    if pair := ft.antonym_pair(a.feats, b.feats):
        return f"opposite outcomes, “{pair[0]}” against “{pair[1]}”"
    if (a.feats.negations > 0) != (b.feats.negations > 0) and _same_clause(a, b):
        return "one negates the other"
    return None


def _contradiction(a: Item, b: Item, cos: float) -> str | None:
    if cos >= T_NUMBERS and (conflict := ft.number_conflict(a.feats, b.feats)):
        return f"conflicting figures, {conflict}"
    if cos >= T_MEASURES and (conflict := ft.number_conflict(a.feats, b.feats, specific_only=True)):
        return f"conflicting figures, {conflict}"
    pair = ft.antonym_pair(a.feats, b.feats)
    if pair and (cos >= T_ANTONYM or (cos >= T_ALIGNED and ft.aligned_overlap(a.feats, b.feats, *pair) >= 0.99)):
        return f"opposite outcomes, “{pair[0]}” against “{pair[1]}”"
    negated = (a.feats.negations > 0) != (b.feats.negations > 0)
    if cos >= T_NEGATION and negated and ft.overlap(a.feats, b.feats) >= MIN_OVERLAP_NEGATION and _same_clause(a, b):
        return "one negates the other"
    return None


def _same_clause(a: Item, b: Item) -> bool:
    """Whether the negation is about what the other sentence says (its clause shares the other's words)."""
    neg, other = (a, b) if a.feats.negations else (b, a)
    clause = ft.negated_clause(neg.core)
    return clause is None or ft.overlap(clause, other.feats) >= MIN_OVERLAP_NEGATION


def judge_pair(a: Item, b: Item, cos: float) -> list[Finding]:
    """The findings one sentence pair yields, on whichever side is asserted."""
    if a.meta or b.meta:
        target, other = (b, a) if a.meta else (a, b)
        if target.mode != "asserted" or target.meta or cos < T_DISPUTED:
            return []
        detail = f"{other.title} treats this as disputed or open (“{other.text.strip()}”), not as fact."
        return [Finding(target, other, "disputed-elsewhere", detail, cos)]
    conflict = _contradiction(a, b, cos)
    if conflict:
        return _contradicted(a, b, conflict, cos)
    for target, other in ((a, b), (b, a)):
        if target.mode == "asserted" and other.mode in ("attributed", "hedged", "quotation"):
            f = _attribution(target, other, cos)
            return [f] if f else []
    return []


def _contradicted(a: Item, b: Item, conflict: str, cos: float) -> list[Finding]:
    found = []
    for target, other in ((a, b), (b, a)):
        if target.mode == "asserted":
            how = "" if other.mode == "asserted" else f" ({other.mode})"
            detail = f"{other.title} states the opposite{how}: {conflict}."
            found.append(Finding(target, other, "contradicted", detail, cos))
    return found


def _second_reading(a: Item, b: Item, cos: float) -> bool:
    """Whether a pair the rules turned down would yield a signal if both sentences made the same claim."""
    if cos < T_MODEL_COSINE or a.meta or b.meta:
        return False
    if a.mode == b.mode == "asserted":
        return _surface_conflict(a, b) is not None
    return "attributed" in (a.mode, b.mode)


def _same_claim(a: Item, b: Item, cos: float) -> list[Finding]:
    """The findings of a pair that the same-claim model read as one claim."""
    if a.mode == b.mode == "asserted":
        conflict = _surface_conflict(a, b)
        return _contradicted(a, b, f"{conflict} (read together, the two make the same claim)", cos) if conflict else []
    target, other = (a, b) if a.mode == "asserted" else (b, a)
    f = _attribution(target, other, cos, same_claim=True)
    return [f] if f else []


def judge_pairs(pairs: Iterable[tuple[Item, Item]], vectors: dict[tuple[str, int], Any],
                same_claim: Callable[[Sequence[tuple[str, str]]], npt.NDArray[np.float32]] | None = None,
                ) -> list[Finding]:
    """Findings of all pairs, keeping the best one per (target sentence, kind, evidence source).

    Pairs the rules turn down but `_second_reading` admits are scored in one batch by `same_claim`
    (P(same claim) per text pair; None skips them).

    A statement that a matter is disputed names one claim, so in each source it marks only the sentence
    closest to it, not every sentence on the same topic.
    """
    best: dict[tuple[str, int, str, str], Finding] = {}

    def keep(found: list[Finding]) -> None:
        for f in found:
            k = (*f.target.key, f.kind, f.evidence.source_id)
            if k not in best or best[k].score < f.score:
                best[k] = f

    second: list[tuple[Item, Item, float]] = []
    for a, b in pairs:
        va, vb = vectors.get(a.key), vectors.get(b.key)
        if va is None or vb is None:
            continue
        cos = float(np.dot(va, vb))
        found = judge_pair(a, b, cos)
        log.debug("pair %.3f %s | %s | %s", cos, [f.kind for f in found], a.text, b.text)
        if not found and same_claim is not None and _second_reading(a, b, cos):
            second.append((a, b, cos))
        keep(found)
    if second and same_claim is not None:
        scores = same_claim([(a.text, b.text) for a, b, _ in second])
        for (a, b, cos), p in zip(second, scores, strict=True):
            log.debug("same-claim %.3f | %s | %s", p, a.text, b.text)
            if p >= T_SAME_CLAIM:
                keep(_same_claim(a, b, cos))
    closest: dict[tuple[tuple[str, int], str], Finding] = {}
    for f in best.values():
        if f.kind == "disputed-elsewhere":
            k2 = (f.evidence.key, f.target.source_id)
            if k2 not in closest or closest[k2].score < f.score:
                closest[k2] = f
    return [f for f in best.values()
            if f.kind != "disputed-elsewhere" or closest[(f.evidence.key, f.target.source_id)] is f]
