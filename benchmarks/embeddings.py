"""Throughput of Candor's batch-padded MiniLM embeddings vs chromadb's stock ONNXMiniLM_L6_V2, same model."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from chromadb.utils.embedding_functions.onnx_mini_lm_l6_v2 import ONNXMiniLM_L6_V2

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python benchmarks/embeddings.py` from anywhere
    sys.path.insert(0, str(ROOT))

from assistant.embeddings import MAX_TOKENS, MiniLMEmbeddingFunction, model_files  # noqa: E402
from assistant.tokens import encoding  # noqa: E402
from evals.scifact_store import DEFAULT_DATA  # noqa: E402


def stock_function(folder: Path) -> ONNXMiniLM_L6_V2:
    """chromadb's stock function reading our packaged model.onnx + tokenizer.json from ``folder``."""
    onnx = folder / ONNXMiniLM_L6_V2.EXTRACTED_FOLDER_NAME
    onnx.mkdir(parents=True, exist_ok=True)
    files = model_files()
    (onnx / "model.onnx").write_bytes(files.model.read_bytes())
    (onnx / "tokenizer.json").write_bytes(files.tokenizer.read_bytes())
    for unused in ("config.json", "special_tokens_map.json", "tokenizer_config.json", "vocab.txt"):
        (onnx / unused).write_text("{}\n")  # presence-checked only, so it never downloads
    function = ONNXMiniLM_L6_V2(preferred_providers=["CPUExecutionProvider"])
    function.DOWNLOAD_PATH = folder
    return function


def load_sentences(data: Path, n: int) -> list[str]:
    out: list[str] = []
    with (data / "corpus_sentences.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            out.extend(s for s in json.loads(line)["abstract"] if s.strip())
            if len(out) >= n:
                break
    return out[:n]


def load_chunks(data: Path, n: int, chunk_tokens: int) -> list[str]:
    """``n`` passages of ``chunk_tokens`` cl100k tokens cut from corpus.jsonl abstracts."""
    enc = encoding()
    out: list[str] = []
    with (data / "corpus.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            ids = enc.encode(json.loads(line)["text"], disallowed_special=())
            for start in range(0, len(ids) - chunk_tokens + 1, chunk_tokens):
                out.append(enc.decode(ids[start : start + chunk_tokens]))
            if len(out) >= n:
                break
    return out[:n]


def wordpiece_lengths(texts: list[str]) -> list[int]:
    """Untruncated MiniLM token counts ([CLS] and [SEP] included)."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_str(model_files().tokenizer.read_text(encoding="utf-8"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return [len(e.ids) for e in tokenizer.encode_batch(texts)]


def interleaved(
    ours: Callable[[list[str]], Sequence[object]],
    stock: Callable[[list[str]], Sequence[object]],
    texts: list[str],
    rounds: int,
) -> tuple[float, float, np.ndarray, np.ndarray]:
    """Time both functions on the same slices in alternating order, so machine load hits both alike."""
    times = [0.0, 0.0]
    vectors: tuple[list[np.ndarray], list[np.ndarray]] = ([], [])
    size = max(1, -(-len(texts) // rounds))
    for number, first in enumerate(range(0, len(texts), size)):
        piece = texts[first : first + size]
        order = (0, 1) if number % 2 == 0 else (1, 0)
        for which in order:
            embed = ours if which == 0 else stock
            start = time.perf_counter()
            vectors[which].append(np.asarray(embed(piece), dtype=np.float32))
            times[which] += time.perf_counter() - start
    return times[0], times[1], np.concatenate(vectors[0]), np.concatenate(vectors[1])


def compare(
    label: str,
    texts: list[str],
    ours: MiniLMEmbeddingFunction,
    stock: ONNXMiniLM_L6_V2,
    rounds: int,
) -> float:
    lengths = wordpiece_lengths(texts)
    over = sum(length > MAX_TOKENS for length in lengths)
    print(
        f"\n{label}: {len(texts)} texts, MiniLM tokens median {int(np.median(lengths))}, max {max(lengths)}; "
        f"{over} longer than {MAX_TOKENS} (the model sees only the first {MAX_TOKENS})"
    )
    t_ours, t_stock, v_ours, v_stock = interleaved(ours, stock, texts, rounds)
    cos = np.sum(v_ours * v_stock, axis=1)
    print(f"  candor (batch padding) {t_ours:8.2f} s {len(texts) / t_ours:9.1f} texts/s")
    print(f"  chromadb stock (256)   {t_stock:8.2f} s {len(texts) / t_stock:9.1f} texts/s")
    print(f"  speed-up {t_stock / t_ours:.2f}x   cosine ours vs stock: min {cos.min():.6f}")
    return t_stock / t_ours


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    add = parser.add_argument
    add("--n", type=int, default=2000, help="sentence-length texts (default 2000)")
    add("--chunks", type=int, default=200, help="chunk-length passages (default 200; 0 skips)")
    add("--chunk-tokens", type=int, default=300, help="cl100k tokens per passage (default 300)")
    add("--batch-size", type=int, default=32, help="our batch size (stock's is 32)")
    add("--threads", type=int, default=None, help="our onnxruntime threads (default: one per core)")
    add("--rounds", type=int, default=8, help="alternating timing rounds per comparison (default 8)")
    add("--data", type=Path, default=DEFAULT_DATA, help=f"SciFact folder (default {DEFAULT_DATA})")
    args = parser.parse_args(argv)

    ours = MiniLMEmbeddingFunction(batch_size=args.batch_size, threads=args.threads)
    with tempfile.TemporaryDirectory(prefix="stock-minilm-") as folder:
        stock = stock_function(Path(folder))
        warm = ["warm up both sessions before timing"] * 4
        ours(warm)
        stock(warm)
        sentences = load_sentences(args.data, args.n)
        ratio = compare("sentences", sentences, ours, stock, args.rounds)
        if args.chunks:
            chunks = load_chunks(args.data, args.chunks, args.chunk_tokens)
            compare(f"{args.chunk_tokens}-token chunks", chunks, ours, stock, args.rounds)
    print(f"\nsentence speed-up {ratio:.2f}x (target >= 5x): {'met' if ratio >= 5 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
