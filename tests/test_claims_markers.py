"""Linguistic markers: they fire on contestable own-voice wording and stay quiet on plain facts."""

from __future__ import annotations

import pytest

from assistant.claims.markers import markers


@pytest.mark.parametrize(
    ("sentence", "kind", "words"),
    [
        ("The sanctions will inevitably collapse the economy.", "unhedged-prediction", "will inevitably"),
        ("The alliance is bound to fail.", "unhedged-prediction", "is bound to"),
        ("Velanitide will be available to patients by 2028.", "unhedged-prediction", "will be available"),
        ("No one will lose their job as a result of automation.", "unhedged-prediction", "will lose"),
        ("Everyone knows the election was rigged.", "sweeping-generalisation", "Everyone knows"),
        ("Every drug company spins its failures this way.", "sweeping-generalisation", "Every drug company spins"),
        ("Putin respects strength and nothing else.", "sweeping-generalisation", "and nothing else"),
        ("The sanctions are designed to punish ordinary Russians.", "intent-attribution", "designed to punish"),
        ("The company wants to break this union.", "intent-attribution", "wants to break"),
        ("His only goal is to rebuild the empire.", "intent-attribution", "only goal"),
        ("NATO expansion caused the war in Ukraine.", "causal-blame", "caused the war"),
        ("The policy is being dictated by Washington.", "causal-blame", "dictated by"),
        ("This appeal only exists because lobbyists talked ministers round.", "causal-blame", "only exists because"),
        ("The Kyiv regime is a Western puppet.", "loaded-language", "regime"),
        ("A small group of officials is holding the region's economy to ransom.", "loaded-language", "to ransom"),
        ("Fluoride in tap water is completely safe.", "overstated-certainty", "completely safe"),
        ("They called it a turning point; it is nothing of the kind.", "rebuttal", "nothing of the kind"),
        ("The residents' group is a mouthpiece for the car dealer.", "loaded-language", "mouthpiece"),
        ("The regulator handed the firm a sweetheart deal.", "loaded-language", "sweetheart deal"),
        ("The payment is a sweetener to buy our silence.", "intent-attribution", "buy our silence"),
        ("The minister knows full well that no ambulance was delayed.", "intent-attribution", "knows full well"),
        ("Developers always inflate their output figures.", "sweeping-generalisation", "Developers always"),
        ("Their early figures have not survived scrutiny.", "rebuttal", "have not survived scrutiny"),
    ],
)
def test_marker_fires(sentence: str, kind: str, words: str) -> None:
    found = {r.kind: r.detail for r in markers(sentence)}
    assert kind in found, found
    assert words in found[kind]


@pytest.mark.parametrize(
    "sentence",
    [
        "All 32 allies attended the summit.",
        "Every member state signed the declaration in 2025.",
        "NATO leaders will meet on Tuesday.",
        "The 2029 review will be the first formal test of the target.",
        "We will stay out until the company makes a fair offer.",
        "Harbour City will stop adding fluoride to its water after the vote.",
        "It is too early to judge whether the 2035 target will be met.",
        "The tax regime changed in 2020.",
        "The earthquake caused widespread destruction.",
        "The cause of the crash was engine failure.",
        "The treaty was never ratified.",
        "The summit was held on 24-25 June in The Hague.",
        "Patients in the sham surgery group reported less pain.",
        "Interviews were carried out every three months.",
        "At the heart of this debate lies the interplay between expansion and influence.",
        "Each side views the other's actions through the lens of history.",
        "The valve had been recorded as corroded at the inspection in April 2024.",
        "Fire crews attending Corder Road on 14 June used the Ashby Road camera gate.",
    ],
)
def test_marker_quiet_on_facts(sentence: str) -> None:
    assert markers(sentence) == []


def test_quoted_words_are_someone_elses() -> None:
    assert markers('Officials called the plan a "so-called reform" and a "sham".') == []
    assert [r.kind for r in markers("The so-called reform is a sham.")] == ["loaded-language"]


def test_one_reason_per_kind_naming_every_word() -> None:
    reasons = markers("The puppet regime and its thugs will inevitably collapse.")
    kinds = [r.kind for r in reasons]
    assert kinds.count("loaded-language") == 1
    loaded = next(r for r in reasons if r.kind == "loaded-language")
    for word in ("puppet", "regime", "thugs"):
        assert f"“{word}”" in loaded.detail
