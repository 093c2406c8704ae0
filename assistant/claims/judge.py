"""LLM judgement of contestedness (when a model is configured), parsed from JSON into typed results."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from assistant.claims.crosssource import Item
from assistant.prompts import load_prompt
from assistant.settings import Settings
from assistant.types import Reason, Source

log = logging.getLogger(__name__)
PER_CALL = 25  # sentences per request
_JSON = re.compile(r"\{.*\}", re.S)


@dataclass(frozen=True)
class Judgement:
    """The model's verdict on one numbered sentence."""

    n: int
    reason: str


def parse_judgements(raw: str, count: int) -> list[Judgement]:
    """Judgements from a model reply; anything malformed is dropped, never raised."""
    match = _JSON.search(raw or "")
    if match is None:
        return []
    try:
        data = json.loads(match.group(0))
    except json.JSONDecodeError:
        return []
    entries = data.get("contested") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return []
    out: list[Judgement] = []
    for e in entries:
        if not isinstance(e, dict):
            continue
        n, reason = e.get("n"), e.get("reason")
        if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= count:
            continue
        if isinstance(reason, str) and reason.strip():
            out.append(Judgement(n, " ".join(reason.split())[:300]))
    return out


def _reply_text(reply: Any) -> str:
    content = getattr(reply, "content", reply)
    if isinstance(content, list):
        return "".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)
    return str(content)


def judge_source(
    settings: Settings, source: Source, items: Sequence[Item], chat_model: Any = None
) -> dict[tuple[str, int], Reason]:
    """An "llm-judgement" reason for each asserted sentence the model calls contested; {} on any failure."""
    if not items:
        return {}
    model = chat_model
    if model is None:
        from assistant.factory import make_chat_model

        model = make_chat_model(settings, streaming=False)
    if model is None:
        return {}
    out: dict[tuple[str, int], Reason] = {}
    for start in range(0, len(items), PER_CALL):
        group = items[start: start + PER_CALL]
        numbered = "\n".join(f"{i}. {it.text}" for i, it in enumerate(group, 1))
        prompt = load_prompt("claim_judge", title=source.title, source_type=source.source_type or "unknown",
                             publisher=source.publisher or "unknown", sentences=numbered)
        try:
            raw = _reply_text(model.invoke(prompt))
        except Exception as exc:  # unreachable server, timeout, refusal: offline signals still stand
            log.warning("claim judge unavailable for %s: %s", source.source_id, exc)
            return out
        for j in parse_judgements(raw, len(group)):
            it = group[j.n - 1]
            out[it.key] = Reason("llm-judgement", f"Model judgement: {j.reason}")
    return out
