"""ClaimAnalyser: the ingest pipeline's claim analysis (segment, prepare outside the commit, apply inside it)."""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from assistant.catalog import Catalog
from assistant.claims import crosssource as cs
from assistant.claims import features as ft
from assistant.claims.markers import markers
from assistant.claims.modes import classify
from assistant.claims.registry import RegistryMatcher, load_registries
from assistant.claims.sameclaim import SameClaimModel
from assistant.claims.vectors import SentenceVectors, chunk_neighbours
from assistant.library import Library
from assistant.settings import Settings
from assistant.types import Chunk, Reason, Sentence, Source
from ingest.sentences import sentence_spans

log = logging.getLogger(__name__)

# A speaker label opening a line of a transcript: "Darcy Fell (Rural Union, Moorside): ...", "Mr SPEAKER: ...".
# A name of two or more capitalised words, or one after an honorific, optionally with a (party, seat) note.
_NAME = r"[A-Z][\w.'’-]+"
_SPEAKER = re.compile(
    rf"(?:^|\n)[ \t]*((?:(?:Mr|Mrs|Ms|Dr|Sir|Dame|Lord|Lady|The) {_NAME}(?: {_NAME}){{0,3}}|{_NAME}(?: {_NAME}){{1,4}}|"
    rf"{_NAME})(?: \([^()\n]{{1,80}}\)){{0,2}}):[ \t]"
)
_SPEECH = re.compile(r"\b(?:I|I'm|I’m|we|We|my|My|our|Our|us|me|you|You|your|Your)\b|"
                     r"\bhon\. (?:Member|Friend|Gentleman|"
                     r"Lady)\b|\b(?:Mr|Madam) (?:Speaker|Chairman|Deputy Speaker)\b|\bPresiding Officer\b")
_GENERIC = frozenset("the of for and news daily weekly press agency report review times post journal".split())
REGISTRY_MIN_OVERLAP = 0.25
CACHE_SOURCES = 512  # committed sources whose sentence items are kept between batches


class HasPrepared(Protocol):
    """What claim analysis needs of a pipeline `Prepared` (a source, its chunks and sentences)."""

    @property
    def source(self) -> Source: ...
    @property
    def chunks(self) -> list[Chunk]: ...
    @property
    def sentences(self) -> list[Sentence]: ...
    @property
    def version(self) -> str: ...


@dataclass(frozen=True)
class _Stored:
    source: Source
    chunks: list[Chunk]
    sentences: list[Sentence]

    @property
    def version(self) -> str:
        return self.chunks[0].chunk_id.split(":")[1] if self.chunks else ""


@dataclass
class Plan:
    """What `apply` writes: intrinsic reasons per sentence, cross-source findings, and the sources involved."""

    sources: list[str]
    intrinsic: dict[tuple[str, int], list[Reason]] = field(default_factory=dict)
    findings: list[cs.Finding] = field(default_factory=list)
    refresh: bool = False


def self_names(source: Source) -> frozenset[str]:
    """Distinctive words of the publisher's name, for sources that speak of themselves in the third person.

    A press release or statement saying "The coalition fears that ..." is in its own voice; a news report
    naming an organisation is reporting someone else, so only releases and statements get self names.
    """
    if not re.search(r"release|statement", source.source_type or "", re.I):
        return frozenset()
    words = re.findall(r"[a-z]+", source.publisher.lower())
    return frozenset(w for w in words if w not in _GENERIC and len(w) > 2)


def _speaker_turns(text: str) -> list[tuple[int, int, str]]:
    """(start, end, label) of transcript turns.

    A turn runs to the next label; a later paragraph belongs to it only while it reads as speech (first or
    second person, or addressing the chair), so the record's own narrative lines stay the record's.
    """
    found = []
    for m in _SPEAKER.finditer(text):
        label = m.group(1)
        if " " in label or "(" in label:  # a lone "Note:" or "Update:" is not a speaker
            found.append((m.start(1), m.end(), label.strip()))
    turns = []
    for i, (start, after, label) in enumerate(found):
        limit = found[i + 1][0] if i + 1 < len(found) else len(text)
        end = after
        for para in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]*)*", text[after:limit]):
            if para.start() > 0 and not _SPEECH.search(para.group(0)):
                break  # a narrative line of the record ("Question put and agreed to.") ends the turn
            end = after + para.end()
        turns.append((start, end, label))
    return turns if len(turns) >= 2 else []  # one "Label:" line is a heading, not a transcript


