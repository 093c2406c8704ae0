"""Hybrid retrieval: dense (Chroma) and lexical (FTS5) ranks fused by weighted RRF, diversified by source."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from assistant.library import Library
from assistant.types import Chunk, Filters, Passage

Arm = Literal["dense", "lexical"]
ARMS: tuple[Arm, ...] = ("dense", "lexical")
Ranked = list[tuple[str, float]]  # (chunk_id or source_id, score), best first

# An SQL `IN (...)` list longer than this would approach SQLite's bound-variable limit; beyond it the
# lexical arm searches unfiltered (deeper) and drops disallowed sources afterwards.
_MAX_SQL_IDS = 20_000


@dataclass(frozen=True)
class Fusion:
    """Weighted reciprocal rank fusion: a chunk scores sum over arms of weight / (rrf_k + rank)."""

    rrf_k: float = 60.0
    dense: float = 1.0
    lexical: float = 1.0

    def weight(self, arm: Arm) -> float:
        return self.dense if arm == "dense" else self.lexical


# Tuned on SciFact *train* queries (qrels/train.tsv), never on test: benchmarks/scifact_retrieval.py --tune.
# Train nDCG@10 0.727 (depth 300; 0.723 at depth 50) vs 0.715 for the textbook rrf_k=60, equal weights.
DEFAULT_FUSION = Fusion(rrf_k=10.0, dense=0.85, lexical=1.0)
DEFAULT_CANDIDATES = 50  # per arm
DEFAULT_PER_SOURCE = 2  # chunks of one source in the top k, unless too few sources match


@dataclass(frozen=True)
class Candidates:
    """Each arm's visible candidates, best first, and the chunks they point to."""

    lists: dict[Arm, Ranked]
    chunks: dict[str, Chunk]

    def arm_scores(self, arm: Arm) -> dict[str, float]:
        return dict(self.lists.get(arm, []))


def _filtering(filters: Filters | None) -> bool:
    return filters is not None and any(
        v is not None for v in (filters.source_ids, filters.source_types, filters.date_from, filters.date_to)
    )


def allowed_sources(library: Library, filters: Filters | None) -> list[str] | None:
    """The committed sources the filters admit (None: no constraint), resolved from the catalog."""
    if filters is None or not _filtering(filters):
        return None
    return library.catalog.source_ids_where(
        filters.source_ids, filters.source_types, filters.date_from, filters.date_to
    )


