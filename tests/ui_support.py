"""A fake ResearchAssistant (one source with a flag and an XSS payload) for the UI's unit tests."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from assistant.settings import Settings
from assistant.types import Answer, Citation, Evidence, Flag, IngestItem, IngestReport, Reason, Source, SourceInfo

PAYLOAD = "<script>alert(1)</script> <img src=x onerror=alert(1)>"
TEXT = ("The summit was held on 24-25 June. Allies agreed to spend 5% of GDP on defence by 2035. "
        "The plan will certainly fail. " + PAYLOAD)


def span(sub: str) -> tuple[int, int]:
    start = TEXT.index(sub)
    return start, start + len(sub)


SOURCE = Source("s1", TEXT, "Ledger <b>report</b>", "/lib/ledger.md", None, "Daily Ledger", "",
                "2025-06-25", "opinion")
_f = span("The plan will certainly fail.")
FLAG = Flag("s1", SOURCE.title, SOURCE.path, TEXT[_f[0]:_f[1]], *_f,
            (Reason("unhedged-prediction", "A prediction stated as certain.",
                    (Evidence("s2", "Other", "It may work."),)),),
            publisher="Daily Ledger", source_type="opinion")


def final_answer(question: str) -> Answer:
    a1, a2 = span("Allies agreed to spend 5% of GDP on defence by 2035."), span("The plan will certainly fail.")
    return Answer(question, "Allies agreed to 5% [1]. *The Daily Ledger* asserts the plan will fail [2].",
                  "extractive",
                  [Citation(1, "s1", SOURCE.title, SOURCE.path, "c0", TEXT[a1[0]:a1[1]], *a1),
                   Citation(2, "s1", SOURCE.title, SOURCE.path, "c0", TEXT[a2[0]:a2[1]], *a2)],
                  [FLAG])


class _Catalog:
    def source(self, source_id: str) -> Source | None:
        return SOURCE if source_id == "s1" else None


class FakeAssistant:
    """Answers every question with two citations (one flagged); `fail` makes asking raise."""

    def __init__(self, fail: bool = False) -> None:
        self.library = SimpleNamespace(catalog=_Catalog())
        self.fail = fail
        self.histories: list[Sequence[tuple[str, str]]] = []
        self.ingested: list[str] = []

    def sources(self) -> list[SourceInfo]:
        return [SourceInfo("s1", SOURCE.title, SOURCE.path, None, "Daily Ledger", "2025-06-25", "opinion", 1, 1)]

    def flags(self, source: str | None = None) -> list[Flag]:
        return [FLAG] if source in (None, "s1") else []

    def ask_stream(self, question: str, history: Sequence[tuple[str, str]] = ()) -> Iterator[str | Answer]:
        self.histories.append(list(history))
        yield "Allies agreed "
        if self.fail:
            raise RuntimeError("the index is <gone>")
        yield "to 5% [1]."
        yield final_answer(question)

    def ingest(self, inputs: Iterable[str], progress: Any = None) -> IngestReport:
        items = list(progress(inputs)) if progress else list(inputs)
        self.ingested += items
        return IngestReport([IngestItem(i, "added", "x", Path(i).stem, 2) for i in items])


class FakePool:
    """Stands in for ui_state.Assistants."""

    def __init__(self, settings: Settings, ra: FakeAssistant | None = None) -> None:
        self.settings = settings
        self.ra = ra or FakeAssistant()

    def get(self, collection: str) -> FakeAssistant:
        if not collection.isidentifier():
            raise ValueError(f"invalid collection name {collection!r}")
        return self.ra

    def collections(self, current: str | None = None) -> list[str]:
        return sorted({"library", current or "library"})

    def uploads_dir(self, collection: str) -> Path:
        return self.settings.store / "uploads" / collection
