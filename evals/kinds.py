"""How qa, citations and flags suites run, and the context every suite of one run shares."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from assistant.settings import PROJECT_ROOT, SAMPLES_DIR, Settings
from assistant.types import Answer
from evals import scorers
from evals.report import SuiteResult
from evals.suites import Suite, SuiteError, check_facts, read_jsonl

CACHE_DIR = PROJECT_ROOT / "artifacts" / "evals"  # gitignored; SciFact stores and sub-corpora are reused
T = TypeVar("T")


@dataclass
class Context:
    """What the suites of one `candor eval` run share: settings, a work folder, opened libraries, answers."""

    settings: Settings
    workdir: Path
    data: str | None = None
    quiet: bool = False
    cache_dir: Path = CACHE_DIR
    assistant_factory: Callable[[Settings], Any] | None = None  # default: ResearchAssistant(settings=…)
    assistants: dict[str, Any] = field(default_factory=dict)
    answers: dict[tuple[str, str, int], tuple[Answer, float]] = field(default_factory=dict)

    def progress(self, items: Iterable[T], desc: str, total: int | None = None) -> Iterator[T]:
        from tqdm import tqdm

        yield from tqdm(items, desc=desc, total=total, file=sys.stderr, disable=self.quiet, leave=False)

    def close(self) -> None:
        for ra in self.assistants.values():
            ra.close()
        self.assistants.clear()


# --- qa and citations: questions asked of a library ingested into a fresh store ---

def short(path: Path) -> str:
    return str(path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path)


def _setting(suite: Suite, ctx: Context, n: int) -> dict[str, Any]:
    return {"questions": n, "k": suite.k, "answering": ctx.settings.model_label}


def _open_assistant(ctx: Context, settings: Settings) -> Any:
    if ctx.assistant_factory is not None:
        return ctx.assistant_factory(settings)
    from assistant.api import ResearchAssistant

    return ResearchAssistant(settings=settings)


def _assistant(suite: Suite, ctx: Context) -> tuple[Any, list[str]]:
    """The assistant over the suite's library (default: the bundled samples), ingested once per run."""
    folder = Path(suite.library) if suite.library else SAMPLES_DIR
    folder = folder if folder.is_absolute() else PROJECT_ROOT / folder
    key = str(folder.resolve())
    notes: list[str] = []
    if key not in ctx.assistants:
        if not folder.exists():
            raise SuiteError(f"{suite.path}: library folder {folder} not found")
        settings = ctx.settings.with_(store=ctx.workdir / f"store-{len(ctx.assistants)}", collection="evals")
        # Claim analysis at ingest stays offline (as in the flags suite): these suites judge answers, and an
        # LLM claim judge on every sentence would make a run take hours on a small local model.
        ra = _open_assistant(ctx, replace(settings, model=None))
        started = time.perf_counter()
        report = ra.ingest([str(folder)])
        if not report.ok:
            ra.close()
            raise SuiteError(f"{suite.path}: nothing from {folder} could be ingested: {report.summary()}")
        took = time.perf_counter() - started
        failed = f", {len(report.failures)} failed" if report.failures else ""
        notes.append(f"library {short(folder)}: {report.count('added')} sources ingested in {took:.1f}s{failed}"
                     + (" (claim analysis offline)" if settings.llm_configured else ""))
        if settings.llm_configured:
            ra.close()
            ra = _open_assistant(ctx, settings)
        ra.ask("warm-up question")  # loads models and caches; not timed
        ctx.assistants[key] = ra
    return ctx.assistants[key], notes


def _ask(ra: Any, ctx: Context, question: str, k: int) -> tuple[Answer, float]:
    key = (str(ra.settings.store), question, k)
    if key not in ctx.answers:
        started = time.perf_counter()
        answer = ra.ask(question, k=k)
        ctx.answers[key] = (answer, (time.perf_counter() - started) * 1000)
    return ctx.answers[key]


def _records(suite: Suite, ctx: Context, required: Mapping[str, Any]) -> list[dict[str, Any]]:
    records = []
    for path in suite.data_paths(ctx.data):
        rows = read_jsonl(path, required)
        if "facts" in required:
            check_facts(rows, path)
        records += rows
    return records[: suite.limit] if suite.limit else records


def run_qa(suite: Suite, ctx: Context) -> SuiteResult:
    records = _records(suite, ctx, {"id": str, "question": str, "facts": list, "sources": list})
    ra, notes = _assistant(suite, ctx)
    result = SuiteResult(suite.name, suite.kind, notes=notes, setting=_setting(suite, ctx, len(records)))
    items, answers = [], []
    for rec in ctx.progress(records, suite.name):
        answer, ms = _ask(ra, ctx, rec["question"], suite.k)
        items.append(scorers.score_qa_item(rec, answer, ms))
        answers.append(answer)
    result.metrics.update(scorers.qa_metrics(items))
    result.latencies_ms = [i.latency_ms for i in items if i.latency_ms is not None]
    result.metrics.update(scorers.latency_metrics(result.latencies_ms))
    result.details = [{**asdict(i), "answer": a.answer, "mode": a.mode, "notice": a.notice}
                      for i, a in zip(items, answers, strict=True)]
    for i, d in zip(items, result.details, strict=True):
        if i.answerable and i.declined:
            d["problems"] = ["declined an answerable question"]
        if not i.answerable and not i.declined:
            d["problems"] = ["answered an unanswerable question"]
    if ctx.settings.llm_configured:
        fallback = sum(a.mode != "llm" for a in answers)
        if fallback:
            result.notes.append(f"{fallback} of {len(answers)} answers fell back to extractive (see each notice)")
    if {"judge_score", "judge_correct"} & set(suite.metrics):
        _judge(records, answers, result, ctx)
    return result


