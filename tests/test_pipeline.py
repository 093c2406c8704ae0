"""The ingest pipeline: batches embed in a worker thread while the previous batch commits, and stay all-or-nothing."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest

import ingest.pipeline as pipeline
from assistant.embeddings import Matrix, MiniLMEmbeddingFunction
from assistant.library import Library
from assistant.settings import Settings
from assistant.types import IngestReport, Sentence, Source
from ingest.pipeline import Prepared, index_sources

TOPICS = ["harbour plan", "school budget", "river flooding", "bus routes", "library hours", "tram depot",
          "park lighting", "bridge repairs", "market stalls"]


class HookedEmbedder(MiniLMEmbeddingFunction):
    """The real embedding function, with a hook called (with the texts) before each embedding call."""

    def __init__(self) -> None:
        super().__init__()
        self.hook: Callable[[list[str]], None] = lambda texts: None
        self.threads: list[str] = []

    def embed(self, texts: list[str]) -> Matrix:
        self.threads.append(threading.current_thread().name)
        self.hook(texts)
        return super().embed(texts)


class Recorder:
    """A ClaimAnalyser that segments nothing and can run a hook inside each batch's catalog transaction."""

    def __init__(self) -> None:
        self.on_apply: Callable[[Sequence[str]], None] = lambda ids: None

    def segment(self, source: Source) -> list[Sentence]:
        return [Sentence(source.source_id, 0, 0, len(source.text), source.text)]

    def prepare(self, library: Library, batch: Sequence[Prepared]) -> Any:
        return [p.source.source_id for p in batch]

    def apply(self, db: Any, library: Library, plan: Any) -> None:
        self.on_apply(plan)


def _source(i: int) -> Source:
    topic = TOPICS[i % len(TOPICS)]
    text = f"Report {i} on the {topic}. The council voted {i} to {i + 1} on the {topic} after a long debate."
    return Source(source_id=f"s{i:02d}", text=text, title=f"Report {i}", path=f"/docs/s{i:02d}.md",
                  content_hash=hashlib.sha256(text.encode()).hexdigest())


SOURCES = [_source(i) for i in range(9)]


@pytest.fixture
def embedder() -> HookedEmbedder:
    return HookedEmbedder()


@pytest.fixture
def library(settings: Settings, embedder: HookedEmbedder, monkeypatch: pytest.MonkeyPatch) -> Iterator[Library]:
    monkeypatch.setattr(pipeline, "BATCH_CHUNKS", 2)  # one-chunk sources: batches of two, five batches
    lib = Library(settings, embedder)
    yield lib
    lib.close()


def _run(library: Library, analyser: Recorder, sources: Sequence[Source] = SOURCES) -> IngestReport:
    return index_sources(((s.path or s.source_id, s) for s in sources), library, analyser)


def _visible(library: Library) -> set[str]:
    return {s.source_id for s in library.catalog.list_sources()}


def test_every_batch_commits_in_order_with_vectors_embedded_off_the_main_thread(
    library: Library, embedder: HookedEmbedder
) -> None:
    analyser = Recorder()
    committed: list[str] = []
    analyser.on_apply = committed.extend
    report = _run(library, analyser)
    assert report.count("added") == len(SOURCES) and not report.failures
    assert committed == [s.source_id for s in SOURCES]
    assert [i.source_id for i in report.items] == committed
    assert _visible(library) == set(committed)
    assert library.chunks.count() == sum(s.chunks for s in library.catalog.list_sources())
    assert embedder.threads and all(name.startswith("candor-embed") for name in embedder.threads)
    hits = library.chunks.query(library.chunks.embed([SOURCES[4].text])[0], 1)
    assert hits[0].metadata["source_id"] == SOURCES[4].source_id  # each vector belongs to its own chunk


def test_next_batch_embeds_while_the_previous_one_commits(library: Library, embedder: HookedEmbedder) -> None:
    calls = 0
    second_started = threading.Event()

    def hook(texts: list[str]) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            second_started.set()

    embedder.hook = hook
    analyser = Recorder()
    overlapped: list[bool] = []

    def on_apply(ids: Sequence[str]) -> None:
        if not overlapped:  # inside the first batch's transaction, the second batch is already embedding
            overlapped.append(second_started.wait(timeout=30))

    analyser.on_apply = on_apply
    assert not _run(library, analyser).failures
    assert overlapped == [True]


