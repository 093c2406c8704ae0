"""Latency (p50/p95, warm) of Candor retrieval — or any `ask_fn` — against a plain Chroma similarity search."""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from langchain_core.documents import Document

from assistant.factory import make_embedder
from assistant.library import Library
from assistant.retrieval import retrieve
from assistant.settings import Settings
from assistant.vectors import open_client
from benchmarks.scifact_retrieval import load_qrels, load_queries
from evals.scifact_store import DEFAULT_DATA, build_store

QueryFn = Callable[[str], object]
FnFactory = Callable[[Library, int], QueryFn]  # (library, k) -> a function of one question


def percentile(samples: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation between closest ranks."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    pos = (len(ordered) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def candor_retrieve(library: Library, k: int) -> QueryFn:
    """Candor's hybrid retrieval (dense + lexical, fused, diversified, with source metadata)."""
    return lambda question: retrieve(library, question, k)


def plain_chroma(library: Library, k: int, embedder: Any) -> QueryFn:
    """The plain LangChain-style baseline: one similarity search over a Chroma collection that stores each
    chunk's text as its document (what `Chroma.from_documents` builds), with the same vectors, metadata and
    embedding function; results wrapped as Documents (what `Chroma.similarity_search` does)."""
    client = open_client(library.settings)
    plain = client.get_or_create_collection(
        f"{library.settings.collection}-plain", embedding_function=embedder, configuration={"hnsw": {"space": "cosine"}}
    )
    if plain.count() != library.chunks.count():
        texts = {c.chunk_id: c.text for s in library.catalog.list_sources()
                 for c in library.catalog.source_chunks(s.source_id)}
        ours = client.get_collection(library.settings.collection, embedding_function=embedder)
        for offset in range(0, ours.count(), 1000):
            got: Any = ours.get(include=["embeddings", "metadatas"], limit=1000, offset=offset)
            plain.upsert(ids=got["ids"], embeddings=got["embeddings"], metadatas=got["metadatas"],
                         documents=[texts[i] for i in got["ids"]])

    def search(question: str) -> list[Document]:
        res: Any = plain.query(query_texts=[question], n_results=k, include=["documents", "metadatas"])
        return [Document(page_content=d or "", metadata=dict(m or {}))
                for d, m in zip(res["documents"][0], res["metadatas"][0], strict=True)]

    return search


def measure(fns: Mapping[str, QueryFn], questions: Sequence[str], warmup: int = 20) -> dict[str, list[float]]:
    """Milliseconds per call for each function; calls are interleaved per question so that load from
    other processes hits every function alike. A warm-up pass runs first and is not counted."""
    for question in questions[:warmup]:
        for fn in fns.values():
            fn(question)
    times: dict[str, list[float]] = {name: [] for name in fns}
    for question in questions:
        for name, fn in fns.items():
            started = time.perf_counter()
            fn(question)
            times[name].append(1000 * (time.perf_counter() - started))
    return times


def report(times: Mapping[str, list[float]], baseline: str) -> list[str]:
    base95 = percentile(times[baseline], 95)
    base50 = percentile(times[baseline], 50)
    lines = [f"  {'':<34} {'p50 ms':>8} {'p95 ms':>8} {'mean':>8}   p50/p95 ratio to {baseline}"]
    for name, samples in times.items():
        p50, p95 = percentile(samples, 50), percentile(samples, 95)
        lines.append(f"  {name:<34} {p50:8.1f} {p95:8.1f} {statistics.fmean(samples):8.1f}   "
                     f"{p50 / base50:.2f}x / {p95 / base95:.2f}x")
    return lines


def main(argv: Sequence[str] | None = None, ask_fn: FnFactory | None = None, ask_label: str = "ask") -> int:
    """Run the benchmark; pass `ask_fn` (library, k -> question -> answer) to time it alongside retrieval."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="SciFact folder (BEIR layout)")
    parser.add_argument("--store", type=Path, default=Path("/tmp/scifact-store"), help="store (built if missing)")
    parser.add_argument("-k", type=int, default=6, help="passages per question")
    parser.add_argument("--target-p95", type=float, default=300.0, help="p95 budget in ms for the main function")
    args = parser.parse_args(argv)
    questions = list(load_queries(args.data, load_qrels(args.data / "qrels" / "test.tsv")).values())
    embedder = make_embedder(Settings(store=args.store))
    library = build_store(args.store, args.data, embedder=embedder)
    fns: dict[str, QueryFn] = {"plain Chroma similarity search": plain_chroma(library, args.k, embedder),
                               "Candor retrieve() (hybrid)": candor_retrieve(library, args.k)}
    if ask_fn is not None:
        fns[ask_label] = ask_fn(library, args.k)
    main_fn = ask_label if ask_fn is not None else "Candor retrieve() (hybrid)"
    times = measure(fns, questions)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"{len(questions)} SciFact test queries, k={args.k}, {library.chunks.count()} chunks, "
          f"{cores} cores, load average {os.getloadavg()[0]:.1f} at the end")
    print("\n".join(report(times, "plain Chroma similarity search")))
    p95 = percentile(times[main_fn], 95)
    verdict = "within" if p95 <= args.target_p95 else "OVER"
    print(f"  {main_fn}: p95 {p95:.0f} ms, {verdict} the {args.target_p95:.0f} ms budget")
    library.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
