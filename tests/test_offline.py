"""With an empty home directory and no network, Candor ingests and answers: nothing downloads."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.api import ResearchAssistant
from assistant.settings import Settings


def test_ingest_and_query_with_empty_home_and_no_network(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for var in ("TIKTOKEN_CACHE_DIR", "DATA_GYM_CACHE_DIR", "XDG_CACHE_HOME", "HF_HOME", "CHROMA_HOST"):
        monkeypatch.delenv(var, raising=False)
    doc = tmp_path / "note.md"
    doc.write_text("---\ntitle: Harbour vote\n---\nThe harbour council voted 7 to 2 to dredge the channel.\n")
    settings = Settings.from_env(store=tmp_path / "store")
    with ResearchAssistant(settings=settings) as ra:
        assert ra.ingest([str(doc)]).count("added") == 1
        answer = ra.ask("How did the harbour council vote?")
    assert answer.citations and "7 to 2" in answer.citations[0].quote
    # and reopening the store (the collection's stored embedding config) needs nothing either
    with ResearchAssistant(settings=settings) as ra:
        assert ra.library.chunks.count() >= 1
