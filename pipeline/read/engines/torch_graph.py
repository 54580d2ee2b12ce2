"""The `torch` engine: the ONNX graph of a bundled PP-OCR model run node by node on PyTorch.

The converters on PyPI (onnx2pytorch, onnx2torch) import torchvision, which does not import
beside the pinned CPU build of torch, and onnx2torch does not take the SAME_UPPER padding these
models use. The two models this project runs need 28 plain operators, written out below (OPS); loading
takes well under a second, so nothing is cached. A model with an operator not here fails at load
with its name.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from .base import ModelEngine


class TorchEngine(ModelEngine):
    def __init__(self, model: Path | bytes, device: str = "cpu", threads: int | None = None):
        import onnx
        import torch

        if threads:
            torch.set_num_threads(threads)
        proto = onnx.load_from_string(model) if isinstance(model, bytes) else onnx.load(str(model))
        self.graph = TorchGraph(proto.graph, torch.device(device))
        self.metadata = {p.key: p.value for p in proto.metadata_props}
        self.device = device
        self.name = f"torch {torch.__version__} ({device})"

    def run(self, batch: np.ndarray) -> np.ndarray:
        import torch

        with torch.inference_mode():
            out = self.graph(torch.from_numpy(batch).to(self.graph.device, non_blocking=True))
        return out.float().cpu().numpy()


class TorchGraph:
    """An ONNX graph's nodes, in their (topological) order, each a call of a torch function.
    Float weights live on the device; integer constants (shapes, axes) stay on the CPU, as do
    the shapes computed from them."""

    def __init__(self, graph, device):
        import torch
        from onnx import numpy_helper
        from onnx.helper import get_attribute_value

        self.device = device
        self.values: dict[str, object] = {}
        for init in graph.initializer:
            self.values[init.name] = self._tensor(numpy_helper.to_array(init), torch)
        self.nodes = []
        for node in graph.node:
            attrs = {a.name: get_attribute_value(a) for a in node.attribute}
            if node.op_type == "Constant":
                self.values[node.output[0]] = self._tensor(numpy_helper.to_array(attrs["value"]), torch)
                continue
            if node.op_type not in OPS:
                raise ValueError(f"the torch engine has no {node.op_type} (node {node.name})")
            self.nodes.append((OPS[node.op_type], attrs, list(node.input), list(node.output)))
        self.input = graph.input[0].name
        self.output = graph.output[0].name

    def _tensor(self, array: np.ndarray, torch):
        tensor = torch.from_numpy(array.copy())
        return tensor.to(self.device) if array.dtype.kind == "f" and array.ndim else tensor

    def __call__(self, x):
        values = dict(self.values)
        values[self.input] = x
        for op, attrs, inputs, outputs in self.nodes:
            result = op(attrs, *[values[name] if name else None for name in inputs])
            for name, value in zip(outputs, result if isinstance(result, tuple) else (result,)):
                values[name] = value
        return values[self.output]


def _torch():
    import torch

    return torch


def _same_upper(size: int, kernel: int, stride: int, dilation: int = 1) -> tuple[int, int]:
    """ONNX's SAME_UPPER padding of one axis: the output is ceil(size / stride), any odd pad at
    the end."""
    total = max((math.ceil(size / stride) - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)
    return total // 2, total - total // 2


def _padding(attrs: dict, x, kernel: list[int]) -> list[int]:
    """F.pad's (left, right, top, bottom) from ONNX's pads (top, left, bottom, right) or auto_pad."""
    strides, dilations = attrs.get("strides", [1, 1]), attrs.get("dilations", [1, 1])
    if attrs.get("auto_pad", b"NOTSET") == b"SAME_UPPER":
        (top, bottom), (left, right) = (_same_upper(x.shape[2 + i], kernel[i], strides[i], dilations[i])
                                        for i in range(2))
        return [left, right, top, bottom]
    top, left, bottom, right = attrs.get("pads", [0, 0, 0, 0])
    return [left, right, top, bottom]


def _conv(attrs, x, w, b=None):
    F = _torch().nn.functional
    pad = _padding(attrs, x, list(w.shape[2:]))
    if any(pad):
        x = F.pad(x, pad)
    return F.conv2d(x, w, b, attrs.get("strides", [1, 1]), 0, attrs.get("dilations", [1, 1]), attrs.get("group", 1))


def _max_pool(attrs, x):
    F = _torch().nn.functional
    kernel = attrs["kernel_shape"]
    pad = _padding(attrs, x, kernel)
    if any(pad):
        x = F.pad(x, pad, value=-math.inf)
    return F.max_pool2d(x, kernel, attrs.get("strides", kernel), ceil_mode=bool(attrs.get("ceil_mode", 0)))


def _average_pool(attrs, x):
    F = _torch().nn.functional
    if any(attrs.get("pads", [0])) or attrs.get("auto_pad", b"NOTSET") != b"NOTSET":
        raise ValueError("the torch engine's AveragePool takes no padding")
    kernel = attrs["kernel_shape"]
    return F.avg_pool2d(x, kernel, attrs.get("strides", kernel), ceil_mode=bool(attrs.get("ceil_mode", 0)))


def _softmax(attrs, x):
    """Opset < 13: the softmax of each row of x flattened to 2D at `axis`."""
    axis = attrs.get("axis", 1) % x.dim()
    return x.reshape(math.prod(x.shape[:axis]), -1).softmax(-1).reshape(x.shape)


def _reshape(attrs, x, shape):
    """A 0 in the shape keeps that axis's size."""
    return x.reshape([x.shape[i] if s == 0 else s for i, s in enumerate(shape.tolist())])


