"""Assertion modes: whose voice a sentence's main claim is in, and the cue that decided it."""

from __future__ import annotations

import pytest

from assistant.claims.analyser import segment
from assistant.claims.modes import classify
from assistant.types import Source

SEED = "/work/shared/seeds/000_5b7ffd7ed0d8841e.txt"


@pytest.mark.parametrize(
    ("sentence", "mode", "cue"),
    [
        ("Russia protects Russian speakers in Donbass.", "asserted", ""),
        ("Russian officials say their actions protect Russian speakers.", "attributed", "say"),
        ("Critics said the plan was rushed.", "attributed", "said"),
        ("Putin has reiterated that the build-up poses a threat.", "attributed", "reiterated"),
        ("The treaty was never ratified, he added.", "attributed", "added"),
        ("According to the ministry, 40 people died.", "attributed", "According to"),
        ("In a statement, the ministry rejected the report.", "attributed", "rejected"),
        ("“We will not back down,” he said.", "attributed", "quote + said"),
        ("“We will not back down.”", "quotation", "quote"),
        ("The policy is widely seen as a failure.", "attributed", "is widely seen as"),
        ("It was claimed on state television that the bridge had been destroyed.", "attributed",
         "was claimed on state television that"),
        ("The deal may collapse next year.", "hedged", "may collapse"),
        ("The minister reportedly resigned on Friday.", "hedged", "reportedly"),
        ("The talks appear to have stalled.", "hedged", "appear to"),
        ("Dosing is expected to end in March.", "hedged", "is expected to"),
        ("Is NATO a threat?", "question", "?"),
        # the author's voice, though a reporting verb or hedge word is present
        ("I argue that the summit failed.", "asserted", ""),
        ("This shows that the policy works.", "asserted", ""),
        ("The stated aim of the alliance is deterrence.", "asserted", ""),
        ("The company added 200 jobs in May.", "asserted", ""),
        ("Notes: the summit was held in June.", "asserted", ""),
        ("He called for restraint after the vote.", "asserted", ""),
        ("NATO's military might is unmatched.", "asserted", ""),
        ("The storm claimed 20 lives.", "asserted", ""),
        ("Whether the arrangement amounts to an exemption is disputed.", "asserted", ""),
        ("Most residents want it kept, as the board's survey showed.", "asserted", ""),
        ("The war, which officials said began in 2014, continues.", "asserted", ""),
        ("Prices rose, a trend that critics have long argued hurts the poor.", "asserted", ""),
        ("The chief executive called the results “a turning point”; they are nothing of the kind.", "asserted", ""),
        ("The decision will make the region less safe and war more likely, not less.", "asserted", ""),
        # deontic "may", counterfactual "could have", hedges in subordinate clauses, nouns that look like verbs
        ("Claims may be made online until 31 January.", "asserted", ""),
        ("The operator may appeal against this notice within 28 days.", "asserted", ""),
        ("The failure could have been prevented.", "asserted", ""),
        ("The mast sits on the nesting ground, where a single strike could kill a breeding pair.", "asserted", ""),
        ("The spill is the result of cuts made so managers could keep shareholders sweet.", "asserted", ""),
        ("The parties disagree about the scheme's likely output.", "asserted", ""),
        ("The report proves beyond doubt that the experiment has failed.", "asserted", ""),
        ("For fifteen hours the company said nothing.", "asserted", ""),
        ("The so-called consultation tells the same story: most people want the filters gone.", "asserted", ""),
        ("The firm dumped the solvent into the river and then told everyone it was safe.", "asserted", ""),
        ("The firm's annual accounts show maintenance spending rising every year.", "attributed", "show"),
        ("A final decision is expected in the summer of 2026.", "hedged", "is expected in"),
        ("The trust may not begin the change until the minister has responded.", "asserted", ""),
        ("Anyone with footage may upload it, and anyone with information may call 101.", "asserted", ""),
        ("The group gave notice on 28 October, and the force acknowledged it on 30 October.", "asserted", ""),
        ("The chief executive will answer questions at a public meeting.", "asserted", ""),
        ("For calls inside the zone, the median response was 13 seconds longer.", "asserted", ""),
        ("Their useful idiots will call this militarisation.", "asserted", ""),
        ("He assured councillors that no protester had needed a hospital bed.", "attributed", "assured"),
        ("The paper and its columnists call us out-of-town agitators.", "attributed", "call"),
        ("The group would have you believe that eight thousand people came.", "attributed",
         "would have you believe"),
        ("The review puts the typical extra journey at nineteen minutes.", "attributed",
         "puts the typical extra journey at nineteen"),
        ("Strelford has the staff, and no one will be put at greater risk.”", "quotation", "quote"),
        ("Customers may use existing tickets until they expire.", "asserted", ""),
        ("Any member called to a meeting may bring a representative.", "asserted", ""),
        ("His email did not suggest that any image had been altered.", "asserted", ""),
        ("Nine in ten of those who replied told the trust to keep our A&E.", "asserted", ""),
        ("He believes he lost his post because he had spoken up.", "attributed", "believes"),
    ],
)
def test_modes(sentence: str, mode: str, cue: str) -> None:
    reading = classify(sentence)
    assert (reading.mode, reading.cue) == (mode, cue)


