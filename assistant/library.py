"""A library: the catalog (commit point, lexical index) plus its Chroma collections."""

from __future__ import annotations

import re
from typing import Any

from assistant.catalog import Catalog
from assistant.settings import Settings
from assistant.vectors import VectorIndex, open_client

_COLLECTION_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,60}[A-Za-z0-9]$")


class LibraryError(Exception):
    """A library that cannot be opened; the message says why in one line."""


class Library:
    """Opened once at an entry point and passed down; holds the store's connections."""

    def __init__(self, settings: Settings, embedder: Any) -> None:
        if not _COLLECTION_NAME.match(settings.collection):
            raise LibraryError(
                f"invalid collection name {settings.collection!r}: use 3-63 letters, digits, '.', '_' or '-', "
                "starting and ending with a letter or digit"
            )
        self.settings = settings
        self.catalog = Catalog(settings.store / f"{settings.collection}.sqlite3")
        try:
            client = open_client(settings)
            self.chunks = VectorIndex(client, settings.collection, embedder)
            self.sentences = VectorIndex(client, f"{settings.collection}-sentences", embedder)
        except Exception as exc:  # server down, bad path: one clear line instead of a traceback
            self.catalog.close()
            where = (
                f"Chroma server at {settings.chroma_host}:{settings.chroma_port}"
                if settings.chroma_host
                else f"store {settings.store}"
            )
            raise LibraryError(f"cannot open {where}: {exc}") from exc

    def close(self) -> None:
        self.catalog.close()

    def remove(self, source_id: str) -> None:
        """Remove a source from every index: invisible once the catalog commits, even if Chroma then fails."""
        with self.catalog.transaction() as db:
            Catalog.delete_source(db, source_id)
        self.chunks.delete_source(source_id)
        self.sentences.delete_source(source_id)
