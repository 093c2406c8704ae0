"""The one place that turns settings into an embedding function or a chat model."""

from __future__ import annotations

from typing import Any

from assistant.settings import Settings


def make_embedder(settings: Settings) -> Any:
    """The packaged all-MiniLM-L6-v2 (int8 ONNX) embedding function; never downloads."""
    del settings  # one offline model for every configuration, for now
    from assistant.embeddings import embedding_function

    return embedding_function()


def make_chat_model(settings: Settings, streaming: bool = True) -> Any:
    """A langchain-openai chat model for the configured OpenAI-compatible server, or None."""
    if not settings.llm_configured:
        return None
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        model=settings.model or "",
        base_url=settings.openai_base_url,
        api_key=settings.openai_api_key or "not-needed",  # type: ignore[arg-type]
        timeout=settings.llm_timeout,
        max_retries=settings.llm_retries,
        streaming=streaming,
        temperature=0,
    )
