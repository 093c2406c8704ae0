"""`candor eval` end to end with a fake assistant: exit codes, report files, regressions, progress."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from assistant.settings import Settings
from assistant.types import Answer, Citation, IngestItem, IngestReport, Source
from evals.report import SuiteResult, compare, write_report
from evals.runner import EXIT_ERROR, EXIT_OK, EXIT_THRESHOLD, run_cli
from evals.suites import Threshold

TEXT = "The council voted 7 votes to 5 to end fluoridation. The scheme costs £186,000 a year."
QUESTIONS = [
    {"id": "vote", "question": "How did the council vote?", "facts": [["7 votes to 5", "7-5"]],
     "sources": ["lib/minutes.md"]},
    {"id": "cost", "question": "What does it cost?", "facts": ["£186,000"], "sources": ["lib/minutes.md"]},
    {"id": "none", "question": "Who is the mayor?", "facts": [], "sources": [], "answerable": False},
]


class FakeCatalog:
    def __init__(self, path: str) -> None:
        self.path = path

    def source(self, source_id: str) -> Source | None:
        return Source(source_id, TEXT, "Minutes", path=self.path) if source_id == "minutes" else None


class FakeAssistant:
    """Answers from a fixed table; `bad_cost` makes the cost answer miss its fact."""

    def __init__(self, settings: Settings, folder: Path, bad_cost: bool = False) -> None:
        self.settings = settings
        self.path = str(folder / "minutes.md")
        self.library = type("Lib", (), {"catalog": FakeCatalog(self.path)})()
        self.bad_cost = bad_cost
        self.asked: list[str] = []

    def ingest(self, inputs: list[str]) -> IngestReport:
        return IngestReport([IngestItem(inputs[0], "added", "minutes", "Minutes", 1)])

    def _cite(self, quote: str) -> Citation:
        start = TEXT.index(quote)
        return Citation(1, "minutes", "Minutes", self.path, "minutes:v:0", quote, start, start + len(quote))

    def ask(self, question: str, k: int | None = None) -> Answer:
        self.asked.append(question)
        if "vote" in question:
            q = "The council voted 7 votes to 5 to end fluoridation."
        elif "cost" in question and not self.bad_cost:
            q = "The scheme costs £186,000 a year."
        else:
            return Answer(question, "The library does not contain an answer to this question.", "extractive")
        return Answer(question, f"{q[:-1]} [1].", "extractive", [self._cite(q)])

    def close(self) -> None:
        pass


@pytest.fixture
def suites(tmp_path: Path) -> dict[str, Path]:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "minutes.md").write_text(TEXT, encoding="utf-8")
    data = tmp_path / "qa.jsonl"
    data.write_text("".join(json.dumps(q) + "\n" for q in QUESTIONS), encoding="utf-8")
    qa = tmp_path / "tiny-qa.yaml"
    qa.write_text(f"""name: tiny-qa
kind: qa
library: {lib}
data: {data}
metrics: [fact_recall, gold_source_recall, no_answer_accuracy, latency_p95_ms, judge_score]
thresholds:
  fact_recall: 0.9
  no_answer_accuracy: 1.0
  latency_p95_ms: {{max: 60000}}
""", encoding="utf-8")
    cit = tmp_path / "tiny-citations.yaml"
    cit.write_text(f"""name: tiny-citations
kind: citations
library: {lib}
data: {data}
metrics: [citation_precision, citation_recall, quote_exactness]
thresholds:
  quote_exactness: 1.0
