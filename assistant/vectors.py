"""Chroma access: an embedded PersistentClient under the store, or a Chroma server when configured."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.settings import Settings

BATCH = 1000  # rows per Chroma write, well under its max batch size


@dataclass(frozen=True)
class Hit:
    id: str
    distance: float
    metadata: dict[str, Any]


def open_client(settings: Settings) -> Any:
    """The Chroma client the settings ask for. Telemetry is off; nothing is downloaded."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
    path = settings.store / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


class VectorIndex:
    """One Chroma collection of embedded texts, always opened with our offline embedding function.

    It holds vectors and metadata only: the catalog keeps the one copy of every text. Storing texts as
    Chroma documents too made Chroma maintain its own full-text index of them, about half of its write
    time at ingest, for a search Candor's lexical index already does.
    """

    def __init__(self, client: Any, name: str, embedder: Any) -> None:
        self._embedder = embedder
        self._collection = client.get_or_create_collection(
            name=name, embedding_function=embedder, configuration={"hnsw": {"space": "cosine"}}
        )

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        return [list(map(float, v)) for v in self._embedder(list(texts))] if texts else []

    def upsert(
        self, ids: Sequence[str], metadatas: Sequence[dict[str, Any]], embeddings: Sequence[Sequence[float]]
    ) -> None:
        """Write vectors (from `embed`) with their metadata; ids already stored are replaced."""
        vectors = list(embeddings)
        for i in range(0, len(ids), BATCH):
            self._collection.upsert(
                ids=list(ids[i : i + BATCH]),
                metadatas=list(metadatas[i : i + BATCH]),
                embeddings=vectors[i : i + BATCH],
            )

    def delete_source(self, source_id: str) -> None:
        """Delete every vector of a source."""
        self._collection.delete(where={"source_id": source_id})

    def delete_stale(self, versions: Mapping[str, str]) -> None:
        """Delete vectors of the given sources whose version is not the one given.

        One `$in` lookup of the sources' vectors, then a delete by id: a filter of one clause per source
        (`$or` of `$and`s) took Chroma 40 times longer on 12,000 vectors, and longer as the collection grows.
        """
        source_ids = list(versions)
        for i in range(0, len(source_ids), BATCH):
            found = self._collection.get(where={"source_id": {"$in": source_ids[i : i + BATCH]}}, include=["metadatas"])
            stale = [
                vid for vid, meta in zip(found["ids"], found["metadatas"], strict=True)
                if meta and meta.get("version") != versions.get(str(meta.get("source_id")))
            ]
            for j in range(0, len(stale), BATCH):
                self._collection.delete(ids=stale[j : j + BATCH])

    def query(self, embedding: Sequence[float], k: int, where: dict[str, Any] | None = None) -> list[Hit]:
        return self.query_many([embedding], k, where)[0]

    def query_many(
        self, embeddings: Sequence[Sequence[float]], k: int, where: dict[str, Any] | None = None
    ) -> list[list[Hit]]:
        count = self._collection.count()
        if count == 0 or not embeddings:
            return [[] for _ in embeddings]
        res = self._collection.query(
            query_embeddings=[list(e) for e in embeddings],
            n_results=min(k, count),
            where=where or None,
            include=["distances", "metadatas"],
        )
        return [
            [Hit(id=i, distance=float(d), metadata=dict(m or {})) for i, d, m in zip(ids, ds, ms, strict=True)]
            for ids, ds, ms in zip(res["ids"], res["distances"], res["metadatas"], strict=True)
        ]

    def get_embeddings(self, ids: Sequence[str]) -> dict[str, list[float]]:
        """Stored vectors by id; ids not stored are left out."""
        out: dict[str, list[float]] = {}
        for i in range(0, len(ids), BATCH):
            res = self._collection.get(ids=list(ids[i : i + BATCH]), include=["embeddings"])
            out.update({vid: list(map(float, emb)) for vid, emb in zip(res["ids"], res["embeddings"], strict=True)})
        return out

    def count(self) -> int:
        return int(self._collection.count())
