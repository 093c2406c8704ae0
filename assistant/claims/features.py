"""Cheap lexical features of a sentence: content stems, quantities, negation, antonyms; and pair tests on them."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from assistant.claims import lexicon as lx

_STOP = frozenset(
    """a about above after again against all am an and any are as at be because been before being below between both
    but by can could did do does doing down during each few for from further had has have having he her here hers
    him his how i if in into is it its itself just me more most my no nor not of off on once only or other our out
    over own same she should so some such than that the their them then there these they this those through to too
    under until up very was we were what when where which while who whom why will with would you your said says
    say also its it's year years per cent percent one two three""".split()
)
_WORD = re.compile(r"[a-z][a-z’'-]*[a-z]|[a-z]", re.I)
_SUFFIXES = ("ational", "ations", "ation", "ions", "ion", "ments", "ment", "ness", "ingly", "ings", "ing", "edly",
             "ies", "ied", "ers", "er", "ed", "es", "ly", "s")
_NEG = re.compile(rf"\b(?:{lx.NEGATION})\b", re.I)
_SCALE = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9, "trillion": 1e12}
_MONTHS = "january february march april may june july august september october november december".split()
_QUANTITY = re.compile(
    r"(?P<cur>[£$€])?\s?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s?"
    r"(?P<scale>thousand|million|billion|trillion|bn|mn|m|k)?\b\s?"
    r"(?P<unit>%|per ?cent\b|percent\b)?(?:\s?(?P<month>" + "|".join(_MONTHS) + r")\b)?",
    re.I,
)
_DATE_BOUND = re.compile(r"(?:no later than|not later than|by|before|after|until|from)\s*$", re.I)
_MONTH_FIRST = re.compile(r"\b(" + "|".join(m.title() for m in _MONTHS) + r")\s(\d{1,2})(?:\s?[-–]\s?(\d{1,2}))?\b")
_BOUND = re.compile(r"(?:no later than|not later than|before|after|until|at least|more than|less than|fewer than|"
                    r"up to|over|under|above|below|almost|nearly|some|around|about|roughly|approximately)\s*[£$€]?$",
                    re.I)
_ANTONYM_WORDS = {w for pair in lx.ANTONYMS for w in pair}
_YEAR = re.compile(r"\b(19\d\d|20\d\d)\b")


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light suffix-stripping stem, enough to match "protects"/"protecting" and "rises"/"rising"."""
    w = word.lower().replace("’", "'").removesuffix("'s").strip("'-")
    for suffix in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            break
    return w[:-1] if len(w) > 4 and w[-1] == "e" else w


@dataclass(frozen=True)
class Quantity:
    value: float
    unit: str  # "%", "£", "$", "€", "date", "count:<noun stem>"
    bounded: bool  # "by", "at least", "about": a bound or estimate, not a point value


@dataclass(frozen=True)
class Features:
    stems: frozenset[str]
    quantities: tuple[Quantity, ...]
    negations: int
    antonyms: frozenset[str]
    years: frozenset[int] = frozenset()


def _quantities(text: str) -> tuple[Quantity, ...]:
    out: list[Quantity] = []
    for m in _QUANTITY.finditer(text):
        num = float(m.group("num").replace(",", ""))
        scale = (m.group("scale") or "").lower()
        num *= _SCALE.get(scale, 1.0)
        bounded = bool(_BOUND.search(text[max(0, m.start() - 20): m.start()]))
        if m.group("unit"):
            unit = "%"
        elif m.group("cur"):
            unit = m.group("cur")
        elif m.group("month") and num <= 31:
            unit = "date"
            num = _MONTHS.index(m.group("month").lower()) * 100 + num
            bounded = bounded or bool(_DATE_BOUND.search(text[max(0, m.start() - 20): m.start()]))
        elif 1900 <= num <= 2100 and not scale:
            continue  # a year: too often shared context ("since 2021") to compare as a value
        else:
            head = _WORD.match(text, m.end() + (1 if text[m.end(): m.end() + 1] == " " else 0))
            if head is None or head.group(0).lower() in _STOP:
                continue
            unit = "count:" + stem(head.group(0))
        out.append(Quantity(num, unit, bounded))
    for m in _MONTH_FIRST.finditer(text):  # "June 24-25"
        month = _MONTHS.index(m.group(1).lower()) * 100
        bounded = bool(_DATE_BOUND.search(text[max(0, m.start() - 20): m.start()]))
        out += [Quantity(month + int(d), "date", bounded) for d in (m.group(2), m.group(3)) if d and int(d) <= 31]
    return tuple(out)


def features(text: str) -> Features:
    """The lexical features of one sentence (or of the claim it carries)."""
    words = [w.lower() for w in _WORD.findall(text)]
    return Features(
        stems=frozenset(stem(w) for w in words if w not in _STOP and len(w) > 2),
        quantities=_quantities(text),
        negations=len(_NEG.findall(text)),
        antonyms=frozenset(w for w in words if w in _ANTONYM_WORDS),
        years=frozenset(int(y) for y in _YEAR.findall(text)),
    )


def overlap(a: Features, b: Features) -> float:
    """Shared content stems over the smaller sentence's stems (0 when either has none)."""
    if not a.stems or not b.stems:
        return 0.0
    return len(a.stems & b.stems) / min(len(a.stems), len(b.stems))


