"""Ranking metrics as pure functions: nDCG@k, recall@k and MRR (trec_eval conventions, linear gains)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence


def _dedupe(ranked: Iterable[str]) -> list[str]:
    """A ranking counts each item once, at its first position."""
    return list(dict.fromkeys(ranked))


def ndcg_at_k(ranked: Sequence[str], relevance: Mapping[str, float], k: int = 10) -> float:
    """Normalised discounted cumulative gain of the top `k` of `ranked` (gain = graded relevance).

    `relevance` maps judged items to grades; unjudged or grade <= 0 items gain nothing. A query with
    no relevant item scores 0.0.
    """
    if k <= 0:
        raise ValueError("k must be positive")
    gains = sorted((g for g in relevance.values() if g > 0), reverse=True)[:k]
    ideal = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    if ideal == 0:
        return 0.0
    top = _dedupe(ranked)[:k]
    dcg = sum(max(relevance.get(item, 0.0), 0.0) / math.log2(i + 2) for i, item in enumerate(top))
    return dcg / ideal


def recall_at_k(ranked: Sequence[str], relevance: Mapping[str, float], k: int = 100) -> float:
    """Share of the relevant items (grade > 0) found in the top `k`; 0.0 when nothing is relevant."""
    if k <= 0:
        raise ValueError("k must be positive")
    relevant = {item for item, g in relevance.items() if g > 0}
    if not relevant:
        return 0.0
    return len(relevant.intersection(_dedupe(ranked)[:k])) / len(relevant)


def mrr(ranked: Sequence[str], relevance: Mapping[str, float], k: int | None = None) -> float:
    """Reciprocal rank of the first relevant item (within the top `k` if given), else 0.0."""
    for i, item in enumerate(_dedupe(ranked)[:k] if k else _dedupe(ranked)):
        if relevance.get(item, 0.0) > 0:
            return 1.0 / (i + 1)
    return 0.0


def mean(values: Iterable[float]) -> float:
    """Arithmetic mean; 0.0 for no values."""
    items = list(values)
    return sum(items) / len(items) if items else 0.0
