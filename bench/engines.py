"""The recogniser on each CPU engine, on the same line crops: ONNX Runtime with the float weights
and with the int8 ones (bench/quantise.py; `--precision int8`), OpenVINO at f32 (what
`--engine openvino` runs) and OpenVINO at bfloat16 (its CPU plugin's default where the processor
has it). One thread each, as a worker of a 2-worker batch on 2 cores runs it. Per engine: crops
a second, recognition seconds a page, and the readings that differ from ONNX Runtime's (text,
number, and the largest difference of a character's probability).

    python bench/engines.py [-n 4] [--seed S]
"""
from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import numpy as np

from pipeline.generate import generate_batch
from pipeline.read.engines.height_free import height_free
from pipeline.read.engines.openvino import OpenVinoEngine
from pipeline.read.ocr import PPOCRRecognizer, bundled_model
from pipeline.runner import Pipeline


def recognisers() -> dict[str, PPOCRRecognizer]:
    out = {"onnxruntime": PPOCRRecognizer(engine="onnx", threads=1),
           "onnxruntime int8": PPOCRRecognizer(engine="onnx", threads=1, precision="int8"),
           "openvino f32": PPOCRRecognizer(engine="openvino", threads=1)}
    bf16 = PPOCRRecognizer(engine="openvino", threads=1)
    bf16.model = OpenVinoEngine(height_free(bundled_model("PP-OCRv6_rec_small.onnx")), threads=1, precision="bf16")
    out["openvino bf16"] = bf16
    return out


def engines_bench(n: int, seed: int, folder: Path):
    reports = generate_batch(folder, n, seed, kind="scan")
    pipeline = Pipeline()
    documents = [pipeline.prepare(report.pdf) for report in reports]
    crops = [job.image for d in documents for job in d.lines]
    pages = sum(d.pages for d in documents)
    print(f"\n== recognition engines, one thread each: {len(crops)} line crops of {pages} scanned pages "
          f"(seed {seed})")
    reference = None
    for name, recogniser in recognisers().items():
        recogniser.recognize(crops[:64])  # load and warm
        start = time.perf_counter()
        readings = recogniser.recognize(crops)
        seconds = time.perf_counter() - start
        line = f"{name:16s} {len(crops) / seconds:6.1f} crops/s  {seconds / pages:.3f} s/page"
        if reference is None:
            reference = readings
        else:
            texts = sum(a.text != b.text for a, b in zip(reference, readings))
            numbers = sum(a.numeric_text != b.numeric_text for a, b in zip(reference, readings))
            drift = max((float(np.abs(np.subtract(a.char_probs, b.char_probs)).max())
                         for a, b in zip(reference, readings) if a.text == b.text and a.char_probs), default=0.0)
            line += (f"  readings differing from ONNX Runtime's: {texts} texts, {numbers} numbers; largest "
                     f"probability difference {drift:.4f}")
        print(line)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=4, help="scanned reports")
    parser.add_argument("--seed", type=int, default=None, help="default: a new one each run")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(10_000, 10**6)
    with tempfile.TemporaryDirectory() as tmp:
        engines_bench(args.n, seed, Path(tmp))


if __name__ == "__main__":
    main()
