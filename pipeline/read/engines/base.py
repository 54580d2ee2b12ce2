"""The interface every engine implements."""
from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path

import numpy as np


def model_source(model: Path | bytes) -> str | bytes:
    """What the runtimes take: an ONNX file's path, or a graph serialised in memory (the
    recogniser's height-free form: height_free.py)."""
    return model if isinstance(model, bytes) else str(model)


class ModelEngine(ABC):
    """One ONNX model, loaded on one device."""

    name: str
    device: str
    metadata: dict[str, str]  # the model's own key-value metadata (the recogniser's charset)

    @abstractmethod
    def run(self, batch: np.ndarray) -> np.ndarray:
        """The model's first output for a float32 batch."""
