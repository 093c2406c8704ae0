"""SciFact retrieval benchmark: nDCG@10 and recall@100 of dense, lexical and hybrid retrieval in one run."""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.library import Library
from assistant.retrieval import (
    DEFAULT_CANDIDATES,
    DEFAULT_FUSION,
    Candidates,
    Fusion,
    best_per_source,
    fuse,
    search,
)
from evals.metrics import mean, mrr, ndcg_at_k, recall_at_k
from evals.scifact_store import DEFAULT_DATA, build_store

Qrels = dict[str, dict[str, float]]
DEPTH = 300  # candidates per arm: enough chunks for 100 distinct documents
# Published figures on this split (README of the data folder): (nDCG@10, recall@100)
BASELINES = {
    "BM25 flat (Anserini)": (0.679, 0.925),
    "all-MiniLM-L6-v2 (MTEB)": (0.674, None),
    "BGE-base-en-v1.5": (0.741, 0.967),
}


def load_qrels(path: Path) -> Qrels:
    qrels: Qrels = {}
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            qrels.setdefault(row["query-id"], {})[row["corpus-id"]] = float(row["score"])
    return qrels


def load_queries(data: Path, qrels: Qrels) -> dict[str, str]:
    with (data / "queries.jsonl").open(encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return {r["_id"]: r["text"] for r in rows if r["_id"] in qrels}


@dataclass(frozen=True)
class Scores:
    ndcg10: float
    recall100: float
    mrr10: float


def score(runs: dict[str, list[str]], qrels: Qrels) -> Scores:
    """Mean metrics over every judged query (a query missing from `runs` scores zero)."""
    ids = list(qrels)
    return Scores(
        mean(ndcg_at_k(runs.get(q, []), qrels[q], 10) for q in ids),
        mean(recall_at_k(runs.get(q, []), qrels[q], 100) for q in ids),
        mean(mrr(runs.get(q, []), qrels[q], 10) for q in ids),
    )


def gather(library: Library, queries: dict[str, str], depth: int = DEPTH) -> dict[str, Candidates]:
    """Both arms' candidates for every query, once (every system below is computed from these)."""
    out: dict[str, Candidates] = {}
    for i, (qid, text) in enumerate(queries.items(), start=1):
        out[qid] = search(library, text, depth)
        if i % 100 == 0:
            print(f"  {i}/{len(queries)} queries searched", file=sys.stderr, flush=True)
    return out


def doc_runs(
    found: dict[str, Candidates], system: str, fusion: Fusion, per_arm: int = DEPTH
) -> dict[str, list[str]]:
    """Document rankings (each document scored by its best chunk) for `dense`, `lexical` or `hybrid`."""
    runs: dict[str, list[str]] = {}
    for qid, cands in found.items():
        lists = {arm: ranked[:per_arm] for arm, ranked in cands.lists.items()}
        if system != "hybrid":
            lists = {arm: ranked for arm, ranked in lists.items() if arm == system}
        runs[qid] = [sid for sid, _ in best_per_source(fuse(lists, fusion), cands.chunks, 100)]
    return runs


def tune(found: dict[str, Candidates], qrels: Qrels) -> list[tuple[Scores, Fusion]]:
    """Grid over RRF k and the dense/lexical weight ratio, best nDCG@10 first (use on TRAIN queries only)."""
    results = []
    grid = itertools.product((1, 5, 10, 20, 30, 45, 60, 80, 100, 150), (0.5, 0.7, 0.85, 1.0, 1.2, 1.5, 2.0))
    for rrf_k, dense in grid:
        fusion = Fusion(rrf_k=float(rrf_k), dense=dense, lexical=1.0)
        results.append((score(doc_runs(found, "hybrid", fusion), qrels), fusion))
    return sorted(results, key=lambda r: -r[0].ndcg10)


def _row(name: str, ndcg: float, recall: float | None, extra: str = "") -> str:
    rec = f"{recall:.3f}" if recall is not None else "  –  "
    return f"  {name:<44} {ndcg:.3f}    {rec}   {extra}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="SciFact folder (BEIR layout)")
    parser.add_argument("--store", type=Path, default=Path("/tmp/scifact-store"), help="store (built if missing)")
    parser.add_argument("--split", choices=("test", "train"), default="test")
    parser.add_argument("--tune", action="store_true", help="grid-search the fusion (refused on the test split)")
    args = parser.parse_args(argv)
    if args.tune and args.split != "train":
        parser.error("--tune runs on --split train only: the test queries are for reporting")
    qrels = load_qrels(args.data / "qrels" / f"{args.split}.tsv")
    queries = load_queries(args.data, qrels)
    library = build_store(args.store, args.data)
    started = time.perf_counter()
    found = gather(library, queries)
    took = time.perf_counter() - started
    print(f"SciFact {args.split}: {len(queries)} queries, {library.chunks.count()} chunks, "
          f"{1000 * took / max(1, len(queries)):.0f} ms/query for both arms at depth {DEPTH}")
    if args.tune:
        ranked = tune(found, qrels)
        for s, f in ranked[:10]:
            print(f"  rrf_k={f.rrf_k:<5g} dense={f.dense:<4g} lexical={f.lexical:<4g} "
                  f"nDCG@10={s.ndcg10:.4f} R@100={s.recall100:.4f}")
        default = score(doc_runs(found, "hybrid", DEFAULT_FUSION), qrels)
        print(f"  current default {DEFAULT_FUSION}: nDCG@10={default.ndcg10:.4f} R@100={default.recall100:.4f}")
        return 0
    print(f"  {'system':<44} nDCG@10  R@100   MRR@10")
    for system in ("dense", "lexical", "hybrid"):
        s = score(doc_runs(found, system, DEFAULT_FUSION), qrels)
        print(_row(f"Candor {system}", s.ndcg10, s.recall100, f"{s.mrr10:.3f}"))
    s = score(doc_runs(found, "hybrid", DEFAULT_FUSION, DEFAULT_CANDIDATES), qrels)
    print(_row(f"Candor hybrid, retrieve() depth {DEFAULT_CANDIDATES}/arm", s.ndcg10, None, f"{s.mrr10:.3f}"))
    print(f"  fusion: {DEFAULT_FUSION}")
    for name, (ndcg, recall) in BASELINES.items():
        print(_row(f"published: {name}", ndcg, recall))
    library.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
