"""Optional LLM judge for qa answers: the pinned prompt prompts/eval_judge.txt, a typed JSON grade."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.prompts import load_prompt

PROMPT = "eval_judge"
_OBJECT = re.compile(r"\{.*\}", re.S)


class JudgeError(ValueError):
    """The model's reply is not a grade of the required shape."""


@dataclass(frozen=True)
class JudgeGrade:
    """A structured grade: correct or not, a 1–5 score and one sentence of reason."""

    correct: bool
    score: int
    reason: str

    @property
    def normalised(self) -> float:
        """The score mapped to 0..1 (1 → 0.0, 5 → 1.0)."""
        return (self.score - 1) / 4


def parse_grade(reply: str) -> JudgeGrade:
    """Parse the model's reply (possibly fenced or with chatter around it) into a JudgeGrade."""
    match = _OBJECT.search(reply or "")
    if not match:
        raise JudgeError("no JSON object in the reply")
    try:
        raw = json.loads(match.group(0))
    except json.JSONDecodeError as exc:
        raise JudgeError(f"invalid JSON: {exc.msg}") from exc
    if not isinstance(raw, dict):
        raise JudgeError("the grade must be a JSON object")
    correct, score, reason = raw.get("correct"), raw.get("score"), raw.get("reason", "")
    if not isinstance(correct, bool):
        raise JudgeError("'correct' must be true or false")
    if isinstance(score, bool) or not isinstance(score, int | float) or not 1 <= score <= 5:
        raise JudgeError("'score' must be a number from 1 to 5")
    return JudgeGrade(correct, round(score), str(reason)[:300])


def expected_text(record: Mapping[str, Any]) -> str:
    if not record.get("answerable", True):
        return "The library holds no answer to this question; the assistant should say so."
    lines = []
    for fact in record["facts"]:
        alts = [fact] if isinstance(fact, str) else list(fact)
        lines.append("- " + " / ".join(alts))
    return "\n".join(lines)


def _content(message: Any) -> str:
    content = getattr(message, "content", message)
    if isinstance(content, list):  # content blocks
        return "".join(b.get("text", "") if isinstance(b, dict) else str(b) for b in content)
    return str(content)


def grade(chat_model: Any, record: Mapping[str, Any], answer_text: str) -> JudgeGrade:
    """Ask the model for a grade; raises JudgeError when its reply cannot be parsed."""
    prompt = load_prompt(PROMPT, question=record["question"], expected=expected_text(record),
                         answer=answer_text)
    return parse_grade(_content(chat_model.invoke(prompt)))


def judge_metrics(grades: Sequence[JudgeGrade | None]) -> dict[str, float]:
    """Means over the parsed grades; unparseable replies count as wrong with the lowest score."""
    if not grades:
        return {}
    n = len(grades)
    return {
        "judge_score": sum(g.normalised for g in grades if g is not None) / n,
        "judge_correct": sum(g.correct for g in grades if g is not None) / n,
    }
