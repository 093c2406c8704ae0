"""Hybrid retrieval: fusion, diversity, filters, visibility, edge cases, and the LangChain retriever."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from langchain_core.documents import Document
from langchain_core.runnables import RunnableLambda

from assistant.factory import make_embedder
from assistant.lc_retriever import CandorRetriever
from assistant.library import Library
from assistant.retrieval import Arm, Fusion, Ranked, diversify, fuse, rank_sources, retrieve, search
from assistant.settings import Settings
from assistant.types import Filters, Sentence, Source
from ingest.pipeline import Prepared, index_sources


class NoClaims:
    """A ClaimAnalyser that records no sentences and no reasons (retrieval does not need them)."""

    def segment(self, source: Source) -> list[Sentence]:
        return []

    def prepare(self, library: Library, batch: Sequence[Prepared]) -> Any:
        return None

    def apply(self, db: Any, library: Library, plan: Any) -> None:
        return None


def make_source(source_id: str, title: str, text: str, source_type: str = "news report",
                date: str | None = None) -> Source:
    return Source(source_id=source_id, text=text, title=title, path=f"/docs/{source_id}.md", publisher="Pub",
                  date=date, source_type=source_type, content_hash=hashlib.sha256(text.encode()).hexdigest())


def add(library: Library, *sources: Source) -> None:
    """Index sources with the pipeline's own commit (Chroma first, then the catalog transaction)."""
    report = index_sources(((s.path or s.source_id, s) for s in sources), library, NoClaims())
    assert not report.failures, report.summary()


NATO = make_source("nato", "NATO summit", " ".join([
    "NATO allies agreed to raise defence spending to five percent of GDP by 2035.",
    "The summit in The Hague lasted two days and the spending target dominated the talks.",
    "Spain said it would not meet the defence spending target and negotiated an exemption.",
    "Analysts said the spending target would strain national budgets across the alliance.",
    "The secretary general welcomed the defence spending agreement as historic for NATO.",
]), "news report", "2025-06-25")
OPINION = make_source("opinion", "Why the target is wrong", (
    "The NATO defence spending target is a mistake that rewards arms makers over citizens."
), "opinion", "2023-01-10")
WHALES = make_source("whales", "Whale migration", (
    "Humpback whales migrate thousands of kilometres between feeding and breeding grounds each year."
), "press release")


@pytest.fixture(scope="module")
def embedder() -> Any:
    return make_embedder(Settings(store=Path("unused")))


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Iterator[Library]:
    """A small shared library (read-only for the tests that use it); 40-token chunks give NATO several."""
    root = tmp_path_factory.mktemp("retrieval")
    settings = Settings.from_env(env={"HOME": str(root / "home")}, store=root / "store").with_(
        chunk_tokens=40, chunk_overlap=0
    )
    lib = Library(settings, embedder)
    add(lib, NATO, OPINION, WHALES)
    yield lib
    lib.close()


# --- fusion and diversity (pure) ------------------------------------------------------------------


def test_rrf_rewards_agreement_between_arms() -> None:
    lists: dict[Arm, Ranked] = {"dense": [("a", 0.9), ("b", 0.8), ("c", 0.7)],
                                "lexical": [("c", 9.0), ("a", 8.0), ("d", 7.0)]}
    ranked = fuse(lists, Fusion(rrf_k=60, dense=1.0, lexical=1.0))
    assert [cid for cid, _ in ranked] == ["a", "c", "b", "d"]
    assert ranked[0][1] == pytest.approx(1 / 61 + 1 / 62)


def test_fusion_weights_shift_the_order() -> None:
    lists: dict[Arm, Ranked] = {"dense": [("a", 0.9), ("c", 0.1)], "lexical": [("c", 9.0), ("a", 1.0)]}
    assert fuse(lists, Fusion(dense=1.0, lexical=3.0))[0][0] == "c"
    assert fuse(lists, Fusion(dense=3.0, lexical=1.0))[0][0] == "a"


def test_diversity_caps_chunks_per_source() -> None:
    ranked = [("a1", 5.0), ("a2", 4.0), ("a3", 3.0), ("b1", 2.0), ("c1", 1.0)]
    source_of = {"a1": "a", "a2": "a", "a3": "a", "b1": "b", "c1": "c"}
    assert [cid for cid, _ in diversify(ranked, source_of, 4, 2)] == ["a1", "a2", "b1", "c1"]
    assert [cid for cid, _ in diversify(ranked, source_of, 3, 1)] == ["a1", "b1", "c1"]
    assert [cid for cid, _ in diversify(ranked, source_of, 3, None)] == ["a1", "a2", "a3"]


def test_diversity_fills_slots_when_too_few_sources() -> None:
    ranked = [("a1", 5.0), ("a2", 4.0), ("a3", 3.0), ("b1", 2.0)]
    source_of = {"a1": "a", "a2": "a", "a3": "a", "b1": "b"}
    assert [cid for cid, _ in diversify(ranked, source_of, 4, 1)] == ["a1", "a2", "a3", "b1"]


# --- retrieval over a real store ------------------------------------------------------------------


def test_hybrid_retrieval_finds_and_diversifies(library: Library) -> None:
    passages = retrieve(library, "NATO defence spending target", k=4, per_source=2)
    assert len(passages) == 4
    assert sum(p.chunk.source_id == "nato" for p in passages) == 2  # NATO has 4+ matching chunks
    assert {p.chunk.source_id for p in passages} == {"nato", "opinion", "whales"}
    assert passages[0].chunk.source_id in {"nato", "opinion"}
    assert [p.score for p in passages] == sorted((p.score for p in passages), reverse=True)
    for p in passages:
        source = library.catalog.source(p.chunk.source_id)
        assert source is not None and source.text[p.chunk.start : p.chunk.end] == p.chunk.text
        assert p.title == source.title and p.source_type == source.source_type and p.date == source.date


