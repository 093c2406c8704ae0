"""Ingest, query and remove through a real `chroma run` server on loopback."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.api import ResearchAssistant
from assistant.retrieval import retrieve
from assistant.settings import Settings

pytestmark = pytest.mark.integration

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[int]:
    port = _free_port()
    chroma = Path(sys.executable).parent / "chroma"
    proc = subprocess.Popen(
        [str(chroma), "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("chroma server did not start") from None
                time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_ingest_query_remove_through_a_chroma_server(chroma_server: int, tmp_path: Path) -> None:
    settings = Settings.from_env(
        env={"HOME": str(tmp_path / "home"), "CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(chroma_server)},
        store=tmp_path / "catalog",
    )
    with ResearchAssistant(settings=settings) as ra:
        report = ra.ingest([str(SAMPLES)])
        assert report.count("added") >= 10 and report.count("failed") == 0
        assert not (tmp_path / "catalog" / "chroma").exists(), "vectors went to the server, not an embedded store"
        assert ra.library.chunks.count() == sum(s.chunks for s in ra.sources())
        passages = retrieve(ra.library, "defence spending target of 5% of GDP by 2035", k=4)
        assert passages and any("5%" in p.chunk.text for p in passages)
        victim = passages[0].chunk.source_id
        ra.remove(victim)
        assert all(p.chunk.source_id != victim for p in retrieve(ra.library, "defence spending 2035", k=10))
    with ResearchAssistant(settings=settings) as again:  # a new client sees the server's state
        assert again.library.chunks.count() == sum(s.chunks for s in again.sources())
