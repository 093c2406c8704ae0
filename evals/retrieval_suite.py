"""Retrieval suites on SciFact (BEIR layout): full corpus or a cached sub-corpus, ranked by hybrid retrieval."""

from __future__ import annotations

import hashlib
import json
import random
import time
from pathlib import Path

from assistant.settings import PROJECT_ROOT
from evals import scorers
from evals.kinds import Context, short
from evals.report import SuiteResult
from evals.suites import Suite, SuiteError, read_jsonl, read_qrels


def _subcorpus(data: Path, keep: set[str], distractors: int, seed: int, cache: Path) -> Path:
    """A folder holding corpus.jsonl with the `keep` documents plus `distractors` others drawn with `seed`."""
    lines = {}
    with (data / "corpus.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                lines[str(json.loads(line)["_id"])] = line
    others = sorted(set(lines) - keep)
    chosen = keep | set(random.Random(seed).sample(others, min(distractors, len(others))))
    ids = [i for i in lines if i in chosen]
    digest = hashlib.sha256("\n".join(lines[i] for i in ids).encode()).hexdigest()[:12]
    folder = cache / f"scifact-sub-{digest}"
    if not (folder / "corpus.jsonl").exists():
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / "corpus.jsonl.tmp"
        tmp.write_text("".join(lines[i] if lines[i].endswith("\n") else lines[i] + "\n" for i in ids),
                       encoding="utf-8")
        tmp.replace(folder / "corpus.jsonl")
    return folder


def ranking_metric(name: str, ranked: list[str], relevance: dict[str, int]) -> float:
    """`ndcg_at_K`, `recall_at_K`, `mrr` or `mrr_at_K` of one query, from evals/metrics.py."""
    from evals import metrics

    rel = {doc: float(g) for doc, g in relevance.items()}
    if name == "mrr":
        return metrics.mrr(ranked, rel)
    kind, _, k = name.rpartition("_at_")
    fn = {"ndcg": metrics.ndcg_at_k, "recall": metrics.recall_at_k, "mrr": metrics.mrr}[kind]
    return fn(ranked, rel, int(k))


def run_retrieval(suite: Suite, ctx: Context) -> SuiteResult:
    from assistant.retrieval import rank_sources
    from evals.scifact_store import build_store

    data = suite.data_paths(ctx.data)[0]
    split = str(suite.options.get("split", "test"))
    for name in ("corpus.jsonl", "queries.jsonl", f"qrels/{split}.tsv"):
        if not (data / name).exists():
            raise SuiteError(f"{suite.path}: {data / name} not found (pass --data PATH, the SciFact folder)")
    qrels = read_qrels(data / "qrels" / f"{split}.tsv")
    queries = {q["_id"]: q["text"] for q in read_jsonl(data / "queries.jsonl", {"_id": str, "text": str})}
    qids = [q for q in qrels if q in queries][: suite.limit or None]
    unknown = [q for q in qrels if q not in queries]
    if unknown:
        raise SuiteError(f"{data / 'qrels' / f'{split}.tsv'}: query {unknown[0]!r} is not in queries.jsonl")
    corpus_dir, setting = data, {"queries": len(qids), "split": split, "depth": suite.k}
    if suite.quick:
        keep = {d for q in qids for d in qrels[q]}
        n, seed = int(suite.quick.get("distractors", 500)), int(suite.quick.get("seed", 0))
        corpus_dir = _subcorpus(data, keep, n, seed, ctx.cache_dir)
        setting.update(gold_docs=len(keep), distractors=n, seed=seed)
    store = ctx.cache_dir / f"store-{corpus_dir.name if suite.quick else 'scifact-full'}"
    if suite.options.get("store"):  # e.g. a store built by evals/scifact_store.py
        store = Path(str(suite.options["store"]))
        store = store if store.is_absolute() else PROJECT_ROOT / store
    started = time.perf_counter()
    library = build_store(store, corpus_dir, log=not ctx.quiet)  # resumes an interrupted build
    setting["documents"] = len(library.catalog.list_sources())
    result = SuiteResult(suite.name, suite.kind, setting=setting,
                         notes=[f"store {short(store)} ready in {time.perf_counter() - started:.1f}s"])
    arms = tuple(suite.options.get("arms", ("dense", "lexical")))
    rank_sources(library, "warm-up query", k=10, arms=arms)
    per_query: dict[str, list[float]] = {x: [] for x in suite.metrics if not x.startswith("latency")}
    try:
        for qid in ctx.progress(qids, suite.name):
            t0 = time.perf_counter()
            ranked = [sid for sid, _ in rank_sources(library, queries[qid], k=suite.k, arms=arms)]
            result.latencies_ms.append((time.perf_counter() - t0) * 1000)
            for metric, values in per_query.items():
                values.append(ranking_metric(metric, ranked, qrels[qid]))
            result.details.append({"id": qid, "top10": ranked[:10], "gold": sorted(qrels[qid])})
    finally:
        library.close()
    result.metrics.update({k: sum(v) / len(v) for k, v in per_query.items() if v})
    result.metrics.update(scorers.latency_metrics(result.latencies_ms))
    return result
