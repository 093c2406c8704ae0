"""Latency of Candor's extractive `ask` (p50/p95, warm process) over the SciFact store, timed in the same
run as a plain LangChain + Chroma similarity search and Candor's retrieval (benchmarks/latency.py).

    .venv/bin/python -m benchmarks.ask_latency [--store /tmp/scifact-store] [-k 6] [--target-p95 300]
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.answering import answer
from assistant.library import Library
from benchmarks.latency import QueryFn, main


def candor_ask(library: Library, k: int) -> QueryFn:
    """The whole offline answer: condense, hybrid retrieval, sentence scoring, composition, flags."""
    assert not library.settings.llm_configured, "the benchmark times the extractive path"
    return lambda question: answer(library, question, k=k)


def run(argv: Sequence[str] | None = None) -> int:
    return main(argv, ask_fn=candor_ask, ask_label="Candor ask() (extractive answer)")


if __name__ == "__main__":
    raise SystemExit(run())
