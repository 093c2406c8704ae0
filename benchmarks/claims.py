"""Claim analysis overhead on ingest: SciFact abstracts ingested with and without it, in the same run.

    .venv/bin/python -m benchmarks.claims [--n 5183] [--data ../shared/data/scifact]

Each run builds a fresh store through the pipeline's own batch commit, with the same (warmed) embedder;
the two alternate batch by batch so that other load on the machine slows both alike.
The baseline analyser only segments sentences; the other is the real ClaimAnalyser (offline, no model).
Prints seconds for each, the overhead in % (target: at most 50%), and where claim analysis spent its time.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.claims.analyser import ClaimAnalyser
from assistant.factory import make_embedder
from assistant.library import Library
from assistant.settings import Settings
from assistant.types import IngestReport, Sentence, Source
from evals.scifact_store import DEFAULT_DATA, SegmentOnly, load_corpus
from ingest.pipeline import BATCH_SOURCES, Prepared, index_sources

TARGET = 50.0


class Timed:
    """Wraps an analyser and adds up the seconds spent in each of its methods."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.seconds = {"segment": 0.0, "prepare": 0.0, "apply": 0.0}

    def _time(self, name: str, *args: Any) -> Any:
        started = time.perf_counter()
        try:
            return getattr(self.inner, name)(*args)
        finally:
            self.seconds[name] += time.perf_counter() - started

    def segment(self, source: Source) -> list[Sentence]:
        return list(self._time("segment", source))

    def prepare(self, library: Library, batch: Sequence[Prepared]) -> Any:
        return self._time("prepare", library, batch)

    def apply(self, db: Any, library: Library, plan: Any) -> None:
        self._time("apply", db, library, plan)


def ingest_both(sources: Sequence[Source], folder: Path, embedder: Any, analysers: dict[str, Any]) -> dict[str, float]:
    """Ingest into one fresh store per analyser, batch by batch in turn, so load swings hit both alike.

    Returns the seconds each store's ingest took (split, segment, embed, index, analyse, commit).
    """
    libraries = {name: Library(Settings(store=folder / name), embedder) for name in analysers}
    seconds = dict.fromkeys(analysers, 0.0)
    report = IngestReport()
    for i in range(0, len(sources), BATCH_SOURCES):
        part = sources[i: i + BATCH_SOURCES]
        for name, analyser in analysers.items():
            started = time.perf_counter()
            index_sources(((f"scifact#{s.source_id}", s) for s in part), libraries[name], analyser, report)
            seconds[name] += time.perf_counter() - started
    if report.failures:
        raise RuntimeError(report.summary())
    for library in libraries.values():
        library.close()
    return seconds


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="SciFact folder (BEIR layout)")
    parser.add_argument("--n", type=int, default=5183, help="number of abstracts (default: all 5,183)")
    args = parser.parse_args(argv)
    sources = load_corpus(args.data)[: args.n]
    with tempfile.TemporaryDirectory(prefix="candor-claims-bench-") as tmp:
        settings = Settings(store=Path(tmp) / "settings")
        embedder = make_embedder(settings)
        embedder(["warm up the model"])
        timed = Timed(ClaimAnalyser(settings, use_llm=False))
        seconds = ingest_both(sources, Path(tmp), embedder, {"base": SegmentOnly(), "claims": timed})
        claims_store = Library(Settings(store=Path(tmp) / "claims"), embedder)
        flagged = sum(s.flags for s in claims_store.catalog.list_sources())
        claims_store.close()
    base, claims = seconds["base"], seconds["claims"]
    overhead = 100.0 * (claims - base) / base
    inner = sum(timed.seconds.values())
    print(f"abstracts: {len(sources)}")
    print(f"ingest without claim analysis: {base:8.1f} s")
    print(f"ingest with claim analysis:    {claims:8.1f} s  ({flagged} sentences flagged)")
    print("  inside the analyser: " + ", ".join(f"{k} {v:.1f} s" for k, v in timed.seconds.items())
          + f" = {100.0 * inner / base:.1f}% of the baseline")
    print(f"overhead: {overhead:+.1f}% (target ≤ {TARGET:.0f}%): {'PASS' if overhead <= TARGET else 'FAIL'}")
    return 0 if overhead <= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
