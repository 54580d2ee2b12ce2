"""The `onnx` engine: ONNX Runtime on the CPU, or on its CUDA provider."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .base import ModelEngine, model_source


def has_cuda() -> bool:
    """Whether ONNX Runtime has its CUDA provider (the onnxruntime-gpu wheel)."""
    import onnxruntime as ort

    return "CUDAExecutionProvider" in ort.get_available_providers()


class OnnxRuntimeEngine(ModelEngine):
    def __init__(self, model: Path | bytes, device: str = "cpu", threads: int | None = None):
        """`threads` CPU threads (None: ONNX Runtime's default, all cores)."""
        import onnxruntime as ort

        so = ort.SessionOptions()
        so.intra_op_num_threads = threads or 0
        so.log_severity_level = 3
        providers = ["CUDAExecutionProvider", "CPUExecutionProvider"] if device == "cuda" else ["CPUExecutionProvider"]
        self.session = ort.InferenceSession(model_source(model), so, providers=providers)
        self.input_name = self.session.get_inputs()[0].name
        self.metadata = dict(self.session.get_modelmeta().custom_metadata_map)
        self.device = device
        self.name = f"onnxruntime {ort.__version__} ({device})"

    def run(self, batch: np.ndarray) -> np.ndarray:
        return self.session.run(None, {self.input_name: batch})[0]
