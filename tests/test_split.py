"""Sentence segmentation and token chunking keep exact offsets into the source text."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.tokens import count_tokens
from assistant.types import Source
from ingest.sentences import sentence_spans
from ingest.split import make_splitter, split_source

SEED = "/work/shared/seeds/000_5b7ffd7ed0d8841e.txt"

words = st.sampled_from(
    ["NATO", "agreed", "the", "5%", "target", "Dr.", "U.S.", "said", "“quoted”", "e.g.", "3.5", "(see", "it)",
     "Mr.", "J.", "alliance", "spending", "—", "é", "naïve", "2035", "'tis", "…", "a"]
)
sentence = st.builds(
    lambda ws, end: " ".join(ws) + end, st.lists(words, min_size=1, max_size=25), st.sampled_from([".", "?", "!", ""])
)
texts = st.builds(
    lambda paras, sep: sep.join(" ".join(p) for p in paras),
    st.lists(st.lists(sentence, min_size=1, max_size=12), min_size=1, max_size=15),
    st.sampled_from(["\n\n", "\n", "\r\n\r\n", "\n \n", " "]),
)


def _source(text: str) -> Source:
    return Source(source_id="s1", text=text, title="t", content_hash="h")


@given(texts)
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
def test_sentence_offsets_are_exact_and_ordered(text: str) -> None:
    spans = sentence_spans(text)
    last_end = 0
    for start, end in spans:
        assert start >= last_end and end > start
        piece = text[start:end]
        assert piece == piece.strip()
        last_end = end


@given(texts, st.integers(min_value=20, max_value=120))
@settings(max_examples=120, suppress_health_check=[HealthCheck.too_slow], deadline=None)
def test_every_chunk_is_a_slice_of_the_source(text: str, size: int) -> None:
    source = _source(text)
    chunks = split_source(source, make_splitter(size, size // 5))
    assert all(source.text[c.start : c.end] == c.text for c in chunks)
    assert [c.index for c in chunks] == list(range(len(chunks)))
    if text.strip():
        assert chunks, "non-empty text yields chunks"
        covered = set().union(*(range(c.start, c.end) for c in chunks))
        assert all(i in covered for i, ch in enumerate(text) if not ch.isspace()), "no text is lost"


def test_chunks_respect_token_size_and_sentence_boundaries() -> None:
    text = Path(SEED).read_text(encoding="utf-8")
    chunks = split_source(_source(text), make_splitter(120, 50))
    assert len(chunks) > 3
    ends = {e for _, e in sentence_spans(text)}
    for c in chunks:
        assert count_tokens(c.text) <= 120
        assert c.end in ends, f"chunk ends mid-sentence: {c.text[-40:]!r}"
    assert any(a.end > b.start for a, b in pairwise(chunks)), "chunks overlap"


def test_sentences_of_seed_article() -> None:
    text = Path(SEED).read_text(encoding="utf-8")
    sents = [text[s:e] for s, e in sentence_spans(text)]
    assert sents[0].startswith("Behind Closed Doors")  # the headline is its own unit
    assert "The recent NATO summit in The Hague, held on June 24-25, has reignited" in sents[1]
    assert all(not s.startswith(("and ", "of ")) for s in sents)


def test_abbreviations_and_initials_do_not_split() -> None:
    text = 'Dr. Smith said the U.S. plan costs $3.5 billion. It failed. "Never," he said. J. K. Rowling agreed.'
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "Dr. Smith said the U.S. plan costs $3.5 billion.",
        "It failed.",
        '"Never," he said.',
        "J. K. Rowling agreed.",
    ]


def test_chunk_ids_change_with_content() -> None:
    a = split_source(Source("s", "One. Two.", "t", content_hash="v1"), make_splitter(50, 5))
    b = split_source(Source("s", "One. Two.", "t", content_hash="v2"), make_splitter(50, 5))
    assert a[0].chunk_id != b[0].chunk_id and a[0].chunk_id.startswith("s:")
