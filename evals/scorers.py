"""Deterministic scorers: answer facts, gold sources, ALCE-style citation precision/recall, latency."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.types import Answer

SUPPORT_THRESHOLD = 0.7  # share of a sentence's content words a quote must contain to support it
_MARKER = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
_SENTENCE_END = re.compile(r"(?<=[.!?])([\"”’)]?(?:\s*\[\d+(?:\s*,\s*\d+)*\])*)\s+(?=[A-Z0-9\"“‘*(\[])|\n+")
_ACCORDING = re.compile(r"^\s*according to (?:\*[^*\n]+\*(?:\s*\([^)\n]*\))?|[^,]+),\s*", re.IGNORECASE)
_LABEL = re.compile(r"\*[^*\n]+\*(?:\s*\([^)\n]*\))?")
_CLAUSE = re.compile(r"(?<=\])\s*;\s+")
_WORD = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*%?")
_ATTRIBUTION = {"according", "asserts", "assert", "asserted", "argues", "argued", "claims", "claimed",
                "writes", "wrote", "says", "said", "states", "stated", "reports", "reported", "opinion",
                "site", "source", "sources", "disagree", "however", "meanwhile", "whereas", "while"}
_FOLD = str.maketrans("‘’“”–—\u00a0", "''\"\"-- ")
_STOP = """a an the and or but if of in on at to for from by with as is are was were be been being it its this
that these those there their they them he she his her we our you your i not no nor so than then too very can
could would should will shall may might must do does did has have had having into over under about after
before between during also which who whom whose what when where why how all any both each more most other
some such only own same just"""
STOPWORDS = frozenset(_STOP.split())


def normalise(text: str) -> str:
    """Lower case, NFKC, typographic quotes/dashes folded, whitespace collapsed: for fact matching."""
    text = unicodedata.normalize("NFKC", text).lower()
    return " ".join(text.translate(_FOLD).split())


def fact_found(answer_text: str, fact: str | Sequence[str]) -> bool:
    """True when the fact (or any accepted alternative) occurs in the answer, case/whitespace-insensitive."""
    alternatives = [fact] if isinstance(fact, str) else list(fact)
    hay = normalise(_MARKER.sub(" ", answer_text))
    return any(normalise(a) in hay for a in alternatives)


def is_no_answer(answer: Answer) -> bool:
    """The assistant declined: it cites nothing (the plain "the library does not contain an answer")."""
    return not answer.citations


def is_gold(cited_path: str | None, gold: Sequence[str]) -> bool:
    """A cited source is gold when its path ends with one of the gold paths (relative to the repository)."""
    if not cited_path:
        return False
    cited = Path(cited_path).as_posix()
    return any(cited == g or cited.endswith("/" + g.lstrip("/")) for g in (Path(x).as_posix() for x in gold))


@dataclass
class QAItem:
    """One scored question."""

    id: str
    question: str
    answerable: bool
    declined: bool
    facts_found: int = 0
    facts_total: int = 0
    gold_cited: bool = False
    missing: list[str] = field(default_factory=list)
    cited_sources: list[str] = field(default_factory=list)
    latency_ms: float | None = None


def score_qa_item(record: Mapping[str, Any], answer: Answer, latency_ms: float | None = None) -> QAItem:
    answerable = bool(record.get("answerable", True))
    cited = sorted({c.path or c.source_id for c in answer.citations})
    item = QAItem(str(record.get("id", record["question"])), record["question"], answerable,
                  is_no_answer(answer), cited_sources=cited, latency_ms=latency_ms)
    for fact in record["facts"]:
        item.facts_total += 1
        if fact_found(answer.answer, fact):
            item.facts_found += 1
        else:
            item.missing.append(fact if isinstance(fact, str) else fact[0])
    item.gold_cited = any(is_gold(c.path, record["sources"]) for c in answer.citations)
    return item


def qa_metrics(items: Sequence[QAItem]) -> dict[str, float]:
    """fact_recall and gold_source_recall over answerable questions; no_answer_accuracy over the others."""
    answerable = [i for i in items if i.answerable]
    unanswerable = [i for i in items if not i.answerable]
    out: dict[str, float] = {}
    if answerable:
        out["fact_recall"] = sum(i.facts_found / i.facts_total for i in answerable) / len(answerable)
        out["gold_source_recall"] = sum(i.gold_cited for i in answerable) / len(answerable)
        out["answered_rate"] = sum(not i.declined for i in answerable) / len(answerable)
    if unanswerable:
        out["no_answer_accuracy"] = sum(i.declined for i in unanswerable) / len(unanswerable)
    return out


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (numpy's default), q in [0, 100]."""
    if not values:
        return math.nan
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def latency_metrics(latencies_ms: Sequence[float]) -> dict[str, float]:
    if not latencies_ms:
        return {}
    return {"latency_p50_ms": percentile(latencies_ms, 50), "latency_p95_ms": percentile(latencies_ms, 95),
            "latency_mean_ms": sum(latencies_ms) / len(latencies_ms)}


# --- citations (ALCE: Gao et al. 2023, "Enabling Large Language Models to Generate Text with Citations") ---

