"""Build, resume or reuse a store of the 5,183 SciFact abstracts (for the scifact suites and benchmarks)."""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from assistant.library import Library
from assistant.settings import PROJECT_ROOT, Settings
from assistant.types import Sentence, Source
from ingest.pipeline import BATCH_SOURCES, Prepared, index_sources
from ingest.sentences import sentence_spans

DEFAULT_DATA = PROJECT_ROOT.parent / "shared" / "data" / "scifact"
SOURCE_TYPE = "abstract"


class SegmentOnly:
    """A ClaimAnalyser that only segments sentences (no cross-source analysis): enough for retrieval."""

    def segment(self, source: Source) -> list[Sentence]:
        return [
            Sentence(source.source_id, i, s, e, source.text[s:e])
            for i, (s, e) in enumerate(sentence_spans(source.text))
        ]

    def prepare(self, library: Library, batch: Sequence[Prepared]) -> Any:
        return None

    def apply(self, db: Any, library: Library, plan: Any) -> None:
        return None


def scifact_source(doc: dict[str, Any]) -> Source:
    """One corpus row as a Source: id = SciFact doc id; text = title + " " + abstract.

    That is BEIR's own concatenation. (With a blank line between them instead, the splitter makes the
    title a chunk of its own whenever title + abstract exceed one chunk, and retrieval loses by it.)
    """
    title = str(doc.get("title") or "").strip()
    abstract = str(doc.get("text") or "").strip()
    text = f"{title} {abstract}" if title else abstract
    described = json.dumps({"title": title, "source_type": SOURCE_TYPE}, sort_keys=True)
    return Source(
        source_id=str(doc["_id"]), text=text, title=title or str(doc["_id"]), publisher="SciFact (S2ORC)",
        source_type=SOURCE_TYPE, content_hash=hashlib.sha256(f"{text}\0{described}".encode()).hexdigest(),
    )


def load_corpus(data: Path) -> list[Source]:
    with (data / "corpus.jsonl").open(encoding="utf-8") as f:
        return [scifact_source(json.loads(line)) for line in f if line.strip()]


def open_store(store: Path, embedder: Any = None) -> Library:
    """Open the SciFact store (collection `library`, so `candor --store DIR` sees it too)."""
    settings = Settings(store=Path(store))
    if embedder is None:
        from assistant.factory import make_embedder

        embedder = make_embedder(settings)
    return Library(settings, embedder)


def missing(library: Library, sources: Sequence[Source]) -> list[Source]:
    """Sources not committed yet, or committed with other content."""
    return [s for s in sources if library.catalog.content_hash(s.source_id) != s.content_hash]


def build_store(
    store: Path,
    data: Path = DEFAULT_DATA,
    *,
    embedder: Any = None,
    limit: int | None = None,
    log: bool = True,
) -> Library:
    """Open `store`, ingesting whatever of the corpus is not in it yet (a complete store is reused as is).

    Each batch of sources commits all-or-nothing, as in `candor ingest`, so an interrupted build resumes.
    `limit` keeps only the first N corpus documents (for quick experiments).
    """
    library = open_store(store, embedder)
    sources = load_corpus(data)[:limit]
    todo = missing(library, sources)
    if not todo:
        return library
    started = time.perf_counter()

    def located() -> Iterator[tuple[str, Source]]:
        for n, source in enumerate(todo, start=1):
            yield f"{data / 'corpus.jsonl'}#{source.source_id}", source
            if log and (n % (BATCH_SOURCES * 20) == 0 or n == len(todo)):
                rate = n / (time.perf_counter() - started)
                print(f"  {n}/{len(todo)} sources indexed ({rate:.0f}/s)", file=sys.stderr, flush=True)

    report = index_sources(located(), library, SegmentOnly())
    if report.failures:
        raise RuntimeError(f"SciFact store incomplete: {report.summary()}")
    return library


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="SciFact folder (BEIR layout)")
    parser.add_argument("--store", type=Path, default=Path("/tmp/scifact-store"), help="store folder")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    library = build_store(args.store, args.data)
    print(f"store {args.store}: {library.chunks.count()} chunk vectors, "
          f"ready in {time.perf_counter() - started:.0f} s")
    library.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
