"""Ingest the SciFact corpus from files and compare with embedding the same chunks alone, in one run.

    .venv/bin/python -m benchmarks.ingest_scifact [--n 5183] [--data ../shared/data/scifact]

Prints chunks/s, MB/min, peak memory, and the pipeline's overhead over raw embedding time
(target: at most 15%), in wall time and, as a check on a shared machine, in CPU time. Claim analysis
is left out here (a segment-only analyser): its cost is measured by benchmarks/claims.py.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from assistant.factory import make_embedder
from assistant.library import Library
from assistant.settings import Settings
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="SciFact folder (BEIR layout)")
    parser.add_argument("--n", type=int, default=5183, help="number of abstracts (default: all 5,183)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="candor-bench-") as tmp:
        docs = Path(tmp) / "docs"
        docs.mkdir()
        size = write_corpus(args.data, docs, args.n)
        settings = Settings(store=Path(tmp) / "store")
        embedder = make_embedder(settings)
        embedder(["warm up the session"] * 8)
        library = Library(settings, embedder)

        started, cpu = time.perf_counter(), time.process_time()
        report = ingest([str(docs)], library, SegmentOnly())
        ingest_s, ingest_cpu = time.perf_counter() - started, time.process_time() - cpu
        assert report.count("failed") == 0, report.summary()

        texts = [c.text for s in library.catalog.list_sources() for c in library.catalog.source_chunks(s.source_id)]
        started, cpu = time.perf_counter(), time.process_time()
        embedder(texts)  # one call: sorted by length over all chunks, the least padding possible
        embed_s, embed_cpu = time.perf_counter() - started, time.process_time() - cpu
        library.close()

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    overhead = ingest_s / embed_s - 1
    print(f"sources            {report.count('added')} ({size / 1e6:.1f} MB of files)")
    print(f"commit batches     up to {BATCH_CHUNKS} chunks")
    print(f"chunks             {len(texts)}")
    print(f"ingest             {ingest_s:.1f} s   {len(texts) / ingest_s:.1f} chunks/s   "
          f"{size / 1e6 / (ingest_s / 60):.2f} MB/min")
    print(f"embedding alone    {embed_s:.1f} s   {len(texts) / embed_s:.1f} chunks/s  (same chunks, same model)")
    print(f"pipeline overhead  {overhead:+.1%} over embedding alone (target <= +15%)")
    print(f"cpu time           ingest {ingest_cpu:.1f} s, embedding alone {embed_cpu:.1f} s: "
          f"{ingest_cpu / embed_cpu - 1:+.1%} (all threads; less sensitive to other jobs than wall time)")
    print(f"peak memory        {peak_mb:.0f} MB (max RSS)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
