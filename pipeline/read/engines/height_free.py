"""The recogniser's graph made to take a line crop of any height.

PP-OCR's recogniser is exported for crops 48 px high: its input's height is fixed, and near its
end an average pool of kernel height 3 (the backbone's rows at 48 px) folds the rows into one.
A crop 32 px high (a table's label, read small: PPOCRRecognizer.recognize) leaves 2 rows, which
that pool does not fit. Here the pool becomes a mean of all rows, then the same pool along the
width, and the input's height is left free. At 48 px this is the same arithmetic in another
order: the outputs are the shipped file's within 2e-6 (a cell's confidence, rounded to four
decimals, the same), and one graph serves both sizes (a second session for the small reads
took 170 MB more a worker).

Making it needs the onnx package, whose import takes 0.6-0.9 s (most of it ml_dtypes'): every
worker of a batch paid it. So the graph made is kept in the user's cache, under the checksum of
the file it was made from (kept_height_free), and read back in 20 ms."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from ...files import replacing


def cache_dir() -> Path:
    """$REPORTOCR_CACHE, else reportocr/ in $XDG_CACHE_HOME or ~/.cache."""
    if os.environ.get("REPORTOCR_CACHE"):
        return Path(os.environ["REPORTOCR_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "reportocr"


def kept_height_free(path: Path) -> bytes:
    """height_free(path), from the cache where it was made before; made and kept there (written
    atomically: workers starting together may both make it) where not. A cache that cannot be
    written (a read-only home) costs only the time."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    kept = cache_dir() / f"{path.stem}.height-free.{digest}.onnx"
    try:
        return kept.read_bytes()
    except OSError:
        pass
    graph = height_free(path)
    try:
        with replacing(kept) as tmp:
            tmp.write_bytes(graph)
    except OSError:
        pass
    return graph


def height_free(path: Path) -> bytes:
    """The ONNX file at `path`, serialised with every pool that folds the whole height into one
    row made a mean over the rows, and its input's height and width free."""
    import onnx
    from onnx import helper, shape_inference

    model = onnx.load(str(path))
    shapes = {value.name: [d.dim_value for d in value.type.tensor_type.shape.dim]
              for value in shape_inference.infer_shapes(model).graph.value_info}
    nodes = []
    for node in model.graph.node:
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        shape = shapes.get(node.input[0], []) if node.input else []
        if node.op_type == "AveragePool" and len(shape) == 4 and shape[2] == attrs["kernel_shape"][0] == attrs["strides"][0]:
            rows = node.output[0] + "/rows"
            nodes += [helper.make_node("ReduceMean", [node.input[0]], [rows], axes=[2], keepdims=1),
                      helper.make_node("AveragePool", [rows], list(node.output), kernel_shape=[1, attrs["kernel_shape"][1]],
                                       strides=[1, attrs["strides"][1]])]
        else:
            nodes.append(node)
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    for axis, dim in zip(("height", "width"), model.graph.input[0].type.tensor_type.shape.dim[2:]):
        if dim.HasField("dim_value"):
            dim.dim_param = axis  # clears dim_value (one field of a oneof)
    return model.SerializeToString()
