"""LLM judgement: structured output parsed into typed judgements; malformed output and errors are ignored."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from assistant.claims.crosssource import Item
from assistant.claims.features import features
from assistant.claims.judge import judge_source, parse_judgements
from assistant.prompts import load_prompt
from assistant.settings import Settings
from assistant.types import Source


@dataclass
class Reply:
    content: str


class FakeModel:
    def __init__(self, reply: str | Exception) -> None:
        self.reply = reply
        self.prompts: list[str] = []

    def invoke(self, prompt: str) -> Reply:
        self.prompts.append(prompt)
        if isinstance(self.reply, Exception):
            raise self.reply
        return Reply(self.reply)


def _items(*texts: str) -> list[Item]:
    return [Item("s1", "Title", "v1", i, 0, len(t), t, "asserted", "", t, features(t)) for i, t in enumerate(texts)]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('{"contested": [{"n": 2, "reason": "Disputed by the union."}]}', [(2, "Disputed by the union.")]),
        ('```json\n{"contested": [{"n": 1, "reason": "x"}]}\n```', [(1, "x")]),
        ('{"contested": []}', []),
        ("I think sentence 2 is contested.", []),
        ('{"contested": [{"n": 9, "reason": "out of range"}, {"n": "1", "reason": "n not an int"}]}', []),
        ('{"contested": [{"n": 1}], "other": 1}', []),
        ('{"contested": "yes"}', []),
        ('{"contested": [{"n": true, "reason": "bool is not a number"}]}', []),
        ("{not json at all}", []),
        ("", []),
    ],
)
def test_parse_judgements(raw: str, expected: list[tuple[int, str]]) -> None:
    assert [(j.n, j.reason) for j in parse_judgements(raw, count=3)] == expected


def test_judge_source_maps_numbers_to_sentences(settings: Settings) -> None:
    model = FakeModel('{"contested": [{"n": 2, "reason": "The company disputes the pay figure."}]}')
    source = Source("s1", "…", "Strike statement", publisher="Dockers' Union", source_type="press release")
    items = _items("The strike began on Monday.", "Average pay is £29,400 a year.")
    out = judge_source(settings, source, items, model)
    assert list(out) == [("s1", 1)]
    assert out[("s1", 1)].kind == "llm-judgement"
    assert "pay figure" in out[("s1", 1)].detail
    assert "2. Average pay is £29,400 a year." in model.prompts[0]
    assert "Dockers' Union" in model.prompts[0]


def test_judge_source_survives_an_unreachable_model(settings: Settings) -> None:
    source = Source("s1", "…", "T")
    assert judge_source(settings, source, _items("A claim."), FakeModel(ConnectionError("refused"))) == {}


def test_no_model_configured_means_no_judgement(settings: Settings) -> None:
    assert judge_source(replace(settings, model=None), Source("s1", "…", "T"), _items("A claim.")) == {}


def test_prompt_placeholders_are_checked() -> None:
    text = load_prompt("claim_judge", title="T", source_type="opinion", publisher="P", sentences="1. X")
    assert "1. X" in text and '{"contested"' in text


def test_llm_reasons_reach_the_catalog(settings: Settings, tmp_path: Path) -> None:
    from assistant.claims.analyser import ClaimAnalyser
    from assistant.claims.flags import list_flags
    from assistant.factory import make_embedder
    from assistant.library import Library
    from ingest.pipeline import ingest

    path = tmp_path / "a.md"
    path.write_text("The harbour reopened in May. Average pay is £29,400 a year.\n", encoding="utf-8")
    model = FakeModel('{"contested": [{"n": 2, "reason": "The company says pay is higher."}]}')
    lib = Library(replace(settings, registry_paths=()), make_embedder(settings))
    try:
        ingest([str(path)], lib, ClaimAnalyser(lib.settings, chat_model=model, use_llm=True))
        flags = list_flags(lib)
    finally:
        lib.close()
    assert [(f.sentence, [r.kind for r in f.reasons]) for f in flags] == [
        ("Average pay is £29,400 a year.", ["llm-judgement"])]