def test_core_drops_the_attribution_frame() -> None:
    assert classify("Officials have long maintained that the sanctions work.").core == "the sanctions work."
    assert classify("The treaty was never ratified, he added.").core == "The treaty was never ratified"
    assert classify("According to the ministry, 40 people died.").core == "40 people died."


def test_press_release_speaking_of_itself_is_its_own_voice() -> None:
    text = "The coalition fears that the new category could be used to relabel road projects."
    release = Source("s1", text, "Release", publisher="Coalition for Common Security", source_type="press release")
    report = Source("s2", text, "Report", publisher="Coalition for Common Security", source_type="news report")
    assert [s.mode for s in segment(release)] == ["hedged"]
    assert [s.mode for s in segment(report)] == ["attributed"]


def test_transcript_turns_belong_to_their_speaker() -> None:
    text = (
        "The Assembly met at 2.00pm.\n\n"
        "Ann Lee (Labour, Northfield): The count was rigged. Everyone knows it.\n\n"
        "Tom Hart (Green, Southdale): That is false. Does the member have any evidence?\n\n"
        "The Assembly divided: Ayes 23, Noes 26."
    )
    modes = [(s.text, s.mode) for s in segment(Source("t", text, "Official Report"))]
    assert modes[0] == ("The Assembly met at 2.00pm.", "asserted")
    assert ("Everyone knows it.", "attributed") in modes
    assert ("Does the member have any evidence?", "question") in modes
    assert modes[-1][1] == "asserted"


def test_seed_article_modes() -> None:
    with open(SEED, encoding="utf-8") as f:
        text = f.read()
    sentences = segment(Source("seed", text, "seed"))

    def mode(start: str) -> str:
        return next(s.mode for s in sentences if s.text.startswith(start))

    assert mode("This narrative forms the basis") == "asserted"
    assert mode("Russian officials have consistently maintained") == "attributed"
    assert mode("Vladimir Putin, who has consistently") == "attributed"
    assert mode("Lavrov has pointed out") == "attributed"
    assert mode("They argue that the Maidan") == "attributed"
    assert mode("This move comes amid") == "asserted"  # the report sits in a relative clause
    assert mode("The recent NATO summit") == "asserted"


def test_offsets_are_exact() -> None:
    with open(SEED, encoding="utf-8") as f:
        text = f.read()
    for s in segment(Source("seed", text, "seed")):
        assert text[s.start: s.end] == s.text


def test_a_source_speaking_of_itself() -> None:
    """A statement's own expectation is hedged; experts it hired are someone else speaking."""
    names = frozenset({"brenmoor"})
    assert classify("The company expects the river to recover within weeks.", names).mode == "hedged"
    hired = classify("Specialists engaged by Brenmoor have confirmed that the solvent evaporates.", names)
    assert (hired.mode, hired.cue) == ("attributed", "confirmed")
    assert classify("Brenmoor has confirmed that the solvent evaporates.", names).mode == "asserted"


def test_a_speech_runs_on_over_paragraphs_until_the_record_speaks() -> None:
    """Hansard style: a member's speech spans paragraphs; the record's narrative lines are its own."""
    text = ("Ms Joanna Pike (Wexcombe) (Lab): I beg to move the motion.\n\n"
            "Lives will be lost on the Fen road, and I will not stay silent.\n\n"
            "Sir Graham Tolley (Strelford) (Con): The staff at Strelford have done well.\n\n"
            "Question put and agreed to.\n")
    source = Source("s", text, "Debate", source_type="transcript")
    modes = {s.text: s.mode for s in segment(source)}
    assert modes["Lives will be lost on the Fen road, and I will not stay silent."] == "attributed"
    assert modes["Question put and agreed to."] == "asserted"


def test_the_middle_of_a_quotation_is_quotation_and_a_named_speaker_is_not_the_source() -> None:
    text = ('Sarah Kellow, Managing Director of Cardine Buses, said: "No one takes this lightly. '
            'Every pound we spend on an empty bus is a pound we cannot spend elsewhere. We will keep listening."\n\n'
            "Cardine Buses runs 40 routes.\n")
    source = Source("s", text, "Release", publisher="Cardine Buses", source_type="press release")
    modes = [(s.text[:20], s.mode) for s in segment(source)]
    assert modes == [("Sarah Kellow, Managi", "attributed"), ("Every pound we spend", "quotation"),
                     ("We will keep listeni", "quotation"), ("Cardine Buses runs 4", "asserted")]
