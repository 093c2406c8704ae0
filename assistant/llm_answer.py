"""The model's draft answer: fenced, numbered passages in; streamed text with [n] markers out."""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Iterator
from typing import Any

from assistant.evidence import Evidence
from assistant.prompts import load_prompt

MAX_ANSWER_CHARS = 6000  # a looping model is cut off here
MAX_ANSWER_TOKENS = 400
DEADLINE_FACTOR = 4.0  # whole-answer wall clock, in multiples of the per-request timeout
_SPECIAL = re.compile(r"<\|[^|>]{1,40}\|>|</?s>|<\|?(?:im_start|im_end|endoftext)\|?>")


class LLMFailure(Exception):
    """The model could not give a usable answer; `reason` is a short phrase for the user's notice."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def describe(exc: BaseException) -> str:
    """A short, readable reason for a transport or server failure."""
    import openai

    if isinstance(exc, LLMFailure):
        return exc.reason
    if isinstance(exc, openai.APITimeoutError):
        return "timed out"
    if isinstance(exc, openai.APIConnectionError):
        return "unreachable"
    if isinstance(exc, openai.APIStatusError):
        return f"returned HTTP {exc.status_code}"
    if isinstance(exc, openai.APIError | ValueError | KeyError | TypeError):
        return "sent a malformed response"
    return f"failed ({type(exc).__name__}: {str(exc)[:80]})"


def _attr(value: str) -> str:
    return " ".join(value.replace('"', "'").split())[:200]


def format_passages(evidence: Evidence, fence: str) -> str:
    """Numbered passages between unforgeable fences, each followed by its contested statements."""
    blocks = []
    for i, p in enumerate(evidence.passages, start=1):
        meta = f'title="{_attr(p.title)}"'
        if p.publisher:
            meta += f' publisher="{_attr(p.publisher)}"'
        if p.source_type and p.source_type != "unknown":
            meta += f' type="{_attr(p.source_type)}"'
        if p.date:
            meta += f' date="{_attr(p.date)}"'
        body = p.chunk.text.replace(fence, "").strip()
        block = f'<passage-{fence} n="{i}" {meta}>\n{body}\n</passage-{fence}>'
        contested = [c for c in evidence.by_passage[i - 1] if c.flag is not None]
        if contested:
            block += f"\nContested statements in passage {i} (attribute them, never state them as fact):"
            block += "".join(f'\n- "{" ".join(c.text.split())}"' for c in contested)
        blocks.append(block)
    return "\n\n".join(blocks)


def build_messages(evidence: Evidence, question: str) -> list[Any]:
    """System rules and the fenced passages with the question, from prompts/answer*.txt."""
    from langchain_core.messages import HumanMessage, SystemMessage

    fence = secrets.token_hex(4)
    passages = format_passages(evidence, fence)
    user = load_prompt("answer", fence=fence, passages=passages, question=question.strip())
    return [SystemMessage(load_prompt("answer_system")), HumanMessage(user)]


def limited(model: Any, max_tokens: int = MAX_ANSWER_TOKENS) -> Any:
    """Bound the answer length on the server (every model is also cut off client-side).

    langchain-openai sends `max_completion_tokens`; servers other than OpenAI's (llama.cpp, older vLLM)
    only read the legacy `max_tokens`, so it is sent too when a custom base URL is configured.
    """
    from langchain_openai.chat_models.base import BaseChatOpenAI

    if not isinstance(model, BaseChatOpenAI) or model.max_tokens is not None:
        return model
    base = model.openai_api_base or ""
    if base and "api.openai.com" not in base:
        return model.bind(max_tokens=max_tokens, extra_body={"max_tokens": max_tokens})
    return model.bind(max_tokens=max_tokens)


def clean_output(text: str) -> str:
    """The model's text without chat-template tokens and surrounding whitespace."""
    return _SPECIAL.sub("", text).strip()


def stream_draft(model: Any, messages: list[Any], timeout: float) -> Iterator[str]:
    """Yield the model's text pieces as they stream in; raise LLMFailure on any failure.

    Each HTTP read is bounded by the model client's own timeout and retries; the whole answer is bounded
    by `DEADLINE_FACTOR * timeout` seconds and `MAX_ANSWER_CHARS` characters.
    """
    deadline = time.monotonic() + DEADLINE_FACTOR * timeout
    text = ""
    stream = None
    try:
        stream = limited(model).stream(messages)
        for chunk in stream:
            piece = chunk.text if isinstance(chunk.text, str) else str(chunk.content)
            if piece:
                text += piece
                yield piece
            if time.monotonic() > deadline:
                raise LLMFailure(f"timed out after {DEADLINE_FACTOR * timeout:.0f} s")
            if len(text) >= MAX_ANSWER_CHARS:
                break
    except LLMFailure:
        raise
    except Exception as exc:  # transport, HTTP status, malformed stream: all become a fallback
        raise LLMFailure(describe(exc)) from exc
    finally:
        close = getattr(stream, "close", None)
        if close is not None:
            close()
    if not any(ch.isalpha() for ch in clean_output(text)):
        raise LLMFailure("returned an empty answer" if not text.strip() else "returned no usable text")
