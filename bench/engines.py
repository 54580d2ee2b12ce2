"""The recogniser on each CPU engine and precision, on the same line crops, read as the pipeline
reads them (a crop first 32 px high where a small reading may settle it, the rest at 48): ONNX
Runtime with the float weights, mixed (the small readings on the int8 weights, bench/quantise.py:
what `--precision auto` runs on the CPU) and int8 throughout (`--precision int8`), OpenVINO at
f32 (what `--engine openvino` runs) and OpenVINO at bfloat16 (its CPU plugin's default where the
processor has it). One thread each, as a worker of a 2-worker batch on 2 cores runs it. Per
engine: crops a second, recognition seconds a page, and the readings that differ from ONNX
Runtime's at float (text, number, and the largest difference of a character's probability).

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
    out = {f"onnxruntime {precision}": PPOCRRecognizer(engine="onnx", threads=1, precision=precision)
           for precision in ("f32", "mixed", "int8")}
    out["openvino f32"] = PPOCRRecognizer(engine="openvino", threads=1)
    bf16 = PPOCRRecognizer(engine="openvino", threads=1)
    bf16.model = bf16.small_model = OpenVinoEngine(height_free(bundled_model("PP-OCRv6_rec_small.onnx")), threads=1,
                                                   precision="bf16")
    out["openvino bf16"] = bf16
    return out


def engines_bench(n: int, seed: int, folder: Path):
    reports = generate_batch(folder, n, seed, kind="scan")
    pipeline = Pipeline()
    documents = [pipeline.prepare(report.pdf) for report in reports]
    jobs = [job for d in documents for job in d.lines]
    crops, small = [job.image for job in jobs], [job.small_settles for job in jobs]
    pages = sum(d.pages for d in documents)
    print(f"\n== recognition engines, one thread each: {len(crops)} line crops of {pages} scanned pages, read "
          f"as the pipeline reads them (seed {seed})")
    reference = None
    for name, recogniser in recognisers().items():
        recogniser.recognize(crops[:64], small[:64])  # load and warm
        start = time.perf_counter()
        readings = recogniser.recognize(crops, small)
        seconds = time.perf_counter() - start
        line = f"{name:17s} {len(crops) / seconds:6.1f} crops/s  {seconds / pages:.3f} s/page"
        if reference is None:
            reference = readings
        else:
            texts = sum(a.text != b.text for a, b in zip(reference, readings))
            numbers = sum(a.numeric_text != b.numeric_text for a, b in zip(reference, readings))
            drift = max((float(np.abs(np.subtract(a.char_probs, b.char_probs)).max())
                         for a, b in zip(reference, readings) if a.text == b.text and a.char_probs), default=0.0)
            line += (f"  readings differing from ONNX Runtime f32's: {texts} texts, {numbers} numbers; largest "
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
