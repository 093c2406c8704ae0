"""The flags suite: ingest the labelled collection into a fresh store and score flags and assertion modes.

    python -m evals.flags [--split dev|test|all] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from assistant.settings import PROJECT_ROOT, SAMPLES_DIR, Settings

DATA = PROJECT_ROOT / "evals" / "data" / "flags"
SPLITS = ("dev", "test", "all")


@dataclass(frozen=True)
class Label:
    source: str
    sentence: str
    mode: str
    flag: bool
    split: str
    note: str = ""


@dataclass(frozen=True)
class Outcome:
    """One label and what Candor stored for its sentence."""

    label: Label
    mode: str | None  # None: the sentence was not found in the store
    flagged: bool
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class SplitScores:
    sentences: int
    flag_precision: float
    flag_recall: float
    flag_f1: float
    attributed_precision: float  # share of attributed-labelled sentences that are not flagged
    mode_accuracy: float
    unmatched: int


@dataclass
class FlagsResult:
    """Scores per split ("dev", "test", "all") and every outcome that disagrees with its label."""

    scores: dict[str, SplitScores] = field(default_factory=dict)
    errors: list[Outcome] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"scores": {k: asdict(v) for k, v in self.scores.items()},
                "errors": [asdict(e) for e in self.errors]}


def load_labels(path: Path = DATA / "labels.jsonl") -> list[Label]:
    labels = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                raw = json.loads(line)
                labels.append(Label(raw["source"], raw["sentence"], raw["mode"], bool(raw["flag"]), raw["split"],
                                    raw.get("note", "")))
            except (KeyError, ValueError) as exc:
                raise ValueError(f"{path}:{n}: bad label: {exc}") from exc
    return labels


def collection(labels: Sequence[Label]) -> list[str]:
    """Every source of the collection: the labelled ones, the sample library and the suite's own sources."""
    paths = {str((PROJECT_ROOT / lb.source).resolve()) for lb in labels}
    paths |= {str(p.resolve()) for p in SAMPLES_DIR.rglob("*.md")}
    paths |= {str(p.resolve()) for p in (DATA / "sources").glob("*") if p.is_file()}
    return sorted(paths)


def _ratio(a: float, b: float, empty: float = 1.0) -> float:
    return a / b if b else empty


def score(outcomes: Sequence[Outcome]) -> SplitScores:
    tp = sum(1 for o in outcomes if o.flagged and o.label.flag)
    fp = sum(1 for o in outcomes if o.flagged and not o.label.flag)
    fn = sum(1 for o in outcomes if not o.flagged and o.label.flag)
    p, r = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    attributed = [o for o in outcomes if o.label.mode == "attributed"]
    return SplitScores(
        sentences=len(outcomes), flag_precision=p, flag_recall=r, flag_f1=_ratio(2 * p * r, p + r, 0.0),
        attributed_precision=_ratio(sum(1 for o in attributed if not o.flagged), len(attributed)),
        mode_accuracy=_ratio(sum(1 for o in outcomes if o.mode == o.label.mode), len(outcomes)),
        unmatched=sum(1 for o in outcomes if o.mode is None),
    )


def _match(library: Any, label: Label) -> Outcome:
    from ingest.loaders import source_id_for

    sid = source_id_for(str(PROJECT_ROOT / label.source))
    sentences = library.catalog.sentences(sid)
    found = next((s for s in sentences if s.text == label.sentence), None)
    if found is None:  # the segmenter changed: take the stored sentence overlapping the label most
        source = library.catalog.source(sid)
        at = source.text.find(label.sentence) if source else -1
        if at >= 0:
            end = at + len(label.sentence)
            overlaps = [(min(end, s.end) - max(at, s.start), s) for s in sentences]
            best = max(overlaps, key=lambda o: o[0], default=(0, None))
            found = best[1] if best[0] > 0 else None
    if found is None:
        return Outcome(label, None, False)
    reasons = library.catalog.reasons(sid).get((sid, found.index), [])
    flagged = found.mode == "asserted" and bool(reasons)
    return Outcome(label, found.mode, flagged, tuple(f"{r.kind}: {r.detail}" for r in reasons))


def run(labels: Sequence[Label] | None = None, store: Path | None = None, settings: Settings | None = None,
        embedder: Any = None, analyser: Any = None) -> FlagsResult:
    """Ingest the collection into a fresh store (a temporary folder unless `store` is given) and score it."""
    from assistant.claims.analyser import ClaimAnalyser
    from assistant.factory import make_embedder
    from assistant.library import Library
    from ingest.pipeline import ingest

    labels = list(labels) if labels is not None else load_labels()
    with tempfile.TemporaryDirectory(prefix="candor-flags-") as tmp:
        base = settings or Settings.from_env(env={"HOME": tmp})
        settings = replace(base, store=store or Path(tmp) / "store", model=None)
        library = Library(settings, embedder if embedder is not None else make_embedder(settings))
        try:
            ingest(collection(labels), library, analyser or ClaimAnalyser(settings, use_llm=False))
            outcomes = [_match(library, lb) for lb in labels]
        finally:
            library.close()
    result = FlagsResult(outcomes=outcomes)
    for split in SPLITS:
        chosen = [o for o in outcomes if split == "all" or o.label.split == split]
        if chosen:
            result.scores[split] = score(chosen)
    result.errors = [o for o in outcomes if o.flagged != o.label.flag or o.mode != o.label.mode]
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.flags", description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=SPLITS, default="all", help="which labels to report (default all)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    labels = [lb for lb in load_labels() if args.split == "all" or lb.split == args.split]
    result = run(labels)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return 0
    for split, s in result.scores.items():
        print(f"{split:5} n={s.sentences:3}  flag P={s.flag_precision:.3f} R={s.flag_recall:.3f} F1={s.flag_f1:.3f}  "
              f"attributed-not-flagged={s.attributed_precision:.3f}  mode acc={s.mode_accuracy:.3f}"
              f"{f'  unmatched={s.unmatched}' if s.unmatched else ''}")
    print(f"\n{len(result.errors)} disagreements:")
    for o in result.errors:
        want = f"{o.label.mode}{'+FLAG' if o.label.flag else ''}"
        got = f"{o.mode}{'+FLAG' if o.flagged else ''}"
        print(f"- [{o.label.split}] want {want}, got {got}: {o.label.sentence[:140]}")
        for r in o.reasons:
            print(f"    {r[:160]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
