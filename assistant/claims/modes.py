"""Assertion mode of a sentence: asserted, attributed, hedged, question or quotation, with the deciding cue."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from assistant.claims import lexicon as lx
from assistant.types import Mode

# Quoted spans: curly or straight double quotes and guillemets (single quotes double as apostrophes).
_QUOTE = re.compile(r"“[^”]*”?|\"[^\"]*\"?|«[^»]*»?")
# The last sentence of a quotation spanning several sentences: a closing quote with no opening one before it.
_QUOTE_TAIL = re.compile(r"^[^“\"«]*[.!?]”$|^[^“\"«]*[.!?]\"$")
# Non-restrictive relative clauses (", who ... ," / ", which ... ,"): a reporting verb inside one
# ("Putin, who has said X, attended") speaks for the clause, not for the sentence.
_REL_CLAUSE = re.compile(lx.REL_CLAUSE)
# Where a hedge cannot reach the main claim: a relative clause (also at the end of the sentence) or a purpose
# clause ("..., where a strike could kill a pair", "... so they could keep shareholders sweet").
_SUBORDINATE = re.compile(r",\s+(?:who|whom|which|whose|where)\b[^,;:]*(?:,|$)|\bso (?:that )?\w+ (?:could|might)\b")

_V = r"(?:{})"
# Verbs of saying that report speech whatever follows them.
_STRONG = (
    r"say|says|said|saying|tells|told|argues?|argued|insists?|insisted|contends?|contended|warns?|warned|"
    r"reiterates?|reiterated|stresse[sd]|emphasi[sz]e[sd]|asserts?|asserted|alleges|accuse[sd]|"
    r"contest(?:s|ed)|disputes|disputed|rejects|rejected|dismisse[sd]|countere?d?|lamented|complained|"
    r"declared|proclaimed|testified|vowed|tweeted|wrote|writes|quipped|conceded|admitted|denie[sd]"
)
# Verbs that report speech or thought only with a complement ("claimed that", "noted:", ", he added.").
_WEAK = (
    r"claims?|claimed|maintains?|maintained|states|stated|notes|noted|adds|added|explains?|explained|"
    r"announce[sd]?|predicts?|predicted|reports|reported|observe[sd]?|remarked|confirm(?:s|ed)?|"
    r"responded|replied|recalled|agreed|advised|cautioned|informed|assured|believes?|believed|thinks|thought|"
    r"acknowledged|acknowledges|reminded|promised|"
    r"fears?|feared|hopes?|hoped|"
    r"expects?|expected|doubts?|doubted|questions|questioned|found|finds|shows?|showed|shown|concluded?|"
    r"concludes|revealed?|reveals|indicated|highlighted|underscored|signall?ed|estimated|estimates|"
    r"pointed out|points out|made clear|makes clear|made the case|echoed|echoes|suggested|"
    r"describe[sd]|call|called|calls|branded|dubbed|labell?ed|characteri[sz]ed|portrayed|framed|cast"
)
_PARTICIPLE = (
    r"saying|arguing|claiming|insisting|warning|noting|stressing|emphasi[sz]ing|adding|asserting|contending|"
    r"maintaining|alleging|accusing|citing|explaining|declaring|stating|predicting|describing"
)
_COMPLEMENT = (r"\s*(?:(?:also|again|repeatedly|publicly|privately|firmly|strongly)\s+)?"
               r"(?:that\b|whether\b|how\b|[:,“\"«])")
_VERB_RE = re.compile(rf"\b({_STRONG})\b|\b({_WEAK})\b|\b({_PARTICIPLE})\b", re.IGNORECASE)

_SKIP_BEFORE = frozenset(
    """has have had having is are was were be been being will would shall should can could may might must do does
    did not n't also long consistently repeatedly previously often always never once again publicly privately
    recently frequently strongly firmly openly falsely wrongly rightly correctly just already since then both
    all reportedly allegedly reportedly later earlier initially first further subsequently""".split()
)
_DETERMINERS = frozenset("the a an its their his her our this these those your my any no such every".split())
_AUTHOR = frozenset("i we one you".split())
_DEMONSTRATIVE = frozenset("this that it which these those what".split())
_EVIDENTIAL = re.compile(r"found|finds|shows?|showed|shown|revealed?|reveals|indicated|concluded?|concludes|"
                         r"confirms|confirmed", re.I)
# A word these follow is a noun, not a reporting verb: "beyond doubt", "in question", "for calls".
_NOUN_AFTER = frozenset("beyond without in of for from with no any some little much".split())
_ASKS = frozenset("answer answers answered answering take takes took field fields fielded raise raised put ask".split())
_NOT_SPEECH = re.compile(r"\s+(?:nothing|little|no more|not a word)\b|\s+(?:the same|a (?:different|similar)|"
                         r"its own|their own) story\b", re.I)
_SELF_NOUNS = frozenset("company group coalition council board agency union association".split())  # "the company"
_WORD = re.compile(r"[A-Za-z’'-]+")

_FRAMES: list[tuple[re.Pattern[str], Mode]] = [
    (re.compile(r"\baccording to\b(?!\s+(?:plan|schedule|the (?:plan|schedule|rules?|law|terms|treaty)))", re.I),
     "attributed"),
    (re.compile(r"(?:^|[,;]\s*)in (?:an?|his|her|their|its) (?:joint )?(?:statement|interview|speech|address|"
                r"letter|op-ed|"
                r"post|tweet|briefing|press conference|press release|memo|testimony|remarks)\b", re.I), "attributed"),
    (re.compile(r"\bper (?:[A-Z][a-z]|the (?:report|statement|ministry|agency|study|survey|source|official))"),
     "attributed"),
    (re.compile(r"\b\w+(?:’s|'s) (?:view|claim|assertion|argument|contention|position|allegation|insistence|belief|"
                r"accusation|narrative|charge|complaint|warning|prediction|stance|assessment) that\b", re.I),
     "attributed"),
    (re.compile(r"\b(?:amid|despite|over|following) (?:\w+ )?(?:claims|reports|allegations|accusations|suggestions|"
                r"speculation|rumou?rs|assertions) that\b", re.I), "attributed"),
    (re.compile(r"\b(?:as|in) (?:\w+ ){1,3}(?:put it|words)\b", re.I), "attributed"),
    (re.compile(r"\bwould (?:have|like) (?:you|us|people|readers|voters|the public) (?:to )?believe\b", re.I),
     "attributed"),
    (re.compile(r"\b(?:puts|estimates|reckons|prices|values) (?:the |its |their |this |that )?(?:[\w-]+ ){0,4}at "
                r"(?:about |around |some |roughly |more than |less than |up to |just )?"
                r"(?:[£$€]?\d|(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\w+teen|\w+ty)\b)",
                re.I), "attributed"),
    (re.compile(r"\b(?:is|are|was|were|been|being) (?:\w+ly )?(?:said|claimed|reported|argued|alleged|asserted)"
                r"(?: (?:on|in|by|at) [^,.;]{1,50}?)? (?:to|that)\b", re.I), "attributed"),
    (re.compile(r"\b(?:is|are|was|were|been|being) (?:\w+ly )?(?:seen|viewed|regarded|perceived|framed|described|"
                r"portrayed|touted|billed|presented|characteri[sz]ed|painted|branded|labell?ed|dubbed|hailed|"
                r"condemned|denounced|critici[sz]ed) (?:as|for)\b", re.I), "attributed"),
    (re.compile(r"\b(?:is|are|was|were|been|being) (?:\w+ly )?(?:accused|blamed) (?:of|for)\b", re.I), "attributed"),
]
# "may" granting permission ("Claims may be made online", "The operator may appeal within 28 days") is deontic.
_PERMITTED = (
    r"apply|appeal|attend|ask|inspect|sign|submit|request|raise|object|comment|contact|email|write|register|vote|"
    r"join|speak|choose|opt|take part|view|collect|obtain|claim|lodge|send|upload|call|phone|visit|book|use|"
    r"bring|do so|"
    r"not (?:begin|start|proceed|commence|implement|go ahead|take effect|be used|be published|be disclosed)|"
    r"be (?:made|sent|submitted|lodged|obtained|inspected|viewed|collected|raised|addressed|directed|downloaded|"
    r"returned|posted|emailed|requested)"
)
_HEDGES: list[re.Pattern[str]] = [
    re.compile(r"\b(?:reportedly|allegedly|apparently|possibly|perhaps|probably|presumably|purportedly|supposedly|"
               r"seemingly|arguably|potentially|conceivably|ostensibly|maybe|plausibly)\b", re.I),
    re.compile(r"(?<!more )(?<!less )(?<!the )(?<!its )(?<!their )(?<!a )(?<!'s )(?<!’s )\b(?:un)?likely\b|"
               r"\b(?:more|less) likely (?:to|that)\b", re.I),
    re.compile(rf"\bmay (?!(?:still |also |then |only |now )?(?:{_PERMITTED})\b)(?:not |well |also |have |be |[a-z]+)"),
    re.compile(r"\bmight (?!and\b|of\b|in\b|is\b|was\b|to\b)[a-z]+"),
    re.compile(r"\bcould (?!(?:not )?have\b)(?:not |also |well |soon |eventually |potentially )?[a-z]+"),
    re.compile(r"\b(?:appears?|appeared|seems?|seemed|tends?|tended) (?:to|that)\b", re.I),
    re.compile(r"(?<!not )(?<!n't )(?<!n’t )\bsuggest(?:s|ed|ing)?\b", re.I),
    re.compile(r"\b(?:is|are|was|were|been|being) (?:\w+ly )?(?:expected|believed|thought|rumou?red|suspected|"
               r"understood|feared|estimated|alleged|presumed|assumed) "
               r"(?:to|that|at|in|by|within|later|soon|next)\b", re.I),
    re.compile(r"\bit (?:is|was|remains) (?:not (?:yet )?(?:clear|known)|possible|unclear|uncertain|unknown|"
               r"conceivable|plausible)\b", re.I),
    re.compile(r"\bremains? (?:unclear|uncertain|unconfirmed|unverified)\b", re.I),
    re.compile(r"\b(?:the|an?) (?:alleged|suspected|purported|apparent|presumed)\b", re.I),
    re.compile(r"\b(?:unconfirmed|unverified|if confirmed|speculation)\b", re.I),
]
_THAT = re.compile(r"\bthat\s+", re.I)
_PREPOSITION = re.compile(r"(?:of|to|for|against|about|on|in|at|with|by|from)\b", re.I)
_LEAD_FRAME = re.compile(r"^(?:according to|per|in (?:an?|his|her|their|its) \w+)[^,]{0,80},\s*", re.I)


@dataclass(frozen=True)
class Reading:
    """How a sentence is voiced: its mode, the words that decided it, and the claim it carries."""

    mode: Mode
    cue: str
    core: str  # the claim with any attribution frame removed ("X said that P" -> "P"), for matching


def _mask(text: str, pattern: re.Pattern[str]) -> str:
    """Blank the matches of `pattern` (keeping offsets) so cues inside them do not count."""
    return pattern.sub(lambda m: m.group(0)[0] + " " * (len(m.group(0)) - 2) + m.group(0)[-1], text)


def _agent_before(text: str, pos: int) -> str:
    """The nearest word before `pos` that is not an auxiliary or adverb (lower-cased), or ''."""
    words = _WORD.findall(text[:pos])
    for w in reversed(words[-6:]):
        lw = str(w).lower()
        if lw not in _SKIP_BEFORE and not lw.endswith("ly"):
            return lw
    return ""


def _after_by(text: str, pos: int) -> bool:
    """Whether the agent word before `pos` follows "by" ("experts engaged by the company said")."""
    words = [w.lower() for w in _WORD.findall(text[:pos])][-6:]
    while words and (words[-1] in _SKIP_BEFORE or words[-1].endswith("ly")):
        words.pop()
    return len(words) >= 2 and words[-2] == "by"


def _appositive_subject(before: str) -> str:
    """The word before an appositive that ends right before a verb ("Sarah Kellow, director of X, said")."""
    parts = before.rstrip().rstrip(",").rsplit(",", 1)
    return _agent_before(parts[0], len(parts[0])) if len(parts) == 2 else ""


def _self_belief(text: str, self_names: frozenset[str]) -> str | None:
    """A source's own expectation or fear about itself ("The company expects the river to recover"): hedged."""
    if not self_names:
        return None
    for m in re.finditer(r"\b(?:expects?|believes?|hopes?|fears?|anticipates?|thinks)\b", text, re.I):
        agent = _agent_before(text, m.start())
        if (agent in self_names or agent in _SELF_NOUNS) and not _in_relative_clause(text, m.start()):
            return m.group(0)
    return None


