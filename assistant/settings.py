"""The one settings object, built at an entry point from the environment and flags."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PROMPTS_DIR = PROJECT_ROOT / "prompts"
SAMPLES_DIR = PROJECT_ROOT / "samples"
DEFAULT_REGISTRY = PROJECT_ROOT / "registry" / "contested-claims.yaml"


@dataclass(frozen=True)
class Settings:
    """Everything configurable. Nothing else reads the environment."""

    store: Path
    collection: str = "library"
    # model server (OpenAI-compatible); the LLM path is used only when `model` is set
    model: str | None = None
    openai_base_url: str | None = None
    openai_api_key: str | None = None
    llm_timeout: float = 30.0
    llm_retries: int = 2
    # Chroma server; embedded PersistentClient under `store` when host is unset
    chroma_host: str | None = None
    chroma_port: int = 8000
    # ingest
    # 200 tiktoken tokens is about 210 MiniLM word pieces: under the model's 256 limit, so the
    # embedding sees the whole chunk (at 300, the last ~15% of every chunk was truncated away)
    chunk_tokens: int = 200
    chunk_overlap: int = 40
    max_file_bytes: int = 20 * 1024 * 1024
    url_timeout: float = 15.0
    # claim analysis
    registry_paths: tuple[Path, ...] = field(default_factory=lambda: (DEFAULT_REGISTRY,))
    # retrieval
    top_k: int = 6
    # web UI login "user:pass" (CANDOR_AUTH); None = no login
    auth: str | None = None

    @property
    def llm_configured(self) -> bool:
        return bool(self.model)

    @property
    def model_label(self) -> str:
        """Human-readable model status for the UI and notices."""
        if not self.model:
            return "offline (extractive answers, no model)"
        return f"{self.model} at {self.openai_base_url or 'the OpenAI API'}"

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from environment variables, then apply non-None `overrides` (CLI flags)."""
        env = os.environ if env is None else env
        store = Path(env.get("CANDOR_STORE") or Path(env.get("HOME") or Path.home()) / ".candor")
        extra_registries = tuple(Path(p) for p in env.get("CANDOR_REGISTRY", "").split(os.pathsep) if p)
        settings = cls(
            store=store,
            model=env.get("CANDOR_MODEL") or None,
            openai_base_url=env.get("OPENAI_BASE_URL") or None,
            openai_api_key=env.get("OPENAI_API_KEY") or None,
            chroma_host=env.get("CHROMA_HOST") or None,
            chroma_port=int(env.get("CHROMA_PORT") or 8000),
            registry_paths=(DEFAULT_REGISTRY, *extra_registries),
            auth=env.get("CANDOR_AUTH") or None,
        )
        if env.get("CANDOR_MAX_FILE_MB"):
            settings = replace(settings, max_file_bytes=int(float(env["CANDOR_MAX_FILE_MB"]) * 1024 * 1024))
        if overrides.get("store") is not None:
            overrides["store"] = Path(overrides["store"]).expanduser()
        return settings.with_(**overrides)
