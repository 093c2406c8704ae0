"""The sentences of retrieved passages, with exact source offsets, flags and (cached) embeddings."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from assistant.library import Library
from assistant.textmatch import term_set
from assistant.types import Citation, Flag, Passage, Sentence, Source
from ingest.sentences import sentence_spans

Vectors = npt.NDArray[np.float32]
_CACHE_SIZE = 20_000


@dataclass(frozen=True)
class Candidate:
    """One source sentence inside a retrieved passage; `text == source.text[start:end]`."""

    passage_index: int  # 0-based position in the retrieval result
    passage: Passage
    index: int  # sentence index in its source
    start: int
    end: int
    text: str
    mode: str
    flag: Flag | None
    terms: frozenset[str] = field(compare=False)

    @property
    def source_id(self) -> str:
        return self.passage.chunk.source_id

    @property
    def key(self) -> tuple[str, int]:
        return (self.source_id, self.start)

    def citation(self, n: int, source: Source, supported: bool = True) -> Citation:
        p = self.passage
        return Citation(
            n=n, source_id=self.source_id, title=p.title, path=p.path, chunk_id=p.chunk.chunk_id,
            quote=source.text[self.start : self.end], start=self.start, end=self.end, supported=supported,
            url=p.url, page=source.page_at(self.start),
        )


@dataclass
class Evidence:
    """Everything the answerers need about a retrieval result, loaded once per question."""

    passages: list[Passage]
    sources: dict[str, Source]
    by_passage: list[list[Candidate]]  # each passage's sentences, in document order

    @property
    def unique(self) -> list[Candidate]:
        """Every distinct sentence once (overlapping chunks share sentences), best passage first."""
        seen: set[tuple[str, int]] = set()
        out: list[Candidate] = []
        for cands in self.by_passage:
            for c in cands:
                if c.key not in seen:
                    seen.add(c.key)
                    out.append(c)
        return out


def _sentences(library: Library, source: Source) -> list[Sentence]:
    """The catalog's sentences of a source, or a fresh segmentation when it has none stored."""
    stored = library.catalog.sentences(source.source_id)
    if stored:
        return stored
    spans = enumerate(sentence_spans(source.text))
    return [Sentence(source.source_id, i, s, e, source.text[s:e]) for i, (s, e) in spans]


def source_flags(library: Library, source: Source) -> dict[int, Flag]:
    """Flags of a source by sentence start offset (the claims package decides what is a flag)."""
    from assistant.claims.flags import flags_for_spans

    return {f.start: f for f in flags_for_spans(library, [(source.source_id, 0, len(source.text))])}


def gather(library: Library, passages: Sequence[Passage]) -> Evidence:
    """Load the sources of `passages` and cut each passage into the source sentences it overlaps."""
    sources: dict[str, Source] = {}
    sentences: dict[str, list[Sentence]] = {}
    flags: dict[str, dict[int, Flag]] = {}
    kept: list[Passage] = []
    by_passage: list[list[Candidate]] = []
    for p in passages:
        sid = p.chunk.source_id
        if sid not in sources:
            source = library.catalog.source(sid)
            if source is None:  # removed since retrieval
                continue
            sources[sid] = source
            sentences[sid] = _sentences(library, source)
            flags[sid] = source_flags(library, source)
        source, i = sources[sid], len(kept)
        kept.append(p)
        cands = []
        for s in sentences[sid]:
            if s.end <= p.chunk.start or s.start >= p.chunk.end:
                continue
            text = source.text[s.start : s.end]
            cands.append(Candidate(i, p, s.index, s.start, s.end, text, s.mode, flags[sid].get(s.start),
                                   term_set(text)))
        by_passage.append(cands)
    return Evidence(kept, sources, by_passage)


class _VectorCache:
    """A bounded LRU of text -> unit vector, per embedding index (a warm process re-embeds nothing)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: OrderedDict[str, Vectors] = OrderedDict()

    def get_many(self, texts: Sequence[str]) -> dict[str, Vectors]:
        with self._lock:
            out = {}
            for t in texts:
                v = self._items.get(t)
                if v is not None:
                    self._items.move_to_end(t)
                    out[t] = v
            return out

    def put_many(self, items: dict[str, Vectors]) -> None:
        with self._lock:
            self._items.update(items)
            while len(self._items) > _CACHE_SIZE:
                self._items.popitem(last=False)


_caches: weakref.WeakKeyDictionary[Any, _VectorCache] = weakref.WeakKeyDictionary()
_caches_lock = threading.Lock()


def embed(library: Library, texts: Sequence[str]) -> Vectors:
    """Unit embeddings of `texts` (rows in order) with the library's embedder, cached per process."""
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    index = library.chunks
    with _caches_lock:
        cache = _caches.setdefault(index, _VectorCache())
    found = cache.get_many(texts)
    missing = list(dict.fromkeys(t for t in texts if t not in found))
    if missing:
        fresh = np.asarray(index.embed(missing), dtype=np.float32)
        norms = np.linalg.norm(fresh, axis=1, keepdims=True)
        fresh = fresh / np.clip(norms, 1e-12, None)
        new = {t: fresh[i] for i, t in enumerate(missing)}
        cache.put_many(new)
        found.update(new)
    return np.stack([found[t] for t in texts])
