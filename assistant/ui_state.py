"""The web UI's actions without gradio: one ResearchAssistant per collection, asking, sources, uploads."""

from __future__ import annotations

import ipaddress
import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from assistant.api import ResearchAssistant
from assistant.render import esc, source_html
from assistant.settings import Settings
from assistant.types import Answer, Citation
from assistant.ui_views import Turn, ingest_report_html, keep_uploads

log = logging.getLogger(__name__)


class Assistants:
    """Opens each collection of the store once (sharing one embedding model) and keeps it open."""

    def __init__(self, settings: Settings, embedder: Any = None, chat_model: Any = None) -> None:
        self.settings = settings
        self._embedder = embedder
        self._chat_model = chat_model
        self._open: dict[str, ResearchAssistant] = {}
        self._lock = threading.Lock()

    def get(self, collection: str) -> ResearchAssistant:
        """The assistant for `collection`, created on first use (raises LibraryError for a bad name)."""
        with self._lock:
            ra = self._open.get(collection)
            if ra is None:
                if self._embedder is None:
                    from assistant.factory import make_embedder

                    self._embedder = make_embedder(self.settings)
                ra = ResearchAssistant(settings=self.settings.with_(collection=collection),
                                       embedder=self._embedder, chat_model=self._chat_model)
                self._open[collection] = ra
            return ra

    def collections(self, current: str | None = None) -> list[str]:
        """Collections in the store (one catalog file each), plus the current one."""
        store = self.settings.store
        found = {p.stem for p in store.glob("*.sqlite3")} if store.is_dir() else set()
        found |= set(self._open)
        if current:
            found.add(current)
        return sorted(found)

    def uploads_dir(self, collection: str) -> Path:
        """Where uploaded files are kept, so each source keeps a stable path (and id)."""
        return self.settings.store / "uploads" / collection

    def close(self) -> None:
        with self._lock:
            for ra in self._open.values():
                ra.close()
            self._open.clear()


def ask_turns(ra: Any, question: str, history: Sequence[Turn]) -> Iterator[list[Turn]]:
    """The chat after each step of answering `question`: pending, each streamed delta, then the final answer.

    Model text arrives as drafts (`str` deltas); the final `Answer` replaces the draft. Errors end the turn
    with a message instead of escaping into the web server.
    """
    past = [(t.question, t.answer.answer) for t in history if t.answer is not None]
    turns = [*history, Turn(question)]
    turn = turns[-1]
    yield turns
    try:
        for event in ra.ask_stream(question, history=past):
            if isinstance(event, Answer):
                turn.answer = event
            else:
                turn.partial += str(event)
            yield turns
    except Exception as exc:  # shown in the chat; the app stays up
        log.exception("answering failed")
        turn.error = str(exc) or type(exc).__name__
        yield turns


def cited(turns: Sequence[Turn], data: dict[str, Any]) -> Citation | None:
    """The citation a clicked [n] button refers to (event data `turn`, `n`), or None."""
    try:
        answer = turns[int(data["turn"])].answer
        n = int(data["n"])
    except (KeyError, IndexError, ValueError, TypeError):
        return None
    return next((c for c in answer.citations if c.n == n), None) if answer else None


def source_view(ra: Any, source_id: str, citation: Citation | None = None) -> str:
    """A source with the cited quote marked and all its flagged sentences, or a one-line message."""
    source = ra.library.catalog.source(source_id) if source_id else None
    if source is None:
        return f'<div class="candor">Source {esc(source_id)} is not in this collection.</div>'
    return source_html(source, list(ra.flags(source_id)), citation, style=False)


def ingest_uploads(ra: Any, paths: Sequence[str], folder: Path, max_bytes: int,
                   progress: Callable[[Iterable[str]], Iterable[str]] | None = None) -> str:
    """Keep the allowed uploads in `folder`, ingest them, and report on every file."""
    kept, rejected = keep_uploads(paths, folder, max_bytes)
    report = ra.ingest(list(kept), progress=progress) if kept else None
    return ingest_report_html(report, kept, rejected)


def parse_auth(auth: str | None) -> tuple[str, str] | None:
    """`user:pass` as a (user, password) pair; None for no login."""
    if not auth:
        return None
    user, sep, password = auth.partition(":")
    if not sep or not user or not password:
        raise ValueError("auth must look like user:password")
    return user, password


def is_loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