def test_an_embedding_error_fails_only_its_batch(library: Library, embedder: HookedEmbedder) -> None:
    def hook(texts: list[str]) -> None:
        if any("Report 3 " in t for t in texts):
            raise RuntimeError("model exploded\nwith a traceback")

    embedder.hook = hook
    report = _run(library, Recorder())
    failed = {i.source_id for i in report.failures}
    assert failed == {"s02", "s03"}  # the batch holding s03, and nothing else
    for item in report.failures:
        assert item.reason and item.reason.startswith("could not index: model exploded")
    assert _visible(library) == {s.source_id for s in SOURCES} - failed
    assert library.chunks.count() == len(SOURCES) - len(failed)  # its vectors were never written

    embedder.hook = lambda texts: None
    again = _run(library, Recorder())
    assert again.count("added") == 2 and again.count("unchanged") == len(SOURCES) - 2


def test_a_commit_error_leaves_no_part_of_its_batch_visible(library: Library) -> None:
    analyser = Recorder()

    def on_apply(ids: Sequence[str]) -> None:
        if "s05" in ids:
            raise RuntimeError("disk full")

    analyser.on_apply = on_apply
    report = _run(library, analyser)
    failed = {i.source_id for i in report.failures}
    assert failed == {"s04", "s05"}
    assert all(i.reason == "could not index: disk full" for i in report.failures)
    assert _visible(library) == {s.source_id for s in SOURCES} - failed
    assert not any(library.catalog.source_chunks(sid) for sid in ("s04", "s05"))
    assert report.count("added") == len(SOURCES) - 2


def test_an_interrupt_stops_the_run_and_only_whole_batches_are_visible(library: Library) -> None:
    analyser = Recorder()

    def on_apply(ids: Sequence[str]) -> None:
        if "s05" in ids:
            raise KeyboardInterrupt

    analyser.on_apply = on_apply
    with pytest.raises(KeyboardInterrupt):
        _run(library, analyser)
    assert _visible(library) == {"s00", "s01", "s02", "s03"}
    rerun = _run(library, Recorder())
    assert rerun.count("unchanged") == 4 and rerun.count("added") == len(SOURCES) - 4
    assert library.chunks.count() == len(SOURCES)


def test_a_partial_last_batch_and_duplicates(library: Library) -> None:
    sources = [*SOURCES[:3], SOURCES[0]]  # s00, s01 commit together; s02 alone at the end; s00 again is unchanged
    report = _run(library, Recorder(), sources)
    assert [(i.source_id, i.status) for i in report.items] == [
        ("s00", "unchanged"), ("s00", "added"), ("s01", "added"), ("s02", "added")
    ]
    assert _visible(library) == {"s00", "s01", "s02"}


def test_vectors_of_old_and_interrupted_versions_are_deleted(library: Library) -> None:
    vector = library.chunks.embed(["left over"])[0]
    meta = {"idx": 0, "start": 0, "end": 9, "source_type": "", "date": ""}
    library.chunks.upsert(  # an interrupted run's vector of s00, and a vector of a source not ingested here
        ["s00:interrupted:0000", "s99:other:0000"],
        [{**meta, "source_id": "s00", "version": "interrupted"}, {**meta, "source_id": "s99", "version": "other"}],
        [vector] * 2,
    )
    assert not _run(library, Recorder(), SOURCES[:3]).failures
    changed = Source(source_id="s00", text=SOURCES[0].text + " It was adjourned.", title="Report 0",
                     content_hash="changed")
    assert _run(library, Recorder(), [changed]).count("updated") == 1
    current = [c.chunk_id for sid in ("s00", "s01", "s02") for c in library.catalog.source_chunks(sid)]
    stored = library.chunks.get_embeddings(["s00:interrupted:0000", "s99:other:0000", *current])
    assert sorted(stored) == sorted(["s99:other:0000", *current])
    assert library.chunks.count() == len(current) + 1  # neither the first s00 version nor the interrupted one
