"""Cheap lexical features of a sentence: content stems, quantities, negation, antonyms; and pair tests on them."""

from __future__ import annotations

import functools
import math
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
# A non-restrictive relative clause (", which maintains that it could not ..., ") does not negate the main claim.
_ASIDE = re.compile(lx.REL_CLAUSE)
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
# What the words before a number say about it: a lower bound, an upper bound, or an estimate.
_AT_LEAST = re.compile(r"(?:at least|more than|over|above|not less than|no (?:fewer|less) than|upwards of|"
                       r"in excess of|exceeding)\s*[£$€]?$", re.I)
_AT_MOST = re.compile(r"(?:fewer than|less than|under|below|up to|no more than|not more than|at most|within|"
                      r"barely|only)\s*[£$€]?$", re.I)
_ABOUT = re.compile(r"(?:almost|nearly|some|around|about|roughly|approximately|an estimated|estimated|close to|"
                    r"more or less)\s*[£$€]?$", re.I)
_UNITS = {"second": ("time", 1.0), "minute": ("time", 60.0), "hour": ("time", 3600.0), "day": ("time", 86400.0),
          "week": ("time", 604800.0), "metre": ("length", 1.0), "meter": ("length", 1.0),
          "kilometre": ("length", 1e3), "kilometer": ("length", 1e3), "km": ("length", 1e3)}
_SMALL = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
          "seventeen eighteen nineteen").split()
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_NUMBER_WORD = re.compile(
    r"\b(?:(" + "|".join(_TENS) + r")(?:[- ](" + "|".join(_SMALL[1:10]) + r"))?|(" + "|".join(_SMALL) + r"))\b"
    r"(?:\s+(hundred|thousand|million|billion))?", re.I)
_FRACTION = re.compile(r"\b(?:a|one) (half|third|quarter|fifth|tenth)\b(?= of\b)|\b(\d+) (?:in|out of) (\d+)\b", re.I)
_FRACTIONS = {"half": 50.0, "third": 33.3, "quarter": 25.0, "fifth": 20.0, "tenth": 10.0}
_MANY = re.compile(r"\b(tens|hundreds|thousands) of (thousands|millions)?\b\s*(?:of\s+)?", re.I)
_MANY_VALUE = {"tens": 10.0, "hundreds": 100.0, "thousands": 1000.0}
_REJECTED = re.compile(r"\b(?:not|rather than|instead of)\s+(?:the\s+|a\s+)?[£$€]?$", re.I)
_ANTONYM_WORDS = {w for pair in lx.ANTONYMS for w in pair}
_YEAR = re.compile(r"\b(19\d\d|20\d\d)\b")
# A number that names rather than counts: "Year 11 pupils", "Routes 41, 43 and 47", "Article 5", "No. 10".
_LABEL = re.compile(r"(?:\b(?:[Pp]hases?|[Aa]rticles?|[Ss]ections?|[Cc]lauses?|[Pp]aragraphs?|[Rr]outes?|"
                    r"[Ss]ervices?|[Pp]latforms?|[Gg]ates?|[Ww]ards?|[Rr]ooms?|[Cc]hapters?|[Pp]ages?|"
                    r"Years?|Levels?|Grades?|Stages?)|\bNo\.)\s*(?:\d+(?:\s*,\s*|\s+(?:and|or|to)\s+))*$")


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
    """A number in a sentence, with the range of values its wording allows ("at least 5", "about 40", "31")."""

    value: float
    unit: str  # "%", "£", "$", "€", "date", "time" (seconds), "length" (metres), "count:<noun stem>"
    low: float
    high: float
    shown: str = ""  # the number and what it counts, as written ("10,000 homes")
    rejected: bool = False  # named only to be denied: "about £3.1 million, not the £8.4 million published"

    @property
    def specific(self) -> bool:
        """Counted things name what they count; percentages, sums, dates and measures need more context."""
        return self.unit.startswith("count:")

    @property
    def point(self) -> bool:
        return not (math.isinf(self.low) or math.isinf(self.high))


@dataclass(frozen=True)
class Features:
    stems: frozenset[str]
    quantities: tuple[Quantity, ...]
    negations: int
    antonyms: frozenset[str]
    years: frozenset[int] = frozenset()


def _spell_out(text: str) -> str:
    """Numbers in words as digits: "eleven thousand" -> "11 thousand", "seven in ten" -> "70%",
    "a third of" -> "33.3% of", "tens of thousands of" -> "at least 10000"."""

    def word(m: re.Match[str]) -> str:
        tens, unit, small, scale = m.group(1), m.group(2), m.group(3), m.group(4)
        n = _TENS[tens.lower()] + (_SMALL.index(unit.lower()) if unit else 0) if tens else _SMALL.index(small.lower())
        return f"{n}{' ' + scale if scale else ''}" if scale != "hundred" else str(n * 100)

    def many(m: re.Match[str]) -> str:
        n = _MANY_VALUE[m.group(1).lower()] * (_SCALE[m.group(2).lower().rstrip("s")] if m.group(2) else 1.0)
        return f"at least {n:.0f} "

    def fraction(m: re.Match[str]) -> str:
        if m.group(1):
            return f"{_FRACTIONS[m.group(1).lower()]}%"
        part, whole = int(m.group(2)), int(m.group(3))
        return f"{100 * part / whole:.0f}%" if 0 < part <= whole <= 100 else m.group(0)

    text = _NUMBER_WORD.sub(word, text)
    return _FRACTION.sub(fraction, _MANY.sub(many, text))


