"""The same-claim model, and the second reading it gives to sentence pairs the rules turn down."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from assistant.claims import crosssource as cs
from assistant.claims.features import features
from assistant.claims.sameclaim import MODEL_PATH, SameClaimModel


@pytest.fixture(scope="module")
def model() -> SameClaimModel:
    return SameClaimModel()


def test_the_model_ships_with_the_project() -> None:
    assert MODEL_PATH.is_file()
    assert MODEL_PATH.stat().st_size < 30_000_000


def test_same_claim_pairs_outscore_sentences_on_other_points(model: SameClaimModel) -> None:
    wages = "Since 2021, real wages on the docks have fallen by 14%, while the company's profits have doubled."
    same = (wages, "Pay at the port has risen by 19% since 2021, ahead of inflation over the same period.")
    other = (wages, "The port handles about a third of the country's container traffic.")
    scores = model.score([same, other])
    assert scores.shape == (2,)
    assert scores.dtype == np.float32
    assert np.all((scores >= 0) & (scores <= 1))
    assert scores[0] > cs.T_SAME_CLAIM > scores[1]


def test_scores_do_not_depend_on_the_batch(model: SameClaimModel) -> None:
    a = "The barrier was raised at 9.20pm, two hours before the river peaked."
    b = "Engineers logged the barrier as fully deployed at 22:52."
    c = "The parish council meets on the first Tuesday of every month, in the village hall on Mill Road."
    alone = model.score([(a, b)])
    assert model.score([(a, c), (a, b), (c, b)])[1] == pytest.approx(alone[0], abs=1e-5)


def test_no_pairs_need_no_model(tmp_path: Path) -> None:
    assert SameClaimModel(tmp_path / "absent.onnx").score([]).shape == (0,)


def test_a_missing_model_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="same-claim model is missing"):
        SameClaimModel(tmp_path / "absent.onnx").score([("a", "b")])


def _item(source: str, idx: int, text: str, mode: str = "asserted", cue: str = "") -> cs.Item:
    return cs.Item(source, f"Title {source}", "v1", idx, 0, len(text), text, mode, cue, text, features(text))


class Recorder:
    """A stand-in model: a fixed score for every pair, and a record of what it was asked."""

    def __init__(self, score: float) -> None:
        self.value = score
        self.asked: list[tuple[str, str]] = []

    def __call__(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        self.asked.extend(pairs)
        return np.full(len(pairs), self.value, dtype=np.float32)


def _vectors(cos: float, *items: cs.Item) -> dict[tuple[str, int], np.ndarray]:
    """Unit vectors whose pairwise cosine is `cos` (the first item against each other one)."""
    first = np.array([1.0, 0.0], dtype=np.float32)
    other = np.array([cos, np.sqrt(1 - cos * cos)], dtype=np.float32)
    return {it.key: (first if i == 0 else other) for i, it in enumerate(items)}


PAY = _item("a", 0, "Pay at the port has risen by 19% since 2021.")
WAGES = _item("b", 0, "Real wages on the docks have fallen by 14% since 2021.")


def test_a_conflict_the_rules_doubt_is_confirmed_by_the_model() -> None:
    cos = 0.6  # enough for a second reading, too little for the rules to take two percentages as one claim
    assert cs.T_MODEL_COSINE <= cos < cs.T_NUMBERS
    assert cs.judge_pairs([(PAY, WAGES)], _vectors(cos, PAY, WAGES)) == []
    model = Recorder(0.97)
    found = cs.judge_pairs([(PAY, WAGES)], _vectors(cos, PAY, WAGES), model)
    assert {(f.target.source_id, f.kind) for f in found} == {("a", "contradicted"), ("b", "contradicted")}
    assert all("read together, the two make the same claim" in f.detail for f in found)
    assert model.asked == [(PAY.text, WAGES.text)]


def test_the_model_saying_different_claims_adds_nothing() -> None:
    assert cs.judge_pairs([(PAY, WAGES)], _vectors(0.6, PAY, WAGES), Recorder(0.4)) == []


def test_pairs_below_the_cosine_floor_are_never_read() -> None:
    model = Recorder(0.99)
    assert cs.judge_pairs([(PAY, WAGES)], _vectors(cs.T_MODEL_COSINE - 0.05, PAY, WAGES), model) == []
    assert model.asked == []


def test_pairs_the_rules_decide_are_not_read_again() -> None:
    model = Recorder(0.99)
    found = cs.judge_pairs([(PAY, WAGES)], _vectors(0.9, PAY, WAGES), model)
    assert {f.kind for f in found} == {"contradicted"}
    assert model.asked == []


def test_the_model_confirms_an_attribution_elsewhere() -> None:
    asserted = _item("a", 0, "The spill was caused by a corroded valve.")
    attributed = _item("b", 3, "The union said the leak came from a valve the company had failed to replace.",
                       mode="attributed", cue="said")
    vectors = _vectors(0.6, asserted, attributed)
    assert cs.judge_pairs([(asserted, attributed)], vectors) == []
    found = cs.judge_pairs([(asserted, attributed)], vectors, Recorder(0.95))
    assert [(f.target.key, f.kind) for f in found] == [(("a", 0), "attributed-elsewhere")]


def test_without_a_conflict_two_asserted_sentences_are_not_read() -> None:
    one = _item("a", 0, "The consultation ran for twelve weeks.")
    two = _item("b", 0, "The consultation closed in December after twelve weeks.")
    model = Recorder(0.99)
    assert cs.judge_pairs([(one, two)], _vectors(0.6, one, two), model) == []
    assert model.asked == []


def test_hedged_sentences_get_no_second_reading() -> None:
    asserted = _item("a", 0, "The spill was caused by a corroded valve.")
    hedged = _item("b", 3, "The leak may have come from a valve the company had failed to replace.",
                   mode="hedged", cue="may")
    model = Recorder(0.99)
    assert cs.judge_pairs([(asserted, hedged)], _vectors(0.6, asserted, hedged), model) == []
    assert model.asked == []
