"""Suite and data files: the bundled ones are valid; malformed ones fail naming the file and the line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.settings import PROJECT_ROOT
from evals.suites import SuiteError, available_suites, check_facts, load_suite, read_jsonl, read_qrels

GOOD = """name: tiny
kind: qa
data: data.jsonl
metrics: [fact_recall, latency_p95_ms]
thresholds:
  fact_recall: 0.5
  latency_p95_ms: {max: 300}
"""
QA_KEYS = {"id": str, "question": str, "facts": list, "sources": list}


def write(tmp_path: Path, text: str, name: str = "suite.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_suites_load() -> None:
    names = available_suites()
    assert {"qa", "citations", "flags", "scifact", "scifact-quick"} <= set(names)
    for name in names:
        suite = load_suite(name)
        assert suite.name and suite.metrics and suite.thresholds


def test_flags_suite_keeps_the_issue_targets() -> None:
    bounds = {t.metric: t.bound for t in load_suite("flags").thresholds}
    assert bounds["flag_f1"] >= 0.85
    assert bounds["attributed_precision"] >= 0.95


def test_thresholds_min_and_max(tmp_path: Path) -> None:
    suite = load_suite(str(write(tmp_path, GOOD)))
    t = {x.metric: x for x in suite.thresholds}
    assert (t["fact_recall"].kind, t["fact_recall"].bound) == ("min", 0.5)
    assert (t["latency_p95_ms"].kind, t["latency_p95_ms"].bound) == ("max", 300.0)
    assert t["fact_recall"].passes(0.5) and not t["fact_recall"].passes(0.49)
    assert t["latency_p95_ms"].passes(300) and not t["latency_p95_ms"].passes(301)
    assert not t["fact_recall"].passes(None)


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("kind: qa", "kind: qa\n  data: x"))
    with pytest.raises(SuiteError) as err:
        load_suite(str(path))
    assert str(err.value).startswith(f"{path}:3:")
    assert "YAML error: mapping values are not allowed here" in str(err.value)


def test_missing_keys_are_named(tmp_path: Path) -> None:
    path = write(tmp_path, "name: x\nmetrics: [fact_recall]\n")
    with pytest.raises(SuiteError, match=r"suite.yaml:1: missing keys 'kind', 'data'"):
        load_suite(str(path))


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        ("kind: qa", "kind: quiz", 2, "kind must be one of"),
        ("[fact_recall, latency_p95_ms]", "\n  - fact_recall\n  - ndcg_at_10", 6, "unknown metric 'ndcg_at"),
        ("fact_recall: 0.5", "fact_recall: high", 6, "threshold for 'fact_recall'"),
        ("fact_recall: 0.5", "recall_at_5: 0.5", 6, "not in metrics"),
        ("name: tiny", "name: tiny\ncolour: blue", 2, "unknown key 'colour'"),
    ],
)
def test_bad_values_name_the_line(tmp_path: Path, old: str, new: str, line: int, message: str) -> None:
    path = write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(SuiteError) as err:
        load_suite(str(path))
    assert str(err.value).startswith(f"{path}:{line}:"), str(err.value)
    assert message in str(err.value)


def test_unknown_suite_lists_the_bundled_ones() -> None:
    with pytest.raises(SuiteError, match=r"bundled suites: .*qa"):
        load_suite("no-such-suite")


def test_jsonl_errors_name_file_and_line(tmp_path: Path) -> None:
    good = json.dumps({"id": "a", "question": "q?", "facts": ["x"], "sources": []})
    path = write(tmp_path, f"{good}\n\n{good[:-5]}\n", "bad.jsonl")
    with pytest.raises(SuiteError, match=r"bad\.jsonl:3: invalid JSON"):
        read_jsonl(path, QA_KEYS)
    second = json.dumps({"id": "b", "question": "q?", "sources": []})
    path = write(tmp_path, f"{good}\n{second}\n", "m.jsonl")
    with pytest.raises(SuiteError, match=r"m\.jsonl:2: missing key 'facts'"):
        read_jsonl(path, QA_KEYS)
    typed = json.dumps({"id": "a", "question": 3, "facts": [], "sources": []})
    path = write(tmp_path, typed + "\n", "t.jsonl")
    with pytest.raises(SuiteError, match=r"t\.jsonl:1: key 'question' must be str"):
        read_jsonl(path, QA_KEYS)
    with pytest.raises(SuiteError, match=r"empty\.jsonl:1: no records"):
        read_jsonl(write(tmp_path, "\n", "empty.jsonl"), QA_KEYS)


def test_fact_shapes_are_checked(tmp_path: Path) -> None:
    rows = [{"id": "a", "question": "q", "facts": ["x"], "sources": [], "answerable": False, "_line": 4}]
    with pytest.raises(SuiteError, match=r"qa\.jsonl:4: an unanswerable question must have no facts"):
        check_facts(rows, tmp_path / "qa.jsonl")
    rows = [{"id": "a", "question": "q", "facts": [[]], "sources": [], "_line": 2}]
    with pytest.raises(SuiteError, match=r"qa\.jsonl:2: each fact"):
        check_facts(rows, tmp_path / "qa.jsonl")


def test_qrels_errors_name_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "query-id\tcorpus-id\tscore\n1\t10\t1\n1\t11\n", "test.tsv")
    with pytest.raises(SuiteError, match=r"test\.tsv:3: expected"):
        read_qrels(path)
    path = write(tmp_path, "query-id\tcorpus-id\tscore\n1\t10\t1\n1\t11\t1\n2\t12\t1\n", "ok.tsv")
    assert read_qrels(path) == {"1": {"10": 1, "11": 1}, "2": {"12": 1}}


def test_bundled_qa_data_is_grounded_in_the_samples() -> None:
    """Every expected fact occurs in one of its gold sources (facts come from the texts, not from answers)."""
    path = PROJECT_ROOT / "evals" / "data" / "qa" / "sample.jsonl"
    rows = read_jsonl(path, QA_KEYS)
    check_facts(rows, path)
    assert len(rows) >= 15
    assert 2 <= sum(not r.get("answerable", True) for r in rows) <= 3
    assert len({r["id"] for r in rows}) == len(rows)
    fold = str.maketrans("–—", "--")
    for r in rows:
        texts = [" ".join((PROJECT_ROOT / s).read_text(encoding="utf-8").lower().translate(fold).split())
                 for s in r["sources"]]
        for fact in r["facts"]:
            alts = [fact] if isinstance(fact, str) else fact
            assert any(a.lower().translate(fold) in t for a in alts for t in texts), (r["id"], fact)
    disputed = PROJECT_ROOT / "evals" / "data" / "citations" / "disputed.jsonl"
    assert read_jsonl(disputed, {"id": str, "question": str})
