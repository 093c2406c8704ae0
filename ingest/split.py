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


def split_source(source: Source, splitter: RecursiveCharacterTextSplitter) -> list[Chunk]:
    """Split `source.text` into chunks whose offsets satisfy `text[start:end] == chunk.text`."""
    chunks: list[Chunk] = []
    search_from = 0
    for piece in splitter.split_text(source.text):
        start = source.text.find(piece, search_from)
        if start < 0:  # the splitter only ever returns verbatim slices; anything else is a bug
            raise ValueError(f"chunk is not a slice of the source text: {piece[:60]!r}")
        end = start + len(piece)
        chunks.append(Chunk(chunk_id(source, len(chunks)), source.source_id, len(chunks), start, end, piece))
        search_from = start + 1
    return chunks
