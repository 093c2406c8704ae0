"""Vector-index access for claim analysis: neighbour chunks of other sources, and cached sentence vectors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from assistant.claims.crosssource import Item
from assistant.library import Library
from assistant.types import Chunk
from assistant.vectors import VectorIndex

Vector = npt.NDArray[np.float32]


def stored_vectors(index: VectorIndex, ids: Sequence[str]) -> dict[str, Vector]:
    """Vectors already in a collection, by id (ids not stored are left out)."""
    if not ids:
        return {}
    return {vid: np.asarray(emb, dtype=np.float32) for vid, emb in index.get_embeddings(ids).items()}


def chunk_neighbours(
    library: Library, chunks: Sequence[Chunk], k: int, batch_versions: Mapping[str, str]
) -> list[list[tuple[str, int, int]]]:
    """For each chunk, (source_id, start, end) of its nearest visible chunks from other sources.

    A neighbour is visible when its source is in the batch being committed (same version) or its chunk
    is committed in the catalog; vectors of failed or replaced versions are skipped.
    """
    if not chunks:
        return []
    vectors = stored_vectors(library.chunks, [c.chunk_id for c in chunks])
    known = [c for c in chunks if c.chunk_id in vectors]
    own: dict[str, int] = {}
    for c in chunks:
        own[c.source_id] = own.get(c.source_id, 0) + 1
    depth = min(k + max(own.values()), 64)
    hits = library.chunks.query_many([vectors[c.chunk_id].tolist() for c in known], depth) if known else []
    committed = library.catalog.chunks([h.id for row in hits for h in row
                                        if h.metadata.get("source_id") not in batch_versions])
    by_chunk: dict[str, list[tuple[str, int, int]]] = {}
    for c, row in zip(known, hits, strict=True):
        found: list[tuple[str, int, int]] = []
        for h in row:
            sid = str(h.metadata.get("source_id", ""))
            if sid == c.source_id:
                continue
            if sid in batch_versions:
                if h.metadata.get("version") != batch_versions[sid]:
                    continue
            elif h.id not in committed:
                continue
            found.append((sid, int(h.metadata.get("start", 0)), int(h.metadata.get("end", 0))))
            if len(found) >= k:
                break
        by_chunk[c.chunk_id] = found
    return [by_chunk.get(c.chunk_id, []) for c in chunks]


class SentenceVectors:
    """MiniLM vectors of sentence claims, computed on demand and cached in `library.sentences`."""

    def __init__(self, library: Library) -> None:
        self._index = library.sentences

    def get(self, items: Sequence[Item]) -> dict[tuple[str, int], Vector]:
        if not items:
            return {}
        stored = stored_vectors(self._index, [it.vector_id for it in items])
        out = {it.key: stored[it.vector_id] for it in items if it.vector_id in stored}
        missing = [it for it in items if it.vector_id not in stored]
        if missing:
            embedded = np.asarray(self._index.embed([it.core for it in missing]), dtype=np.float32)
            self._index.upsert(
                [it.vector_id for it in missing],
                [{"source_id": it.source_id, "version": it.version, "idx": it.idx, "mode": it.mode} for it in missing],
                embedded.tolist(),
            )
            out.update({it.key: v for it, v in zip(missing, embedded, strict=True)})
        return out