def _complement_follows(text: str, start: int, end: int) -> bool:
    if re.match(_COMPLEMENT, text[end:], re.IGNORECASE):
        return True
    if re.match(r"\s+(?:the |its |their |his |her )?\w+\s+that\b", text[end:]) and not re.match(
            r"\s+(?:so|such|now|all|is|was|are|were)\b", text[end:], re.I):
        return True  # an indirect object: "assured councillors that ..."
    if re.match(r"\s+(?:he|she|they|we|there)\s+(?!to\b)\w", text[end:], re.I):
        return True  # a clause without "that": "He believes he lost his post"
    # a trailing attribution: ", he added." / ", officials noted on Tuesday." / ", said the minister."
    clause = text[:start].rsplit(",", 1)
    if len(clause) < 2 or len(clause[1].split()) > 5:
        return False
    rest = text[end:].lstrip()
    return not rest or rest[0] in ".;!" or bool(re.match(r"(?:on|in|at|during|last|this|yesterday|today)\b", rest))


_BE = frozenset("is are was were be been being".split())
_ADVERBS = frozenset("also again long therefore thus hence still now often further since then already once".split())
_RELATIVE = re.compile(r"\b(?:that|which|who|whom)\b", re.I)
_VERBLIKE = re.compile(r"^(?:\w+ed|is|are|was|were|has|have|had|do|does|did|will|would|can|could|must)$", re.I)


