"""Cross-source flags through the real pipeline and a real embedded store: both ingest orders, updates, removal."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from assistant.claims.analyser import ClaimAnalyser
from assistant.claims.flags import flags_for_spans, list_flags
from assistant.factory import make_embedder
from assistant.library import Library
from assistant.settings import Settings
from ingest.pipeline import ingest

ASSERTED = "The Karvo dam project destroyed the nesting grounds of the river dolphin."
ATTRIBUTED = "Environmental groups say the Karvo dam project destroyed the nesting grounds of the river dolphin."
HEDGED = "The Karvo dam project may have destroyed the nesting grounds of the river dolphin."
FACT = "The Karvo dam was completed in 2019 after six years of construction."


@pytest.fixture(scope="module")
def embedder() -> Any:
    return make_embedder(Settings(store=Path("/nonexistent")))


@pytest.fixture
def library(settings: Settings, embedder: Any) -> Iterator[Library]:
    lib = Library(replace(settings, registry_paths=()), embedder)
    yield lib
    lib.close()


def _source(folder: Path, name: str, *sentences: str, source_type: str = "news report") -> str:
    path = folder / f"{name}.md"
    body = " ".join(sentences)
    path.write_text(f"---\ntitle: {name}\npublisher: {name} Press\nsource_type: {source_type}\n---\n{body}\n",
                    encoding="utf-8")
    return str(path)


def _flags(library: Library) -> dict[str, list[str]]:
    """sentence -> reason kinds, for every flag of the library."""
    return {f.sentence: sorted(r.kind for r in f.reasons) for f in list_flags(library)}


def _ingest(library: Library, *paths: str) -> None:
    report = ingest(list(paths), library, ClaimAnalyser(library.settings, use_llm=False))
    assert not report.failures, report.summary()


@pytest.mark.parametrize("order", ["asserted first", "attributed first"])
def test_asserted_here_attributed_there_flags_the_asserted_one(library: Library, tmp_path: Path, order: str) -> None:
    a = _source(tmp_path, "Alpha", ASSERTED, FACT)
    b = _source(tmp_path, "Beta", ATTRIBUTED, FACT)
    for path in ([a, b] if order == "asserted first" else [b, a]):
        _ingest(library, path)  # one at a time: the later source must update the earlier one
    flags = list_flags(library)
    assert [(f.title, f.sentence) for f in flags] == [("Alpha", ASSERTED)]
    reason = flags[0].reasons[0]
    assert reason.kind == "attributed-elsewhere"
    assert "Beta" in reason.detail and "say" in reason.detail
    assert reason.evidence[0].title == "Beta" and reason.evidence[0].quote == ATTRIBUTED


def test_hedged_elsewhere_counts_and_hedged_is_never_flagged(library: Library, tmp_path: Path) -> None:
    _ingest(library, _source(tmp_path, "Alpha", ASSERTED), _source(tmp_path, "Gamma", HEDGED))
    assert _flags(library) == {ASSERTED: ["attributed-elsewhere"]}


def test_removing_the_evidence_source_clears_the_flag(library: Library, tmp_path: Path) -> None:
    _ingest(library, _source(tmp_path, "Alpha", ASSERTED, FACT), _source(tmp_path, "Beta", ATTRIBUTED))
    beta = next(s.source_id for s in library.catalog.list_sources() if s.title == "Beta")
    dependants = library.catalog.sources_relying_on(beta)
    assert len(dependants) == 1
    library.remove(beta)
    ClaimAnalyser(library.settings, use_llm=False).refresh(library, dependants)
    assert list_flags(library) == []


def test_updating_the_evidence_source_clears_the_flag(library: Library, tmp_path: Path) -> None:
    a = _source(tmp_path, "Alpha", ASSERTED, FACT)
    b = _source(tmp_path, "Beta", ATTRIBUTED, FACT)
    _ingest(library, a, b)
    assert ASSERTED in _flags(library)
    _source(tmp_path, "Beta", FACT, "The river is 40 km long.")  # Beta no longer reports the claim
    _ingest(library, b)
    assert _flags(library) == {}


def test_conflicting_figures_flag_both_asserted_sides(library: Library, tmp_path: Path) -> None:
    one = "The Karvo dam cost £410 million to build, according to a leaked audit."
    left = "The Karvo dam cost £410 million to build."
    right = "The Karvo dam cost £186 million to build."
    _ingest(library, _source(tmp_path, "Left", left), _source(tmp_path, "Right", right),
            _source(tmp_path, "Audit", one))
    flags = _flags(library)
    assert flags[right] == ["contradicted", "contradicted"]  # by Left, and by the audit Audit cites
    assert flags[left] == ["attributed-elsewhere", "contradicted"]  # the audit attributes the same figure
    left_flag = next(f for f in list_flags(library) if f.sentence == left)
    detail = next(r.detail for r in left_flag.reasons if r.kind == "contradicted")
    assert "£186,000,000" in detail and "£410,000,000" in detail
    assert one not in flags  # attributed: never flagged


def test_uncontested_facts_are_not_flagged(library: Library, tmp_path: Path) -> None:
    """Facts that other sources state alike (corroboration) or do not mention are not flagged."""
    _ingest(library, _source(tmp_path, "Alpha", FACT, "The river is 40 km long."),
            _source(tmp_path, "Beta", FACT, "The dam holds 2 billion cubic metres of water."))
    assert _flags(library) == {}


def test_flags_for_spans_finds_the_flags_an_answer_relies_on(library: Library, tmp_path: Path) -> None:
    _ingest(library, _source(tmp_path, "Alpha", FACT, ASSERTED), _source(tmp_path, "Beta", ATTRIBUTED))
    alpha = next(s for s in library.catalog.list_sources() if s.title == "Alpha")
    text = library.catalog.source(alpha.source_id).text  # type: ignore[union-attr]
    start = text.index(ASSERTED)
    assert [f.sentence for f in flags_for_spans(library, [(alpha.source_id, start + 5, start + 20)])] == [ASSERTED]
    assert flags_for_spans(library, [(alpha.source_id, 0, 10)]) == []
    flag = flags_for_spans(library, [(alpha.source_id, 0, len(text))])[0]
    assert text[flag.start: flag.end] == flag.sentence
    assert flag.to_dict()["reasons"][0]["evidence"][0]["title"] == "Beta"


def test_a_source_calling_the_matter_disputed_flags_the_one_asserting_it(library: Library, tmp_path: Path) -> None:
    disputed = "Whether the Karvo dam project destroyed the nesting grounds of the river dolphin is disputed."
    _ingest(library, _source(tmp_path, "Alpha", ASSERTED, FACT), _source(tmp_path, "Delta", disputed, FACT))
    flags = list_flags(library)
    assert [(f.title, f.sentence) for f in flags] == [("Alpha", ASSERTED)]  # never the meta-statement itself
    reason = flags[0].reasons[0]
    assert reason.kind == "disputed-elsewhere" and reason.evidence[0].quote == disputed


def test_a_document_cited_as_the_speaker_is_sourcing_not_a_party(library: Library, tmp_path: Path) -> None:
    """"The inspection report states that X" names where X comes from; it does not make X contested."""
    fact = "Tank T4 had been logged as badly corroded during the spring check, long before it gave way."
    cited = "The inspection report states that tank T4 had been recorded as corroded at an inspection in April 2024."
    party = "Campaigners say that tank T4 had been recorded as corroded at an inspection in April 2024."
    _ingest(library, _source(tmp_path, "Alpha", fact), _source(tmp_path, "Beta", cited))
    assert _flags(library) == {}
    _ingest(library, _source(tmp_path, "Gamma", party))
    assert _flags(library) == {fact: ["attributed-elsewhere"]}
