"""Turn a follow-up question into a standalone retrieval query, offline or with the chat model."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from assistant.prompts import load_prompt
from assistant.textmatch import STOPWORDS, term_set, words, wordset

History = Sequence[tuple[str, str]]

_CONNECTIVE = re.compile(r"^\s*(and|but|so|also|then|or|what about|how about|and what|why not)\b", re.I)
_ANAPHORA = wordset(
    "it its they them their theirs he him his she her this that these those there such same former latter "
    "above earlier previous"
)
_MARKERS = re.compile(r"\s*\[\d+(?:\s*,\s*\d+)*\]")
SHORT_QUESTION = 4  # content words; a question this short leans on the conversation
MAX_EXTRA_TERMS = 8
MAX_HISTORY_TURNS = 4
MAX_CONDENSED_TOKENS = 100


def is_follow_up(question: str) -> bool:
    """A question that opens with a connective, refers back with a pronoun, or is very short."""
    ws = words(question)
    content = [w for w in ws if w not in STOPWORDS]
    if _CONNECTIVE.match(question) or any(w in _ANAPHORA for w in ws):
        return True
    return len(content) <= SHORT_QUESTION


def condense_offline(question: str, history: History) -> str:
    """The question plus the key words of the previous questions when it reads as a follow-up."""
    if not history or not is_follow_up(question):
        return question
    have = set(words(question))
    extra: list[str] = []
    for previous, _ in reversed(list(history)[-2:]):
        for w in re.findall(r"[^\W_]+(?:['’.-][^\W_]+)*", previous):
            if w.lower() not in STOPWORDS and w.lower() not in have and len(w) > 1:
                have.add(w.lower())
                extra.append(w)
    return f"{question} {' '.join(extra[:MAX_EXTRA_TERMS])}".strip()


def _history_text(history: History) -> str:
    lines = []
    for q, a in list(history)[-MAX_HISTORY_TURNS:]:
        answer = _MARKERS.sub("", " ".join(a.split()))
        lines += [f"User: {q.strip()}", f"Assistant: {answer[:400]}"]
    return "\n".join(lines)


def condense_prompt(question: str, history: History) -> str:
    return load_prompt("condense", history=_history_text(history), question=question.strip())


def parse_condensed(output: str, question: str) -> str | None:
    """The standalone question from a model's reply, or None when the reply is unusable.

    Usable: one short line that keeps at least one content word of the follow-up (what is asked now).
    """
    for line in output.splitlines():
        line = re.sub(r"^\s*(standalone question|question)\s*:\s*", "", line.strip(), flags=re.I)
        line = line.strip().strip("\"'“”").strip()
        if line:
            if not 3 <= len(line) <= 400 or sum(ch.isalpha() for ch in line) < 3:
                return None
            asked = term_set(question)
            return line if not asked or asked & term_set(line) else None
    return None


def condense_with_model(model: Any, question: str, history: History) -> str | None:
    """Ask the model for a standalone question; None when its reply is unusable. Transport errors raise."""
    from langchain_core.messages import HumanMessage

    from assistant.llm_answer import limited

    reply = limited(model, MAX_CONDENSED_TOKENS).invoke([HumanMessage(condense_prompt(question, history))])
    return parse_condensed(str(reply.text), question)
