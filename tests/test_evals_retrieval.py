"""The retrieval suite on a tiny BEIR-layout corpus: a real store, real hybrid retrieval, metric plumbing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.settings import Settings
from evals.kinds import Context
from evals.retrieval_suite import ranking_metric, run_retrieval
from evals.suites import SuiteError, load_suite

DOCS = {
    "1": ("Vitamin D and bone density", "Vitamin D supplements increase bone mineral density in older adults."),
    "2": ("Statins and muscle pain", "Statin therapy is associated with muscle pain in a minority of patients."),
    "3": ("Sleep and memory", "Sleep deprivation impairs the consolidation of episodic memory."),
    "4": ("Coffee and heart rhythm", "Moderate coffee intake does not raise the risk of atrial fibrillation."),
    "5": ("Exercise and depression", "Aerobic exercise reduces symptoms of depression in adults."),
    "6": ("Salt and blood pressure", "Reducing dietary salt lowers blood pressure in hypertensive patients."),
}
QUERIES = {"q1": "Vitamin D improves bone density.", "q2": "Lack of sleep harms memory consolidation.",
           "q3": "Exercise relieves depression."}
QRELS = [("q1", "1"), ("q2", "3"), ("q3", "5")]


def beir(folder: Path) -> Path:
    (folder / "qrels").mkdir(parents=True)
    with (folder / "corpus.jsonl").open("w") as fh:
        for i, (title, text) in DOCS.items():
            fh.write(json.dumps({"_id": i, "title": title, "text": text, "metadata": {}}) + "\n")
    with (folder / "queries.jsonl").open("w") as fh:
        for i, text in QUERIES.items():
            fh.write(json.dumps({"_id": i, "text": text, "metadata": {}}) + "\n")
    rows = "".join(f"{q}\t{d}\t1\n" for q, d in QRELS)
    (folder / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\n" + rows)
    return folder


def suite_file(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "tiny-retrieval.yaml"
    path.write_text(f"""name: tiny-retrieval
kind: retrieval
data: scifact
k: 5
limit: 2
{extra}
metrics: [ndcg_at_10, recall_at_5, mrr, mrr_at_3, latency_p95_ms]
thresholds:
  ndcg_at_10: 0.5
""")
    return path


def test_ranking_metric_names() -> None:
    rel = {"a": 1}
    assert ranking_metric("ndcg_at_10", ["b", "a"], rel) == pytest.approx(1 / 1.5849625)
    assert ranking_metric("recall_at_1", ["b", "a"], rel) == 0.0
    assert ranking_metric("mrr", ["b", "c", "a"], rel) == pytest.approx(1 / 3)
    assert ranking_metric("mrr_at_2", ["b", "c", "a"], rel) == 0.0


def test_quick_suite_on_a_sub_corpus(tmp_path: Path, settings: Settings) -> None:
    data = beir(tmp_path / "beir")
    suite = load_suite(str(suite_file(tmp_path, "quick: {distractors: 2, seed: 1}")))
    ctx = Context(settings=settings, workdir=tmp_path / "work", data=str(data), quiet=True,
                  cache_dir=tmp_path / "cache")
    result = run_retrieval(suite, ctx)
    assert result.setting == {"queries": 2, "split": "test", "depth": 5, "gold_docs": 2, "distractors": 2,
                              "seed": 1, "documents": 4}
    assert result.metrics["ndcg_at_10"] == 1.0 and result.metrics["mrr"] == 1.0
    assert len(result.latencies_ms) == 2 and "latency_p95_ms" in result.metrics
    assert [d["id"] for d in result.details] == ["q1", "q2"]
    again = run_retrieval(suite, ctx)  # the cached store is reused
    assert again.metrics["ndcg_at_10"] == 1.0


def test_missing_data_names_the_file(tmp_path: Path, settings: Settings) -> None:
    suite = load_suite(str(suite_file(tmp_path)))
    ctx = Context(settings=settings, workdir=tmp_path, data=str(tmp_path / "nowhere"), quiet=True,
                  cache_dir=tmp_path / "cache")
    with pytest.raises(SuiteError, match=r"nowhere/corpus\.jsonl not found"):
        run_retrieval(suite, ctx)


def test_unknown_query_in_qrels_names_the_file(tmp_path: Path, settings: Settings) -> None:
    data = beir(tmp_path / "beir")
    with (data / "qrels" / "test.tsv").open("a") as fh:
        fh.write("q9\t2\t1\n")
    suite = load_suite(str(suite_file(tmp_path)))
    ctx = Context(settings=settings, workdir=tmp_path, data=str(data), quiet=True, cache_dir=tmp_path / "cache")
    with pytest.raises(SuiteError, match=r"test\.tsv: query 'q9' is not in queries\.jsonl"):
        run_retrieval(suite, ctx)