def could_conflict(a: Features, b: Features) -> bool:
    """Whether a pair has any surface for a contradiction: quantities, a negation, or antonyms."""
    units_a = {q.unit for q in a.quantities}
    return bool(units_a & {q.unit for q in b.quantities}) or a.negations != b.negations or bool(
        a.antonyms and b.antonyms
    )


def _close(x: float, y: float) -> bool:
    return abs(x - y) <= 0.1 * max(abs(x), abs(y), 1e-9)


def number_conflict(a: Features, b: Features) -> str | None:
    """Conflicting values of the same kind of quantity ("£29,400 a year" against "£46,500 a year").

    Sentences about different years ("in 2014 ... 2%" and "by 2035 ... 5%") are about different things.
    """
    if a.years and b.years and not a.years & b.years:
        return None
    for unit in sorted({q.unit for q in a.quantities} & {q.unit for q in b.quantities}):
        va = [q for q in a.quantities if q.unit == unit]
        vb = [q for q in b.quantities if q.unit == unit]
        if any(_close(x.value, y.value) for x in va for y in vb):
            continue
        if all(q.bounded for q in va) or all(q.bounded for q in vb):
            continue
        return f"{_show(va[0])} against {_show(vb[0])}"
    return None


def _show(q: Quantity) -> str:
    if q.unit == "%":
        return f"{q.value:g}%"
    if q.unit in "£$€":
        return f"{q.unit}{q.value:,.0f}"
    if q.unit == "date":
        return f"{int(q.value % 100)} {_MONTHS[int(q.value // 100)].title()}"
    return f"{q.value:g} {q.unit.removeprefix('count:')}"


def aligned_overlap(a: Features, b: Features, p: str, q: str) -> float:
    """`overlap` once the antonyms p (in a) and q (in b) count as the same slot: the rest of the claim matches."""
    sa = {s for s in a.stems if s != stem(p)}
    sb = {s for s in b.stems if s != stem(q)}
    if len(sa) < 1 or not sb:
        return 0.0
    return len(sa & sb) / min(len(sa), len(sb))


def antonym_pair(a: Features, b: Features) -> tuple[str, str] | None:
    """The first antonym pair (p in a, q in b) that only one side uses each."""
    for x, y in lx.ANTONYMS:
        for p, q in ((x, y), (y, x)):
            if p in a.antonyms and q in b.antonyms and q not in a.antonyms and p not in b.antonyms:
                return p, q
    return None
