"""The interface every engine implements."""
from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np


class ModelEngine(ABC):
    """One ONNX model, loaded on one device."""

    name: str
    device: str
    metadata: dict[str, str]  # the model's own key-value metadata (the recogniser's charset)

    @abstractmethod
    def run(self, batch: np.ndarray) -> np.ndarray:
        """The model's first output for a float32 batch."""
