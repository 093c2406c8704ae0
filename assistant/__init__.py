"""Candor: a research assistant that cites down to the sentence and flags contested claims stated as fact."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.api import ResearchAssistant

__all__ = ["ResearchAssistant"]


def __getattr__(name: str) -> Any:
    # Imported on first use, so `import assistant` stays light (no chromadb, no gradio).
    if name == "ResearchAssistant":
        from assistant.api import ResearchAssistant

        return ResearchAssistant
    raise AttributeError(name)
