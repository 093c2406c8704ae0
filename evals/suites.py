"""Suite files (evals/suites/*.yaml) and their data files, loaded and validated with file:line errors."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assistant.settings import PROJECT_ROOT

SUITES_DIR = PROJECT_ROOT / "evals" / "suites"
DEFAULT_SCIFACT = PROJECT_ROOT.parent / "shared" / "data" / "scifact"
KINDS = ("retrieval", "qa", "citations", "flags")
_LATENCY = {"latency_p50_ms", "latency_p95_ms", "latency_mean_ms"}
_FIXED_METRICS: dict[str, set[str]] = {
    "retrieval": {"mrr", *_LATENCY},
    "qa": {"fact_recall", "gold_source_recall", "no_answer_accuracy", "answered_rate", "judge_score",
           "judge_correct", *_LATENCY},
    "citations": {"citation_precision", "citation_recall", "quote_exactness", "citations_per_answer"},
    "flags": {"flag_precision", "flag_recall", "flag_f1", "attributed_precision", "mode_accuracy"},
}
_PARAM_METRIC = re.compile(r"^(ndcg|recall|mrr)_at_(\d+)$")
_KEYS = {"name", "kind", "description", "data", "library", "metrics", "thresholds", "limit", "quick", "k",
         "tolerance", "options"}


class SuiteError(Exception):
    """A suite or data file that cannot be used; the message starts with `file:line:`."""


@dataclass(frozen=True)
class Threshold:
    """A bound on one metric: a minimum (higher is better) or a maximum (latency)."""

    metric: str
    bound: float
    kind: str = "min"  # "min" or "max"

    def passes(self, value: float | None) -> bool:
        if value is None:
            return False
        return value >= self.bound if self.kind == "min" else value <= self.bound

    def describe(self) -> str:
        return f"{'≥' if self.kind == 'min' else '≤'} {self.bound:g}"


@dataclass(frozen=True)
class Suite:
    """One evaluation suite as written in its YAML file."""

    name: str
    kind: str
    path: Path
    data: tuple[str, ...]
    metrics: tuple[str, ...]
    thresholds: tuple[Threshold, ...] = ()
    description: str = ""
    library: str | None = None
    limit: int | None = None
    k: int = 10
    quick: dict[str, Any] = field(default_factory=dict)
    tolerance: float | None = None
    options: dict[str, Any] = field(default_factory=dict)

    def data_paths(self, data_override: str | None = None) -> list[Path]:
        """The suite's data files or folders; `scifact` means --data, else ../shared/data/scifact."""
        out = []
        for entry in self.data:
            if entry == "scifact":
                out.append(Path(data_override) if data_override else DEFAULT_SCIFACT)
            else:
                p = Path(entry)
                out.append(p if p.is_absolute() else PROJECT_ROOT / p)
        return out


def is_known_metric(kind: str, metric: str) -> bool:
    m = _PARAM_METRIC.match(metric)
    if m:
        return kind == "retrieval"
    return metric in _FIXED_METRICS.get(kind, set())


def lower_is_better(metric: str) -> bool:
    return metric.startswith("latency_") or metric.endswith("_ms")


def is_ratio(metric: str) -> bool:
    """A score in [0, 1] (plotted as a bar); latencies and counts are not."""
    return not lower_is_better(metric) and metric != "citations_per_answer"


def suite_path(name_or_path: str) -> Path:
    """A suite name (evals/suites/NAME.yaml) or a path to a YAML file."""
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml") or p.exists():
        return p
    return SUITES_DIR / f"{name_or_path}.yaml"


def available_suites() -> list[str]:
    return sorted(p.stem for p in SUITES_DIR.glob("*.yaml"))


def _lines(node: yaml.Node) -> dict[str, int]:
    """1-based line of each top-level key (and of `thresholds.X` keys) in a composed mapping."""
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = str(key.value)
            lines[name] = key.start_mark.line + 1
            if isinstance(value, yaml.MappingNode):
                for sub, _ in value.value:
                    lines[f"{name}.{sub.value}"] = sub.start_mark.line + 1
            if isinstance(value, yaml.SequenceNode):
                for i, item in enumerate(value.value):
                    lines[f"{name}[{i}]"] = item.start_mark.line + 1
    return lines


