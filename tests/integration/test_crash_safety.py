"""An ingest killed with SIGKILL midway leaves no partial source visible, and re-running completes it."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.api import ResearchAssistant
from assistant.settings import Settings
from ingest.loaders import load
from ingest.split import make_splitter, split_source

pytestmark = pytest.mark.integration

N_FILES = 150  # about 750 chunks: several commit batches


def _corpus(folder: Path) -> None:
    folder.mkdir()
    for i in range(N_FILES):
        body = " ".join(f"Report {i} paragraph {j} says the council voted {i + j} to {j} on the harbour plan."
                        for j in range(40))
        (folder / f"doc{i:03d}.md").write_text(f"---\ntitle: Doc {i}\n---\n{body}\n", encoding="utf-8")


def _visible_sources(db: Path) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(db) as conn:
        try:
            return int(conn.execute("SELECT COUNT(*) FROM sources").fetchone()[0])
        except sqlite3.OperationalError:
            return 0


def test_sigkill_midway_leaves_no_partial_source(tmp_path: Path) -> None:
    docs, store = tmp_path / "docs", tmp_path / "store"
    _corpus(docs)
    env = {**os.environ, "HOME": str(tmp_path / "home")}
    cmd = [sys.executable, "-m", "assistant", "ingest", str(docs), "--store", str(store), "--quiet"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = store / "library.sqlite3"
    try:
        while proc.poll() is None and _visible_sources(db) == 0:
            pass  # busy-wait on the catalog: kill right after the first batch commits
        assert proc.poll() is None, "ingest finished before it could be killed; make the corpus larger"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
    settings = Settings.from_env(env={"HOME": str(tmp_path / "home")}, store=store)
    splitter = make_splitter(settings.chunk_tokens, settings.chunk_overlap)
    with ResearchAssistant(settings=settings) as ra:
        visible = ra.sources()
        assert 0 < len(visible) < N_FILES
        for info in visible:  # every visible source is whole: all its chunks, in both indexes
            source = load(info.path or "", settings)
            expected = [c.chunk_id for c in split_source(source, splitter)]
            stored = ra.library.catalog.chunks(expected)
            assert sorted(stored) == sorted(expected)
            assert ra.library.catalog.sentences(info.source_id)
        report = ra.ingest([str(docs)])
        assert report.count("unchanged") == len(visible)
        assert report.count("added") == N_FILES - len(visible)
        assert report.count("failed") == 0
        assert len(ra.sources()) == N_FILES
        total_chunks = sum(s.chunks for s in ra.sources())
        assert ra.library.chunks.count() == total_chunks, "vectors of the killed batch were replaced, not duplicated"
