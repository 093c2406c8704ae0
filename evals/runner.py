"""`candor eval`: load suites, run them, write the report folder, compare with a previous run, exit code."""

from __future__ import annotations

import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from assistant.settings import PROJECT_ROOT, Settings
from evals.kinds import Context, run_citations, run_flags, run_qa
from evals.report import SuiteResult, load_previous, summary_lines, write_report
from evals.report import compare as compare_runs
from evals.retrieval_suite import run_retrieval
from evals.suites import Suite, SuiteError, load_suite

EXIT_OK, EXIT_THRESHOLD, EXIT_ERROR = 0, 1, 2
RUNNERS = {"qa": run_qa, "citations": run_citations, "retrieval": run_retrieval, "flags": run_flags}


def run_suite(suite: Suite, ctx: Context) -> SuiteResult:
    """Run one suite; a suite that cannot run becomes a result with `error` set (it fails the run)."""
    started = time.perf_counter()
    try:
        result = RUNNERS[suite.kind](suite, ctx)
    except SuiteError as exc:
        result = SuiteResult(suite.name, suite.kind, error=str(exc))
    except Exception as exc:
        detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
        result = SuiteResult(suite.name, suite.kind, error=f"suite crashed: {detail}")
        traceback.print_exc(file=sys.stderr)
    result.duration_s = time.perf_counter() - started
    result.description = suite.description
    result.requested = list(suite.metrics)
    result.thresholds = list(suite.thresholds)
    result.tolerance = suite.tolerance
    missing = [m for m in suite.metrics if m not in result.metrics and not m.startswith("judge_")]
    if missing and result.error is None:
        result.notes.append(f"not measured: {', '.join(missing)}")
    return result


def default_report_dir() -> Path:
    return PROJECT_ROOT / "reports" / datetime.now().strftime("%Y%m%d-%H%M%S")


def run_suites(
    suites: Sequence[Suite],
    settings: Settings,
    *,
    data: str | None = None,
    quiet: bool = False,
    workdir: Path | None = None,
    assistant_factory: Callable[[Settings], Any] | None = None,
) -> list[SuiteResult]:
    """Run suites in order; qa and citations suites over the same library share its store and answers."""
    with tempfile.TemporaryDirectory(prefix="candor-eval-") as tmp:
        ctx = Context(settings=settings, workdir=workdir or Path(tmp), data=data, quiet=quiet,
                      assistant_factory=assistant_factory)
        try:
            return [run_suite(s, ctx) for s in suites]
        finally:
            ctx.close()


def run_cli(
    names: Sequence[str],
    settings: Settings,
    *,
    report: str | None = None,
    compare: str | None = None,
    data: str | None = None,
    quiet: bool = False,
    out: TextIO | None = None,
    assistant_factory: Callable[[Settings], Any] | None = None,
) -> int:
    """The `candor eval` command: 0 when every threshold holds, 1 when one fails, 2 on a bad suite or data."""
    out = out or sys.stdout
    try:
        suites = [load_suite(n) for n in names]
    except SuiteError as exc:
        print(f"candor eval: {exc}", file=sys.stderr)
        return EXIT_ERROR
    previous: dict[str, Any] | None = None
    if compare:
        try:
            previous = load_previous(compare)
        except ValueError as exc:
            print(f"candor eval: {exc}", file=sys.stderr)
            return EXIT_ERROR
    folder = Path(report) if report else default_report_dir()
    started = datetime.now(UTC)
    results = run_suites(suites, settings, data=data, quiet=quiet, assistant_factory=assistant_factory)
    return finish(results, folder, previous, compare, started, settings, out)


def finish(
    results: Sequence[SuiteResult],
    folder: Path,
    previous: dict[str, Any] | None,
    compare_path: str | None,
    started: datetime,
    settings: Settings,
    out: TextIO,
) -> int:
    """Compare, write the report, print the summary; returns the exit code."""
    comparison = compare_runs(results, previous) if previous is not None else []
    meta = {"created": started.isoformat(timespec="seconds"), "model": settings.model_label,
            "compare": compare_path, "command": "candor eval " + " ".join(r.name for r in results)}
    files = write_report(folder, results, comparison, meta)
    for line in summary_lines(results, comparison):
        print(line, file=out)
    regressions = [c for c in comparison if c["regressed"]]
    if compare_path:
        print(f"compared with {compare_path}: {len(regressions)} regression(s)"
              + "".join(f"\n  REGRESSION {c['suite']}.{c['metric']}: {c['previous']} → {c['current']}"
                        for c in regressions), file=out)
    print(f"report: {files[1]}", file=out)
    if any(r.error for r in results):
        return EXIT_ERROR
    return EXIT_OK if all(r.passed for r in results) else EXIT_THRESHOLD