def _threshold(metric: str, raw: Any, where: str) -> Threshold:
    if isinstance(raw, bool):
        raise SuiteError(f"{where}: threshold for {metric!r} must be a number, {{min: N}} or {{max: N}}")
    if isinstance(raw, int | float):
        return Threshold(metric, float(raw), "max" if lower_is_better(metric) else "min")
    if isinstance(raw, dict) and len(raw) == 1:
        ((op, bound),) = raw.items()
        if op in ("min", "max") and isinstance(bound, int | float) and not isinstance(bound, bool):
            return Threshold(metric, float(bound), op)
    raise SuiteError(f"{where}: threshold for {metric!r} must be a number, {{min: N}} or {{max: N}}, "
                     f"got {raw!r}")


def load_suite(name_or_path: str) -> Suite:
    """Read and validate a suite file; every problem raises SuiteError naming the file and the line."""
    path = suite_path(name_or_path)
    if not path.exists():
        known = ", ".join(available_suites()) or "none"
        raise SuiteError(f"{path}: no such suite file (bundled suites: {known})")
    text = path.read_text(encoding="utf-8")
    try:
        node = yaml.compose(text)
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = f"{mark.line + 1}:{mark.column + 1}" if mark is not None else "1"
        problem = getattr(exc, "problem", None) or str(exc)
        raise SuiteError(f"{path}:{line}: YAML error: {problem}") from exc
    if not isinstance(raw, dict) or node is None:
        raise SuiteError(f"{path}:1: a suite file must be a YAML mapping (name, kind, data, metrics, …)")
    lines = _lines(node)

    def at(key: str) -> str:
        return f"{path}:{lines.get(key, 1)}"

    for key in raw:
        if key not in _KEYS:
            raise SuiteError(f"{at(str(key))}: unknown key {key!r} (allowed: {', '.join(sorted(_KEYS))})")
    missing = [k for k in ("name", "kind", "data", "metrics") if k not in raw]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        raise SuiteError(f"{path}:1: missing key{plural} {', '.join(map(repr, missing))}")
    kind = raw["kind"]
    if kind not in KINDS:
        raise SuiteError(f"{at('kind')}: kind must be one of {', '.join(KINDS)}, got {kind!r}")
    data = raw["data"]
    data = [data] if isinstance(data, str) else data
    if not isinstance(data, list) or not data or not all(isinstance(d, str) for d in data):
        raise SuiteError(f"{at('data')}: data must be a path or a list of paths")
    metrics = raw["metrics"]
    if not isinstance(metrics, list) or not metrics:
        raise SuiteError(f"{at('metrics')}: metrics must be a non-empty list")
    for i, m in enumerate(metrics):
        if not isinstance(m, str) or not is_known_metric(kind, m):
            raise SuiteError(f"{at(f'metrics[{i}]')}: unknown metric {m!r} for a {kind} suite")
    thresholds_raw = raw.get("thresholds") or {}
    if not isinstance(thresholds_raw, dict):
        raise SuiteError(f"{at('thresholds')}: thresholds must be a mapping metric → minimum or {{max: N}}")
    thresholds = []
    for metric, bound in thresholds_raw.items():
        if metric not in metrics:
            raise SuiteError(f"{at(f'thresholds.{metric}')}: threshold on {metric!r}, not in metrics")
        thresholds.append(_threshold(metric, bound, at(f"thresholds.{metric}")))
    for key in ("limit", "k"):
        v = raw.get(key)
        if v is not None and (not isinstance(v, int) or isinstance(v, bool) or v < 1):
            raise SuiteError(f"{at(key)}: {key} must be a positive integer, got {v!r}")
    for key in ("quick", "options"):
        if not isinstance(raw.get(key) or {}, dict):
            raise SuiteError(f"{at(key)}: {key} must be a mapping")
    tol = raw.get("tolerance")
    if tol is not None and (not isinstance(tol, int | float) or isinstance(tol, bool) or tol < 0):
        raise SuiteError(f"{at('tolerance')}: tolerance must be a non-negative number")
    if not isinstance(raw["name"], str) or not raw["name"]:
        raise SuiteError(f"{at('name')}: name must be a non-empty string")
    return Suite(
        name=raw["name"], kind=kind, path=path, data=tuple(data), metrics=tuple(metrics),
        thresholds=tuple(thresholds), description=str(raw.get("description") or ""),
        library=raw.get("library"), limit=raw.get("limit"), k=raw.get("k") or 10,
        quick=dict(raw.get("quick") or {}), tolerance=float(tol) if tol is not None else None,
        options=dict(raw.get("options") or {}),
    )


