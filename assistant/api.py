"""The notebook face, and the core every other face calls: `ResearchAssistant`."""

from __future__ import annotations

from collections.abc import Generator, Iterable, Sequence
from pathlib import Path
from typing import Any

from assistant.factory import make_embedder
from assistant.library import Library
from assistant.settings import Settings
from assistant.types import Answer, Filters, Flag, IngestReport, SourceInfo
from ingest.pipeline import Progress


class FlagTable(list[Flag]):
    """A list of flags that renders as a table in Jupyter."""

    def _repr_html_(self) -> str:
        from assistant.render import flags_html

        return flags_html(self)

    def to_markdown(self) -> str:
        from assistant.render import flags_markdown

        return flags_markdown(self)


class ResearchAssistant:
    """Ingest sources, ask questions, list flags: one object per store and collection.

    >>> ra = ResearchAssistant(store="./my-store")
    >>> ra.ingest(["articles/"]).summary()
    >>> ra.ask("Did NATO agree a 5% target?")
    """

    def __init__(
        self,
        store: str | Path | None = None,
        collection: str | None = None,
        *,
        settings: Settings | None = None,
        embedder: Any = None,
        chat_model: Any = None,
    ) -> None:
        from assistant.claims.analyser import ClaimAnalyser

        self.settings = settings or Settings.from_env(store=store, collection=collection)
        self.library = Library(self.settings, embedder if embedder is not None else make_embedder(self.settings))
        self._chat_model = chat_model
        self.analyser = ClaimAnalyser(self.settings, chat_model=chat_model)

    def close(self) -> None:
        self.library.close()

    def __enter__(self) -> ResearchAssistant:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def ingest(self, inputs: str | Iterable[str], progress: Progress | None = None) -> IngestReport:
        """Ingest files, folders (recursively) and URLs; returns what was added, updated, unchanged or failed."""
        from ingest.pipeline import ingest

        items = [inputs] if isinstance(inputs, str | Path) else list(inputs)
        return ingest([str(i) for i in items], self.library, self.analyser, progress)

    def remove(self, source: str) -> str | None:
        """Remove a source by id, path or URL from every index, and re-check the flags that relied on it."""
        source_id = self.resolve_source(source)
        if source_id is None:
            return None
        dependants = self.library.catalog.sources_relying_on(source_id)
        self.library.remove(source_id)
        self.analyser.refresh(self.library, dependants)
        return source_id

    def sources(self) -> list[SourceInfo]:
        return self.library.catalog.list_sources()

    def resolve_source(self, source: str) -> str | None:
        """A source id for an id, a path (as given or resolved) or a URL; None if not in the library."""
        found = self.library.catalog.find_source_id(source)
        if found is None and Path(source).exists():
            found = self.library.catalog.find_source_id(str(Path(source).resolve()))
        return found

    def flags(self, source: str | None = None) -> FlagTable:
        """The flagged sentences of the library, or of one source (id, path or URL)."""
        from assistant.claims.flags import list_flags

        source_id = None
        if source is not None:
            source_id = self.resolve_source(source)
            if source_id is None:
                raise KeyError(f"no source {source!r} in the library")
        return FlagTable(list_flags(self.library, source_id))

    def ask(
        self,
        question: str,
        k: int | None = None,
        history: Sequence[tuple[str, str]] = (),
        filters: Filters | None = None,
    ) -> Answer:
        """Answer from the library with verified citations and the flags of the sentences relied on."""
        from assistant.answering import answer

        return answer(self.library, question, k=k or self.settings.top_k, history=history,
                      filters=filters, chat_model=self._chat_model)

    def ask_stream(
        self,
        question: str,
        k: int | None = None,
        history: Sequence[tuple[str, str]] = (),
        filters: Filters | None = None,
    ) -> Generator[str | Answer, None, None]:
        """As `ask`, for live UIs: the model's draft as text deltas (`str`), then the final `Answer`."""
        from assistant.answering import answer_stream

        return answer_stream(self.library, question, k=k or self.settings.top_k, history=history,
                             filters=filters, chat_model=self._chat_model)
