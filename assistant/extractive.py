"""Offline answers: the retrieved sentences that best answer the question, cited, attributed, contrasted."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.claims import features as ft
from assistant.compose import NO_ANSWER, clean, compose
from assistant.evidence import Candidate, Evidence, Vectors, embed
from assistant.library import Library
from assistant.textmatch import (
    answer_type_missing,
    jaccard,
    negated,
    terms,
    words,
)
from assistant.types import Answer

# Relevance, calibrated with benchmarks/answer_calibration.py (SciFact test claims against off-topic
# questions): the best passage's cosine is >= 0.38 for 95% of answerable claims and <= 0.30 for every
# off-topic question; with these values 97% of claims are answered and no off-topic question is.
MIN_SIMILARITY = 0.40
MIN_SIMILARITY_WITH_TERMS = 0.28  # ... when most of the question's content words occur in the sentence
MIN_TERM_COVERAGE = 0.5
MIN_PASSAGE_SIMILARITY = 0.35  # a passage this close to the question (cosine, dense search) is on topic ...
MIN_IN_PASSAGE = 0.25  # ... and then a sentence of it this close answers
MARGIN = 0.08  # a sentence is kept only if it scores within this of the best one (no padding)
MAX_SENTENCES = 3
MAX_PER_SOURCE = 2
NEAR_DUPLICATE = 0.92
SAME_TOPIC = 0.55  # sentence-to-sentence cosine above which two sentences talk about the same thing
SAME_STATEMENT = 0.6  # ... above which differing figures or opposite words are a disagreement, not two facts
RIVAL_MARGIN = 0.25  # a sentence that contradicts a chosen one is shown if it scores within this of the best
SHORTLIST = 4  # sentences embedded per question (embedding is most of the cost of an offline answer)
SHORTLIST_PER_PASSAGE = 2
FOLLOW_UP_OWN = 0.6  # weight of a follow-up's own words against the condensed query


@dataclass(frozen=True)
class Scored:
    cand: Candidate
    row: int  # row in the candidate embedding matrix
    similarity: float
    lexical: float
    fits: bool = True  # states the kind of thing asked for ("how many" -> a number, "when" -> a time)
    typed: bool = False  # the question asks for a number or a time

    @property
    def score(self) -> float:
        s = 0.75 * self.similarity + 0.25 * self.lexical
        if len(words(self.cand.text)) < 5 or self.cand.mode == "question":
            s -= 0.15  # fragments and questions do not answer anything
        elif self.cand.text.rstrip("\"'”’)]")[-1:] not in (".", "!", "…"):
            s -= 0.1  # a heading or list item rather than a statement
        return s

    @property
    def relevant(self) -> bool:
        """On the question: on its own, or as a sentence of a passage that is (a cheaper, surer signal:
        the chunk's similarity from the dense search separates answerable from off-topic questions)."""
        if self.cand.mode == "question" or not self.fits:
            return False
        if self.similarity >= MIN_SIMILARITY:
            return True
        if self.similarity >= MIN_SIMILARITY_WITH_TERMS and self.lexical >= MIN_TERM_COVERAGE:
            return True
        if self.typed:  # any on-topic sentence has some number in it: the sentence must be close itself
            return False
        passage = self.cand.passage.similarity
        return passage is not None and passage >= MIN_PASSAGE_SIMILARITY and self.similarity >= MIN_IN_PASSAGE


def term_weights(qterms: Iterable[str], cands: Sequence[Candidate]) -> dict[str, float]:
    """IDF of the question's words among the retrieved sentences: a word most of them share ("council"
    in a library about a council) says little about which sentence answers."""
    wanted = set(qterms)
    df = Counter(t for c in cands for t in wanted & c.terms)
    return {t: math.log((len(cands) + 1) / (df[t] + 0.5)) for t in wanted}


def weighted_coverage(weights: dict[str, float], have: frozenset[str]) -> float:
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in have) / total if total > 0 else 0.0


def shortlist(
    cands: Sequence[Candidate], weights: dict[str, float], question: str = "", n: int | None = None
) -> list[Candidate]:
    """The `n` sentences worth embedding: by the question's words they contain and their passage's
    similarity and rank (embedding every sentence of every passage is the cost of an offline answer)."""
    n = SHORTLIST if n is None else n
    if len(cands) <= n:
        return list(cands)

    def prior(c: Candidate) -> float:
        sim = c.passage.similarity if c.passage.similarity is not None else 0.0
        fits = 0.0 if answer_type_missing(question, c.text) else 0.5
        return weighted_coverage(weights, c.terms) + 0.5 * sim + 0.1 / (1 + c.passage_index) + fits

    keep: set[int] = set()
    per_passage: Counter[int] = Counter()
    for i in sorted(range(len(cands)), key=lambda i: -prior(cands[i])):
        if per_passage[cands[i].passage_index] < SHORTLIST_PER_PASSAGE:
            keep.add(i)
            per_passage[cands[i].passage_index] += 1
            if len(keep) == n:
                break
    return [c for i, c in enumerate(cands) if i in keep]