def read_jsonl(path: Path, required: Mapping[str, type | tuple[type, ...]]) -> list[dict[str, Any]]:
    """Records of a JSONL file; a bad line raises SuiteError with `file:line:` and the missing or bad key."""
    if not path.exists():
        raise SuiteError(f"{path}: data file not found")
    records = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise SuiteError(f"{path}:{n}: invalid JSON: {exc.msg} (column {exc.colno})") from exc
            if not isinstance(rec, dict):
                raise SuiteError(f"{path}:{n}: each line must be a JSON object")
            missing = [k for k in required if k not in rec]
            if missing:
                raise SuiteError(f"{path}:{n}: missing key{'s' if len(missing) > 1 else ''} "
                                 f"{', '.join(map(repr, missing))}")
            for key, typ in required.items():
                if not isinstance(rec[key], typ):
                    names = typ.__name__ if isinstance(typ, type) else " or ".join(t.__name__ for t in typ)
                    got = type(rec[key]).__name__
                    raise SuiteError(f"{path}:{n}: key {key!r} must be {names}, got {got}")
            rec["_line"] = n
            records.append(rec)
    if not records:
        raise SuiteError(f"{path}:1: no records")
    return records


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    """BEIR qrels (`query-id, corpus-id, score` TSV with a header): query → {doc: relevance}."""
    if not path.exists():
        raise SuiteError(f"{path}: qrels file not found")
    qrels: dict[str, dict[str, int]] = {}
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            parts = line.rstrip("\n").split("\t")
            if n == 1 and parts[0] == "query-id":
                continue
            if not line.strip():
                continue
            if len(parts) != 3 or not parts[2].lstrip("-").isdigit():
                raise SuiteError(f"{path}:{n}: expected `query-id<TAB>corpus-id<TAB>score`, "
                                 f"got {line.strip()!r}")
            qrels.setdefault(parts[0], {})[parts[1]] = int(parts[2])
    if not qrels:
        raise SuiteError(f"{path}:1: no judgements")
    return qrels


def check_facts(records: Sequence[dict[str, Any]], path: Path) -> None:
    """QA records: facts are strings or lists of accepted alternatives; unanswerable ones expect none."""
    for rec in records:
        where = f"{path}:{rec['_line']}"
        for fact in rec["facts"]:
            alts = fact if isinstance(fact, list) else [fact]
            if not alts or not all(isinstance(a, str) and a.strip() for a in alts):
                raise SuiteError(f"{where}: each fact must be a non-empty string or a list of alternatives")
        if not all(isinstance(s, str) for s in rec["sources"]):
            raise SuiteError(f"{where}: 'sources' must be a list of file paths")
        answerable = rec.get("answerable", True)
        if not isinstance(answerable, bool):
            raise SuiteError(f"{where}: 'answerable' must be true or false")
        if answerable and not rec["facts"]:
            raise SuiteError(f"{where}: an answerable question needs at least one expected fact")
        if not answerable and (rec["facts"] or rec["sources"]):
            raise SuiteError(f"{where}: an unanswerable question must have no facts and no sources")