def _judge(records: list[dict[str, Any]], answers: list[Answer], result: SuiteResult, ctx: Context) -> None:
    if not ctx.settings.llm_configured:
        result.notes.append("judge metrics not measured: no model configured (set CANDOR_MODEL)")
        return
    from assistant.factory import make_chat_model
    from evals.judge import JudgeGrade, grade, judge_metrics

    model = make_chat_model(ctx.settings, streaming=False)
    grades: list[JudgeGrade | None] = []
    for rec, answer, d in ctx.progress(list(zip(records, answers, result.details, strict=True)), "judge"):
        try:
            g: JudgeGrade | None = grade(model, rec, answer.answer)
        except Exception as exc:  # JudgeError, or a server error: a weak or unreachable judge must not end the run
            g = None
            d.setdefault("problems", []).append(f"judge: {exc}")
        grades.append(g)
        d["judge"] = asdict(g) if g else None
    result.metrics.update(judge_metrics(grades))
    failed = sum(g is None for g in grades)
    if failed:
        result.notes.append(f"judge: {failed} of {len(grades)} replies could not be parsed (scored as wrong)")


def run_citations(suite: Suite, ctx: Context) -> SuiteResult:
    records = _records(suite, ctx, {"id": str, "question": str})
    ra, notes = _assistant(suite, ctx)
    result = SuiteResult(suite.name, suite.kind, notes=notes, setting=_setting(suite, ctx, len(records)))
    items = []
    for rec in ctx.progress(records, suite.name):
        answer, _ = _ask(ra, ctx, rec["question"], suite.k)
        sources = {sid: ra.library.catalog.source(sid) for sid in {c.source_id for c in answer.citations}}
        texts = {sid: s.text for sid, s in sources.items() if s is not None}
        item = scorers.score_citations(rec["id"], answer, texts)
        items.append(item)
        result.details.append({**asdict(item), "answer": answer.answer})
    result.metrics.update(scorers.citation_metrics(items))
    declined = sum(1 for i in items if not i.quotes)
    result.notes.append(f"{len(items) - declined} answers with citations scored; {declined} declined")
    share = f"{scorers.SUPPORT_THRESHOLD:.0%}"
    result.notes.append(f"support: lexical proxy (≥{share} of content words, all numbers)")
    return result


# --- flags: evals/flags.py ingests the labelled sources and scores the classifier ---

def run_flags(suite: Suite, ctx: Context) -> SuiteResult:
    from evals import flags

    folder = suite.data_paths(ctx.data)[0]
    labels_file = folder / "labels.jsonl" if folder.is_dir() else folder
    if not labels_file.exists():
        raise SuiteError(f"{suite.path}: labels {labels_file} not found")
    try:
        labels = flags.load_labels(labels_file)
    except ValueError as exc:
        raise SuiteError(str(exc)) from exc
    if not labels:
        raise SuiteError(f"{labels_file}:1: no labels")
    split = str(suite.options.get("split", "test"))
    scored = flags.run(labels, store=ctx.workdir / "flags-store", settings=ctx.settings)
    if split not in scored.scores:
        raise SuiteError(f"{suite.path}: no labels in split {split!r} (have {', '.join(scored.scores)})")
    chosen = scored.scores[split]
    result = SuiteResult(suite.name, suite.kind, setting={"split": split, "sentences": chosen.sentences,
                                                          "answering": "offline (no model)"})
    result.metrics.update({k: v for k, v in asdict(chosen).items() if k not in ("sentences", "unmatched")})
    for name, s in scored.scores.items():
        unmatched = f", {s.unmatched} unmatched" if s.unmatched else ""
        result.notes.append(f"split {name} (n={s.sentences}): flag P {s.flag_precision:.3f} R {s.flag_recall:.3f} "
                            f"F1 {s.flag_f1:.3f}, attributed not flagged {s.attributed_precision:.3f}, "
                            f"mode accuracy {s.mode_accuracy:.3f}{unmatched}")
    for o in scored.errors:
        want = f"{o.label.mode}{' + flag' if o.label.flag else ''}"
        got = f"{o.mode or 'not found'}{' + flag' if o.flagged else ''}"
        result.details.append({"id": f"{o.label.split}:{o.label.source}", "sentence": o.label.sentence,
                               "problems": [f"want {want}, got {got}: {o.label.sentence[:100]!r}"],
                               "reasons": list(o.reasons)})
    return result