def test_without_cap_one_source_fills_the_slots(library: Library) -> None:
    passages = retrieve(library, "defence spending target", k=3, per_source=None, arms=("lexical",))
    assert [p.chunk.source_id for p in passages].count("nato") >= 2


def test_both_arms_report_their_scores(library: Library) -> None:
    top = retrieve(library, "humpback whales migrate", k=1)[0]
    assert top.chunk.source_id == "whales"
    assert top.similarity is not None and 0.3 < top.similarity <= 1.0
    assert top.lexical_score is not None and top.lexical_score > 0


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"source_ids": ("opinion",)}, {"opinion"}),
        ({"source_types": ("press release",)}, {"whales"}),
        ({"source_types": ("opinion", "press release")}, {"opinion", "whales"}),
        ({"date_from": "2024-01-01"}, {"nato"}),
        ({"date_to": "2023-12-31"}, {"opinion"}),  # undated sources never match a date bound
        ({"date_to": "2023"}, {"opinion"}),  # a bare year bound covers the whole year
        ({"date_from": "2023-01-01", "date_to": "2025-12-31", "source_types": ("news report",)}, {"nato"}),
        ({"source_ids": ("whales",), "source_types": ("opinion",)}, set()),
        ({"source_ids": ()}, set()),
    ],
)
def test_filters_apply_to_both_arms(library: Library, filters: dict[str, Any], expected: set[str]) -> None:
    f = Filters(**filters)
    for arms in (("dense",), ("lexical",), ("dense", "lexical")):
        found = search(library, "NATO defence spending target whales", 20, f, arms)
        sources = {c.source_id for c in found.chunks.values()}
        assert sources == expected, arms
    got = {p.chunk.source_id for p in retrieve(library, "NATO spending whales opinion", k=10, filters=f)}
    assert got == expected


def test_stopword_query_is_answered_by_the_dense_arm_only(library: Library) -> None:
    found = search(library, "what is it that they have been doing", 10)
    assert found.lists["lexical"] == []
    assert found.lists["dense"]
    passages = retrieve(library, "what is it that they have been doing", k=3)
    assert passages and all(p.lexical_score is None and p.similarity is not None for p in passages)


def test_blank_query_and_zero_k(library: Library) -> None:
    assert retrieve(library, "   ") == []
    assert retrieve(library, "whales", k=0) == []


def test_rank_sources_scores_each_source_by_its_best_chunk(library: Library) -> None:
    ranked = rank_sources(library, "defence spending target", k=10)
    ids = [sid for sid, _ in ranked]
    assert len(ids) == len(set(ids)) == 3
    assert ids[0] in {"nato", "opinion"}
    assert rank_sources(library, "defence spending target", k=1)[0][0] == ids[0]


def test_empty_library_returns_nothing(settings: Settings, embedder: Any) -> None:
    lib = Library(settings, embedder)
    try:
        assert retrieve(lib, "anything at all") == []
        assert rank_sources(lib, "anything at all") == []
    finally:
        lib.close()


def test_uncommitted_chunks_are_never_returned(settings: Settings, embedder: Any) -> None:
    lib = Library(settings, embedder)
    try:
        add(lib, WHALES)
        # a source whose vectors reached Chroma but whose catalog commit never happened (crash mid-ingest)
        ghost = "Glaciers retreat as alpine summers grow warmer."
        lib.chunks.upsert(["ghost:0000000000:0000"], [{
            "source_id": "ghost", "version": "0000000000", "idx": 0, "start": 0, "end": len(ghost),
            "source_type": "news report", "date": "",
        }], lib.chunks.embed([ghost]))
        found = search(lib, ghost, 10)
        assert "ghost:0000000000:0000" not in found.chunks
        assert all(p.chunk.source_id == "whales" for p in retrieve(lib, ghost, k=5))
    finally:
        lib.close()


# --- LangChain --------------------------------------------------------------------------------------


def test_langchain_retriever_returns_documents_with_offsets(library: Library) -> None:
    retriever = CandorRetriever(library=library, k=3)
    docs = retriever.invoke("humpback whale migration")
    assert 1 <= len(docs) <= 3
    top = docs[0]
    assert top.metadata["source_id"] == "whales" and top.metadata["title"] == "Whale migration"
    assert top.id == top.metadata["chunk_id"]
    keys = {"start", "end", "score", "similarity", "lexical_score", "source_type", "date", "path", "rank"}
    assert keys <= set(top.metadata)
    for doc in docs:
        source = library.catalog.source(doc.metadata["source_id"])
        assert source is not None
        assert source.text[doc.metadata["start"] : doc.metadata["end"]] == doc.page_content


def test_langchain_retriever_filters_async_and_chains(library: Library) -> None:
    retriever = CandorRetriever(library=library, k=5, filters=Filters(source_types=("opinion",)))
    docs = asyncio.run(retriever.ainvoke("defence spending"))
    assert docs and {d.metadata["source_id"] for d in docs} == {"opinion"}
    def titles(docs: list[Document]) -> str:
        return "\n".join(d.metadata["title"] for d in docs)

    chain = retriever | RunnableLambda(titles)
    assert chain.invoke("defence spending") == "Why the target is wrong"
