"""Make the recogniser's int8 weights (models/PP-OCRv6_rec_small.int8.onnx) from the bundled
PP-OCRv6 small recogniser, and record them in models/manifest.json.

Static quantisation (ONNX Runtime's QDQ format, weights per channel, Conv and MatMul only, the
first layers left in float),
its activation ranges measured on the line crops of generated scans of every image kind (grey,
hard, field, 1-bit, low-resolution pictures; both generator routes) with a seed of its own,
never the bench's. ONNX Runtime runs it about 1.5x as fast as the float model on one CPU core
(bench/engines.py counts the readings that change; bench/run.py --precision int8 measures
accuracy and flag recall). Needs the `onnx` package (pip install onnx), at this step only.

    python bench/quantise.py [-n 2] [--seed 515151] [--crops 400]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import tempfile
from pathlib import Path

from calibrate import SETS

from pipeline.generate import generate_batch
from pipeline.read.engines import QUANTISED_MODEL
from pipeline.read.ocr import REC_HEIGHT, PPOCRRecognizer, bundled_model, model_input
from pipeline.runner import Pipeline

MANIFEST = QUANTISED_MODEL.parent / "manifest.json"
FLOAT_LAYERS = 24  # of the 70 Conv and MatMul layers, the first kept in float


def line_crops(n: int, seed: int, folder: Path) -> list:
    """The line crops of n generated scans per route and image kind."""
    pipeline, crops = Pipeline(), []
    for route in ("draw", "word"):
        for name, variants in SETS.items():
            for k, options in enumerate(variants):
                for report in generate_batch(folder / route / name / str(k), max(1, n // len(variants)), seed + k,
                                             kind="scan", scan_options=options, route=route):
                    document = pipeline.prepare(report.pdf)
                    crops += [job.image for job in document.lines]
    return crops


def quantise(crops: list, work: Path) -> None:
    import onnx
    from onnx import version_converter
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process

    source = bundled_model("PP-OCRv6_rec_small.onnx")
    prepared = work / "prepared.onnx"
    quant_pre_process(str(source), str(prepared), skip_symbolic_shape=True)
    # per-channel scales need DequantizeLinear's axis, from opset 13 (the bundled graph is opset 11)
    onnx.save(version_converter.convert_version(onnx.load(str(prepared)), 13), str(prepared))
    reference = PPOCRRecognizer(threads=1)
    name = reference.model.session.get_inputs()[0].name

    class Crops(CalibrationDataReader):
        def __init__(self):
            self.items = iter(crops)

        def get_next(self):
            crop = next(self.items, None)
            return None if crop is None else {name: model_input(crop, REC_HEIGHT, reference._padded_width(crop))[None]}

    # the first layers stay float: quantised, they read 4x as many hard-scan numbers otherwise
    layers = [node.name for node in onnx.load(str(prepared)).graph.node if node.op_type in ("Conv", "MatMul")]
    quantize_static(str(prepared), str(QUANTISED_MODEL), Crops(), quant_format=QuantFormat.QDQ, per_channel=True,
                    activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8, op_types_to_quantize=["Conv", "MatMul"],
                    nodes_to_exclude=layers[:FLOAT_LAYERS])
    onnx.save(gelu_fused(onnx.load(str(QUANTISED_MODEL))), str(QUANTISED_MODEL))


def gelu_fused(model):
    """The model with each GELU written out (x · (1 + erf(x / √2)) · 0.5, five nodes) made one
    com.microsoft Gelu node. ONNX Runtime fuses them itself in the float graph, but after QDQ
    quantisation it first gives the x/√2 and the x· their own DequantizeLinear of x, and 8 of the
    13 stayed five nodes: fused here, the int8 graph's outputs are the same to the bit and it
    runs 6% faster (the line crops of 12 scanned reports, read alternately)."""
    import numpy as np
    from onnx import helper, numpy_helper

    graph = model.graph
    constant = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    made = {o: n for n in graph.node for o in n.output}
    used_by: dict[str, list] = {}
    for node in graph.node:
        for name in node.input:
            used_by.setdefault(name, []).append(node)

    def only_user(node, op: str, value: float | None = None):
        users = used_by.get(node.output[0], [])
        if len(users) != 1 or users[0].op_type != op:
            return None
        if value is not None and not np.isclose(constant.get(users[0].input[1], np.nan), value):
            return None
        return users[0]

    replaced, gone = {}, set()
    for erf in (n for n in graph.node if n.op_type == "Erf"):
        div = made.get(erf.input[0])
        if div is None or div.op_type != "Div" or used_by[div.output[0]] != [erf] or \
                not np.isclose(constant.get(div.input[1], np.nan), np.sqrt(2)):
            continue
        add = only_user(erf, "Add", 1.0)
        times = add and only_user(add, "Mul")
        half = times and only_user(times, "Mul", 0.5)
        if half is None or set(times.input) != {div.input[0], add.output[0]}:
            continue
        replaced[id(half)] = helper.make_node("Gelu", [div.input[0]], list(half.output), name=f"{erf.name}/Gelu",
                                              domain="com.microsoft")
        gone |= {id(div), id(erf), id(add), id(times)}
    nodes = [replaced.get(id(n), n) for n in graph.node if id(n) not in gone]
    del graph.node[:]
    graph.node.extend(nodes)
    if not any(o.domain == "com.microsoft" for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    return model


def record(n: int, seed: int, sample: int) -> None:
    data = QUANTISED_MODEL.read_bytes()
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    entry = {
        "file": QUANTISED_MODEL.name,
        "path_in_repository": f"models/{QUANTISED_MODEL.name}",
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
        "derived_from": "PP-OCRv6_rec_small.onnx (rapidocr==3.10.0)",
        "made_by": f"python bench/quantise.py -n {n} --seed {seed} --crops {sample}",
        "used_for": "text recognition with ONNX Runtime on the CPU: the first, small readings at --precision mixed (auto's choice there), every reading at --precision int8",
        "upstream": "PaddleOCR PP-OCRv6 small, converted to ONNX by RapidAI, quantised here",
        "license": "Apache-2.0",
    }
    manifest["models"] = [m for m in manifest["models"] if m["file"] != entry["file"]] + [entry]
    MANIFEST.write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {QUANTISED_MODEL} ({len(data):,} bytes, sha256 {entry['sha256']}) and its entry in {MANIFEST}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=2, help="scans per route and image kind")
    parser.add_argument("--seed", type=int, default=515151)
    parser.add_argument("--crops", type=int, default=400, help="line crops the activation ranges are measured on")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        crops = line_crops(args.n, args.seed, Path(tmp))
        sample = random.Random(args.seed).sample(crops, min(args.crops, len(crops)))
        print(f"{len(crops)} line crops; the ranges measured on {len(sample)}")
        quantise(sample, Path(tmp))
    record(args.n, args.seed, args.crops)


if __name__ == "__main__":
    main()
