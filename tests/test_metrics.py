"""Ranking metrics against hand-computed values."""

from __future__ import annotations

import math

import pytest

from evals.metrics import mean, mrr, ndcg_at_k, recall_at_k


def test_ndcg_perfect_and_empty() -> None:
    assert ndcg_at_k(["a", "b", "c"], {"a": 1, "b": 1}, 10) == pytest.approx(1.0)
    assert ndcg_at_k([], {"a": 1}, 10) == 0.0
    assert ndcg_at_k(["a"], {}, 10) == 0.0  # nothing relevant
    assert ndcg_at_k(["x", "y"], {"a": 1}, 10) == 0.0


def test_ndcg_hand_computed() -> None:
    # relevant at ranks 2 and 4 of two relevant items
    dcg = 1 / math.log2(3) + 1 / math.log2(5)
    idcg = 1 / math.log2(2) + 1 / math.log2(3)
    assert ndcg_at_k(["x", "a", "y", "b"], {"a": 1, "b": 1}, 10) == pytest.approx(dcg / idcg)


def test_ndcg_graded_and_cutoff() -> None:
    rel = {"a": 2, "b": 1}
    assert ndcg_at_k(["b", "a"], rel, 10) == pytest.approx((1 + 2 / math.log2(3)) / (2 + 1 / math.log2(3)))
    # cutoff: the relevant item at rank 3 does not count at k=2, and the ideal is cut at k too
    assert ndcg_at_k(["x", "y", "a"], {"a": 1}, 2) == 0.0
    assert ndcg_at_k(["a", "x"], {"a": 1, "b": 1, "c": 1}, 1) == pytest.approx(1.0)


def test_duplicates_count_once() -> None:
    assert ndcg_at_k(["a", "a", "b"], {"a": 1, "b": 1}, 10) == pytest.approx(1.0)
    assert recall_at_k(["a", "a"], {"a": 1, "b": 1}, 2) == 0.5


def test_negative_grades_gain_nothing() -> None:
    assert ndcg_at_k(["a", "b"], {"a": -1, "b": 1}, 10) == pytest.approx(1 / math.log2(3))
    assert recall_at_k(["a"], {"a": 0}, 10) == 0.0


def test_recall() -> None:
    rel = {"a": 1, "b": 1, "c": 1, "d": 1}
    assert recall_at_k(["a", "x", "b"], rel, 100) == 0.5
    assert recall_at_k(["a", "x", "b"], rel, 2) == 0.25
    assert recall_at_k(["a"], {}, 100) == 0.0


def test_mrr() -> None:
    assert mrr(["x", "y", "a"], {"a": 1}) == pytest.approx(1 / 3)
    assert mrr(["x", "y", "a"], {"a": 1}, k=2) == 0.0
    assert mrr(["a"], {"a": 1}) == 1.0
    assert mrr([], {"a": 1}) == 0.0


def test_bad_k_and_mean() -> None:
    with pytest.raises(ValueError):
        ndcg_at_k(["a"], {"a": 1}, 0)
    with pytest.raises(ValueError):
        recall_at_k(["a"], {"a": 1}, 0)
    assert mean([]) == 0.0
    assert mean([1.0, 0.0]) == 0.5
