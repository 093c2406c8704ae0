"""Deterministic scorers and the LLM judge's grade parsing, on hand-made answers."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.types import Answer, Citation
from evals.judge import JudgeError, grade, judge_metrics, parse_grade
from evals.scorers import (
    citation_metrics,
    claim_text,
    fact_found,
    latency_metrics,
    percentile,
    qa_metrics,
    score_citations,
    score_qa_item,
    split_answer,
)

TEXT = (
    "NATO leaders agreed to raise defence spending to 5% of GDP by 2035. "
    "Spain was the most outspoken holdout. "
    "The summit was held at the World Forum on 24 and 25 June."
)


def cite(n: int, quote: str, *, shift: int = 0, path: str = "/lib/samples/nato/ledger.md") -> Citation:
    start = TEXT.index(quote) + shift
    return Citation(n, "ledger", "Allies agree", path, "ledger:v:0", quote, start, start + len(quote))


SPENDING = "NATO leaders agreed to raise defence spending to 5% of GDP by 2035."
SPAIN = "Spain was the most outspoken holdout."
NO_ANSWER = "The library does not contain an answer to this question."
VENUE = "The summit was held at the World Forum on 24 and 25 June."


def test_fact_matching_ignores_case_whitespace_and_typography() -> None:
    answer = "Allies  agreed a target of 5% OF\nGDP [1] — by 2035, in The Hague, on 24–25 June."
    assert fact_found(answer, "5% of gdp")
    assert fact_found(answer, ["five per cent", "5% of GDP"])
    assert fact_found(answer, "24-25 june")
    assert not fact_found(answer, "3.5%")
    assert not fact_found("see source [1]", "1")  # markers are not facts


def test_qa_item_and_metrics() -> None:
    answer = Answer("q", f"{SPENDING[:-1]} [1].", "extractive", [cite(1, SPENDING)])
    record = {"id": "t", "question": "q", "facts": [["5% of GDP"], "2035", "Poland"],
              "sources": ["samples/nato/ledger.md"]}
    item = score_qa_item(record, answer, 12.5)
    assert (item.facts_found, item.facts_total, item.missing) == (2, 3, ["Poland"])
    assert item.gold_cited and not item.declined
    none = {"id": "n", "question": "q", "facts": [], "sources": [], "answerable": False}
    declined = score_qa_item(none, Answer("q", NO_ANSWER, "extractive"))
    wrongly = score_qa_item(none, answer)
    other_source = score_qa_item({**record, "sources": ["samples/other.md"]}, answer)
    metrics = qa_metrics([item, declined, wrongly, other_source])
    assert metrics["fact_recall"] == pytest.approx(2 / 3)
    assert metrics["gold_source_recall"] == 0.5
    assert metrics["no_answer_accuracy"] == 0.5
    assert metrics["answered_rate"] == 1.0


def test_gold_source_needs_the_same_path_not_only_the_file_name() -> None:
    answer = Answer("q", f"{SPAIN[:-1]} [1].", "extractive", [cite(1, SPAIN, path="/x/other/ledger.md")])
    record = {"id": "t", "question": "q", "facts": ["Spain"], "sources": ["samples/nato/ledger.md"]}
    item = score_qa_item(record, answer)
    assert not item.gold_cited


def test_split_answer_keeps_markers_and_clauses() -> None:
    text = ("Allies agreed 5% [1]. U.S. officials welcomed it. [2][3] "
            "Sources disagree: *A* says “x y z” [4]; *B* says “w” [5].")
    assert split_answer(text) == [
        "Allies agreed 5% [1].", "U.S. officials welcomed it. [2][3]",
        "Sources disagree: *A* says “x y z” [4]", "*B* says “w” [5].",
    ]


def test_citations_all_good() -> None:
    text = f"{SPENDING[:-1]} [1]. According to *The Daily Ledger* (news report), {SPAIN.lower()[:-1]} [2]."
    answer = Answer("q", text, "extractive", [cite(1, SPENDING), cite(2, SPAIN)])
    item = score_citations("a", answer, {"ledger": TEXT})
    assert (item.claims, item.claims_supported, item.citations, item.citations_precise) == (2, 2, 2, 2)
    assert (item.quotes, item.quotes_exact) == (2, 2)
    assert citation_metrics([item]) == {"citation_recall": 1.0, "citation_precision": 1.0,
                                         "quote_exactness": 1.0, "citations_per_answer": 2.0}


def test_citation_precision_counts_irrelevant_citations_and_recall_uncited_claims() -> None:
    answer = Answer(
        "q",
        f"{SPENDING[:-1]} [1][2]. Spain refused to sign the declaration at all. {VENUE[:-1]} [3].",
        "extractive",
        [cite(1, SPENDING), cite(2, SPAIN), cite(3, SPAIN)],
    )
    item = score_citations("b", answer, {"ledger": TEXT})
    # sentence 1: supported, [1] precise, [2] irrelevant; sentence 2: uncited claim; sentence 3: wrong quote
    assert (item.claims, item.claims_supported) == (3, 1)
    assert (item.citations, item.citations_precise) == (3, 1)
    m = citation_metrics([item])
    assert m["citation_recall"] == pytest.approx(1 / 3)
    assert m["citation_precision"] == pytest.approx(1 / 3)


def test_numbers_must_be_in_the_quote() -> None:
    wrong = SPENDING.replace("5%", "3.5%")
    answer = Answer("q", f"{wrong[:-1]} [1].", "extractive", [cite(1, SPENDING)])
    assert score_citations("c", answer, {"ledger": TEXT}).claims_supported == 0


def test_attribution_frame_is_not_part_of_the_claim() -> None:
    """Candor's own "According to *Title* (publisher, type)," goes, even when the title has commas."""
    title = "*Minutes of the Meeting, 14 October 2025 (extract: Item 7, fluoridation)* (Harbour City Council, minutes)"
    claim = claim_text(f"According to {title}, the council voted 7–5 [2].")
    assert claim.split() == ["the", "council", "voted", "7–5", "."]
    assert claim_text("According to officials, 40 people died [1].").split() == ["40", "people", "died", "."]


