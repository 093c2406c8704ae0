"""Whether two sentences speak to the same claim, read together by Candor's own cross-encoder.

`models/same-claim.onnx` is all-MiniLM-L6-v2 fine-tuned on SciFact claim/evidence pairs by
`scripts/train_same_claim.py` (see `models/README.md`). Reading both sentences at once, it tells evidence
from other sentences of the same abstract better than the cosine of sentence vectors does (SciFact dev
AUC 0.83 against 0.75). It cannot tell support from contradiction, so claim analysis uses it only to
confirm that two sentences are about the same claim; whether they conflict still comes from the rules
(figures, negation, opposite outcomes) or from the other sentence's mode.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, cast

import numpy as np
import numpy.typing as npt

from assistant.embeddings import cpu_count, make_session, make_tokenizer, model_files, padded_batches
from assistant.settings import PROJECT_ROOT

if TYPE_CHECKING:
    import onnxruntime
    from tokenizers import Tokenizer

MODEL_PATH = PROJECT_ROOT / "models" / "same-claim.onnx"
MAX_TOKENS = 128  # both sentences together, as in training
BATCH = 32
Scores = npt.NDArray[np.float32]


class SameClaimModel:
    """P(same claim) for sentence pairs; the tokenizer and session load on first use."""

    def __init__(self, path: Path = MODEL_PATH) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._loaded: tuple[Tokenizer, onnxruntime.InferenceSession] | None = None

    def score(self, pairs: Sequence[tuple[str, str]]) -> Scores:
        """For each pair, P(support) + P(contradict).

        One order is read. Training showed the model both orders, and averaging both orders gave the same
        flags on the dev labels at twice the cost.
        """
        if not pairs:
            return np.zeros(0, dtype=np.float32)
        probs = self._probabilities(list(pairs))
        return cast(Scores, (probs[:, 1] + probs[:, 2]).astype(np.float32))

    def _probabilities(self, pairs: list[tuple[str, str]]) -> npt.NDArray[np.float32]:
        tokenizer, session = self._load()
        out = np.zeros((len(pairs), 3), dtype=np.float32)
        for rows, feed in padded_batches(tokenizer.encode_batch(pairs), BATCH):
            out[rows] = session.run(None, feed)[0]
        return out

    def _load(self) -> tuple[Tokenizer, onnxruntime.InferenceSession]:
        with self._lock:
            if self._loaded is None:
                if not self._path.is_file():
                    raise FileNotFoundError(f"the same-claim model is missing: {self._path}")
                tokenizer = make_tokenizer(model_files().tokenizer, MAX_TOKENS)
                self._loaded = (tokenizer, make_session(self._path, cpu_count()))
            return self._loaded
