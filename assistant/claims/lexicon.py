"""Word lists for claim analysis, from general news-language and propaganda-technique vocabularies.

Each is a regex alternation (no capturing groups). They are deliberately general: the families come
from attribution and hedging research and from propaganda-technique taxonomies (name calling, loaded
language, exaggeration, causal oversimplification, doubt, flag-waving), not from any labelled text.
"""

from __future__ import annotations

# A non-restrictive relative clause (", who ... ," / ", which ... ,"): an aside that speaks for itself, not for
# the sentence ("Putin, who has said X, attended"; "The firm, which says it could not know, had recorded it").
REL_CLAUSE = r",\s+(?:who|whom|which|whose)\b[^,;:]*,"

# Records and documents as the agent of a sentence: "the accounts show spending rising" says what a record says
# (attributed to it), and "the notice states that ..." names where a fact comes from (sourcing, not a party).
RECORDS = frozenset("""accounts figures data records statistics survey surveys study studies report reports minutes log
    logs results numbers polling poll polls census audit audits review reviews notice notices filing filings analysis
    document documents inspection register findings letter judgment ruling""".split())

# Verbs that, after "will", describe an outcome rather than a plan or a scheduled event.
PLAN_VERBS = frozenset(
    """meet hold host visit attend travel take begin start open close resume stop end cease vote sign publish
    release announce launch present speak address return arrive leave run chair decide consider discuss
    review report hear apply seek submit introduce spend invest hire join include cover expire come go move pay fund
    check inspect monitor audit assess
    issue provide offer stay keep receive set hold unveil outline debate examine rule respond publish decide
    share continue remain""".split()
)
SCHEDULED_BE = frozenset(
    """a an the one part held hosted published announced chaired released opened launched signed discussed
    debated presented decided voted reviewed first last next subject based located open closed completed finished
    built replaced considered heard delivered paid sent asked invited required expected""".split()
)
SCHEDULE_TIME = (
    r"\b(?:on|this|next|last) (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|week|weekend|month)\b|"
    r"\btomorrow\b|\blater (?:today|this (?:week|month))\b|\bat \d{1,2}(?::\d\d)?\s?(?:am|pm)\b|"
    r"\b(?:week|month) (?:beginning|starting|commencing)\b|"
    r"\bon \d{1,2}(?:st|nd|rd|th)?(?: and \d{1,2}(?:st|nd|rd|th)?)? "
    r"(?:january|february|march|april|may|june|july|august|september|october|"
    r"november|december)\b"
)
NEGATIVE_OBJECT = (
    r"crisis|crises|wars?|conflicts?|tensions?|instability|chaos|violence|suffering|bloodshed|collapse|"
    r"arms race|escalation|inflation|recession|poverty|unrest|destruction|catastrophe|disasters?|divisions?|"
    r"polari[sz]ation|hatred|misery|turmoil|famine|atrocities|insecurity|mistrust|distrust|hostility|"
    r"hostilities|aggression|confrontation|terror|terrorism|extremism|radicali[sz]ation|militari[sz]ation|"
    r"devastation|harm|decline|failures?|fear|panic|hysteria|backlash|power vacuum|stalemate|deadlock|"
    r"shortages|hardship|resentment|anger|repression|oppression|humiliation|isolation|genocide|massacre"
)
CAUSE_VERB = (
    r"caus(?:e|es|ed|ing)|fuel(?:s|ed|led|ing|ling)?|le(?:ad|ads|d|ading) to|dr(?:ove|ives?|iving)|"
    r"trigger(?:s|ed|ing)?|spark(?:s|ed|ing)?|provok(?:e|es|ed|ing)|stok(?:e|es|ed|ing)|inflam(?:e|es|ed|ing)|"
    r"exacerbat(?:e|es|ed|ing)|aggravat(?:e|es|ed|ing)|worsen(?:s|ed|ing)?|creat(?:e|es|ed|ing)|"
    r"result(?:s|ed)? in|br(?:ought|ing|ings) about|gave rise to|give rise to|unleash(?:ed|es)?|"
    r"(?:is|are|was|were) (?:\w+ly )?(?:responsible|to blame) for|bears? (?:the )?(?:blame|responsibility) for|"
    r"the (?:root|main|real|primary|underlying|chief|true) (?:cause|source|driver)s? of"
)
CAUSE_PASSIVE = r"(?:driven|caused|fuell?ed|provoked|stoked|triggered|sparked)"
BLAME_PASSIVE = r"(?:dictated|masterminded|bankrolled|scripted)"
EVALUATIVE_PARTICIPLES = frozenset(
    """remembered forgotten destroyed defeated doomed wasted lost won judged hailed condemned humiliated ruined
    crushed vindicated exposed punished rewarded betrayed abandoned overwhelmed""".split()
)
PREPOSITIONS = frozenset("of in at on for with by from to into about over under".split())
NATURAL_CAUSE = (
    r"earthquake|storm|flood|hurricane|typhoon|wildfire|fire|virus|disease|drought|heatwave|pandemic|"
    r"infection|mutation|tumou?r|bacteri\w*|weather|rain|snow|ice|gene|protein|receptor|cell|mice"
)
TECHNICAL_REGIME = (
    r"tax|sanctions?|visa|trade|treatment|dosing|dose|training|exchange|regulatory|legal|fiscal|monetary|"
    r"export|import|data|drug|dietary|exercise|control|inspection|climate|temperature|flow|rainfall|pressure|"
    r"operating|policy|disclosure|reporting|licensing|verification|safeguards|non-?proliferation|ceasefire|"
    r"governance|protection|therapy|feeding|light|thermal|tariff|customs|pension|welfare|immigration|"
    r"chemotherapy|antibiotic|insulin|dosage|medication"
)
REGIME_ADJECTIVES = frozenset(
    """puppet criminal brutal murderous corrupt authoritarian totalitarian military communist fascist illegitimate
    rogue repressive despotic dictatorial ruling current old new hardline clerical islamist nationalist""".split()
)
HARMFUL_AIM = (
    r"break|destroy|crush|silence|undermine|weaken|dominate|control|punish|humiliate|divide|deceive|mislead|"
    r"hide|conceal|bury|rebuild|restore|subjugate|annex|encircle|destabili[sz]e|intimidate|suppress|smash|"
    r"cripple|discredit|sabotage|manipulate|enrich|provoke"
)
LOADED = (
    r"regimes?|puppets?|thugs?|thuggish|stooges?|lackeys?|cron(?:y|ies)|henchm[ae]n|tyrants?|tyranny|despots?|"
    r"despotic|dictators?|dictatorial|junta|warmonger(?:s|ing)?|fascists?|fascism|neo-?nazis?|traitors?|"
    r"treacherous|gangsters?|cabal|globalists?|deep state|mainstream media|fake news|hoax|sham|farce|charade|"
    r"witch[- ]hunt|propaganda|brainwash(?:ed|ing)?|liars?|lied (?:about|to)|"
    r"(?:spread(?:ing|s)?|tell(?:ing|s)?|told|of|his|her|their|its|the|these|those|outright|blatant) lies|"
    r"fear-?mongering|scare-?mongering|hysteria|"
    r"hysterical|so-called|self-styled|illegitimate|scandalous|shameful|shameless(?:ly)?|disgraceful|outrageous|"
    r"appalling|despicable|deplorable|heinous|barbaric|barbarians?|savagery|evil|monstrous|vile|sinister|"
    r"nefarious|reckless(?:ly)?|blatant(?:ly)?|brazen(?:ly)?|naked aggression|draconian|catastrophic|disastrous|"
    r"apocalyptic|insane|idiotic|stupid|pathetic|ludicrous|absurd|ridiculous|laughable|heroic|glorious|"
    r"aggressors?|invaders?|occupiers?|land grab|power grab|vassals?|kleptocra(?:cy|ts?|tic)|mob|rabble|"
    r"hordes?|vermin|betray(?:al|ed|s)?|existential threat|utter(?:ly)?|useful idiots?|"
    r"(?:total|complete|abject|spectacular) (?:disaster|failure|collapse|fiasco)|fiasco|debacle|"
    r"the (?:worst|greatest|biggest) \w+ (?:in history|ever)|of all time|blank (?:cheque|check)|"
    r"hold(?:s|ing)? (?:[\w’'-]+ ){0,4}(?:to ransom|hostage)|misleading|misinformation|disinformation|"
    r"caved(?: in)?|caving in|spins?|spinning|rubber-stamp(?:ed|ing|s)?|slush fund|"
    r"undid|undone|undoing|wreck(?:ed|ing|s)|sabotag(?:e|ed|ing)|gutted|torpedo(?:ed|es)|squander(?:ed|ing)|"
    r"breakthrough|game-?chang(?:er|ing)|miracle|revolutionary|groundbreaking|militari[sz]ation|warmongering|"
    # name calling for people and groups (propaganda-technique taxonomies: labelling, smear)
    r"mouthpieces?|shills?|cheerleaders?|apologists?|zealots?|fanatics?|extremists?|ideologues?|cranks?|"
    r"crackpots?|loons?|nutters?|busybod(?:y|ies)|do-?gooders?|jobsworths?|bean-?counters?|fat cats?|"
    r"paymasters?|cronyism|stooge|front (?:group|organi[sz]ation)|astroturf(?:ing)?|sock ?puppets?|"
    r"(?:a|the) creature of|in the pocket of|on the payroll of|bought and paid for|"
    # money and power framed as corruption
    r"hush money|sweetheart deals?|backroom deals?|gravy train|cash (?:cow|machine|grab)|money-?spinner|"
    r"stitch-?up|carve-?up|whitewash(?:ed|es|ing)?|cover-?ups?|smears?|smear campaign|witch-?hunts?|"
    r"cooked up|trumped-up|made-up|concocted|fabricated|fairy[- ]tales?|pie in the sky|snake oil|"
    # exaggerated harm and hyperbole
    r"poison(?:ed|ing|s)?|carnage|massacre|bloodbath|slaughter(?:ed|ing)?|gridlock(?:ed)?|nightmare|"
    r"war on|assault on|attack on (?:our|the) (?:freedom|rights|way of life)|ransack(?:ed|ing)?|plunder(?:ed|ing)?|"
    r"dumped|dumping ground|ghost towns?|wastelands?|eyesores?|monstrosit(?:y|ies)|blight(?:ed|s)?|"
    r"ripped off|rip-?off|scam|con trick|daylight robbery|looted|looting|"
    r"rat-?running|war zones?|death traps?|killing fields?|"
    # dismissive framing
    r"(?:brochure|fantasy|voodoo|fuzzy) (?:maths|math|economics|figures)|spin doctors?|"
    r"so much hot air|hot air|scaremongers?|doom-?mongers?|naysayers?|nimbys?|"
    r"idiocy|lunacy|madness|folly|vandalism"
)
REBUTTAL = (
    r"in (?:truth|reality|fact),? (?:it|this|they|he|she) (?:is|are|was|were)\b|"
    r"have not survived scrutiny|do(?:es)? not (?:stand up|survive|withstand) (?:to )?scrutiny|"
    r"nothing of the (?:kind|sort)|no such thing|exposed as|debunked|baseless|groundless|without foundation|"
    r"has no basis|(?:is|are|was|were) (?:simply |plainly |patently |demonstrably )?(?:false|untrue|a myth|a lie|"
    r"nonsense|a fabrication)|is not what (?:most )?(?:people|anyone|anybody) (?:mean|means|would call)"
)
ABSOLUTE = (
    r"(?:completely|entirely|perfectly|totally|absolutely|purely|wholly|utterly|fully|100%) (?:safe|harmless|"
    r"defensive|peaceful|legal|lawful|legitimate|justified|unjustified|baseless|false|untrue|wrong|innocent|"
    r"effective|ineffective|useless|necessary|unnecessary|fair|unfair|transparent|independent|unfounded|proven|"
    r"impossible|unacceptable|irresponsible|free of)"
)
GROUPS = (
    r"politicians|experts|scientists|journalists|economists|immigrants|migrants|muslims|christians|jews|russians|"
    r"americans|ukrainians|europeans|liberals|conservatives|leftists|democrats|republicans|leaders|media|elites|"
    r"governments|men|women|people|critics|voters|citizens|westerners|analysts|companies|unions|bankers|activists|"
    r"officials|doctors|lawyers|developers|corporations|landlords|bureaucrats|councils|councillors|regulators|"
    r"campaigners|environmentalists|motorists|drivers|cyclists|bosses|executives|shareholders|investors|"
    r"lobbyists|drug companies|drugmakers|bankers|farmers|residents|teachers|students|protesters|refugees"
)
# Antonymous outcome words: a pair of close sentences using opposite members states opposite outcomes.
ANTONYMS = [
    ("rise", "fall"), ("rose", "fell"), ("risen", "fallen"), ("rising", "falling"), ("increase", "decrease"),
    ("increased", "decreased"), ("increased", "fell"), ("rose", "declined"), ("risen", "declined"),
    ("higher", "lower"), ("more", "fewer"), ("gained", "lost"), ("win", "lose"), ("won", "lost"),
    ("approved", "rejected"), ("accepted", "rejected"), ("passed", "failed"), ("succeeded", "failed"),
    ("lawful", "unlawful"), ("legal", "illegal"), ("valid", "invalid"), ("safe", "unsafe"), ("safe", "harmful"),
    ("effective", "ineffective"), ("guilty", "innocent"), ("support", "oppose"), ("supported", "opposed"),
    ("supports", "opposes"), ("expanded", "shrank"), ("improved", "worsened"), ("improve", "worsen"),
    ("benefit", "harm"), ("reduces", "increases"), ("reduced", "increased"), ("lowers", "raises"),
    ("met", "missed"), ("complied", "failed"), ("true", "false"), ("above", "below"), ("strengthen", "weaken"),
    ("confirmed", "denied"), ("allowed", "banned"), ("granted", "refused"), ("doubled", "halved"),
    ("exempt", "bound"), ("inhibits", "promotes"), ("inhibited", "promoted"), ("activates", "inhibits"),
    ("upregulated", "downregulated"), ("positive", "negative"), ("present", "absent"), ("cut", "raised"),
]
NEGATION = (
    r"not|n[’']t|no|never|none|neither|nor|nothing|nobody|without|failed to|fails to|fail to|refused to|"
    r"lack(?:s|ed)?|absence of|unable to|no longer"
)