def _clause_before(text: str, pos: int) -> str:
    return re.split(r"[,;:(—–]", text[:pos])[-1]


def _in_relative_clause(text: str, pos: int) -> bool:
    """True when the verb at `pos` sits in a relative clause ("a trend that officials have argued ...")."""
    clause = _clause_before(text, pos)
    rel = None
    for found in _RELATIVE.finditer(clause):
        rel = found
    if rel is None:
        return False
    words = _WORD.findall(clause[rel.end():])
    while words and (words[-1].lower() in _SKIP_BEFORE or words[-1].lower().endswith("ly")):
        words.pop()
    return not any(_VERBLIKE.match(w) for w in words)


def _reporting_cue(text: str, self_names: frozenset[str] = frozenset()) -> tuple[str, int] | None:
    """The first reporting verb that frames a claim as someone's speech or thought, and its end offset."""
    for m in _VERB_RE.finditer(text):
        strong, weak, participle = m.group(1), m.group(2), m.group(3)
        agent = _agent_before(text, m.start())
        if agent in self_names and _after_by(text, m.start()):
            agent = "someone"  # "specialists engaged by Brenmoor have confirmed": not the source speaking
        if agent in self_names and text[: m.start()].rstrip().endswith(","):
            agent = _appositive_subject(text[: m.start()]) or agent  # "Jo Kell, director of Brenmoor, said"
        if agent in _AUTHOR or agent in self_names or (agent in _DETERMINERS and not participle):
            continue
        if _NOT_SPEECH.match(text[m.end():]) or text[m.start() - 1: m.start()] == "-":
            continue  # "said nothing", "tells the same story", "so-called"
        if agent in ("and", "but") and not participle and len(_WORD.findall(text[: m.start()])) >= 6:
            continue  # "X dumped the solvent ..., and then told everyone ...": the first clause is asserted
        if not agent and not participle and m.group(2):
            continue  # a heading word ("Notes: ...", "Reports ...") with nobody reporting
        if participle:
            before = text[: m.start()].rstrip()
            if before.endswith(",") or re.match(r"\s+that\b", text[m.end():]):
                return m.group(0), m.end()
            continue
        word = (strong or weak).lower()
        words_before = [w.lower() for w in _WORD.findall(text[: m.start()])]
        while words_before and (words_before[-1] in _ADVERBS or words_before[-1].endswith("ly")):
            words_before.pop()
        prev = words_before[-1] if words_before else ""
        if weak and (prev in _NOUN_AFTER or (word.startswith("question") and prev in _ASKS)):
            continue  # a noun: "beyond doubt", "in question", "will answer questions"
        if prev == "to" or prev in _BE:
            continue  # an infinitive ("findings to announce") or a passive ("is disputed")
        if word in ("say", "says") and prev == "a":
            continue  # "have a say"
        if _in_relative_clause(text, m.start()):
            continue  # the report belongs to a relative clause, not to the sentence
        if weak and _EVIDENTIAL.fullmatch(word) and (
            agent in _DEMONSTRATIVE or re.match(r"\s*(?:and |but |while )?as\b", _clause_before(text, m.start()), re.I)
        ):
            continue  # "This shows that ...", "..., as the survey showed": the author's own inference
        if weak and _EVIDENTIAL.fullmatch(word) and agent in lx.RECORDS and not _in_relative_clause(text, m.start()):
            return m.group(0), m.end()  # "the accounts show spending rising": what a record says
        if weak and word in ("call", "called", "calls") and (
                re.match(r"\s+(?:for|on|off|in|up|to)\b", text[m.end():]) or prev in ("will", "would", "might", "may")):
            continue  # "called for", and a prediction of what someone will call it
        if word in ("told", "tells") and re.match(r"\s+(?:\w+\s+){1,2}to\s+\w", text[m.end():]):
            continue  # an instruction, not a report: "told the trust to keep our A&E"
        if strong or _complement_follows(text, m.start(), m.end()) or (
            word in ("described", "describes", "branded", "dubbed", "labelled", "labeled", "call", "called", "calls",
                     "portrayed", "framed", "cast", "characterized", "characterised")
            and (re.search(r"\bas\b|\b(?:a|an|the)\b", text[m.end(): m.end() + 40])
                 or re.match(r"\s+(?:us|them|him|her|it|this|that|these|those|me)\s+\w", text[m.end():]))
        ):
            return m.group(0), m.end()
    return None