def score(
    library: Library, question: str, query: str, cands: Sequence[Candidate]
) -> tuple[list[Scored], Vectors]:
    """Each candidate's similarity and (IDF-weighted) coverage of the question's words, best first.

    `query` is the condensed question. For a follow-up, sentences are scored mostly against the
    question's own words (what is asked now) and partly against the condensed query (the topic), so
    the previous answer is not simply repeated; a question with under two content words is all topic.
    """
    own = terms(question)
    qterms = own if len(set(own)) >= 2 else terms(query)
    cands = [c for c in cands if clean(c.text).lower() != clean(c.passage.title).lower()]
    weights = term_weights(qterms, cands)
    cands = shortlist(cands, term_weights(set(qterms) | set(terms(query)), cands), question)
    if not cands:
        return [], np.zeros((0, 0), dtype=np.float32)
    vectors = embed(library, [question, query, *(c.text for c in cands)])
    sims = vectors[2:] @ vectors[0]
    if query != question:
        topic = vectors[2:] @ vectors[1]
        sims = FOLLOW_UP_OWN * sims + (1 - FOLLOW_UP_OWN) * topic if len(set(own)) >= 2 else topic
    typed = answer_type_missing(question, "")
    scored = [Scored(c, i, float(sims[i]), weighted_coverage(weights, c.terms),
                     fits=not answer_type_missing(question, c.text), typed=typed) for i, c in enumerate(cands)]
    scored.sort(key=lambda s: -s.score)
    return scored, vectors[2:]


def conflicting(a: Scored, b: Scored, vectors: Vectors) -> bool:
    """Two sentences of different sources on the same topic that disagree: a "contradicted" flag links
    them, or their figures conflict, or they use opposite words (rose/fell), or one negates the other."""
    if a.cand.source_id == b.cand.source_id:
        return False
    for x, y in ((a, b), (b, a)):
        if x.cand.flag and any(
            r.kind == "contradicted" and any(e.source_id == y.cand.source_id and e.quote in y.cand.text
                                              for e in r.evidence)
            for r in x.cand.flag.reasons
        ):
            return True
    sim = float(vectors[a.row] @ vectors[b.row])
    overlap = jaccard(a.cand.terms, b.cand.terms)
    if sim < SAME_TOPIC and overlap < 0.3:
        return False
    fa, fb = ft.features(a.cand.text), ft.features(b.cand.text)  # the claims package's contradiction cues
    if sim >= SAME_STATEMENT and (ft.number_conflict(fa, fb) or ft.antonym_pair(fa, fb)):
        return True
    return negated(a.cand.text) != negated(b.cand.text) and (sim >= 0.7 or overlap >= 0.45)


def select(scored: Sequence[Scored], vectors: Vectors) -> list[list[Scored]]:
    """Groups to present, best first: single sentences, or pairs of sources that disagree."""
    if not scored or not scored[0].relevant:
        return []
    best = scored[0].score
    chosen: list[Scored] = []
    per_source: Counter[str] = Counter()
    for s in scored:
        if len(chosen) >= MAX_SENTENCES or s.score < best - MARGIN:
            break
        if not s.relevant or per_source[s.cand.source_id] >= MAX_PER_SOURCE:
            continue
        if any(float(vectors[s.row] @ vectors[c.row]) >= NEAR_DUPLICATE for c in chosen):
            continue
        chosen.append(s)
        per_source[s.cand.source_id] += 1
    contenders = [s for s in scored if s.relevant and s.score >= best - RIVAL_MARGIN]
    groups: list[list[Scored]] = []
    used: set[tuple[str, int]] = set()
    for s in chosen:
        if s.cand.key in used:
            continue
        used.add(s.cand.key)
        rival = next((o for o in contenders if o.cand.key not in used and conflicting(s, o, vectors)), None)
        if rival is not None:
            used.add(rival.cand.key)
            groups.append([s, rival])
        else:
            groups.append([s])
    return groups


def extractive_answer(
    library: Library, question: str, query: str, evidence: Evidence, notice: str | None = None
) -> Answer:
    """Answer `question` from the sentences of `evidence`, scored against `query` (the condensed question)."""
    scored, vectors = score(library, question, query, evidence.unique)
    groups = select(scored, vectors)
    if not groups:
        return Answer(question=question, answer=NO_ANSWER, mode="extractive", notice=notice)
    text, citations, flags = compose([[s.cand for s in g] for g in groups], evidence)
    return Answer(question=question, answer=text, mode="extractive", citations=citations, flags=flags,
                  notice=notice)
