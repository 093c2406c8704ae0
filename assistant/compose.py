"""Writing an answer from source sentences: [n] markers, attribution of flagged claims, disagreements."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from assistant.evidence import Candidate, Evidence
from assistant.textmatch import STOPWORDS
from assistant.types import Citation, Flag

NO_ANSWER = "The library does not contain an answer to this question."
_PRONOUNS = frozenset(
    ("he", "she", "they", "it", "this", "these", "those", "his", "her", "their", "its", "him", "them")
)
_DETERMINERS = frozenset(("several", "many", "numerous", "various", "certain", "another", "recent", "earlier"))

def _label(c: Candidate) -> str:
    p = c.passage
    extra = [x for x in (p.publisher, p.source_type)
             if x and x not in ("unknown", "document") and x.lower() != p.title.lower()]
    return f"*{p.title}*" + (f" ({', '.join(extra)})" if extra else "")


def clean(text: str) -> str:
    return " ".join(text.split())


def _lower_first(text: str, source_text: str) -> str:
    """Lower-case a sentence's first word unless it is a name: a function word ("The"), or a word the
    source also writes in lower case ("Fluoride" -> "fluoride"; "NATO" and "Spain" stay)."""
    first = text.split(" ", 1)[0]
    word = first.strip(".,;:!?\"'“”‘’()")
    if not (word[:1].isupper() and word[1:].islower()):
        return text
    low = word.lower()
    if low in STOPWORDS or low in _DETERMINERS or re.search(rf"\b{re.escape(low)}\b", source_text):
        return text[0].lower() + text[1:]
    return text


def with_marker(text: str, marks: str) -> str:
    """`text` with ` [n]` markers placed before its final full stop (one is added when missing)."""
    text = clean(text)
    if text and text[-1] in ".!?":
        return f"{text[:-1].rstrip()} {marks}{text[-1]}"
    return f"{text} {marks}."


def attributed(c: Candidate, text: str, marks: str, source_text: str = "") -> str:
    """A statement resting on a flagged sentence, attributed to its source rather than stated as fact."""
    return with_marker(f"According to {_label(c)}, {_lower_first(clean(text), source_text)}", marks)


def _quoted(c: Candidate, n: int) -> str:
    text = clean(c.text).rstrip(".!? ")
    return f"{_label(c)} says “{text}” [{n}]"


def _leans_back(text: str) -> bool:
    """True when a pronoun comes in the first words before any name ("In May, he said" but not "Spain said it")."""
    for i, token in enumerate(text.split()[:6]):
        word = token.strip(".,;:!?\"'“”‘’()")
        if word.lower() in _PRONOUNS:
            return True
        if word[:1].isupper() and (i > 0 or word.lower() not in STOPWORDS):
            return False
    return False


def _antecedent(c: Candidate, evidence: Evidence, taken: set[tuple[str, int]]) -> Candidate | None:
    """The previous sentence of the passage when `c` opens with a pronoun that refers back to it."""
    if not _leans_back(c.text):
        return None
    cands = evidence.by_passage[c.passage_index]
    j = next((i for i, x in enumerate(cands) if x.key == c.key), 0)
    before = cands[j - 1] if j > 0 else None
    return before if before is not None and before.key not in taken and before.end <= c.start else None


def compose(groups: Sequence[Sequence[Candidate]], evidence: Evidence) -> tuple[str, list[Citation], list[Flag]]:
    """The answer text with [n] markers, its citations (numbered in order of appearance) and flags."""
    parts: list[str] = []
    citations: list[Citation] = []
    flags: dict[tuple[str, int], Flag] = {}

    def cite(c: Candidate) -> int:
        n = len(citations) + 1
        citations.append(c.citation(n, evidence.sources[c.source_id]))
        if c.flag is not None:
            flags.setdefault((c.flag.source_id, c.flag.start), c.flag)
        return n

    chosen = {c.key for group in groups for c in group}
    for group in groups:
        if len(group) == 1:
            c = group[0]
            source_text = evidence.sources[c.source_id].text
            pieces = [c]
            before = _antecedent(c, evidence, chosen)
            if before is not None:  # "He warned that ..." needs the sentence that says who he is
                chosen.add(before.key)
                if before.flag is not None:
                    flags.setdefault((before.flag.source_id, before.flag.start), before.flag)
                pieces = [before, c]
                c = replace(c, start=before.start, text=source_text[before.start : c.end], flag=c.flag or before.flag)
            marks = f"[{cite(c)}]"  # one quote spans both sentences; each sentence carries its marker
            parts += [attributed(x, x.text, marks, source_text) if x.flag else with_marker(x.text, marks)
                      for x in pieces]
        else:
            sides = [_quoted(c, cite(c)) for c in group]
            parts.append("Sources disagree: " + "; ".join(sides) + ".")
    return " ".join(parts), citations, list(flags.values())