def _core(text: str, cue_end: int) -> str:
    """The reported claim: the clause after the cue ("X said (that) P"), or before a trailing cue ("P, X said")."""
    after = text[cue_end:].lstrip(" ,:")
    that = _THAT.match(after)
    if that:
        return after[that.end():].strip()
    head = text[:cue_end].rsplit(",", 1)
    if len(head) == 2 and len(head[0].split()) >= 4 and len(head[1].split()) <= 6:
        return head[0].strip(" “”\"")
    if len(after.split()) >= 4 and not _PREPOSITION.match(after):
        return after.strip()
    return text


def _split_clauses(text: str) -> list[str]:
    """Independent clauses joined by semicolons (outside quotes)."""
    masked = _mask(text, _QUOTE)
    cuts = [i for i, ch in enumerate(masked) if ch == ";"]
    bounds = [0, *(c + 1 for c in cuts), len(text) + 1]
    return [text[a: b - 1].strip() for a, b in itertools.pairwise(bounds) if text[a: b - 1].strip()]


def classify(text: str, self_names: frozenset[str] = frozenset()) -> Reading:
    """Decide the assertion mode of one sentence from its reporting, quoting and hedging cues.

    `self_names` are words naming the source's own publisher: a press release that speaks of itself in
    the third person ("The coalition fears that ...") is in its own voice, not reporting someone else.
    """
    clauses = _split_clauses(text)
    if len(clauses) > 1:
        readings = [_classify_clause(c, self_names) for c in clauses]
        if not text.rstrip(" ”\"»)’'").endswith("?"):
            for wanted in ("asserted", "attributed", "hedged"):
                for c, r in zip(clauses, readings, strict=True):
                    if r.mode == wanted and (wanted != "asserted" or len(c.split()) >= 3):
                        return Reading(r.mode, r.cue, text.strip() if wanted == "asserted" else r.core)
    return _classify_clause(text, self_names)