def segment(source: Source) -> list[Sentence]:
    """Sentences with offsets and assertion modes; sentences inside a transcript turn belong to its speaker."""
    names = self_names(source)
    turns = _speaker_turns(source.text)
    out: list[Sentence] = []
    quoting = False  # inside a quotation opened by an earlier sentence of the paragraph
    for i, (start, end) in enumerate(sentence_spans(source.text)):
        text = source.text[start:end]
        if quoting and "\n\n" in source.text[out[-1].end: start]:
            quoting = False  # a quotation does not run on past its paragraph unless reopened
        reading = classify(text, names)
        mode, cue = reading.mode, reading.cue
        if quoting and mode in ("asserted", "hedged"):
            mode, cue = "quotation", "quote"  # the middle of a quotation spanning sentences
        quoting = _opens_quote(text, quoting)
        turn = next((t for t in turns if t[0] <= start < t[1]), None)
        if turn and mode in ("asserted", "hedged", "quotation"):
            mode, cue = "attributed", f"speaker: {turn[2]}"
        out.append(Sentence(source.source_id, i, start, end, text, mode, cue))
    return out


def _opens_quote(text: str, quoting: bool) -> bool:
    """Whether a quotation is still open after `text` (curly quotes, or an odd count of straight ones)."""
    for ch in text:
        if ch in "“«":
            quoting = True
        elif ch in "”»":
            quoting = False
        elif ch == '"':
            quoting = not quoting
    return quoting


def _items(p: HasPrepared, names: frozenset[str]) -> list[cs.Item]:
    items = []
    for s in p.sentences:
        core = classify(s.text, names).core if s.mode != "asserted" else s.text
        items.append(cs.Item(s.source_id, p.source.title, p.version, s.index, s.start, s.end, s.text, s.mode,
                             s.cue, core, ft.features(core)))
    return items


