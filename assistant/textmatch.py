"""Light lexical tools for answering: content terms, numbers, negation and attribution cues."""

from __future__ import annotations

import re
from collections.abc import Iterable

_WORD = re.compile(r"[^\W_]+(?:[.,'’][^\W_]+)*%?", re.UNICODE)


def wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


_NUMBER = re.compile(r"(?<![\w.])[-−]?\d+(?:[.,]\d+)*(?:\s?(%|per ?cent|percent))?", re.IGNORECASE)

# Function words plus question scaffolding ("what did X say") that carries no topical signal.
STOPWORDS = wordset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing done down during each either else ever every few
    for from further get got had has have having he her here hers herself him himself his how however i if
    in into is it its itself just let like may me might more most much must my myself neither no nor not
    now of off on once one only or other our ours ourselves out over own per same shall she should since so
    some such than that the their theirs them themselves then there these they this those though through
    thus to too under until up upon us very via was we were what whatever when where whether which while
    who whom whose why will with within without would yet you your yours yourself yourselves
    say says said tell tells told know known according mean means meant"""
)
_NEGATIONS = wordset(
    """not no never none nobody nothing neither nor cannot without lack lacks lacking denied deny denies
    rejected reject rejects refuted refuse refuses refused declined declines false fails failed unable"""
)
_ATTRIBUTION = re.compile(
    r"\b(according to|says?|said|claims?|claimed|argues?|argued|asserts?|asserted|contends?|maintains?|"
    r"alleges?|alleged|reports?|reported|writes?|wrote|states?|stated|insists?|believes?|suggests?|"
    r"in (?:its|their|his|her) (?:view|words)|opinion)\b",
    re.IGNORECASE,
)


def stem(word: str) -> str:
    """A crude suffix-stripping stemmer: enough to match plurals and verb forms of the same word."""
    if len(word) <= 3 or word[0].isdigit():
        return word
    for suffix, repl in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("edly", ""), ("ed", ""), ("es", ""),
                         ("s", ""), ("ly", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            return word[: len(word) - len(suffix)] + repl
    return word


def words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def terms(text: str) -> list[str]:
    """Stemmed content words of `text`, in order (numbers kept as written)."""
    return [stem(w) for w in words(text) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]


def term_set(text: str) -> frozenset[str]:
    return frozenset(terms(text))


def coverage(needles: Iterable[str], haystack: frozenset[str]) -> float:
    """Fraction of the distinct `needles` found in `haystack` (0 when there are none)."""
    wanted = set(needles)
    return len(wanted & haystack) / len(wanted) if wanted else 0.0


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def numbers(text: str) -> set[str]:
    """The numbers written in `text`, normalised ("1,000" -> "1000", "5 per cent" -> "5")."""
    out: set[str] = set()
    for m in _NUMBER.finditer(text):
        raw = m.group(0)
        digits = re.sub(r"[^\d.,]", "", raw.split()[0] if " " in raw else raw.rstrip("%"))
        if re.fullmatch(r"\d{1,3}(,\d{3})+", digits):
            digits = digits.replace(",", "")
        digits = digits.replace(",", ".").rstrip(".")
        if digits:
            out.add(digits.lstrip("0") or "0")
    return out


def unsupported_numbers(claim: str, evidence: str) -> set[str]:
    """Numbers stated in `claim` that appear nowhere in `evidence`."""
    return numbers(claim) - numbers(evidence)


def negated(text: str) -> bool:
    return any(w in _NEGATIONS or w.endswith("n't") for w in words(text))


def attributes(text: str) -> bool:
    """True when the text attributes its content to someone ("according to", "X says", "argues")."""
    return bool(_ATTRIBUTION.search(text))


_WANTS_NUMBER = re.compile(
    r"\bhow (?:many|much|long|far|big|large|old|often|high|low|tall)\b|"
    r"\bwhat (?:percentage|proportion|share|number|amount|fraction|figure)\b|"
    r"\bwhat (?:is|was|are|were) the (?:\w+ )?(?:population|number|cost|price|size|rate|percentage|share|amount|"
    r"total|salary|wage|pay|figure|budget|count|age)\b",
    re.IGNORECASE,
)
_WANTS_TIME = re.compile(r"^\W*(?:when|(?:in |on )?what (?:year|date|day|month|time))\b", re.IGNORECASE)
_NUMBER_WORDS = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|"
    r"hundred|thousand|million|billion|trillion|half|dozen|double|twice|triple|quarter|third|several|"
    r"a (?:day|week|month|year|decade|century)|per ?cent|majority|minority|most|few|many|all|none)\b",
    re.IGNORECASE,
)
_TIME_WORDS = re.compile(
    r"\b(?:1[5-9]|20)\d\d\b|\b\d{1,2}(?:[:.]\d\d)?\s?(?:am|pm)\b|\b\d{1,2}[:/]\d{1,2}\b|\b(?:january|february|march|april|may|june|july|august|september|october|november|december|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tomorrow|tonight|ago|"
    r"last|next|since|until|spring|summer|autumn|winter|century|decade|earlier|later|morning|evening|night)\b",
    re.IGNORECASE,
)


def answer_type_missing(question: str, sentence: str) -> bool:
    """True when the question asks for a quantity or a time and the sentence states none."""
    if _WANTS_TIME.search(question):
        return not _TIME_WORDS.search(sentence)
    if _WANTS_NUMBER.search(question):
        return not _NUMBER_WORDS.search(sentence)
    return False
