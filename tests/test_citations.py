"""Citation parsing and verification, and the lexical checks behind them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.citations import is_no_answer, split_claims, verify
from assistant.compose import NO_ANSWER, with_marker
from assistant.condense import parse_condensed
from assistant.evidence import gather
from assistant.library import Library
from assistant.retrieval import retrieve
from assistant.settings import Settings as CandorSettings
from assistant.textmatch import answer_type_missing, negated, numbers, unsupported_numbers
from tests.answering_support import build_library


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Allies met in June [1]. They agreed 5% [2][3].", [("Allies met in June.", [1]), ("They agreed 5%.", [2, 3])]),
        ("Allies met in June. [1] They agreed. [2, 4]", [("Allies met in June.", [1]), ("They agreed.", [2, 4])]),
        ("It rose [1-3] sharply [Passage 5].", [("It rose sharply.", [1, 2, 3, 5])]),
        ("No marker here.", [("No marker here.", [])]),
        ("[1] [2]", []),
    ],
)
def test_markers_are_read_in_every_common_form(text: str, expected: list[tuple[str, list[int]]]) -> None:
    assert [(c.text, c.markers) for c in split_claims(text)] == expected


def test_prompt_echoes_labels_bullets_and_questions_are_not_claims() -> None:
    text = (
        "Answer: The harbour reopened on 2 May [1].\n"
        "Question: When did the harbour reopen?\n"
        '<passage-1234abcd n="1" title="x">\n'
        "Answer from the passages, citing passage numbers in square brackets:\n"
        "- Repairs took three weeks [1].\n"
        "Why would it not?"
    )
    assert [c.text for c in split_claims(text)] == ["The harbour reopened on 2 May.", "Repairs took three weeks."]


def test_no_answer_is_recognised() -> None:
    assert is_no_answer(NO_ANSWER)
    assert is_no_answer("Sorry, the library does not contain an answer to this question [1].")
    assert not is_no_answer("The summit was held in June [1].")


def test_marker_goes_before_the_full_stop() -> None:
    assert with_marker("The summit was held in\n June.", "[1]") == "The summit was held in June [1]."
    assert with_marker("A heading", "[2][3]") == "A heading [2][3]."


def test_numbers_are_normalised() -> None:
    assert numbers("5% of GDP by 2035, 1,000 troops, 3.5 per cent, 07.") == {"5", "2035", "1000", "3.5", "7"}
    assert unsupported_numbers("They agreed 4% by 2030.", "They agreed 5% by 2035.") == {"4", "2030"}


def test_answer_types() -> None:
    assert answer_type_missing("What is the population of Harbour City?", "Harbour City voted to end the scheme.")
    assert not answer_type_missing("How much does it cost a year?", "It costs £186,000 a year.")
    assert not answer_type_missing("How long does a starter take?", "It needs about a week of feeding.")
    assert answer_type_missing("When did the council vote?", "The motion was carried by 7 votes to 5.")
    assert not answer_type_missing("When did the council vote?", "Councillors voted on Tuesday night.")
    assert not answer_type_missing("Who chaired the summit?", "Rutte chaired it.")


def test_negation_cues() -> None:
    assert negated("Spain said it would not meet the target.") and negated("Spain refused the target.")
    assert negated("It didn't happen.") and not negated("Spain met the target.")


def test_condensed_question_must_keep_what_is_asked() -> None:
    question = "And what did they say about prices?"
    assert parse_condensed("Standalone question: What did the regulator say about flour prices?", question) == (
        "What did the regulator say about flour prices?")
    assert parse_condensed("The answer to the question is: The summit in The Hague.", question) is None
    assert parse_condensed("", question) is None and parse_condensed("??", question) is None


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    root = tmp_path_factory.mktemp("citations")
    lib = build_library(CandorSettings.from_env(env={"HOME": str(root / "home")}, store=root / "store"), root / "docs")
    yield lib
    lib.close()


def test_repeats_and_pasted_irrelevant_passages_are_dropped(library: Library) -> None:
    question = "When did the harbour reopen to ships?"
    evidence = gather(library, retrieve(library, question, k=4))
    out = verify(library, (
        "The harbour reopened to ships on 2 May after three weeks of repairs [1]. "
        "The harbour reopened to ships on 2 May after three weeks of repairs [1]. "
        "The Competition Authority approved the merger of Alpha Mills and Beta Grain on 3 March [2]."
    ), evidence, question)
    assert out.answer == "The harbour reopened to ships on 2 May after three weeks of repairs [1]."
    assert out.dropped == 2 and out.supported == 1
    assert out.citations[0].quote == "The harbour reopened to ships on 2 May after three weeks of repairs."


def test_numbers_absent_from_the_passage_make_a_claim_unsupported(library: Library) -> None:
    question = "What defence spending target did the member states agree?"
    evidence = gather(library, retrieve(library, question, k=4))
    n = next(i for i, p in enumerate(evidence.passages, 1) if "spending to 5% of GDP" in p.chunk.text)
    out = verify(library, f"Member states agreed to raise defence spending to 4% of GDP by 2030 [{n}].",
                 evidence, question)
    assert [c.supported for c in out.citations] == [False] and out.unsupported == 1
    assert out.citations[0].quote == "Member states agreed to raise defence spending to 5% of GDP by 2035."


_FRAGMENTS = st.sampled_from([
    "Member states agreed to raise defence spending to 5% of GDP by 2035", "The harbour reopened", "[1]", "[2]",
    "[9]", "[1, 3]", "[passage 2]", ".", "?", "\n", "- ", "Answer:", "</passage>", "<|im_end|>", "The moon",
    "is made of cheese", "Spain said it would not meet the new target", "“", "]", "[", "0", "5%", "  ",
])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(_FRAGMENTS, st.text(max_size=12)), max_size=14).map(" ".join))
def test_any_model_output_verifies_to_exact_quotes(library: Library, output: str) -> None:
    question = "What defence spending target did the member states agree?"
    evidence = gather(library, retrieve(library, question, k=4))
    out = verify(library, output, evidence, question)
    for c in out.citations:
        assert evidence.sources[c.source_id].text[c.start : c.end] == c.quote
        assert f"[{c.n}]" in out.answer
    assert [c.n for c in out.citations] == list(range(1, len(out.citations) + 1))