def _classify_clause(text: str, self_names: frozenset[str]) -> Reading:
    stripped = text.strip()
    quoted = sum(len(m.group(0)) for m in _QUOTE.finditer(stripped))
    outside = _mask(stripped, _QUOTE)
    outside_end = outside.rstrip(" ”\"»)’'")
    if outside_end.endswith("?"):
        return Reading("question", "?", stripped)
    scan = _mask(outside, _REL_CLAUSE)
    found = _reporting_cue(scan, self_names)
    if found is None:
        for pattern, mode in _FRAMES:
            m = pattern.search(scan)
            if m:
                lead = _LEAD_FRAME.match(stripped)
                return Reading(mode, m.group(0), stripped[lead.end():] if lead else stripped)
    if found is not None:
        cue, end = found
        if quoted >= 0.3 * len(stripped):
            first = _QUOTE.search(stripped)
            core = first.group(0).strip("“”\"«» ,") if first else stripped
            return Reading("attributed", f"quote + {cue}", core)
        return Reading("attributed", cue, _core(stripped, end))
    if quoted >= 0.6 * len(stripped) or _QUOTE_TAIL.search(stripped):
        return Reading("quotation", "quote", stripped)
    if stripped.endswith("?"):
        return Reading("question", "?", stripped)
    main = _mask(outside, _SUBORDINATE)
    belief = _self_belief(main, self_names)
    if belief:
        return Reading("hedged", belief, stripped)
    for pattern in _HEDGES:
        m = pattern.search(main)
        if m:
            return Reading("hedged", m.group(0).strip(), stripped)
    return Reading("asserted", "", stripped)
