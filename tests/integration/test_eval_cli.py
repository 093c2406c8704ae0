"""`candor eval qa citations` end to end: the real assistant over the bundled samples, a real report folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.settings import PROJECT_ROOT

pytestmark = pytest.mark.integration


def test_eval_qa_and_citations_writes_a_report(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("CANDOR_MODEL", "OPENAI_BASE_URL", "CHROMA_HOST")}
    env.update(HOME=str(tmp_path / "home"), CANDOR_STORE=str(tmp_path / "user-store"))
    report = tmp_path / "report"
    run = subprocess.run(
        [sys.executable, "-m", "assistant", "eval", "qa", "citations", "--report", str(report)],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert run.returncode in (0, 1), run.stderr[-3000:]  # 1: a threshold failed honestly; never a crash (2)
    assert not (tmp_path / "user-store").exists()  # evals never touch the user's library
    data = json.loads((report / "report.json").read_text(encoding="utf-8"))
    qa, citations = data["suites"]
    assert qa["error"] is None and citations["error"] is None
    assert data["passed"] is (run.returncode == 0)
    assert qa["setting"]["questions"] >= 15
    for metric in ("fact_recall", "gold_source_recall", "no_answer_accuracy", "latency_p95_ms"):
        assert metric in qa["metrics"], metric
    assert citations["metrics"]["quote_exactness"] == 1.0  # every quote is exact source text, always
    assert 0.0 <= citations["metrics"]["citation_precision"] <= 1.0
    assert (report / "report.md").read_text(encoding="utf-8").startswith("# Candor evaluation report")
    assert (report / "metrics.png").stat().st_size > 0 and (report / "latency.png").stat().st_size > 0
    assert "qa (qa):" in run.stdout and "citations (citations):" in run.stdout