def _range(value: float, before: str) -> tuple[float, float]:
    """The values the words before a number allow: a point (within 10%), a bound, or an estimate."""
    if _AT_LEAST.search(before):
        return value, math.inf
    if _AT_MOST.search(before):
        return -math.inf, value
    if _ABOUT.search(before):
        return 0.75 * value, 1.33 * value
    return 0.9 * value, 1.1 * value


def _quantities(text: str) -> tuple[Quantity, ...]:
    text = _spell_out(text)
    out: list[Quantity] = []
    for m in _QUANTITY.finditer(text):
        num = float(m.group("num").replace(",", ""))
        scale = (m.group("scale") or "").lower()
        num *= _SCALE.get(scale, 1.0)
        before = text[max(0, m.start() - 20): m.start()]
        low, high = _range(num, before)
        shown = ""
        if m.group("unit"):
            unit = "%"
        elif m.group("cur"):
            unit = m.group("cur")
        elif m.group("month") and num <= 31:
            unit = "date"
            num = _MONTHS.index(m.group("month").lower()) * 100 + num
            vague = bool(_DATE_BOUND.search(before)) or math.isinf(low) or math.isinf(high) or low < 0.8 * high
            low, high = (-math.inf, math.inf) if vague else (num, num)
        elif 1900 <= num <= 2100 and not scale:
            continue  # a year: too often shared context ("since 2021") to compare as a value
        elif _LABEL.search(text[max(0, m.start("num") - 40): m.start("num")]):
            continue
        else:
            head = _WORD.match(text, m.end() + (1 if text[m.end(): m.end() + 1] == " " else 0))
            if head is None or head.group(0).lower() in _STOP:
                continue
            measure = _UNITS.get(head.group(0).lower().rstrip("s"))
            if measure:
                unit, factor = measure
                num, low, high = num * factor, low * factor, high * factor
            else:
                unit = "count:" + stem(head.group(0))
            shown = f"{m.group(0).strip()} {head.group(0)}"
        rejected = bool(_REJECTED.search(text[max(0, m.start() - 12): m.start()]))
        out.append(Quantity(num, unit, low, high, shown, rejected))
    for m in _MONTH_FIRST.finditer(text):  # "June 24-25"
        month = _MONTHS.index(m.group(1).lower()) * 100
        bound = bool(_DATE_BOUND.search(text[max(0, m.start() - 20): m.start()]))
        for d in (m.group(2), m.group(3)):
            if d and int(d) <= 31:
                day = month + int(d)
                out.append(Quantity(day, "date", -math.inf if bound else day, math.inf if bound else day))
    return tuple(out)


def features(text: str) -> Features:
    """The lexical features of one sentence (or of the claim it carries)."""
    words = [w.lower() for w in _WORD.findall(text)]
    return Features(
        stems=frozenset(stem(w) for w in words if w not in _STOP and len(w) > 2),
        quantities=_quantities(text),
        negations=len(_NEG.findall(_ASIDE.sub(",", text))),
        antonyms=frozenset(w for w in words if w in _ANTONYM_WORDS),
        years=frozenset(int(y) for y in _YEAR.findall(text)),
    )


_CLAUSE_BREAK = re.compile(r";|:|,\s+(?:and|but|while|whereas)\s+|"
                           r"\s+(?:and|but)\s+(?=[a-z]+ (?:has|have|had|was|were|is|are)\b)")


def negated_clause(text: str) -> Features | None:
    """The features of the clause that carries a sentence's (first) negation, or None without one.

    "Forty-seven were arrested, and not one has been charged" negates the charging, not the arrests.
    """
    for clause in _CLAUSE_BREAK.split(_ASIDE.sub(",", text)):
        if _NEG.search(clause):
            return features(clause)
    return None


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


def number_conflict(a: Features, b: Features, specific_only: bool = False) -> str | None:
    """Conflicting values of the same kind of quantity ("£29,400 a year" against "£46,500 a year").

    Values conflict when no value of one side fits the range the other's wording allows ("more than
    52,000 homes" against "fewer than 10,000 homes"; "at least 3.5%" does not conflict with "5%").
    Sentences about different years ("in 2014 ... 2%" and "by 2035 ... 5%") are about different things.
    A figure one side names only to reject it ("£3.1 million, not the £8.4 million") conflicts with the
    other side stating it, even for sums and percentages when `specific_only`.
    """
    if a.years and b.years and not a.years & b.years:
        return None
    for unit in sorted({q.unit for q in a.quantities} & {q.unit for q in b.quantities}):
        va = [q for q in a.quantities if q.unit == unit]
        vb = [q for q in b.quantities if q.unit == unit]
        for x, y in ((x, y) for x in va for y in vb if x.rejected != y.rejected):
            if x.low <= y.high and y.low <= x.high:  # one side names the other's figure only to reject it
                mine, theirs = (y, va) if x.rejected else (x, vb)
                kept = [q for q in theirs if not q.rejected]
                return f"{_show(mine)} against {_show(kept[0])}" if kept else f"{_show(mine)} rejected"
        if specific_only and not va[0].specific:
            continue
        va = [q for q in va if not q.rejected] or va
        vb = [q for q in vb if not q.rejected] or vb
        if any(x.low <= y.high and y.low <= x.high for x in va for y in vb):
            continue
        if not va[0].specific and (not any(q.point for q in va) or not any(q.point for q in vb)):
            continue  # "at least 3.5%" against "2%" is too often a different target, not a contradiction
        return f"{_show(va[0])} against {_show(vb[0])}"
    return None


def _show(q: Quantity) -> str:
    if q.shown:
        return q.shown
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