def _slice(attrs, x, starts, ends, axes=None, steps=None):
    index = [slice(None)] * x.dim()
    axes = axes.tolist() if axes is not None else list(range(len(starts)))
    steps = steps.tolist() if steps is not None else [1] * len(axes)
    for axis, start, end, step in zip(axes, starts.tolist(), ends.tolist(), steps):
        index[axis] = slice(start, min(end, x.shape[axis]) if end > 0 else end, step)
    return x[tuple(index)]


def _unsqueeze(attrs, x):
    for axis in sorted(attrs["axes"]):
        x = x.unsqueeze(axis)
    return x


def _clip(attrs, x, low=None, high=None):
    return x.clamp(None if low is None else float(low), None if high is None else float(high))


def _batch_norm(attrs, x, scale, bias, mean, var):
    return _torch().nn.functional.batch_norm(x, mean, var, scale, bias, False, 0.0, attrs.get("epsilon", 1e-5))


_DTYPES = {1: "float32", 6: "int32", 7: "int64", 10: "float16", 11: "float64"}

OPS = {
    "Conv": _conv,
    "MaxPool": _max_pool,
    "AveragePool": _average_pool,
    "GlobalAveragePool": lambda a, x: x.mean((2, 3), keepdim=True),
    "BatchNormalization": _batch_norm,
    "Relu": lambda a, x: x.relu(),
    "Sigmoid": lambda a, x: x.sigmoid(),
    "HardSigmoid": lambda a, x: (a.get("alpha", 0.2) * x + a.get("beta", 0.5)).clamp(0.0, 1.0),
    "Clip": _clip,
    "Erf": lambda a, x: _torch().erf(x),
    "Sqrt": lambda a, x: x.sqrt(),
    "Add": lambda a, x, y: x + y,
    "Sub": lambda a, x, y: x - y,
    "Mul": lambda a, x, y: x * y,
    "Div": lambda a, x, y: x / y,
    "Pow": lambda a, x, y: x.pow(y),
    "MatMul": lambda a, x, y: x @ y,
    "Softmax": _softmax,
    "ReduceMean": lambda a, x: x.mean(a["axes"], keepdim=bool(a.get("keepdims", 1))),
    "Identity": lambda a, x: x,
    "Shape": lambda a, x: _torch().tensor(list(x.shape), dtype=_torch().int64),
    "Cast": lambda a, x: x.to(getattr(_torch(), _DTYPES[a["to"]])),
    "Slice": _slice,
    "Concat": lambda a, *xs: _torch().cat(xs, a["axis"]),
    "Reshape": _reshape,
    "Transpose": lambda a, x: x.permute(a["perm"]),
    "Squeeze": lambda a, x: x.squeeze(tuple(a["axes"])),
    "Unsqueeze": _unsqueeze,
}
