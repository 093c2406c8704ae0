"""Offline (extractive) answers on a small real library: cited, attributed, contrasted, or plainly absent."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.answering import EMPTY_QUESTION, answer, answer_stream
from assistant.api import ResearchAssistant
from assistant.cli import run
from assistant.compose import NO_ANSWER
from assistant.condense import condense_offline, is_follow_up
from assistant.library import Library
from assistant.settings import Settings
from assistant.types import Answer, Filters
from tests.answering_support import FLAGGED, assert_well_formed, build_library


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    root = tmp_path_factory.mktemp("answering")
    settings = Settings.from_env(env={"HOME": str(root / "home")}, store=root / "store")
    lib = build_library(settings, root / "docs")
    yield lib
    lib.close()


def _sources(a: Answer) -> set[str]:
    return {Path(c.path or "").name for c in a.citations}


def test_answers_from_the_sentence_that_holds_the_answer(library: Library) -> None:
    a = answer(library, "Did the competition authority approve the merger of Alpha Mills and Beta Grain?")
    assert_well_formed(a, library)
    assert a.mode == "extractive" and a.notice is None
    assert a.citations and _sources(a) == {"merger.md"}
    assert "approved the merger of Alpha Mills and Beta Grain on 3 March [1]." in a.answer
    quote = "The Competition Authority approved the merger of Alpha Mills and Beta Grain on 3 March."
    assert a.citations[0].quote == quote


def test_unrelated_question_gets_a_plain_no_answer_without_padding(library: Library) -> None:
    for question in ("What is the capital of France?", "Who won the 2022 football world cup?",
                     "What is the population of The Hague?"):  # on topic, but the library has no such figure
        a = answer(library, question)
        assert a.answer == NO_ANSWER and a.citations == [] and a.flags == []
        assert a.mode == "extractive"


def test_conflicting_numbers_from_two_sources_are_shown_side_by_side(library: Library) -> None:
    a = answer(library, "What defence spending target did the member states agree?")
    assert_well_formed(a, library)
    assert a.answer.startswith("Sources disagree: ")
    assert {"summit.md", "brief.md"} <= _sources(a)
    assert "5% of GDP" in a.answer and "3.5% of GDP" in a.answer
    assert "*Summit brief* (Brief Post, news report) says “" in a.answer


def test_flagged_sentence_is_attributed_not_restated(library: Library) -> None:
    a = answer(library, "Is the new spending goal a gift to arms makers?")
    assert_well_formed(a, library)
    assert [f.sentence for f in a.flags] == [FLAGGED]
    assert "According to *The Daily Ledger* (opinion), the new spending goal is a reckless gift" in a.answer
    assert a.answer.count("reckless gift") == a.answer.count("According to *The Daily Ledger*")  # never bare
    assert a.flags[0].reasons[0].kind == "loaded-language"


def test_pronoun_led_sentence_brings_its_antecedent(library: Library) -> None:
    a = answer(library, "Did the chair tell reporters that the alliance was united?")
    assert_well_formed(a, library)
    quote = ("Mark Rutte chaired the closing session of the summit. "
             "He told reporters the alliance was united behind the plan.")
    assert a.citations[0].quote == quote
    assert a.answer.startswith("Mark Rutte chaired the closing session of the summit [1]. "
                               "He told reporters the alliance was united behind the plan [1].")  # each one cited


def test_follow_up_uses_the_conversation(library: Library) -> None:
    history = [("Did the competition authority approve the Alpha Mills merger?",
                "The Competition Authority approved the merger [1].")]
    question = "And what did the regulator say about prices?"
    assert is_follow_up(question)
    assert "Alpha" in condense_offline(question, history)
    a = answer(library, question, history=history)
    assert_well_formed(a, library)
    assert any("would not raise flour prices" in c.quote for c in a.citations)


def test_standalone_question_is_not_rewritten() -> None:
    history = [("How long does a sourdough starter take?", "About a week [1].")]
    question = "Which authority approved the merger of Alpha Mills and Beta Grain in March?"
    assert not is_follow_up(question)
    assert condense_offline(question, history) == question
    assert condense_offline("What about it?", []) == "What about it?"


def test_filters_limit_the_sources(library: Library) -> None:
    only_opinion = Filters(source_types=("opinion",))
    a = answer(library, "What did the member states agree about defence spending?", filters=only_opinion)
    assert_well_formed(a, library)
    assert _sources(a) <= {"ledger.md"}


def test_empty_question_and_stream_without_model(library: Library) -> None:
    assert answer(library, "   ").answer == EMPTY_QUESTION
    items = list(answer_stream(library, "When did allied leaders meet in The Hague?"))
    assert len(items) == 1 and isinstance(items[0], Answer)
    assert_well_formed(items[0], library)
    assert "24 and 25 June" in items[0].answer


def test_empty_library_has_no_answer(settings: Settings, tmp_path: Path) -> None:
    lib = build_library(settings, tmp_path / "none", articles={})
    try:
        a = answer(lib, "What did the member states agree?")
        assert a.answer == NO_ANSWER and a.citations == []
    finally:
        lib.close()


def test_cli_ask_json_and_notebook_stream_follow_the_contract(
    library: Library, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in ("CANDOR_MODEL", "OPENAI_BASE_URL", "OPENAI_API_KEY", "CANDOR_STORE"):
        monkeypatch.delenv(var, raising=False)
    question = "When did allied leaders meet in The Hague?"
    assert run(["ask", question, "--json", "-k", "3", "--store", str(library.settings.store)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= {"question", "answer", "mode", "citations", "flags", "notice"}
    assert out["mode"] == "extractive" and out["notice"] is None and out["citations"]
    for c in out["citations"]:
        assert set(c) >= {"n", "source_id", "title", "path", "chunk_id", "quote", "start", "end", "supported"}
        assert f"[{c['n']}]" in out["answer"]
    with ResearchAssistant(settings=library.settings) as ra:
        items = list(ra.ask_stream(question, k=3))
    assert isinstance(items[-1], Answer) and items[-1].answer == out["answer"]
