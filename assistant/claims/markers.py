"""Linguistic markers of a contestable claim in the author's own voice, each a reason with a readable detail.

The marker families follow propaganda-technique and stance research (name calling, loaded language,
exaggeration, boosters, causal oversimplification, presumed intent, certain prediction). Each is a set
of patterns with exclusions for the factual uses that share its words ("all 32 allies attended",
"will meet on Tuesday", "we will publish", "tax regime"). Quoted words are someone else's and are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.claims import lexicon as lx
from assistant.types import Reason

_I = re.IGNORECASE
_WORD = re.compile(r"[\w’'-]+")


@dataclass(frozen=True)
class _Marker:
    kind: str
    pattern: re.Pattern[str]
    detail: str  # "{words}" is replaced by the quoted matches


_WILL = re.compile(r"\bwill\s+(?:not\s+)?(?:(?:\w+ly|only|also|soon|never|still|even|further|now|in future|"
                   r"in time|then)\s+)?([\w-]+)"
                   r"(?:\s+([\w-]+))?", _I)
_MARKERS: list[_Marker] = [
    _Marker("unhedged-prediction", re.compile(
        r"\b(?:is|are|was|were)\s+(?:\w+ly\s+)?(?:bound|doomed|destined|certain|sure|guaranteed)\s+to\b|"
        r"\binevitabl[ey]\b|\binevitability\b|\bis (?:only |just )?a (?:matter|question) of time\b|"
        r"\bspells? (?:the )?(?:end|doom|disaster)\b|" + _WILL.pattern, _I),
        "States a prediction as certain: {words}."),
    _Marker("sweeping-generalisation", re.compile(
        r"\b(?:everyone|everybody) (?:knows|agrees|understands|sees|accepts|recogni[sz]es|wants)\b|"
        r"\b(?:no one|nobody|no-one) (?:believes|doubts|disputes|denies|wants|trusts|cares|can deny|seriously)\b|"
        rf"\b(?:all|every) (?:\w+ ){{0,2}}?(?:{lx.GROUPS}) (?:are|is|have|want|know|hate|love|support|oppose|lie|"
        r"believe|agree|think|do|will|always|never)\b|"
        r"\bevery (?!\d|(?:one|two|three|four|five|six|seven|eight|nine|ten|few|hundred|thousand)\b)"
        r"(?:(?!and\b|or\b|but\b|of\b)[\w’'-]+ ){1,5}?(?:(?!\w*ss\b)\w+s|is|has|can|cannot|"
        r"will|must|should|would|never|always)\b|"
        r"\b(?:has|have|had) always (?:been|sought|wanted|tried|used|opposed|supported)\b|"
        rf"\b(?:{lx.GROUPS}) (?:always|never|invariably|inevitably)\b|"
        r"\balways (?:has|have|had)\b|\bnever (?:has|have|had|once)\b|\bnot once\b|"
        r"\b(?:will|would|can|could) never\b|\bnever (?:works?|learns?|changes?|delivers?|succeeds?)\b|"
        r"\b(?:and|but) nothing else\b|\bnothing but\b|"
        r"\bthe (?:entire|whole) (?:world|country|nation|region|continent|population|west|establishment|media|"
        r"political class|international community)\b|\bwithout exception\b|\bevery single\b|\beach and every\b",
        _I), "Makes a sweeping generalisation: {words}."),
    _Marker("overstated-certainty", re.compile(
        r"\b(?:undeniabl[ey]|indisputabl[ey]|unquestionabl[ey]|undoubtedly|irrefutabl[ey]|incontrovertibl[ey])\b|"
        r"\bbeyond (?:any |all )?doubt\b|\bwithout (?:a|any) doubt\b|\bthere (?:is|can be) no doubt\b|"
        r"\bit is (?:a fact|obvious|undeniable|indisputable|self-evident|beyond dispute) that\b|"
        r"\bmake no mistake\b|\bwhatsoever\b|\bthe (?:simple |plain |real )?truth is\b|\bobviously\b|"
        rf"\bit goes without saying\b|\bno one can deny\b|\b{lx.ABSOLUTE}\b", _I),
        "Presents a contestable claim as beyond doubt: {words}."),
    _Marker("intent-attribution", re.compile(
        r"\bsecret(?:ly|ive|ively)\b|\bsecret (?:plans?|plots?|agendas?|deals?|schemes?|aims?|goals?|pacts?|"
        r"push|campaigns?|efforts?)\b|"
        r"\b(?:hidden|real|true|ulterior|underlying|only|sole) (?:agendas?|aims?|goals?|purposes?|motives?|"
        r"motivations?|intentions?|objectives?)\b|"
        rf"\b(?:designed|intended|meant|calculated|aimed at|aiming|aims|wants?|wanted|seeks?|sought|is trying|"
        rf"are trying|tries|tried|plots?|schemes?) (?:to )?(?:{lx.HARMFUL_AIM})\w*|"
        r"\bunder the (?:guise|pretext|pretence|pretense|cover) of\b|"
        r"\b(?:a|as a|mere|merely a|just a|nothing but a|nothing more than a) (?:pretext|smokescreen|smoke screen|"
        r"ploy|facade|façade|charade|trojan horse|cover story)\b|\bcynical(?:ly)?\b|"
        r"\b(?:deliberately|intentionally|knowingly|wil?fully)\b|"
        r"\b(?:orchestrated|masterminded|engineered|staged) (?:the|a|an|this|these|its|their)\b|"
        r"\b(?:plott(?:ed|ing)|schem(?:ed|ing)|conspir(?:ed|ing)) to\b|"
        r"\bpretend(?:s|ed|ing)? to\b|\bmasquerad(?:es|ed|ing) as\b|\bbehind the scenes\b|"
        r"\bbecause (?:it|they|he|she) (?:knew|wanted|feared|hoped)\b|"
        r"\b(?:buried|concealed|covered up|hushed up|whitewash(?:ed|ing)?|swept) (?:the|a|an|its|their|his|her)\b|"
        r"\bprofit(?:s|ed|ing)? from (?:fear|war|conflict|misery|suffering)\b|"
        r"\bknows? (?:full well|perfectly well|very well)\b|\b(?:to buy|buying|bought) (?:our|their|local|public|"
        r"his|her) (?:silence|support|votes?|loyalty|acquiescence)\b|"
        r"\bwas never (?:really )?about\b|\b(?:is|was|has) (?:all |only |always )?(?:been )?about (?:money|profit|"
        r"power|control|votes)\b|\b(?:simply|just) refus(?:es|ing|ed) to\b|"
        r"\bmade up (?:his|her|their|its) mind\b|\bwalk away scot-free\b|\blet (?:\w+ ){0,2}off the hook\b", _I),
        "Attributes hidden motives or intent: {words}."),
    _Marker("causal-blame", re.compile(
        rf"\b(?:{lx.CAUSE_VERB})\b(?:\s+(?!\d|(?:is|are|was|were|be|been|has|had)\b)[\w’'-]+){{0,5}}?\s+"
        rf"(?:{lx.NEGATIVE_OBJECT})\b|"
        rf"\b(?:{lx.NEGATIVE_OBJECT})\b[^,;.]*?\b(?:is|are|was|were|being|been) (?:\w+ )?{lx.CAUSE_PASSIVE} by\b|"
        rf"\b{lx.BLAME_PASSIVE} by\b|"
        r"\b(?:only|solely|purely|simply) (?:exists?|happened|came about|began|started) because\b", _I),
        "Assigns causal blame: {words}."),
    _Marker("loaded-language", re.compile(rf"\b(?:{lx.LOADED})(?![\w-])", _I),
            "Uses loaded or partisan terms: {words}."),
    _Marker("rebuttal", re.compile(rf"\b(?:{lx.REBUTTAL})\b", _I),
            "Dismisses an opposing claim outright: {words}."),
]
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|«[^»]*»")
_CONDITIONAL = re.compile(r"\b(?:whether|if|unless|when|what|how|once|before|until|whoever|wherever)\b", _I)
_SCHEDULE = re.compile(lx.SCHEDULE_TIME, _I)
_NATURAL = re.compile(rf"\b(?:{lx.NATURAL_CAUSE})s?\b", _I)
_TECHNICAL_REGIME = re.compile(rf"\b(?:{lx.TECHNICAL_REGIME})(?:\s+\w+)?\s+regimes?\b|\bregime change\b", _I)


def _blank(text: str) -> str:
    return _QUOTED.sub(lambda m: " " * len(m.group(0)), text)


def _keep_prediction(text: str, m: re.Match[str]) -> bool:
    will = _WILL.match(text, m.start())
    if will is None:
        return True
    clause = re.split(r"[,;:]", text[: m.start()])[-1]
    if re.search(r"\b(?:under which|whereby|by which)\b", clause, re.I):
        return False  # the terms of a decision: "approved a plan under which the unit will become ..."
    if _CONDITIONAL.search(clause) or _SCHEDULE.search(text):
        return False  # "whether these steps will ...", "will meet on Tuesday"
    subject = _WORD.findall(clause)
    if subject and subject[-1].lower() in ("we", "i", "you"):
        return False  # one's own plans: "we will stay out until ..."
    verb, after = will.group(1).lower(), (will.group(2) or "").lower()
    if verb in lx.PREPOSITIONS:
        return False
    if verb == "be":
        if re.fullmatch(r"\w+(?:ed|en|wn)", after):
            return after in lx.EVALUATIVE_PARTICIPLES
        return after not in lx.SCHEDULED_BE and after not in lx.PREPOSITIONS
    return verb not in lx.PLAN_VERBS


def _keep(kind: str, text: str, m: re.Match[str]) -> bool:
    """Drop the matches whose words are used factually here."""
    if kind == "unhedged-prediction":
        return _keep_prediction(text, m)
    if kind == "causal-blame":
        clause = re.split(r"[;.]", text[: m.start()])[-1]
        if re.search(r"\b(?:can|could|may|might)\s+(?:\w+ly\s+)?$", clause):
            return False  # "can result in": a possibility, not blame
        return not _NATURAL.search(clause + m.group(0).split()[0])
    if kind == "loaded-language":
        word = m.group(0).lower()
        if word.startswith("regime"):  # political use: "the Kyiv regime", "Assad's regime", "regime in Minsk"
            before = _WORD.findall(text[: m.start()])[-1:] or [""]
            political = (before[0][:1].isupper() or before[0].lower() in lx.REGIME_ADJECTIVES
                         or before[0].endswith(("'s", "’s")) or bool(re.match(r"\s+(?:in|of) [A-Z]", text[m.end():])))
            return political and not _TECHNICAL_REGIME.search(text[max(0, m.start() - 40): m.end() + 8])
        if word in ("sham", "breakthrough"):
            return not re.match(r"[\s-]+(?:surgery|operat\w*|control|group|procedure|treat\w*|stimulation|feeding|"
                                r"exposure|injection|infections?|pain|bleeding|cases?|seizures?|animals?|mice|rats)\b",
                                text[m.end():], re.I)
        if word in ("spin", "spins", "spinning"):
            return not re.match(r"\s+(?:off|out|around|round|up|down|the wheel)\b", text[m.end():])
        if word == "cut":
            return False
    return True


def _words(text: str, m: re.Match[str]) -> str:
    """The words to show: for "will" + verb, up to the verb ("will fuel", not "will fuel a")."""
    will = _WILL.match(text, m.start())
    if will is None:
        return m.group(0)
    return text[m.start(): will.end(2) if will.group(1).lower() == "be" and will.group(2) else will.end(1)]


def markers(text: str) -> list[Reason]:
    """The marker reasons of one asserted sentence: at most one per kind, naming the words that fired."""
    clean = _blank(text)
    out: list[Reason] = []
    for marker in _MARKERS:
        words = [_words(clean, m) for m in marker.pattern.finditer(clean) if _keep(marker.kind, clean, m)]
        if words:
            quoted = ", ".join(f"“{w}”" for w in dict.fromkeys(w.strip() for w in words))
            out.append(Reason(marker.kind, marker.detail.format(words=quoted)))
    return out
