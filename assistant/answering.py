"""Answer a question from the library: condense, retrieve, answer (model or extractive), verify, flag.

Two entry points, one pipeline:

- `answer(library, question, k=, history=, filters=, chat_model=) -> Answer` — the finished answer.
- `answer_stream(...)` — the same, as an iterator for live UIs. While a model writes, it yields `str`
  items: text *deltas* of the draft (concatenate them; unverified, with the model's own [n] numbers).
  It always ends with exactly one `Answer`, whose text supersedes the draft: citations are verified and
  renumbered, unsupported statements marked or removed, and on a model failure the final `Answer` is
  extractive with a `notice`. Without a model it yields only the `Answer`. It never raises for model
  trouble (down, slow, HTTP errors, garbage); closing the iterator early closes the model stream.

`history` is the conversation so far as (question, answer) pairs, oldest first. A follow-up (pronoun-led,
connective-led or short) is condensed into a standalone question: by the model with the history
(prompts/condense.txt) when one is configured, else — or when the model's rewrite is unusable — by
adding the previous questions' key words. Sentences are then scored mostly on the follow-up's own words.
"""

from __future__ import annotations

import logging
from collections.abc import Generator, Sequence
from typing import Any

from assistant.citations import is_no_answer, verify
from assistant.compose import NO_ANSWER
from assistant.condense import condense_offline, condense_with_model, is_follow_up
from assistant.evidence import Evidence, gather
from assistant.extractive import extractive_answer
from assistant.library import Library
from assistant.llm_answer import LLMFailure, build_messages, clean_output, describe, stream_draft
from assistant.types import Answer, Filters

log = logging.getLogger(__name__)

EMPTY_QUESTION = "Please ask a question."


def answer(
    library: Library,
    question: str,
    k: int | None = None,
    history: Sequence[tuple[str, str]] = (),
    filters: Filters | None = None,
    chat_model: Any = None,
) -> Answer:
    """Answer `question` with verified citations and the flags of the sentences relied on."""
    final: Answer | None = None
    stream = answer_stream(library, question, k=k, history=history, filters=filters, chat_model=chat_model)
    for item in stream:
        if isinstance(item, Answer):
            final = item
    assert final is not None
    return final


def _model(library: Library, chat_model: Any) -> Any:
    if chat_model is not None:
        return chat_model
    from assistant.factory import make_chat_model

    return make_chat_model(library.settings)


def _notice(reason: str) -> str:
    return f"LLM {reason}; answered extractively"


def answer_stream(
    library: Library,
    question: str,
    k: int | None = None,
    history: Sequence[tuple[str, str]] = (),
    filters: Filters | None = None,
    chat_model: Any = None,
) -> Generator[str | Answer, None, None]:
    """Yield the model's draft as text deltas (`str`), then the final `Answer` (see the module docstring)."""
    from assistant.retrieval import retrieve

    question = " ".join(question.split())
    if not question:
        yield Answer(question=question, answer=EMPTY_QUESTION, mode="extractive")
        return
    k = k or library.settings.top_k
    model = _model(library, chat_model)
    notice: str | None = None
    query = condense_offline(question, history)
    if model is not None and history and is_follow_up(question):
        try:
            query = condense_with_model(model, question, history) or query
        except Exception as exc:  # the server is down or broken: do not try it again for the answer
            log.warning("condensing with the model failed: %s", exc)
            notice, model = _notice(describe(exc)), None
    evidence = gather(library, retrieve(library, query, k=k, filters=filters))
    if model is not None and evidence.passages:
        try:
            result = yield from _llm_answer(library, model, question, query, evidence)
            yield result
            return
        except LLMFailure as exc:
            log.warning("model answer failed: %s", exc.reason)
            notice = _notice(exc.reason)
        except Exception as exc:  # a bug in checking an odd answer must not cost the user the answer
            log.exception("checking the model's answer failed")
            notice = _notice(f"answer could not be checked ({type(exc).__name__})")
    yield extractive_answer(library, question, query, evidence, notice)


def _llm_answer(
    library: Library, model: Any, question: str, query: str, evidence: Evidence
) -> Generator[str, None, Answer]:
    """Stream the model's draft, then verify it into an Answer (returned); LLMFailure when unusable."""
    pieces: list[str] = []
    for piece in stream_draft(model, build_messages(evidence, query), library.settings.llm_timeout):
        pieces.append(piece)
        yield piece
    text = clean_output("".join(pieces))
    if is_no_answer(text) and "[" not in text:
        return Answer(question=question, answer=NO_ANSWER, mode="llm")
    checked = verify(library, text, evidence, query)
    if checked.supported == 0:
        raise LLMFailure("gave no answer that its passages support" if checked.citations or checked.dropped
                         else "returned no usable text")
    notes = []
    if checked.unsupported:
        notes.append(f"{checked.unsupported} statement(s) not supported by the cited passage are marked")
    if checked.dropped:
        notes.append(f"{checked.dropped} repeated, off-topic or unsupported statement(s) were removed")
    return Answer(
        question=question, answer=checked.answer, mode="llm", citations=checked.citations,
        flags=checked.flags, notice="; ".join(notes) or None,
    )