def test_two_citations_needed_together_are_both_precise() -> None:
    text = "Leaders agreed 5% of GDP by 2035 and Spain was the outspoken holdout [1][2]."
    answer = Answer("q", text, "extractive", [cite(1, SPENDING), cite(2, SPAIN)])
    item = score_citations("d", answer, {"ledger": TEXT})
    assert (item.claims_supported, item.citations_precise) == (1, 2)


def test_quote_exactness_is_a_hard_check() -> None:
    answer = Answer("q", f"{SPAIN[:-1]} [1].", "extractive", [cite(1, SPAIN, shift=1)])
    item = score_citations("e", answer, {"ledger": TEXT})
    assert (item.quotes, item.quotes_exact) == (1, 0)
    assert "not the source text" in item.problems[0]
    missing_source = score_citations("f", answer, {})
    assert missing_source.quotes_exact == 0


def test_no_answer_has_no_claims() -> None:
    item = score_citations("g", Answer("q", NO_ANSWER, "extractive"), {})
    assert (item.claims, item.citations, item.quotes) == (0, 0, 0)


def test_latency_percentiles() -> None:
    assert percentile([1, 2, 3, 4, 5], 50) == 3
    assert percentile([10.0, 20.0], 95) == pytest.approx(19.5)
    m = latency_metrics([float(x) for x in range(1, 101)])
    assert m["latency_p50_ms"] == pytest.approx(50.5)
    assert m["latency_p95_ms"] == pytest.approx(95.05)
    assert latency_metrics([]) == {}


def test_parse_grade_accepts_fenced_json_and_rejects_garbage() -> None:
    g = parse_grade('Sure!\n```json\n{"correct": true, "score": 4, "reason": "ok"}\n```')
    assert (g.correct, g.score, g.reason, g.normalised) == (True, 4, "ok", 0.75)
    for bad in ("no json here", '{"correct": "yes", "score": 3}', '{"correct": true, "score": 9}', "{oops}"):
        with pytest.raises(JudgeError):
            parse_grade(bad)


class FakeChat:
    def __init__(self, reply: str) -> None:
        self.reply = reply
        self.prompts: list[str] = []

    def invoke(self, prompt: str) -> Any:
        self.prompts.append(prompt)
        return type("Msg", (), {"content": self.reply})()


def test_grade_fills_the_pinned_prompt() -> None:
    chat = FakeChat('{"correct": false, "score": 2, "reason": "misses 2035"}')
    record = {"question": "What target?", "facts": [["5%", "five per cent"], "2035"], "sources": []}
    g = grade(chat, record, "5% [1]")
    assert not g.correct and g.score == 2
    assert "What target?" in chat.prompts[0] and "- 5% / five per cent" in chat.prompts[0]
    assert judge_metrics([g, None]) == {"judge_score": pytest.approx(0.125), "judge_correct": 0.0}
