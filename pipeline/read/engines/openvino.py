"""The `openvino` engine: Intel's OpenVINO runtime on the CPU, reading the same ONNX file.

Its CPU plugin picks bfloat16 by default where the processor has it, which changes readings; the
precision is asked for explicitly (`precision`, f32 by default, so readings are those of ONNX
Runtime up to rounding; bench/engines.py counts the differences of each precision)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .base import ModelEngine, model_source


class OpenVinoEngine(ModelEngine):
    def __init__(self, model: Path | bytes, device: str = "cpu", threads: int | None = None, precision: str = "f32"):
        if device != "cpu":
            raise RuntimeError("the openvino engine runs on the CPU only (--device cpu)")
        import openvino as ov

        core = ov.Core()
        graph = core.read_model(model_source(model))
        config = {"INFERENCE_PRECISION_HINT": precision, "PERFORMANCE_HINT": "LATENCY"}
        if threads:
            config["INFERENCE_NUM_THREADS"] = threads
        self.request = core.compile_model(graph, "CPU", config).create_infer_request()
        info = graph.get_rt_info()  # the ONNX file's metadata_props, under "framework"
        framework = info["framework"] if "framework" in info else {}
        self.metadata = {key: value.astype(str) for key, value in framework.items()}
        self.device = device
        self.name = f"openvino {ov.__version__.split('-')[0]} ({device}, {precision})"

    def run(self, batch: np.ndarray) -> np.ndarray:
        return self.request.infer({0: batch})[0].copy()
