"""Engines: what runs a model's ONNX graph. The recogniser asks an engine for one thing (a float
batch in, the model's output out) and decodes the output itself, so a reading does not depend on
the engine that produced it.

- `onnx`: ONNX Runtime, on the CPU or on its CUDA provider (the onnxruntime-gpu wheel).
- `openvino`: Intel's OpenVINO runtime, on the CPU (the same ONNX file).
- `torch`: the same graph run op by op on PyTorch (`pip install 'reportocr[torch]'`), on the CPU
  or a CUDA GPU: for the GPU boxes that carry PyTorch already.

The recogniser's weights come in two precisions: float (the bundled file) and int8 (quantised
here, bench/quantise.py), which ONNX Runtime runs on the CPU. A run reads with float, with int8,
or mixed: a crop's first, small reading (which stands only where it is sure:
PPOCRRecognizer.recognize) on int8 and its full one on float.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from .base import ModelEngine

ENGINES = ("onnx", "openvino", "torch")
PRECISIONS = ("auto", "f32", "mixed", "int8")
# the recogniser's weights quantised to int8 (bench/quantise.py; models/manifest.json)
QUANTISED_MODEL = Path(__file__).resolve().parents[3] / "models" / "PP-OCRv6_rec_small.int8.onnx"
GPU_DRIVER_FILES = ("/proc/driver/nvidia", "/dev/nvidiactl", "/dev/kfd")


def load_model(model: Path | bytes, engine: str = "onnx", device: str = "cpu", threads: int | None = None) -> ModelEngine:
    """`model`: an ONNX file, or a graph serialised in memory (height_free.py)."""
    if engine == "torch":
        from .torch_graph import TorchEngine

        return TorchEngine(model, device, threads)
    if engine == "openvino":
        from .openvino import OpenVinoEngine

        return OpenVinoEngine(model, device, threads)
    from .onnx_runtime import OnnxRuntimeEngine

    return OnnxRuntimeEngine(model, device, threads)


def resolve(engine: str, device: str) -> tuple[str, str]:
    """The engine and device a run uses. "auto" engine: PyTorch when it sees a CUDA GPU, else
    ONNX Runtime (on its CUDA provider when it has one and the device allows). "auto" device: a
    GPU when the engine has one. Asking for what is not there is an error, never a silent
    fall-back to something else."""
    # PyTorch is imported only where it may be used (seconds and memory in every worker otherwise)
    torch_gpu = _torch_sees_gpu() if engine == "torch" or (engine == "auto" and device != "cpu") else None
    if engine == "auto":
        engine = "torch" if torch_gpu and device != "cpu" else "onnx"
    if engine == "torch":
        if torch_gpu is None:
            raise RuntimeError("PyTorch is not installed (pip install 'reportocr[torch]')")
        gpu, missing = bool(torch_gpu), "PyTorch sees no CUDA GPU here"
    elif engine == "openvino":
        if importlib.util.find_spec("openvino") is None:
            raise RuntimeError("OpenVINO is not installed (pip install openvino)")
        gpu, missing = False, "the openvino engine runs on the CPU only"
    else:
        from .onnx_runtime import has_cuda

        gpu = has_cuda()
        missing = ("ONNX Runtime has no CUDA provider here (pip install 'reportocr[gpu]' on a machine "
                   "with an NVIDIA GPU, or --engine torch where PyTorch sees one)")
    if device == "cuda" and not gpu:
        raise RuntimeError(missing)
    if device == "auto":
        device = "cuda" if gpu else "cpu"
    return engine, device


def resolve_precision(precision: str, engine: str, device: str) -> str:
    """The recogniser's precision for a resolved engine and device. int8 weights run faster on
    ONNX Runtime on the CPU only (about 1.5x: bench/engines.py; OpenVINO runs them slower here),
    so "auto" is "mixed" there (the small first readings on int8: issue 23's figures in the
    README; their accuracy as float's) and "f32" elsewhere. All-int8 is asked for, never chosen:
    on 96-dpi page pictures it reads more cells wrong (README)."""
    quantised = (engine, device) == ("onnx", "cpu")
    if precision == "auto":
        return "mixed" if quantised else "f32"
    if precision in ("int8", "mixed") and not quantised:
        raise RuntimeError(f"{precision} runs on ONNX Runtime on the CPU only (--engine onnx --device cpu)")
    return precision


def _torch_sees_gpu() -> bool | None:
    """None when PyTorch is not installed. Importing it to ask takes over a second, paid before a
    batch starts: on Linux a GPU it can use shows its driver (NVIDIA's, or ROCm's /dev/kfd), so
    where none is there it is not asked."""
    if importlib.util.find_spec("torch") is None:
        return None
    if sys.platform.startswith("linux") and not any(Path(p).exists() for p in GPU_DRIVER_FILES):
        return False
    import torch

    return torch.cuda.is_available()
