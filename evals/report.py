"""Suite results, regressions against a previous report, and the report folder (Markdown, JSON, PNG)."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.suites import Threshold, is_ratio, lower_is_better

SCORE_TOLERANCE = 0.02  # a score metric regresses when it drops by more than this (absolute)
LATENCY_TOLERANCE = 0.25  # a latency regresses when it grows by more than this fraction


@dataclass
class SuiteResult:
    """What one suite measured, and whether its thresholds held."""

    name: str
    kind: str
    metrics: dict[str, float] = field(default_factory=dict)
    requested: list[str] = field(default_factory=list)
    thresholds: list[Threshold] = field(default_factory=list)
    description: str = ""
    setting: dict[str, Any] = field(default_factory=dict)
    details: list[dict[str, Any]] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    duration_s: float = 0.0
    error: str | None = None
    tolerance: float | None = None

    def checks(self) -> list[dict[str, Any]]:
        return [{"metric": t.metric, "value": self.metrics.get(t.metric), "bound": t.bound, "kind": t.kind,
                 "passed": t.passes(self.metrics.get(t.metric))} for t in self.thresholds]

    @property
    def passed(self) -> bool:
        return self.error is None and all(c["passed"] for c in self.checks())

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "kind": self.kind, "description": self.description, "passed": self.passed,
            "error": self.error, "metrics": {k: _num(v) for k, v in self.metrics.items()},
            "requested": self.requested, "checks": self.checks(), "setting": self.setting,
            "notes": self.notes, "duration_s": round(self.duration_s, 2), "tolerance": self.tolerance,
            "latencies_ms": [round(v, 2) for v in self.latencies_ms], "details": self.details,
        }


def _num(v: float | None) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else round(float(v), 4)


def _fmt(metric: str, v: float | None) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    return f"{v:.1f}" if lower_is_better(metric) else f"{v:.3f}"


def load_previous(folder: str | Path) -> dict[str, Any]:
    path = Path(folder)
    path = path / "report.json" if path.is_dir() else path
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"cannot read previous report {path}: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("suites"), list):
        raise ValueError(f"{path}: not a Candor eval report (no 'suites' list)")
    return data


def compare(results: Sequence[SuiteResult], previous: dict[str, Any]) -> list[dict[str, Any]]:
    """Per metric present in both runs: previous, current, delta and whether it regressed."""
    before = {s["name"]: s.get("metrics", {}) for s in previous["suites"] if isinstance(s, dict)}
    rows = []
    for r in results:
        old = before.get(r.name, {})
        for metric, value in r.metrics.items():
            prev = old.get(metric)
            if prev is None or value is None or math.isnan(value):
                continue
            delta = value - prev
            if lower_is_better(metric):
                tol = LATENCY_TOLERANCE * prev
                regressed = delta > tol
            else:
                tol = r.tolerance if r.tolerance is not None else SCORE_TOLERANCE
                regressed = -delta > tol
            rows.append({"suite": r.name, "metric": metric, "previous": _num(prev), "current": _num(value),
                         "delta": _num(delta), "tolerance": _num(tol), "regressed": regressed})
    return rows


def summary_lines(results: Sequence[SuiteResult], comparison: Sequence[dict[str, Any]] = ()) -> list[str]:
    """The console summary: one block per suite, failed thresholds and regressions marked."""
    regressed = {(c["suite"], c["metric"]): c for c in comparison if c["regressed"]}
    lines = []
    for r in results:
        status = "ERROR" if r.error else ("PASS" if r.passed else "FAIL")
        lines.append(f"{r.name} ({r.kind}): {status}  [{r.duration_s:.1f}s]")
        if r.error:
            lines.append(f"  {r.error}")
        bounds = {t.metric: t for t in r.thresholds}
        for metric in r.requested:
            value = r.metrics.get(metric)
            t = bounds.get(metric)
            mark = ""
            if t is not None:
                mark = f"  (threshold {t.describe()}: {'ok' if t.passes(value) else 'FAILED'})"
            c = regressed.get((r.name, metric))
            if c is not None:
                mark += f"  REGRESSION from {_fmt(metric, c['previous'])}"
            lines.append(f"  {metric:<22} {_fmt(metric, value):>8}{mark}")
        lines += [f"  note: {n}" for n in r.notes]
    return lines


def _markdown(results: Sequence[SuiteResult], comparison: Sequence[dict[str, Any]], meta: dict[str, Any],
              plots: Sequence[str]) -> str:
    by_key = {(c["suite"], c["metric"]): c for c in comparison}
    ok = all(r.passed for r in results)
    out = [f"# Candor evaluation report — {'PASS' if ok else 'FAIL'}", "",
           f"- created: {meta.get('created')}", f"- answering: {meta.get('model')}"]
    if meta.get("compare"):
        n = sum(c["regressed"] for c in comparison)
        out.append(f"- compared with: `{meta['compare']}` — **{n} regression{'s' if n != 1 else ''}**")
    out += ["", "| suite | kind | status | time |", "|---|---|---|---|"]
    out += [f"| {r.name} | {r.kind} | {'ERROR' if r.error else 'pass' if r.passed else '**FAIL**'} | "
            f"{r.duration_s:.1f}s |" for r in results]
    for r in results:
        out += ["", f"## {r.name}", ""]
        if r.description:
            out += [r.description.strip(), ""]
        if r.setting:
            out += ["Setting: " + ", ".join(f"{k} = {v}" for k, v in r.setting.items()), ""]
        if r.error:
            out += [f"**Error:** {r.error}", ""]
            continue
        bounds = {t.metric: t for t in r.thresholds}
        head = "| metric | value | threshold | status |"
        rule = "|---|---|---|---|"
        if comparison:
            head, rule = head + " previous | Δ |", rule + "---|---|"
        out += [head, rule]
        for metric in r.requested:
            v = r.metrics.get(metric)
            t = bounds.get(metric)
            status = "" if t is None else ("ok" if t.passes(v) else "**FAILED**")
            row = f"| {metric} | {_fmt(metric, v)} | {t.describe() if t else ''} | {status} |"
            if comparison:
                c = by_key.get((r.name, metric))
                if c is None:
                    row += " – | |"
                else:
                    flag = " **REGRESSION**" if c["regressed"] else ""
                    row += f" {_fmt(metric, c['previous'])} | {c['delta']:+.3f}{flag} |"
            out.append(row)
        out += [""] + [f"- {n}" for n in r.notes]
        problems = [d for d in r.details if d.get("problems") or d.get("missing")]
        if problems:
            out += ["", "<details><summary>items with problems</summary>", ""]
            for d in problems[:40]:
                missing = [f"missing fact {m!r}" for m in d.get("missing", [])]
                what = "; ".join([*d.get("problems", []), *missing])
                out.append(f"- `{d.get('id')}`: {what}")
            out += ["", "</details>"]
    if plots:
        out += ["", "## Plots", ""] + [f"![{p}]({p})" for p in plots]
    return "\n".join(out) + "\n"


def _plots(folder: Path, results: Sequence[SuiteResult], comparison: Sequence[dict[str, Any]]) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written = []
    prev = {(c["suite"], c["metric"]): c["previous"] for c in comparison}
    ratios = {r.name: [m for m in r.requested if is_ratio(m) and m in r.metrics] for r in results}
    scored = [r for r in results if ratios[r.name]]
    if scored:
        rows = sum(len(ratios[r.name]) for r in scored)
        fig, axes = plt.subplots(len(scored), 1, figsize=(8, 0.9 * len(scored) + 0.42 * rows), squeeze=False,
                                 gridspec_kw={"height_ratios": [len(ratios[r.name]) for r in scored]})
        for ax, r in zip(axes[:, 0], scored, strict=True):
            names = ratios[r.name]
            bounds = {t.metric: t for t in r.thresholds}
            colours = ["#bbbbbb" if m not in bounds else "#4c72b0" if bounds[m].passes(r.metrics[m])
                       else "#c44e52" for m in names]
            ax.barh(names, [r.metrics[m] for m in names], color=colours)
            for i, m in enumerate(names):
                if m in bounds:
                    ax.plot([bounds[m].bound] * 2, [i - 0.45, i + 0.45], color="black", lw=2)
                if (r.name, m) in prev:
                    ax.plot(prev[(r.name, m)], i, marker="D", mfc="none", mec="#dd8452", ms=8, mew=2)
            ax.set_xlim(0, 1.05)
            ax.invert_yaxis()
            ax.set_title(f"{r.name}: bar = this run (blue pass, red fail, grey no threshold), "
                         "black = threshold, ◇ = previous run", fontsize=8)
        fig.tight_layout()
        fig.savefig(folder / "metrics.png", dpi=110)
        plt.close(fig)
        written.append("metrics.png")
    timed = [r for r in results if r.latencies_ms]
    if timed:
        fig, axes = plt.subplots(len(timed), 1, figsize=(8, 2.6 * len(timed)), squeeze=False)
        for ax, r in zip(axes[:, 0], timed, strict=True):
            ax.hist(r.latencies_ms, bins=min(30, max(5, len(r.latencies_ms) // 2)), color="#55a868")
            for metric, style in (("latency_p50_ms", "--"), ("latency_p95_ms", ":")):
                if metric in r.metrics:
                    ax.axvline(r.metrics[metric], color="black", ls=style, label=f"{metric[8:11]} "
                               f"{r.metrics[metric]:.0f} ms")
            for t in r.thresholds:
                if t.metric.startswith("latency"):
                    ax.axvline(t.bound, color="#c44e52", label=f"threshold {t.metric[8:11]} {t.bound:g} ms")
            ax.set_xlabel("ms per call")
            ax.set_title(f"{r.name}: latency ({len(r.latencies_ms)} calls)", fontsize=9)
            ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(folder / "latency.png", dpi=110)
        plt.close(fig)
        written.append("latency.png")
    return written


def write_report(folder: Path, results: Sequence[SuiteResult], comparison: Sequence[dict[str, Any]],
                 meta: dict[str, Any]) -> list[Path]:
    """Write report.json, report.md and the PNG plots into `folder`; returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    plots = _plots(folder, results, comparison)
    doc = {**meta, "passed": all(r.passed for r in results), "suites": [r.to_dict() for r in results],
           "comparison": list(comparison), "regressions": [c for c in comparison if c["regressed"]]}
    (folder / "report.json").write_text(json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")
    (folder / "report.md").write_text(_markdown(results, comparison, meta, plots), encoding="utf-8")
    return [folder / "report.json", folder / "report.md", *(folder / p for p in plots)]