def content_words(text: str, drop: set[str] | frozenset[str] = frozenset()) -> set[str]:
    words = _WORD.findall(normalise(_MARKER.sub(" ", text)))
    kept = (w for w in words if w not in STOPWORDS and w not in drop and (len(w) > 1 or w.isdigit()))
    return {s for s in map(_stem, kept) if s not in drop}


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


Support = Callable[[str, Sequence[str]], bool]


def claim_text(sentence: str) -> str:
    """The claim of an answer sentence without its attribution frame: `[n]` markers, a leading "According to
    X," clause and italicised source labels with their "(publisher, type)" are removed."""
    text = _MARKER.sub(" ", sentence)
    text = _ACCORDING.sub("", text)
    return _LABEL.sub(" ", text)


def lexical_support(sentence: str, quotes: Sequence[str]) -> bool:
    """Entailment proxy: the quotes hold ≥ SUPPORT_THRESHOLD of the claim's content words and all its numbers.

    Reporting words ("says", "according", "sources disagree") are not part of a claim; they are not sought.
    """
    words = content_words(claim_text(sentence), _ATTRIBUTION)
    if not words:
        return False
    evidence = content_words(" ".join(quotes))
    numbers = {w for w in words if any(ch.isdigit() for ch in w)}
    if not numbers <= evidence:
        return False
    return len(words & evidence) / len(words) >= SUPPORT_THRESHOLD


def split_answer(text: str) -> list[str]:
    """Answer sentences, each keeping the `[n]` markers that follow it. Clauses joined by ";" that each end
    in their own markers ("Sources disagree: A says … [1]; B says … [2].") count as separate units."""
    parts = []
    last = 0
    for m in _SENTENCE_END.finditer(text):
        end = m.start() + len(m.group(1) or "")
        parts.append(text[last:end])
        last = m.end()
    parts.append(text[last:])
    return [c.strip() for p in parts for c in _CLAUSE.split(p) if c.strip()]


def is_claim(sentence: str) -> bool:
    """A sentence that states something (worth a citation), not a heading, label or connective line."""
    bare = _MARKER.sub("", sentence).strip()
    return len(content_words(bare)) >= 3 and not bare.endswith(":")


@dataclass
class CitationItem:
    """Citation scores of one answer."""

    id: str
    sentences: int = 0
    claims: int = 0
    claims_supported: int = 0
    citations: int = 0
    citations_precise: int = 0
    quotes: int = 0
    quotes_exact: int = 0
    problems: list[str] = field(default_factory=list)


def score_citations(
    qid: str,
    answer: Answer,
    source_texts: Mapping[str, str],
    support: Support = lexical_support,
) -> CitationItem:
    """ALCE citation recall/precision with a deterministic support check, plus quote exactness (hard check).

    recall: a claim sentence counts when it carries citations and their quotes together support it.
    precision: a citation counts when its quote alone supports its sentence, or when the sentence is
    supported by all its citations together but no longer without this one (ALCE's "irrelevant" test).
    """
    by_n = {c.n: c for c in answer.citations}
    item = CitationItem(qid)
    for c in answer.citations:
        item.quotes += 1
        text = source_texts.get(c.source_id)
        if text is not None and text[c.start:c.end] == c.quote:
            item.quotes_exact += 1
        else:
            item.problems.append(f"[{c.n}] quote is not the source text at {c.start}:{c.end}")
    if is_no_answer(answer):
        return item
    for sentence in split_answer(answer.answer):
        item.sentences += 1
        ns = [int(n) for m in _MARKER.finditer(sentence) for n in m.group(1).split(",")]
        cites = [by_n[n] for n in dict.fromkeys(ns) if n in by_n]
        quotes = [c.quote for c in cites]
        together = bool(cites) and support(sentence, quotes)
        if is_claim(sentence):
            item.claims += 1
            item.claims_supported += together
            if not together:
                item.problems.append(f"claim not supported by its citations: {sentence[:80]!r}")
        for c in cites:
            item.citations += 1
            alone = support(sentence, [c.quote])
            others = [q.quote for q in cites if q is not c]
            needed = together and not (others and support(sentence, others))
            if alone or needed:
                item.citations_precise += 1
            else:
                item.problems.append(f"[{c.n}] does not support {sentence[:60]!r}")
    return item


def citation_metrics(items: Sequence[CitationItem]) -> dict[str, float]:
    """Micro-averaged over all claim sentences / citations / quotes of the suite."""
    claims = sum(i.claims for i in items)
    cites = sum(i.citations for i in items)
    quotes = sum(i.quotes for i in items)
    out: dict[str, float] = {}
    if claims:
        out["citation_recall"] = sum(i.claims_supported for i in items) / claims
    if cites:
        out["citation_precision"] = sum(i.citations_precise for i in items) / cites
    if quotes:
        out["quote_exactness"] = sum(i.quotes_exact for i in items) / quotes
    answered = [i for i in items if i.quotes]
    if items:
        out["citations_per_answer"] = sum(i.quotes for i in answered) / max(len(answered), 1)
    return out
