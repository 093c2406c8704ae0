"""Load prompt files from prompts/ and fill their named placeholders, checking both sides match."""

from __future__ import annotations

import string
from pathlib import Path

from assistant.settings import PROMPTS_DIR


class PromptError(Exception):
    """A prompt file that is missing or whose placeholders do not match the values given."""


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def load_prompt(name: str, directory: Path = PROMPTS_DIR, **values: str) -> str:
    """Read prompts/<name>.txt and substitute `{placeholders}`; every placeholder must be given, and only those."""
    path = directory / f"{name}.txt"
    try:
        template = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PromptError(f"cannot read prompt {path}: {exc.strerror}") from exc
    wanted = placeholders(template)
    missing, extra = wanted - values.keys(), values.keys() - wanted
    if missing or extra:
        raise PromptError(f"prompt {name!r}: missing values {sorted(missing)}, unexpected values {sorted(extra)}")
    return template.format(**values)
