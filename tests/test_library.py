"""Ingest is idempotent, replaces changed sources, removes cleanly and reports bad input."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.api import ResearchAssistant
from assistant.cli import run
from assistant.settings import Settings
from assistant.vectors import open_client

ARTICLE = """---
title: "Summit agrees spending goal"
publisher: "Wire Daily"
date: 2025-06-25
source_type: news report
---
Allies met in The Hague on 24 and 25 June. They agreed to aim for defence spending of 5% of GDP by 2035.
Spain said it would not meet the target. The summit lasted two days.
"""


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def ra(settings: Settings) -> Iterator[ResearchAssistant]:
    with ResearchAssistant(settings=settings) as assistant:
        yield assistant


def test_reingest_unchanged_writes_nothing(ra: ResearchAssistant, tmp_path: Path) -> None:
    path = _write(tmp_path / "docs", "a.md", ARTICLE)
    first = ra.ingest([str(path)])
    assert [i.status for i in first.items] == ["added"]
    chunks_before = ra.library.chunks.count()
    second = ra.ingest([str(tmp_path / "docs")])
    assert [i.status for i in second.items] == ["unchanged"]
    assert ra.library.chunks.count() == chunks_before
    [info] = ra.sources()
    assert info.title == "Summit agrees spending goal" and info.publisher == "Wire Daily"
    assert info.date == "2025-06-25" and info.source_type == "news report" and info.chunks >= 1


def test_chroma_holds_vectors_and_metadata_the_catalog_holds_the_texts(ra: ResearchAssistant, tmp_path: Path) -> None:
    ra.ingest([str(_write(tmp_path, "a.md", ARTICLE))])
    collection = open_client(ra.settings).get_collection(ra.settings.collection)
    stored = collection.get(include=["documents", "metadatas", "embeddings"])
    assert stored["ids"] and all(doc is None for doc in stored["documents"])
    assert all(len(vector) == 384 for vector in stored["embeddings"])
    chunks = ra.library.catalog.chunks(stored["ids"])
    assert len(chunks) == len(stored["ids"])
    for chunk_id, meta in zip(stored["ids"], stored["metadatas"], strict=True):
        chunk = chunks[chunk_id]
        source = ra.library.catalog.source(chunk.source_id)
        assert source is not None and source.text[meta["start"]:meta["end"]] == chunk.text


def test_changed_source_replaces_its_chunks(ra: ResearchAssistant, tmp_path: Path) -> None:
    path = _write(tmp_path, "a.md", ARTICLE)
    ra.ingest([str(path)])
    source_id = ra.sources()[0].source_id
    path.write_text(ARTICLE.replace("two days", "three days, ending with a press conference"), encoding="utf-8")
    report = ra.ingest([str(path)])
    assert [i.status for i in report.items] == ["updated"]
    assert [s.source_id for s in ra.sources()] == [source_id]  # same id, one source
    source = ra.library.catalog.source(source_id)
    assert source is not None and "three days" in source.text
    visible = ra.library.catalog.lexical_search("three days press conference", 10)
    assert visible and all(cid.startswith(source_id) for cid, _ in visible)
    # the old version's vectors are gone from Chroma: every stored vector belongs to a visible chunk
    assert ra.library.chunks.count() == len(ra.library.catalog.chunks([cid for cid, _ in visible]))


def test_remove_deletes_from_every_index(ra: ResearchAssistant, tmp_path: Path) -> None:
    a = _write(tmp_path, "a.md", ARTICLE)
    b = _write(tmp_path, "b.md", ARTICLE.replace("Wire Daily", "Other Paper").replace("Spain", "Portugal"))
    ra.ingest([str(a), str(b)])
    assert len(ra.sources()) == 2
    removed = ra.remove(str(a))
    assert removed is not None
    assert [s.publisher for s in ra.sources()] == ["Other Paper"]
    assert all(not cid.startswith(removed) for cid, _ in ra.library.catalog.lexical_search("Hague summit", 50))
    assert ra.library.catalog.sentences(removed) == []
    assert ra.remove(str(a)) is None  # already gone


def test_bad_inputs_get_reasons_and_the_rest_is_ingested(ra: ResearchAssistant, tmp_path: Path) -> None:
    good = _write(tmp_path, "good.md", ARTICLE)
    empty = _write(tmp_path, "empty.txt", "")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01\x02\x03" * 100)
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Caf\xe9 prices rose in Montr\xe9al this week.".encode("cp1252"))
    unsupported = _write(tmp_path, "notes.docx", "x")
    report = ra.ingest([str(good), str(empty), str(binary), str(latin), str(unsupported),
                        str(tmp_path / "missing.md"), "http://127.0.0.1:9/unreachable"])
    status = {Path(i.input).name: (i.status, i.reason) for i in report.items}
    assert status["good.md"][0] == "added" and status["latin.txt"][0] == "added"
    for name in ("empty.txt", "binary.txt", "notes.docx", "missing.md", "unreachable"):
        state, reason = status[name]
        assert state == "failed" and reason and "\n" not in reason, name
    assert report.ok
    latin_id = next(i.source_id for i in report.items if i.input.endswith("latin.txt"))
    source = ra.library.catalog.source(latin_id or "")
    assert source is not None and "Café" in source.text and "Montréal" in source.text


def test_oversize_file_is_refused(settings: Settings, tmp_path: Path) -> None:
    big = _write(tmp_path, "big.txt", "Plenty of words here. " * 200)
    with ResearchAssistant(settings=settings.with_(max_file_bytes=1000)) as ra:
        report = ra.ingest([str(big)])
    assert report.items[0].status == "failed" and "limit" in (report.items[0].reason or "")
    assert not report.ok


def test_cli_ingest_sources_remove(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "store"
    doc = _write(tmp_path, "a.md", ARTICLE)
    assert run(["ingest", str(doc), "--store", str(store), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "1 added" in out
    assert run(["ingest", str(tmp_path / "nope.md"), "--store", str(store), "--quiet"]) == 1
    assert "no such file" in capsys.readouterr().out
    assert run(["sources", "--json", "--store", str(store)]) == 0
    listing = json.loads(capsys.readouterr().out)
    [row] = listing["sources"]
    for key in ("source_id", "title", "path", "url", "publisher", "date", "source_type", "chunks", "flags"):
        assert key in row
    assert row["path"] == str(doc.resolve())
    assert run(["remove", row["source_id"], "--store", str(store)]) == 0
    capsys.readouterr()
    assert run(["sources", "--json", "--store", str(store)]) == 0
    assert json.loads(capsys.readouterr().out) == {"sources": []}
    assert run(["remove", "nothing-here", "--store", str(store)]) == 1


def test_collections_are_separate(tmp_path: Path) -> None:
    doc = _write(tmp_path, "a.md", ARTICLE)
    base = Settings.from_env(env={"HOME": str(tmp_path)}, store=tmp_path / "s")
    with ResearchAssistant(settings=base.with_(collection="one")) as one:
        one.ingest([str(doc)])
    with ResearchAssistant(settings=base.with_(collection="two")) as two:
        assert two.sources() == []


def test_invalid_collection_name_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["sources", "--store", str(tmp_path), "--collection", "a b/c"]) == 2
    assert "invalid collection name" in capsys.readouterr().err


def test_malformed_user_registry_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    registry = tmp_path / "mine.yaml"
    registry.write_text("- claim: [unclosed\n", encoding="utf-8")
    monkeypatch.setenv("CANDOR_REGISTRY", str(registry))
    doc = _write(tmp_path, "a.md", ARTICLE)
    assert run(["ingest", str(doc), "--store", str(tmp_path / "s"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("candor: error:") and "mine.yaml" in err and "\n" not in err