def chroma_where(filters: Filters | None, allowed: Sequence[str] | None) -> dict[str, Any] | None:
    """A Chroma `where` for the filters. Chroma compares only numbers, so dates go in as resolved ids."""
    if filters is None or not _filtering(filters):
        return None
    clauses: list[dict[str, Any]] = []
    if filters.date_from or filters.date_to:
        clauses.append({"source_id": {"$in": list(allowed or [])}})
    elif filters.source_ids is not None:
        clauses.append({"source_id": {"$in": list(filters.source_ids)}})
    if filters.source_types is not None:
        clauses.append({"source_type": {"$in": list(filters.source_types)}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def _lexical(library: Library, query: str, n: int, allowed: Sequence[str] | None) -> Ranked:
    if allowed is None or len(allowed) <= _MAX_SQL_IDS:
        return library.catalog.lexical_search(query, n, allowed)
    hits = library.catalog.lexical_search(query, n * 5)
    chunks = library.catalog.chunks([cid for cid, _ in hits])
    keep = set(allowed)
    return [(cid, s) for cid, s in hits if cid in chunks and chunks[cid].source_id in keep][:n]


def search(
    library: Library,
    query: str,
    n: int = DEFAULT_CANDIDATES,
    filters: Filters | None = None,
    arms: Iterable[Arm] = ARMS,
) -> Candidates:
    """Up to `n` candidates per arm. Chunks not committed in the catalog (mid-ingest, stale) are dropped."""
    arms = tuple(arms)
    allowed = allowed_sources(library, filters)
    if not query.strip() or n <= 0 or allowed == []:
        return Candidates({}, {})
    lists: dict[Arm, Ranked] = {}
    if "dense" in arms and library.chunks.count() > 0:
        embedding = library.chunks.embed([query])[0]
        hits = library.chunks.query(embedding, n, where=chroma_where(filters, allowed))
        lists["dense"] = [(h.id, 1.0 - h.distance) for h in hits]
    if "lexical" in arms:
        lists["lexical"] = _lexical(library, query, n, allowed)  # [] for a query of stopwords only
    ids = list(dict.fromkeys(cid for ranked in lists.values() for cid, _ in ranked))
    chunks = library.catalog.chunks(ids)
    visible = {arm: [(cid, s) for cid, s in ranked if cid in chunks] for arm, ranked in lists.items()}
    return Candidates(visible, chunks)


def fuse(lists: Mapping[Arm, Sequence[tuple[str, float]]], fusion: Fusion = DEFAULT_FUSION) -> Ranked:
    """Weighted RRF over the arms' rankings; ties go to the better single-arm rank, then the id."""
    scores: dict[str, float] = {}
    best: dict[str, int] = {}
    for arm, ranked in lists.items():
        weight = fusion.weight(arm)
        for rank, (cid, _) in enumerate(ranked, start=1):
            scores[cid] = scores.get(cid, 0.0) + weight / (fusion.rrf_k + rank)
            best[cid] = min(best.get(cid, rank), rank)
    return sorted(scores.items(), key=lambda kv: (-kv[1], best[kv[0]], kv[0]))


def diversify(
    ranked: Sequence[tuple[str, float]], source_of: Mapping[str, str], k: int, per_source: int | None
) -> Ranked:
    """The top `k` with at most `per_source` chunks of any one source; when too few sources fill the
    `k` slots, the best of the held-back chunks fill the rest. Order stays best first."""
    if per_source is None:
        return list(ranked[:k])
    counts: Counter[str] = Counter()
    picked: Ranked = []
    held: Ranked = []
    for cid, score in ranked:
        if len(picked) == k:
            break
        source = source_of[cid]
        if counts[source] < per_source:
            counts[source] += 1
            picked.append((cid, score))
        else:
            held.append((cid, score))
    chosen = picked + held[: max(0, k - len(picked))]
    order = {cid: i for i, (cid, _) in enumerate(ranked)}
    return sorted(chosen, key=lambda kv: order[kv[0]])


def _passages(library: Library, chosen: Ranked, found: Candidates) -> list[Passage]:
    chunks = [found.chunks[cid] for cid, _ in chosen]
    headers = library.catalog.source_headers(list(dict.fromkeys(c.source_id for c in chunks)))
    dense, lexical = found.arm_scores("dense"), found.arm_scores("lexical")
    out: list[Passage] = []
    for chunk, (cid, score) in zip(chunks, chosen, strict=True):
        h = headers.get(chunk.source_id)
        if h is None:  # removed between the two reads
            continue
        out.append(Passage(
            chunk=chunk, title=h["title"], path=h["path"], url=h["url"], publisher=h["publisher"] or "",
            source_type=h["source_type"] or "", date=h["date"], score=score,
            similarity=dense.get(cid), lexical_score=lexical.get(cid),
        ))
    return out


def retrieve(
    library: Library,
    query: str,
    k: int = 6,
    filters: Filters | None = None,
    *,
    candidates: int = DEFAULT_CANDIDATES,
    arms: Iterable[Arm] = ARMS,
    fusion: Fusion = DEFAULT_FUSION,
    per_source: int | None = DEFAULT_PER_SOURCE,
) -> list[Passage]:
    """The `k` best passages for `query`, best first, each with its source's metadata.

    Dense and lexical arms each return up to `candidates` visible chunks matching `filters`; their ranks
    are fused (`fusion`), then at most `per_source` chunks of one source are kept in the top `k` unless
    fewer sources match. `Passage.score` is the fused score (rank-based: compare within one result only);
    `similarity` is the cosine similarity to the query when the dense arm found the chunk.
    """
    if k <= 0:
        return []
    found = search(library, query, max(candidates, k), filters, arms)
    ranked = fuse(found.lists, fusion)
    chosen = diversify(ranked, {cid: c.source_id for cid, c in found.chunks.items()}, k, per_source)
    return _passages(library, chosen, found)


def best_per_source(ranked: Sequence[tuple[str, float]], chunks: Mapping[str, Chunk], k: int) -> Ranked:
    """Sources in the order of their best chunk, scored by it (document-level ranking)."""
    out: dict[str, float] = {}
    for cid, score in ranked:
        out.setdefault(chunks[cid].source_id, score)
        if len(out) == k:
            break
    return list(out.items())


def rank_sources(
    library: Library,
    query: str,
    k: int = 100,
    filters: Filters | None = None,
    *,
    candidates: int = 300,
    arms: Iterable[Arm] = ARMS,
    fusion: Fusion = DEFAULT_FUSION,
) -> Ranked:
    """The `k` best sources for `query` as (source_id, score), each scored by its best fused chunk.

    Sources have several chunks, so each arm fetches `candidates` chunks (about 3 per wanted source)."""
    found = search(library, query, max(candidates, k), filters, arms)
    return best_per_source(fuse(found.lists, fusion), found.chunks, k)
