"""Ingest: load, split, analyse claims and index sources, in batches that commit all-or-nothing."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

from assistant.catalog import Catalog
from assistant.library import Library
from assistant.types import Chunk, IngestItem, IngestReport, IngestStatus, Sentence, Source
from ingest.loaders import LoadError, expand_inputs, load
from ingest.split import make_splitter, split_source

log = logging.getLogger(__name__)

# A batch commits when it holds this many chunks (or sources): large enough that the embedding
# function's length-sorted batches pad little (on SciFact, batches of 256 chunks feed the model 3.9% more
# tokens, padding included, than one length-sorted call over all chunks, 512 2.0%), small enough that an
# interrupted run loses little (at most two batches are in flight: one embedding, one committing).
BATCH_CHUNKS = 512
BATCH_SOURCES = 256
Progress = Callable[[Iterable[str]], Iterable[str]]


@dataclass(frozen=True)
class Prepared:
    """A loaded, split and segmented source waiting to be committed."""

    location: str
    status: IngestStatus
    source: Source
    chunks: list[Chunk]
    sentences: list[Sentence]

    @property
    def version(self) -> str:
        return self.chunks[0].chunk_id.split(":")[1]


class ClaimAnalyser(Protocol):
    """Claim analysis as the pipeline sees it (assistant.claims implements it)."""

    def segment(self, source: Source) -> list[Sentence]: ...

    def prepare(self, library: Library, batch: Sequence[Prepared]) -> Any:
        """Work outside the commit: embed and index sentences, find cross-source neighbours."""

    def apply(self, db: Any, library: Library, plan: Any) -> None:
        """Inside the commit: write the reasons of the batch and of the sentences it affects."""


def _chunk_meta(p: Prepared, c: Chunk) -> dict[str, Any]:
    return {"source_id": p.source.source_id, "version": p.version, "idx": c.index, "start": c.start,
            "end": c.end, "source_type": p.source.source_type, "date": p.source.date or ""}


@dataclass(frozen=True)
class Pending:
    """A full batch whose chunk vectors are being computed in the embedding thread."""

    batch: list[Prepared]
    vectors: Future[list[list[float]]]


def _embed(pool: ThreadPoolExecutor, library: Library, batch: list[Prepared]) -> Pending:
    """Start embedding a batch's chunks; onnxruntime releases the GIL, so this overlaps the caller's work."""
    texts = [c.text for p in batch for c in p.chunks]
    return Pending(batch, pool.submit(library.chunks.embed, texts))


def _commit(library: Library, analyser: ClaimAnalyser, pending: Pending, report: IngestReport) -> None:
    """Index a batch. Either every source of it becomes visible, or none does and each gets a reason."""
    batch = pending.batch
    try:
        ids = [c.chunk_id for p in batch for c in p.chunks]
        metas = [_chunk_meta(p, c) for p in batch for c in p.chunks]
        library.chunks.upsert(ids, metas, pending.vectors.result())
        plan = analyser.prepare(library, batch)
        with library.catalog.transaction() as db:  # the commit point: vectors are written by now
            for p in batch:
                Catalog.put_source(db, p.location, p.source, p.chunks, p.sentences)
            analyser.apply(db, library, plan)
    except Exception as exc:
        log.exception("batch commit failed")
        for p in batch:
            report.items.append(IngestItem(p.location, "failed", p.source.source_id, p.source.title,
                                           reason=f"could not index: {exc}"))
        return
    versions = {p.source.source_id: p.version for p in batch}
    library.chunks.delete_stale(versions)  # old or interrupted versions are invisible already; reclaim space
    library.sentences.delete_stale(versions)
    for p in batch:
        report.items.append(IngestItem(p.location, p.status, p.source.source_id, p.source.title, len(p.chunks)))


def index_sources(
    loaded: Iterable[tuple[str, Source]],
    library: Library,
    analyser: ClaimAnalyser,
    report: IngestReport | None = None,
) -> IngestReport:
    """Split, analyse and commit already-loaded sources, skipping unchanged ones, in all-or-nothing batches.

    A worker thread embeds each full batch while this thread commits the batch before it and loads,
    splits and segments the one after (onnxruntime releases the GIL). Batches still commit one at a
    time, in order, each only after its vectors are written.
    """
    settings = library.settings
    splitter = make_splitter(settings.chunk_tokens, settings.chunk_overlap)
    report = report if report is not None else IngestReport()
    batch: list[Prepared] = []
    batch_chunks = 0
    seen: set[str] = set()
    pending: Pending | None = None
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="candor-embed")
    try:
        for location, source in loaded:
            known = library.catalog.content_hash(source.source_id)
            if source.source_id in seen or known == source.content_hash:
                report.items.append(IngestItem(location, "unchanged", source.source_id, source.title))
                continue
            seen.add(source.source_id)
            chunks = split_source(source, splitter)
            if not chunks:
                report.items.append(IngestItem(location, "failed", source.source_id, source.title, reason="no text"))
                continue
            status: IngestStatus = "added" if known is None else "updated"
            batch.append(Prepared(location, status, source, chunks, analyser.segment(source)))
            batch_chunks += len(chunks)
            if len(batch) >= BATCH_SOURCES or batch_chunks >= BATCH_CHUNKS:
                full = _embed(pool, library, batch)
                if pending is not None:
                    _commit(library, analyser, pending, report)
                pending, batch, batch_chunks = full, [], 0
        last = _embed(pool, library, batch) if batch else None
        for rest in (pending, last):
            if rest is not None:
                _commit(library, analyser, rest, report)
    finally:
        # Normally every future is done here. After an interrupt, return at once: the embedding call still
        # running writes nothing and its thread ends with it; a queued one never starts.
        pool.shutdown(wait=False, cancel_futures=True)
    return report


def ingest(
    inputs: Iterable[str],
    library: Library,
    analyser: ClaimAnalyser,
    progress: Progress | None = None,
) -> IngestReport:
    """Ingest files, folders and URLs. Bad inputs get a one-line reason; the rest still goes in."""
    locations = expand_inputs(inputs)
    report = IngestReport()

    def loaded() -> Iterator[tuple[str, Source]]:
        for location in progress(locations) if progress else locations:
            try:
                yield location, load(location, library.settings)
            except LoadError as exc:
                report.items.append(IngestItem(location, "failed", reason=str(exc)))
            except Exception as exc:  # a loader bug must not lose the rest of the run
                log.exception("unexpected error loading %s", location)
                report.items.append(IngestItem(location, "failed", reason=f"unexpected error: {exc}"))

    return index_sources(loaded(), library, analyser, report)
