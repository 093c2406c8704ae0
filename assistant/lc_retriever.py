"""CandorRetriever: Candor's hybrid retrieval as a langchain-core BaseRetriever, for users' own chains."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from assistant.retrieval import DEFAULT_CANDIDATES, DEFAULT_FUSION, DEFAULT_PER_SOURCE, Fusion, retrieve
from assistant.types import Filters, Passage


def passage_document(passage: Passage, rank: int) -> Document:
    """A Document whose page_content is the chunk text, with offsets and source metadata."""
    chunk = passage.chunk
    metadata: dict[str, Any] = {
        "source_id": chunk.source_id, "chunk_id": chunk.chunk_id, "chunk_index": chunk.index,
        "start": chunk.start, "end": chunk.end, "title": passage.title, "path": passage.path,
        "url": passage.url, "publisher": passage.publisher, "source_type": passage.source_type,
        "date": passage.date, "score": passage.score, "similarity": passage.similarity,
        "lexical_score": passage.lexical_score, "rank": rank,
    }
    return Document(page_content=chunk.text, metadata=metadata, id=chunk.chunk_id)


class CandorRetriever(BaseRetriever):
    """Hybrid (dense + lexical, source-diversified) retrieval over a Candor library.

    ```python
    retriever = CandorRetriever(library=library, k=4, filters=Filters(source_types=("news report",)))
    docs = retriever.invoke("Did NATO agree a 5% target?")
    ```
    `metadata["start"]:metadata["end"]` index the source's stored text (`page_content` is that slice).
    """

    library: Any
    k: int = 6
    filters: Filters | None = None
    candidates: int = DEFAULT_CANDIDATES
    per_source: int | None = DEFAULT_PER_SOURCE
    fusion: Fusion = DEFAULT_FUSION

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        passages = retrieve(
            self.library, query, self.k, self.filters,
            candidates=self.candidates, fusion=self.fusion, per_source=self.per_source,
        )
        return [passage_document(p, rank) for rank, p in enumerate(passages, start=1)]
