"""Contested-claims registries: YAML files of claims that some party disputes, matched to sentences by meaning.

A registry file is a YAML list (or a mapping with a `claims:` list) of entries:

    - claim: "NATO promised Moscow in 1990 it would not expand eastward."
      disputed_by: ["NATO", "historians of the 1990 talks"]   # a name or a list of names
      note: "No written commitment exists; recollections of the talks differ."   # optional
      link: "https://example.org/…"                                           # optional
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import yaml

from assistant.settings import DEFAULT_REGISTRY
from assistant.types import Evidence, Reason

log = logging.getLogger(__name__)

DEFAULT_THRESHOLD = 0.70  # cosine of MiniLM vectors; tuned on the dev split of the flags suite
_KEYS = {"claim", "disputed_by", "note", "link"}

Embed = Callable[[Sequence[str]], Any]


class RegistryError(ValueError):
    """A registry file that cannot be read or has a malformed entry; the message names file and entry."""


@dataclass(frozen=True)
class RegistryEntry:
    """One contested claim and who disputes it."""

    claim: str
    disputed_by: tuple[str, ...]
    note: str = ""
    link: str = ""
    file: str = ""

    def reason(self, score: float) -> Reason:
        who = ", ".join(self.disputed_by)
        detail = f"Matches a contested-claims registry entry disputed by {who}: “{self.claim}”"
        detail += f" — {self.note.rstrip('.')}." if self.note else "."
        if self.link:
            detail += f" See {self.link}"
        title = f"Contested-claims registry ({Path(self.file).name}), disputed by {who}"
        return Reason("registry", detail, (Evidence(source_id="", title=title, quote=self.claim),))


def _entry(raw: Any, where: str, file: str) -> RegistryEntry:
    if not isinstance(raw, dict):
        raise RegistryError(f"{where}: an entry must be a mapping with claim and disputed_by, got {type(raw).__name__}")
    unknown = set(raw) - _KEYS
    if unknown:
        raise RegistryError(f"{where}: unknown field(s) {sorted(unknown)}; allowed: {sorted(_KEYS)}")
    claim = raw.get("claim")
    if not isinstance(claim, str) or not claim.strip():
        raise RegistryError(f"{where}: 'claim' must be a non-empty string")
    who = raw.get("disputed_by")
    names = [who] if isinstance(who, str) else who
    if not isinstance(names, list) or not names or not all(isinstance(n, str) and n.strip() for n in names):
        raise RegistryError(f"{where}: 'disputed_by' must be a non-empty string or list of strings")
    for key in ("note", "link"):
        if raw.get(key) is not None and not isinstance(raw[key], str):
            raise RegistryError(f"{where}: '{key}' must be a string")
    return RegistryEntry(
        claim=claim.strip(), disputed_by=tuple(n.strip() for n in names), note=(raw.get("note") or "").strip(),
        link=(raw.get("link") or "").strip(), file=file,
    )


def load_file(path: Path) -> list[RegistryEntry]:
    """Read one registry file; raises RegistryError naming the file (and the entry) on any problem."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RegistryError(f"cannot read registry {path}: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise RegistryError(f"registry {path} is not valid YAML{line}: {problem}") from exc
    if data is None:
        return []
    if isinstance(data, dict) and set(data) == {"claims"}:
        data = data["claims"]
    if not isinstance(data, list):
        raise RegistryError(f"registry {path}: expected a list of entries (or a mapping with a 'claims' list)")
    return [_entry(raw, f"registry {path}, entry {i + 1}", str(path)) for i, raw in enumerate(data)]


def load_registries(paths: Iterable[Path]) -> list[RegistryEntry]:
    """All entries of the configured registries; the bundled default may be absent, a user's file may not."""
    entries: list[RegistryEntry] = []
    for path in paths:
        if not path.exists() and path.resolve() == DEFAULT_REGISTRY.resolve():
            log.debug("no bundled registry at %s", path)
            continue
        entries += load_file(path)
    return entries


class RegistryMatcher:
    """Finds the registry entries a sentence restates, by cosine between sentence and claim embeddings."""

    def __init__(self, entries: Sequence[RegistryEntry], embed: Embed, threshold: float = DEFAULT_THRESHOLD):
        self.entries = list(entries)
        self.threshold = threshold
        self._embed = embed
        self._vectors: npt.NDArray[np.float32] | None = None

    def _claim_vectors(self) -> npt.NDArray[np.float32]:
        if self._vectors is None:
            self._vectors = np.asarray(self._embed([e.claim for e in self.entries]), dtype=np.float32)
        return self._vectors

    def match(self, vectors: npt.NDArray[np.float32]) -> list[list[Reason]]:
        """For each sentence vector (unit length), the registry reasons of the entries it matches."""
        if not self.entries or len(vectors) == 0:
            return [[] for _ in range(len(vectors))]
        scores = np.asarray(vectors, dtype=np.float32) @ self._claim_vectors().T
        out: list[list[Reason]] = []
        for row in scores:
            hits = np.flatnonzero(row >= self.threshold)
            out.append([self.entries[i].reason(float(row[i])) for i in hits[np.argsort(-row[hits])]])
        return out
