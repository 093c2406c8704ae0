"""Ingest the SciFact corpus from files and compare with embedding the same chunks alone, in one run.

    .venv/bin/python -m benchmarks.ingest_scifact [--n 5183] [--rounds 1] [--sentences 2000] [--data DIR]

Prints chunks/s, MB/min, peak memory, and the pipeline's overhead over raw embedding time
(target: at most 15%), in wall time and, as a check on a shared machine, in CPU time. Then, in the
same run, the padded embedding function against chromadb's stock ONNX function on SciFact sentences
(target: at least 5x; benchmarks/embeddings.py has the details). Claim analysis is left out here (a
segment-only analyser): its cost is measured by benchmarks/claims.py.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.embeddings import MiniLMEmbeddingFunction
from assistant.factory import make_embedder
from assistant.library import Library
from assistant.settings import Settings
from benchmarks.embeddings import compare, load_sentences, stock_function
from evals.scifact_store import DEFAULT_DATA, SegmentOnly
from ingest.pipeline import BATCH_CHUNKS, ingest


def write_corpus(data: Path, folder: Path, n: int) -> int:
    """One Markdown file per abstract (title in front matter); returns the bytes written."""
    total = 0
    with (data / "corpus.jsonl").open(encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i >= n:
                break
            doc = json.loads(line)
            body = f"---\ntitle: {json.dumps(doc['title'])}\nsource_type: abstract\n---\n{doc['text']}\n"
            (folder / f"{doc['_id']}.md").write_text(body, encoding="utf-8")
            total += len(body.encode())
    return total


@dataclass(frozen=True)
class Round:
    sources: int
    chunks: int
    ingest_s: float
    ingest_cpu: float
    embed_s: float
    embed_cpu: float

    @property
    def overhead(self) -> float:
        return self.ingest_s / self.embed_s - 1


def measure(docs: Path, store: Path, embedder: Any) -> Round:
    """Ingest the folder into a fresh store, then embed the same chunks in one call."""
    library = Library(Settings(store=store), embedder)
    started, cpu = time.perf_counter(), time.process_time()
    report = ingest([str(docs)], library, SegmentOnly())
    ingest_s, ingest_cpu = time.perf_counter() - started, time.process_time() - cpu
    assert report.count("failed") == 0, report.summary()

    texts = [c.text for s in library.catalog.list_sources() for c in library.catalog.source_chunks(s.source_id)]
    started, cpu = time.perf_counter(), time.process_time()
    embedder(texts)  # one call: sorted by length over all chunks, the least padding possible
    embed_s, embed_cpu = time.perf_counter() - started, time.process_time() - cpu
    library.close()
    return Round(report.count("added"), len(texts), ingest_s, ingest_cpu, embed_s, embed_cpu)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="SciFact folder (BEIR layout)")
    parser.add_argument("--n", type=int, default=5183, help="number of abstracts (default: all 5,183)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="ingest + embedding-alone pairs, each into a fresh store (default 1)")
    parser.add_argument("--sentences", type=int, default=2000,
                        help="sentences for the padded-vs-stock embedding comparison (default 2000; 0 skips)")
    args = parser.parse_args(argv)

    rounds: list[Round] = []
    with tempfile.TemporaryDirectory(prefix="candor-bench-") as tmp:
        docs = Path(tmp) / "docs"
        docs.mkdir()
        size = write_corpus(args.data, docs, args.n)
        embedder = make_embedder(Settings(store=Path(tmp) / "store"))
        embedder(["warm up the session"] * 8)
        for i in range(args.rounds):
            rounds.append(measure(docs, Path(tmp) / f"store-{i}", embedder))

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    first = rounds[0]
    print(f"sources            {first.sources} ({size / 1e6:.1f} MB of files)")
    print(f"commit batches     up to {BATCH_CHUNKS} chunks")
    print(f"chunks             {first.chunks}")
    for i, r in enumerate(rounds):
        if len(rounds) > 1:
            print(f"round {i + 1}")
        print(f"ingest             {r.ingest_s:.1f} s   {r.chunks / r.ingest_s:.1f} chunks/s   "
              f"{size / 1e6 / (r.ingest_s / 60):.2f} MB/min")
        print(f"embedding alone    {r.embed_s:.1f} s   {r.chunks / r.embed_s:.1f} chunks/s  (same chunks, same model)")
        print(f"pipeline overhead  {r.overhead:+.1%} over embedding alone (target <= +15%)")
        print(f"cpu time           ingest {r.ingest_cpu:.1f} s, embedding alone {r.embed_cpu:.1f} s: "
              f"{r.ingest_cpu / r.embed_cpu - 1:+.1%} (all threads; a cross-check, inflated too by other jobs)")
    if len(rounds) > 1:
        print(f"median overhead    {statistics.median(r.overhead for r in rounds):+.1%} over {len(rounds)} rounds")
    print(f"peak memory        {peak_mb:.0f} MB (max RSS)")
    if args.sentences:
        with tempfile.TemporaryDirectory(prefix="stock-minilm-") as folder:
            stock = stock_function(Path(folder))
            stock(["warm up the stock session"] * 4)
            ratio = compare("padded vs stock embedding", load_sentences(args.data, args.sentences),
                            MiniLMEmbeddingFunction(), stock, rounds=8)
        print(f"sentence speed-up  {ratio:.2f}x (target >= 5x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
