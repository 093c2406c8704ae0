"""Contested-claims registries: loading, clear errors naming file and entry, and matching by meaning."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.claims.registry import RegistryEntry, RegistryError, RegistryMatcher, load_file, load_registries
from assistant.settings import DEFAULT_REGISTRY


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "reg.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_registry_loads() -> None:
    entries = load_file(DEFAULT_REGISTRY)
    assert len(entries) >= 5
    assert all(e.claim and e.disputed_by for e in entries)


def test_entry_forms(tmp_path: Path) -> None:
    path = _write(tmp_path, """
- claim: "The moon landing was staged."
  disputed_by: NASA
- claim: "Vaccines cause autism."
  disputed_by: ["WHO", "CDC"]
  note: "Retracted study."
  link: https://example.org/x
""")
    first, second = load_file(path)
    assert first.disputed_by == ("NASA",) and first.note == "" and first.link == ""
    assert second.disputed_by == ("WHO", "CDC") and second.link == "https://example.org/x"
    claims = _write(tmp_path, "claims:\n  - claim: X is Y.\n    disputed_by: Z\n")
    assert [e.claim for e in load_file(claims)] == ["X is Y."]
    assert load_file(_write(tmp_path, "")) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- claim: X\n  disputed_by: Y\n- claim: ''\n  disputed_by: Z\n", "entry 2: 'claim' must be a non-empty"),
        ("- claim: X\n", "entry 1: 'disputed_by' must be"),
        ("- claim: X\n  disputed_by: []\n", "entry 1: 'disputed_by' must be"),
        ("- claim: X\n  disputed-by: Y\n", "unknown field(s) ['disputed-by']"),
        ("- claim: X\n  disputed_by: Y\n  note: [1]\n", "'note' must be a string"),
        ("- just a string\n", "entry 1: an entry must be a mapping"),
        ("claim: X\ndisputed_by: Y\n", "expected a list of entries"),
        ("- claim: [unclosed\n", "is not valid YAML"),
    ],
)
def test_malformed_files_name_file_and_entry(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(RegistryError) as err:
        load_file(path)
    assert str(path) in str(err.value)
    assert message in str(err.value)


def test_missing_user_registry_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="cannot read registry"):
        load_registries([tmp_path / "nope.yaml"])


def test_matcher_uses_the_threshold_and_names_who_disputes() -> None:
    entries = [RegistryEntry("A is B.", ("Alice",), note="context", file="r.yaml"),
               RegistryEntry("C is D.", ("Bob", "Carol"), file="r.yaml")]
    claims = np.eye(2, 4, dtype=np.float32)

    def embed(texts: object) -> np.ndarray:
        return claims

    matcher = RegistryMatcher(entries, embed, threshold=0.8)
    sentences = np.array([[0.9, 0.1, 0, 0], [0, 0.95, 0, 0], [0.5, 0.5, 0, 0]], dtype=np.float32)
    first, second, third = matcher.match(sentences)
    assert [r.kind for r in first] == ["registry"]
    assert "disputed by Alice" in first[0].detail and "context" in first[0].detail
    assert "Bob, Carol" in second[0].detail and second[0].evidence[0].quote == "C is D."
    assert third == []
