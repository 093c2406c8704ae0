"""Domain objects shared by ingest, claim analysis, retrieval, answering and every face."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Mode = Literal["asserted", "attributed", "hedged", "question", "quotation"]
IngestStatus = Literal["added", "updated", "unchanged", "failed"]


@dataclass(frozen=True)
class Source:
    """A loaded document: its stored text and metadata. Offsets everywhere index into `text`."""

    source_id: str
    text: str
    title: str
    path: str | None = None
    url: str | None = None
    publisher: str = ""
    author: str = ""
    date: str | None = None
    source_type: str = "unknown"
    content_hash: str = ""
    page_starts: tuple[int, ...] = ()  # PDF: character offset where each page begins

    def page_at(self, offset: int) -> int | None:
        """1-based page number holding `offset`, for sources that have pages."""
        if not self.page_starts:
            return None
        page = 0
        for i, start in enumerate(self.page_starts):
            if start <= offset:
                page = i
        return page + 1


@dataclass(frozen=True)
class Chunk:
    """A token-sized piece of a source; `source.text[start:end] == text`."""

    chunk_id: str
    source_id: str
    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Sentence:
    """One sentence of a source with its assertion mode; `source.text[start:end] == text`."""

    source_id: str
    index: int
    start: int
    end: int
    text: str
    mode: Mode = "asserted"
    cue: str = ""  # the words that decided the mode ("said", "may", "according to", ...)


@dataclass(frozen=True)
class Evidence:
    source_id: str
    title: str
    quote: str


@dataclass(frozen=True)
class Reason:
    kind: str
    detail: str
    evidence: tuple[Evidence, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "detail": self.detail, "evidence": [asdict(e) for e in self.evidence]}


@dataclass(frozen=True)
class Flag:
    """An asserted sentence with at least one contestedness signal."""

    source_id: str
    title: str
    path: str | None
    sentence: str
    start: int
    end: int
    reasons: tuple[Reason, ...]
    publisher: str = ""
    source_type: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["reasons"] = [r.to_dict() for r in self.reasons]
        return d


@dataclass(frozen=True)
class Citation:
    n: int
    source_id: str
    title: str
    path: str | None
    chunk_id: str
    quote: str
    start: int
    end: int
    supported: bool = True
    url: str | None = None
    page: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Answer:
    question: str
    answer: str
    mode: Literal["extractive", "llm"]
    citations: list[Citation] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    notice: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.answer,
            "mode": self.mode,
            "citations": [c.to_dict() for c in self.citations],
            "flags": [f.to_dict() for f in self.flags],
            "notice": self.notice,
        }

    def to_markdown(self) -> str:
        """The answer with a numbered reference list and its flags, as Markdown."""
        from assistant.render import answer_markdown

        return answer_markdown(self)

    def _repr_html_(self) -> str:
        from assistant.render import answer_html

        return answer_html(self)


@dataclass(frozen=True)
class SourceInfo:
    """A row of the library listing (`candor sources`)."""

    source_id: str
    title: str
    path: str | None
    url: str | None
    publisher: str
    date: str | None
    source_type: str
    chunks: int
    flags: int
    author: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class IngestItem:
    input: str
    status: IngestStatus
    source_id: str | None = None
    title: str | None = None
    chunks: int = 0
    reason: str | None = None


@dataclass
class IngestReport:
    items: list[IngestItem] = field(default_factory=list)

    def count(self, status: IngestStatus) -> int:
        return sum(1 for i in self.items if i.status == status)

    @property
    def failures(self) -> list[IngestItem]:
        return [i for i in self.items if i.status == "failed"]

    @property
    def ok(self) -> bool:
        """True when anything was ingested or found unchanged (the CLI's exit 0)."""
        return any(i.status != "failed" for i in self.items)

    def summary(self) -> str:
        counts = ", ".join(f"{self.count(s)} {s}" for s in ("added", "updated", "unchanged", "failed"))
        lines = [counts]
        lines += [f"  failed: {i.input}: {i.reason}" for i in self.failures]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {"items": [asdict(i) for i in self.items], "ok": self.ok}


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with the metadata of its source, best first in a retrieval result."""

    chunk: Chunk
    title: str
    path: str | None
    url: str | None
    publisher: str
    source_type: str
    date: str | None
    score: float
    similarity: float | None = None  # cosine similarity to the query (dense arm); None if not a dense hit
    lexical_score: float | None = None  # FTS5 BM25, higher is better; None if not a lexical hit


@dataclass(frozen=True)
class Filters:
    """Metadata filters for retrieval; None means no constraint."""

    source_ids: tuple[str, ...] | None = None
    source_types: tuple[str, ...] | None = None
    date_from: str | None = None  # inclusive, YYYY-MM-DD
    date_to: str | None = None