class ClaimAnalyser:
    """Implements the pipeline's ClaimAnalyser protocol; `refresh` re-checks sources after a removal."""

    def __init__(self, settings: Settings, chat_model: Any = None, use_llm: bool | None = None) -> None:
        self.settings = settings
        self._chat_model = chat_model
        self._use_llm = settings.llm_configured if use_llm is None else use_llm
        self._entries = load_registries(settings.registry_paths)
        self._registry: RegistryMatcher | None = None
        self._registry_feats = [ft.features(e.claim) for e in self._entries]
        self._cache: dict[str, tuple[str, list[cs.Item]]] = {}
        self._same_claim = SameClaimModel()

    def segment(self, source: Source) -> list[Sentence]:
        return segment(source)

    def _matcher(self, library: Library) -> RegistryMatcher:
        if self._registry is None:
            self._registry = RegistryMatcher(self._entries, library.sentences.embed)
        return self._registry

    def prepare(self, library: Library, batch: Sequence[HasPrepared], refresh: bool = False) -> Plan:
        """Outside the commit: markers, registry, neighbour pairs, sentence vectors, and LLM judgements."""
        plan = Plan(sources=[p.source.source_id for p in batch], refresh=refresh)
        vectors = SentenceVectors(library)
        by_source: dict[str, list[cs.Item]] = {}
        registry_wanted: list[cs.Item] = []
        for p in batch:
            items = _items(p, self_names(p.source))
            by_source[p.source.source_id] = items
            for it in items:
                if it.mode != "asserted" or it.meta:
                    continue
                reasons = markers(it.text)
                if reasons:
                    plan.intrinsic[it.key] = reasons
                if any(ft.overlap(it.feats, rf) >= REGISTRY_MIN_OVERLAP for rf in self._registry_feats):
                    registry_wanted.append(it)
        pairs = self._pairs(library, batch, by_source)
        wanted = {it.key: it for it in registry_wanted}
        for a, b in pairs:
            wanted.setdefault(a.key, a)
            wanted.setdefault(b.key, b)
        found = vectors.get(list(wanted.values()))
        if registry_wanted:
            matrix = np.asarray([found[it.key] for it in registry_wanted], dtype=np.float32)
            for it, reasons in zip(registry_wanted, self._matcher(library).match(matrix), strict=True):
                if reasons:
                    plan.intrinsic.setdefault(it.key, []).extend(reasons[:1])
        plan.findings = [f for f in cs.judge_pairs(pairs, found, self._same_claim.score)
                         if not f.target.meta]
        if self._use_llm and not refresh:
            self._llm(batch, by_source, plan)
        return plan

    def _pairs(self, library: Library, batch: Sequence[HasPrepared],
               by_source: dict[str, list[cs.Item]]) -> list[tuple[cs.Item, cs.Item]]:
        versions = {p.source.source_id: p.version for p in batch}
        chunks = [c for p in batch for c in p.chunks]
        hits = chunk_neighbours(library, chunks, cs.K_CHUNKS, versions)
        old: dict[str, list[cs.Item]] = {}
        groups = []
        for chunk, neighbours in zip(chunks, hits, strict=True):
            mine = [it for it in by_source[chunk.source_id] if chunk.start <= it.start < chunk.end]
            theirs = []
            for sid, start, end in neighbours:
                if sid not in by_source and sid not in old:
                    old[sid] = self._stored_items(library, sid)
                pool = by_source.get(sid) or old.get(sid) or []
                theirs.append([it for it in pool if start <= it.start < end])
            groups.append((mine, theirs))
        return cs.candidate_pairs(groups)

    def _stored_items(self, library: Library, source_id: str) -> list[cs.Item]:
        """Items of a committed source, cached by content hash (most neighbours recur batch after batch)."""
        digest = library.catalog.content_hash(source_id)
        if digest is None:
            return []
        cached = self._cache.get(source_id)
        if cached and cached[0] == digest:
            return cached[1]
        source = library.catalog.source(source_id)
        if source is None:
            return []
        stored = _Stored(source, library.catalog.source_chunks(source_id), library.catalog.sentences(source_id))
        items = _items(stored, self_names(source))
        if len(self._cache) >= CACHE_SOURCES:
            self._cache.pop(next(iter(self._cache)))
        self._cache[source_id] = (digest, items)
        return items

    def _llm(self, batch: Sequence[HasPrepared], by_source: dict[str, list[cs.Item]], plan: Plan) -> None:
        from assistant.claims.judge import judge_source

        for p in batch:
            asserted = [it for it in by_source[p.source.source_id] if it.mode == "asserted"]
            for key, reason in judge_source(self.settings, p.source, asserted, self._chat_model).items():
                plan.intrinsic.setdefault(key, []).append(reason)

    def apply(self, db: sqlite3.Connection, library: Library, plan: Plan) -> None:
        """Inside the commit: replace the reasons of the batch and of the earlier sentences it affects."""
        del library
        kinds = ",".join("?" * len(cs.CROSS_KINDS))
        for sid in plan.sources:
            db.execute(f"DELETE FROM reasons WHERE evidence_source = ? AND source_id != ? AND kind IN ({kinds})",
                       (sid, sid, *cs.CROSS_KINDS))
            if plan.refresh:
                db.execute("DELETE FROM reasons WHERE source_id = ? AND kind != 'llm-judgement'", (sid,))
        for (sid, idx), reasons in plan.intrinsic.items():
            Catalog.put_reasons(db, sid, idx, reasons, replace_kinds=())
        visible: dict[tuple[str, int], bool] = {}
        for f in plan.findings:
            for it in (f.target, f.evidence):
                if it.key not in visible:
                    row = db.execute("SELECT text FROM sentences WHERE source_id = ? AND idx = ?", it.key).fetchone()
                    visible[it.key] = row is not None and row[0] == it.text
            if visible[f.target.key] and visible[f.evidence.key]:
                Catalog.put_reasons(db, f.target.source_id, f.target.idx, [f.reason()], replace_kinds=())

    def refresh(self, library: Library, source_ids: Sequence[str]) -> None:
        """Recompute the offline reasons of `source_ids` (after a source they relied on was removed)."""
        batch = []
        for sid in dict.fromkeys(source_ids):
            source = library.catalog.source(sid)
            if source is not None:
                batch.append(_Stored(source, library.catalog.source_chunks(sid), library.catalog.sentences(sid)))
        if not batch:
            return
        plan = self.prepare(library, batch, refresh=True)
        with library.catalog.transaction() as db:
            self.apply(db, library, plan)
