"""The flags suite wraps evals/flags.py: split selection, metrics, disagreements, label errors with lines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assistant.settings import Settings
from evals import flags
from evals.kinds import Context, run_flags
from evals.suites import SuiteError, load_suite

LABEL = ('{"source": "samples/a.md", "sentence": "Spain has no exemption.", "mode": "asserted", "flag": true, '
         '"split": "test"}\n')


def scores(f1: float) -> flags.SplitScores:
    return flags.SplitScores(sentences=2, flag_precision=1.0, flag_recall=f1, flag_f1=f1, attributed_precision=1.0,
                             mode_accuracy=0.5, unmatched=0)


def suite(tmp_path: Path, labels: str, split: str = "test") -> Any:
    (tmp_path / "labels.jsonl").write_text(labels)
    path = tmp_path / "f.yaml"
    path.write_text(f"name: f\nkind: flags\ndata: {tmp_path}\noptions: {{split: {split}}}\n"
                    "metrics: [flag_f1, attributed_precision, mode_accuracy]\nthresholds: {flag_f1: 0.85}\n")
    return load_suite(str(path))


def test_flags_suite_reports_the_chosen_split(tmp_path: Path, settings: Settings,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    def fake_run(labels: list[flags.Label], store: Path, settings: Settings) -> flags.FlagsResult:
        seen["labels"], seen["store"] = labels, store
        miss = flags.Outcome(labels[0], "attributed", False, ())
        return flags.FlagsResult(scores={"dev": scores(0.9), "test": scores(0.5), "all": scores(0.7)}, errors=[miss])

    monkeypatch.setattr(flags, "run", fake_run)
    ctx = Context(settings=settings, workdir=tmp_path / "work", quiet=True)
    result = run_flags(suite(tmp_path, LABEL), ctx)
    assert seen["labels"][0].sentence == "Spain has no exemption."
    assert seen["store"] == tmp_path / "work" / "flags-store"  # never the user's store
    assert result.metrics["flag_f1"] == 0.5 and result.setting["split"] == "test"
    assert any(n.startswith("split dev (n=2): flag P 1.000 R 0.900 F1 0.900") for n in result.notes)
    assert result.details[0]["problems"] == ["want asserted + flag, got attributed: 'Spain has no exemption.'"]


def test_bad_label_line_is_named(tmp_path: Path, settings: Settings) -> None:
    ctx = Context(settings=settings, workdir=tmp_path, quiet=True)
    with pytest.raises(SuiteError, match=r"labels\.jsonl:2: bad label"):
        run_flags(suite(tmp_path, LABEL + '{"source": "x"}\n'), ctx)
