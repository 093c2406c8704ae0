"""Token-sized chunking that respects sentence boundaries and keeps offsets into the source text."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from langchain_text_splitters import RecursiveCharacterTextSplitter

from assistant.tokens import encoding
from assistant.types import Chunk, Source

# Paragraphs, then lines, then sentence ends, then clauses, then words: a chunk breaks at the
# largest unit that lets it fit. Separators are kept, so every chunk is a verbatim slice.
_SEPARATORS = [r"\n\s*\n", r"\n", r"(?<=[.!?…])\s+", r"(?<=[;:])\s+", r"(?<=,)\s+", r"\s+", ""]


def token_counter() -> Callable[[str], int]:
    enc = encoding("cl100k_base")
    return lambda text: len(enc.encode(text, disallowed_special=()))


def make_splitter(chunk_tokens: int, overlap_tokens: int) -> RecursiveCharacterTextSplitter:
    return RecursiveCharacterTextSplitter(
        separators=_SEPARATORS,
        is_separator_regex=True,
        keep_separator="end",
        chunk_size=chunk_tokens,
        chunk_overlap=overlap_tokens,
        length_function=token_counter(),
        strip_whitespace=True,
    )


def chunk_id(source: Source, index: int) -> str:
    """Ids change with the content, so a changed source's new chunks never collide with its old ones."""
    version = hashlib.sha256(source.content_hash.encode()).hexdigest()[:10]
    return f"{source.source_id}:{version}:{index:04d}"


def _locate(text: str, piece: str, prev_start: int, prev_end: int) -> int:
    """Where the splitter took `piece` from: consecutive chunks overlap or touch, so the next chunk
    starts after the previous start and no later than the previous end plus whitespace. Among
    repeated occurrences in that window the latest is taken, which never leaves text uncovered."""
    limit = prev_end
    while limit < len(text) and text[limit].isspace():
        limit += 1
    best = -1
    pos = text.find(piece, prev_start)
    while 0 <= pos <= limit:
        best = pos
        pos = text.find(piece, pos + 1)
    if best < 0:
        best = pos
    if best < 0:  # the splitter only ever returns verbatim slices; anything else is a bug
        raise ValueError(f"chunk is not a slice of the source text: {piece[:60]!r}")
    return best


def split_source(source: Source, splitter: RecursiveCharacterTextSplitter) -> list[Chunk]:
    """Split `source.text` into chunks whose offsets satisfy `text[start:end] == chunk.text`."""
    chunks: list[Chunk] = []
    prev_start, prev_end = 0, 0
    for piece in splitter.split_text(source.text):
        start = _locate(source.text, piece, prev_start + (1 if chunks else 0), prev_end)
        end = start + len(piece)
        chunks.append(Chunk(chunk_id(source, len(chunks)), source.source_id, len(chunks), start, end, piece))
        prev_start, prev_end = start, end
    return chunks