""", encoding="utf-8")
    return {"qa": qa, "citations": cit, "lib": lib}


def run(suites: dict[str, Path], settings: Settings, report: Path, bad_cost: bool = False,
        compare_with: Path | None = None) -> tuple[int, str, list[FakeAssistant]]:
    made: list[FakeAssistant] = []

    def factory(s: Settings) -> FakeAssistant:
        made.append(FakeAssistant(s, suites["lib"], bad_cost))
        return made[-1]

    out = io.StringIO()
    code = run_cli([str(suites["qa"]), str(suites["citations"])], settings, report=str(report),
                   compare=str(compare_with) if compare_with else None, quiet=True, out=out,
                   assistant_factory=factory)
    return code, out.getvalue(), made


def test_passing_run_writes_the_report(suites: dict[str, Path], settings: Settings, tmp_path: Path) -> None:
    code, out, made = run(suites, settings, tmp_path / "r1")
    assert code == EXIT_OK, out
    assert len(made) == 1  # one library, shared by both suites
    assert made[0].asked.count("How did the council vote?") == 1  # answers shared too
    assert made[0].settings.store != settings.store  # a fresh store, never the user's library
    report = json.loads((tmp_path / "r1" / "report.json").read_text())
    assert report["passed"] is True
    qa = report["suites"][0]
    assert qa["metrics"]["fact_recall"] == 1.0 and qa["metrics"]["no_answer_accuracy"] == 1.0
    assert "judge metrics not measured: no model configured (set CANDOR_MODEL)" in qa["notes"]
    assert report["suites"][1]["metrics"]["quote_exactness"] == 1.0
    md = (tmp_path / "r1" / "report.md").read_text()
    assert "# Candor evaluation report — PASS" in md and "| fact_recall | 1.000 | ≥ 0.9 | ok |" in md
    for png in ("metrics.png", "latency.png"):
        assert (tmp_path / "r1" / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "tiny-qa (qa): PASS" in out and "report:" in out


def test_failed_threshold_exits_1_and_compare_marks_the_regression(
    suites: dict[str, Path], settings: Settings, tmp_path: Path
) -> None:
    assert run(suites, settings, tmp_path / "before")[0] == EXIT_OK
    code, out, _ = run(suites, settings, tmp_path / "after", bad_cost=True, compare_with=tmp_path / "before")
    assert code == EXIT_THRESHOLD
    assert "fact_recall" in out and "FAILED" in out and "REGRESSION" in out
    report = json.loads((tmp_path / "after" / "report.json").read_text())
    assert report["passed"] is False
    regressed = {(r["suite"], r["metric"]) for r in report["regressions"]}
    assert ("tiny-qa", "fact_recall") in regressed
    md = (tmp_path / "after" / "report.md").read_text()
    assert "**REGRESSION**" in md and "**FAILED**" in md
    detail = next(d for d in report["suites"][0]["details"] if d["id"] == "cost")
    assert detail["problems"] == ["declined an answerable question"]


def test_malformed_suite_exits_2_naming_file_and_line(
    suites: dict[str, Path], settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(suites["qa"].read_text().replace("  fact_recall: 0.9", "  fact_recall: lots"))
    assert run_cli([str(bad)], settings, report=str(tmp_path / "r"), quiet=True) == EXIT_ERROR
    assert f"{bad}:7: threshold for 'fact_recall'" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()


def test_malformed_data_fails_the_suite_naming_the_line(
    suites: dict[str, Path], settings: Settings, tmp_path: Path
) -> None:
    data = tmp_path / "qa.jsonl"
    data.write_text(data.read_text() + '{"id": "x", "question": "q"}\n')
    code, out, _ = run(suites, settings, tmp_path / "r")
    assert code == EXIT_ERROR
    assert f"{data}:4: missing keys 'facts', 'sources'" in out


def test_unknown_previous_report_is_an_error(settings: Settings, tmp_path: Path) -> None:
    assert run_cli(["qa"], settings, compare=str(tmp_path / "nowhere"), quiet=True) == EXIT_ERROR


def test_compare_tolerances() -> None:
    now = {"fact_recall": 0.80, "gold_source_recall": 0.89, "latency_p95_ms": 140.0}
    before = {"fact_recall": 0.85, "gold_source_recall": 0.90, "latency_p95_ms": 100.0}
    r = SuiteResult("s", "qa", metrics=now, thresholds=[Threshold("fact_recall", 0.5)])
    prev: dict[str, Any] = {"suites": [{"name": "s", "metrics": before}]}
    rows = {c["metric"]: c["regressed"] for c in compare([r], prev)}
    assert rows == {"fact_recall": True, "gold_source_recall": False, "latency_p95_ms": True}


def test_report_without_latencies_or_scores(tmp_path: Path) -> None:
    r = SuiteResult("broken", "retrieval", error="data missing", requested=["ndcg_at_10"],
                    thresholds=[Threshold("ndcg_at_10", 0.7)])
    files = write_report(tmp_path, [r], [], {"created": "now", "model": "offline"})
    assert [f.name for f in files] == ["report.json", "report.md"]
    assert "**Error:** data missing" in (tmp_path / "report.md").read_text()


def test_llm_judge_over_real_http(suites: dict[str, Path], tmp_path: Path) -> None:
    """With a model configured, each qa answer is graded through the pinned prompt; garbage counts as wrong."""
    from tests.fake_openai import FakeOpenAI, Reply, prompt_of, text

    def script(request: dict[str, Any]) -> Reply:
        prompt = prompt_of(request)
        if "What does it cost?" in prompt:
            return text("I would say this is mostly fine.")
        return text('```json\n{"correct": true, "score": 5, "reason": "states the facts"}\n```')

    with FakeOpenAI(script) as server:
        env = {"HOME": str(tmp_path), "CANDOR_MODEL": "fake", "OPENAI_BASE_URL": server.url, "OPENAI_API_KEY": "k"}
        settings = Settings.from_env(env=env, store=tmp_path / "store", llm_retries=0)
        code, out, made = run(suites, settings, tmp_path / "r")
        judged = [r for r in server.requests if "Reply with exactly one JSON object" in prompt_of(r)]
    assert code == EXIT_OK, out
    assert [m.settings.model for m in made] == [None, "fake"]  # offline claim analysis at ingest, model answers
    assert made[0].settings.store == made[1].settings.store
    assert len(judged) == 3
    qa = json.loads((tmp_path / "r" / "report.json").read_text())["suites"][0]
    assert qa["metrics"]["judge_score"] == pytest.approx(2 / 3, abs=1e-3)
    assert qa["metrics"]["judge_correct"] == pytest.approx(2 / 3, abs=1e-3)
    assert "judge: 1 of 3 replies could not be parsed (scored as wrong)" in qa["notes"]
    cost = next(d for d in qa["details"] if d["id"] == "cost")
    assert cost["judge"] is None and cost["problems"][0].startswith("judge: no JSON object")
