"""The SQLite catalog: sources, chunks with their FTS5 lexical index, sentences and flag reasons.

The catalog is the commit point of the library. A source becomes visible when its rows are
committed here in one transaction; vectors in Chroma whose chunk is not in the catalog are ignored.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from assistant.types import Chunk, Evidence, Reason, Sentence, Source, SourceInfo

SCHEMA = """
CREATE TABLE IF NOT EXISTS sources (
    source_id TEXT PRIMARY KEY, location TEXT NOT NULL, path TEXT, url TEXT, title TEXT NOT NULL,
    publisher TEXT, author TEXT, date TEXT, source_type TEXT, content_hash TEXT NOT NULL,
    text TEXT NOT NULL, page_starts TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE IF NOT EXISTS chunks (
    rowid INTEGER PRIMARY KEY, chunk_id TEXT UNIQUE NOT NULL, source_id TEXT NOT NULL,
    idx INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_source ON chunks(source_id);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(
    text, content='chunks', content_rowid='rowid', tokenize='porter unicode61'
);
CREATE TRIGGER IF NOT EXISTS chunks_ai AFTER INSERT ON chunks BEGIN
    INSERT INTO chunks_fts(rowid, text) VALUES (new.rowid, new.text);
END;
CREATE TRIGGER IF NOT EXISTS chunks_ad AFTER DELETE ON chunks BEGIN
    INSERT INTO chunks_fts(chunks_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
END;
CREATE TABLE IF NOT EXISTS sentences (
    source_id TEXT NOT NULL, idx INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    text TEXT NOT NULL, mode TEXT NOT NULL, cue TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (source_id, idx)
);
CREATE TABLE IF NOT EXISTS reasons (
    source_id TEXT NOT NULL, idx INTEGER NOT NULL, kind TEXT NOT NULL, detail TEXT NOT NULL,
    evidence TEXT NOT NULL DEFAULT '[]', evidence_source TEXT
);
CREATE INDEX IF NOT EXISTS reasons_sentence ON reasons(source_id, idx);
CREATE INDEX IF NOT EXISTS reasons_evidence ON reasons(evidence_source);
"""

# A small English stopword list for lexical queries (function words carry no topical signal).
_STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers herself him himself his how i if in into is it its itself just me more most my
    myself no nor not of off on once only or other our ours ourselves out over own same she should so some
    such than that the their theirs them themselves then there these they this those through to too under
    until up very was we were what when where which while who whom why will with would you your yours
    yourself yourselves""".split()
)
_WORD = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str) -> str:
    """An FTS5 OR-query of the question's content words, each quoted so no syntax leaks through."""
    words = [w for w in _WORD.findall(text.lower()) if w not in _STOPWORDS]
    return " OR ".join(f'"{w}"' for w in dict.fromkeys(words))


def _chunk(row: sqlite3.Row) -> Chunk:
    return Chunk(row["chunk_id"], row["source_id"], row["idx"], row["start"], row["end"], row["text"])


class Catalog:
    """Thread-safe access to one collection's catalog database."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All writes inside commit together or not at all."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    # --- writes (call inside `transaction()`) ---------------------------------------------------

    @staticmethod
    def delete_source(db: sqlite3.Connection, source_id: str) -> None:
        for table in ("chunks", "sentences", "reasons", "sources"):
            db.execute(f"DELETE FROM {table} WHERE source_id = ?", (source_id,))

    @staticmethod
    def put_source(
        db: sqlite3.Connection, location: str, source: Source, chunks: Sequence[Chunk], sentences: Sequence[Sentence]
    ) -> None:
        Catalog.delete_source(db, source.source_id)
        db.execute(
            "INSERT INTO sources VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                source.source_id, location, source.path, source.url, source.title, source.publisher,
                source.author, source.date, source.source_type, source.content_hash, source.text,
                json.dumps(list(source.page_starts)),
            ),
        )
        db.executemany(
            'INSERT INTO chunks (chunk_id, source_id, idx, start, "end", text) VALUES (?,?,?,?,?,?)',
            [(c.chunk_id, c.source_id, c.index, c.start, c.end, c.text) for c in chunks],
        )
        db.executemany(
            "INSERT INTO sentences VALUES (?,?,?,?,?,?,?)",
            [(s.source_id, s.index, s.start, s.end, s.text, s.mode, s.cue) for s in sentences],
        )

    @staticmethod
    def put_reasons(
        db: sqlite3.Connection, source_id: str, idx: int, reasons: Iterable[Reason], replace_kinds: Iterable[str]
    ) -> None:
        """Replace the reasons of the given kinds on one sentence."""
        kinds = list(replace_kinds)
        if kinds:
            marks = ",".join("?" * len(kinds))
            db.execute(
                f"DELETE FROM reasons WHERE source_id = ? AND idx = ? AND kind IN ({marks})",
                (source_id, idx, *kinds),
            )
        for r in reasons:
            others = sorted({e.source_id for e in r.evidence if e.source_id != source_id})
            db.execute(
                "INSERT INTO reasons VALUES (?,?,?,?,?,?)",
                (source_id, idx, r.kind, r.detail, json.dumps([vars(e) for e in r.evidence]),
                 ",".join(others) or None),
            )

    # --- reads ----------------------------------------------------------------------------------

    def content_hash(self, source_id: str) -> str | None:
        rows = self._rows("SELECT content_hash FROM sources WHERE source_id = ?", (source_id,))
        return str(rows[0]["content_hash"]) if rows else None

    def source(self, source_id: str) -> Source | None:
        rows = self._rows("SELECT * FROM sources WHERE source_id = ?", (source_id,))
        if not rows:
            return None
        r = rows[0]
        return Source(
            source_id=r["source_id"], text=r["text"], title=r["title"], path=r["path"], url=r["url"],
            publisher=r["publisher"] or "", author=r["author"] or "", date=r["date"],
            source_type=r["source_type"] or "", content_hash=r["content_hash"],
            page_starts=tuple(json.loads(r["page_starts"])),
        )

    def source_headers(self, source_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Metadata of the given committed sources (every column but `text`), without loading their text."""
        out: dict[str, dict[str, Any]] = {}
        for i in range(0, len(source_ids), 500):
            part = list(source_ids[i : i + 500])
            sql = (
                "SELECT source_id, title, path, url, publisher, author, date, source_type FROM sources "
                f"WHERE source_id IN ({','.join('?' * len(part))})"
            )
            out.update({r["source_id"]: dict(r) for r in self._rows(sql, part)})
        return out

    def source_ids_where(
        self,
        source_ids: Sequence[str] | None = None,
        source_types: Sequence[str] | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
    ) -> list[str]:
        """Ids of committed sources matching every given constraint (dates compare as ISO strings)."""
        clauses: list[str] = []
        params: list[Any] = []
        for column, values in (("source_id", source_ids), ("source_type", source_types)):
            if values is not None:
                clauses.append(f"{column} IN ({','.join('?' * len(values))})")
                params += list(values)
        if date_from:
            clauses.append("date IS NOT NULL AND date != '' AND date >= ?")
            params.append(date_from)
        if date_to:  # "2024-05-01" <= "2024-05-31"; a bare "2024-05" bound covers the whole month
            clauses.append("date IS NOT NULL AND date != '' AND substr(date, 1, length(?)) <= ?")
            params += [date_to, date_to]
        where = " WHERE " + " AND ".join(clauses) if clauses else ""
        rows = self._rows(f"SELECT source_id FROM sources{where} ORDER BY source_id", params)
        return [r["source_id"] for r in rows]

    def find_source_id(self, key: str) -> str | None:
        """Resolve a source id, a path, a location as given at ingest, or a URL to a source id."""
        rows = self._rows(
            "SELECT source_id FROM sources WHERE source_id = ? OR path = ? OR location = ? OR url = ?",
            (key, key, key, key),
        )
        return str(rows[0]["source_id"]) if rows else None

    def list_sources(self) -> list[SourceInfo]:
        rows = self._rows(
            """SELECT s.*, (SELECT COUNT(*) FROM chunks c WHERE c.source_id = s.source_id) AS n_chunks,
                      (SELECT COUNT(DISTINCT r.idx) FROM reasons r JOIN sentences se
                         ON se.source_id = r.source_id AND se.idx = r.idx
                       WHERE r.source_id = s.source_id AND se.mode = 'asserted') AS n_flags
               FROM sources s ORDER BY s.title COLLATE NOCASE"""
        )
        return [
            SourceInfo(
                source_id=r["source_id"], title=r["title"], path=r["path"], url=r["url"],
                publisher=r["publisher"] or "", date=r["date"], source_type=r["source_type"] or "",
                chunks=r["n_chunks"], flags=r["n_flags"], author=r["author"] or "",
            )
            for r in rows
        ]

    def chunks(self, chunk_ids: Sequence[str]) -> dict[str, Chunk]:
        """The visible chunks among `chunk_ids` (ids not committed here are left out)."""
        out: dict[str, Chunk] = {}
        for i in range(0, len(chunk_ids), 500):
            part = list(chunk_ids[i : i + 500])
            marks = ",".join("?" * len(part))
            sql = f'SELECT chunk_id, source_id, idx, start, "end", text FROM chunks WHERE chunk_id IN ({marks})'
            for r in self._rows(sql, part):
                out[r["chunk_id"]] = _chunk(r)
        return out

    def lexical_search(self, query: str, k: int, source_ids: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """(chunk_id, bm25 score) best first; higher is better. Uses the FTS5 index, not a corpus scan."""
        match = fts_query(query)
        if not match:
            return []
        sql = (
            "SELECT c.chunk_id, bm25(chunks_fts) AS score FROM chunks_fts "
            "JOIN chunks c ON c.rowid = chunks_fts.rowid WHERE chunks_fts MATCH ?"
        )
        params: list[Any] = [match]
        if source_ids is not None:
            sql += f" AND c.source_id IN ({','.join('?' * len(source_ids))})"
            params += list(source_ids)
        sql += " ORDER BY score LIMIT ?"
        params.append(k)
        return [(r["chunk_id"], -float(r["score"])) for r in self._rows(sql, params)]

    def source_chunks(self, source_id: str) -> list[Chunk]:
        """The committed chunks of one source, in order (claim analysis re-reads them on refresh)."""
        rows = self._rows('SELECT chunk_id, source_id, idx, start, "end", text FROM chunks WHERE source_id = ? '
                          "ORDER BY idx", (source_id,))
        return [_chunk(r) for r in rows]

    def sentences(self, source_id: str) -> list[Sentence]:
        rows = self._rows('SELECT * FROM sentences WHERE source_id = ? ORDER BY idx', (source_id,))
        return [Sentence(r["source_id"], r["idx"], r["start"], r["end"], r["text"], r["mode"], r["cue"]) for r in rows]

    def reasons(self, source_id: str | None = None) -> dict[tuple[str, int], list[Reason]]:
        """Reasons per (source_id, sentence index), for one source or the whole library."""
        sql, params = "SELECT * FROM reasons", [] if source_id is None else [source_id]
        if source_id is not None:
            sql += " WHERE source_id = ?"
        out: dict[tuple[str, int], list[Reason]] = {}
        for r in self._rows(sql + " ORDER BY source_id, idx, kind", params):
            ev = tuple(Evidence(**e) for e in json.loads(r["evidence"]))
            out.setdefault((r["source_id"], r["idx"]), []).append(Reason(r["kind"], r["detail"], ev))
        return out

    def sources_relying_on(self, source_id: str) -> list[str]:
        """Sources whose reasons cite `source_id` as evidence."""
        rows = self._rows(
            "SELECT DISTINCT source_id FROM reasons WHERE evidence_source LIKE ?", (f"%{source_id}%",)
        )
        return [r["source_id"] for r in rows if r["source_id"] != source_id]
