"""Quantities as claim analysis reads them: numbers in words, ranges from wording, units, and conflicts."""

from __future__ import annotations

import math

import pytest

from assistant.claims.features import features, negated_clause, number_conflict


def quantity(text: str) -> tuple[float, str, float, float]:
    (q,) = features(text).quantities
    return q.value, q.unit, q.low, q.high


def test_numbers_in_words_fractions_and_measures() -> None:
    assert quantity("Brenmoor lost eleven thousand litres of solvent.")[:2] == (11000.0, "count:litr")
    assert quantity("Seven in ten residents want the filters gone.")[:2] == (70.0, "%")
    assert quantity("Traders have lost a third of their takings.")[:2] == (33.3, "%")
    assert quantity("Ambulances take four minutes longer.")[:2] == (240.0, "time")
    assert quantity("The mast is 1.4 kilometres from the farm.")[:2] == (1400.0, "length")


def test_wording_sets_the_range() -> None:
    assert quantity("It powers more than 52,000 homes.")[2:] == (52000.0, math.inf)
    assert quantity("It powers fewer than 10,000 homes.")[2:] == (-math.inf, 10000.0)
    low, high = quantity("It powers about 40,000 homes.")[2:]
    assert low < 40000.0 < high
    assert quantity("Tens of thousands of fish were killed.")[2:] == (10000.0, math.inf)


@pytest.mark.parametrize(
    ("a", "b", "conflict"),
    [
        ("It will power more than 52,000 homes.", "It would power fewer than 10,000 homes.",
         "52,000 homes against 10,000 homes"),
        ("Ambulances take four minutes longer.", "The response time was 13 seconds longer.",
         "4 minutes against 13 seconds"),
        ("Real wages fell 14% in 2023.", "Pay rose 19% in 2023.", "14% against 19%"),
        ("It will power more than 52,000 homes.", "It will power about 55,000 homes.", None),
        ("Allies pledged at least 3.5% on core defence.", "Allies pledged 2% in 2014.", None),  # a bound, not a point
        ("In 2014 allies pledged 2%.", "By 2035 allies will spend 5%.", None),  # different years
        ("The meeting was held on 24 June.", "The meeting was held on June 24-25.", None),
    ],
)
def test_number_conflicts(a: str, b: str, conflict: str | None) -> None:
    assert number_conflict(features(a), features(b)) == conflict


def test_specific_only_keeps_counted_things() -> None:
    a, b = features("Real wages fell 14%."), features("Pay rose 19%.")
    assert number_conflict(a, b, specific_only=True) is None
    homes = features("It powers 52,000 homes."), features("It powers 10,000 homes.")
    assert number_conflict(*homes, specific_only=True) == "52,000 homes against 10,000 homes"


def test_the_negated_clause_is_the_one_carrying_the_negation() -> None:
    clause = negated_clause("Forty-seven people were arrested, and not one has been charged with violence.")
    assert clause is not None and "arrest" not in clause.stems and "charg" in clause.stems
    aside = "The company, which says the failure could not be foreseen, had recorded the valve as corroded."
    assert features(aside).negations == 0 and negated_clause(aside) is None


def test_a_figure_named_only_to_be_rejected_conflicts_with_stating_it() -> None:
    stated = features("The new model will release £8.4 million a year.")
    rebuttal = features("The net saving is about £3.1 million a year, not the £8.4 million the trust has published.")
    assert number_conflict(stated, rebuttal, specific_only=True) == "£8,400,000 against £3,100,000"
    assert number_conflict(features("The net saving is £3.1 million."), rebuttal) is None


@pytest.mark.parametrize(
    ("text", "counted"),
    [
        ("Our Year 11 pupils collected the best results in the school's history.", []),
        ("Routes 41, 43, 47 and 52 link eleven villages with Brackley.", [(11.0, "count:villag")]),
        ("Article 5 has been invoked once, and 32 allies signed.", [(32.0, "count:all")]),
        ("Last year 40 homes were built.", [(40.0, "count:hom")]),  # "year" names a time here, not a label
        ("In 2023, 41 pupils left.", [(41.0, "count:pupil")]),
    ],
)
def test_numbers_that_name_things_are_not_counts(text: str, counted: list[tuple[float, str]]) -> None:
    assert [(q.value, q.unit) for q in features(text).quantities] == counted
