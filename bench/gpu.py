"""The GPU check (issue 12), in three steps:

    python bench/gpu.py kit .gpu            here: generated scans and the CPU run's reports
    python bench/gpu.py recognition .gpu    there: crops/s of recognition alone at batch 64/256/1024
                                            (and 1024 with coarser width buckets), GPU memory,
                                            readings against ONNX Runtime on the CPU
    python bench/gpu.py copies .gpu DIR K   there: K copies of each scan (a comment appended after
                                            %%EOF, so each is a file of its own to the batch)
    python bench/gpu.py compare A B         there: report values of two runs, cell by cell (a copy
                                            against its original's)

`bench/gpu.sh` runs the last two, and the batch end to end, on a machine with a CUDA GPU.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.read.ocr import PPOCRRecognizer
from pipeline.runner import Pipeline


def kit(folder: Path, n: int, seed: int):
    """Scanned reports of both formats by both routes, and the default CPU run's reports on them."""
    from pipeline.generate import generate_batch

    scans = folder / "scans"
    for route in ("draw", "word"):
        generate_batch(scans / route, n // 2, seed, kind="scan", route=route)
    for truth in scans.rglob("*.truth.json"):
        truth.unlink()
    reference = folder / "cpu_out"
    subprocess.run([sys.executable, "-m", "pipeline.cli", "run", str(scans), "-o", str(reference),
                    "--engine", "onnx", "--device", "cpu"], check=True, stdout=subprocess.DEVNULL)
    for path in reference.iterdir():  # only the reports travel
        if path.suffix != ".json":
            subprocess.run(["rm", "-rf", str(path)], check=True)
    pages = sum(json.loads(p.read_text(encoding="utf-8"))["pages"] for p in reference.glob("*.json"))
    print(f"{len(list(reference.glob('*.json')))} reports, {pages} pages in {folder}")


def recognition(folder: Path, documents: int, total: int, device: str):
    """Line crops of a few scans, repeated to `total`: recognition alone on the GPU at each batch
    size, and every reading against ONNX Runtime's on the CPU."""
    import torch

    def sync():
        if device == "cuda":
            torch.cuda.synchronize()

    pipeline = Pipeline()
    pdfs = sorted((folder / "scans").rglob("*.pdf"))[:documents]
    crops = [job.image for pdf in pdfs for job in pipeline.prepare(pdf).lines]
    print(f"{len(crops)} line crops from {len(pdfs)} scans")
    reference = PPOCRRecognizer(engine="onnx", device="cpu").recognize(crops)
    work = (crops * (total // len(crops) + 1))[:total]
    for batch, step in ((64, 8), (256, 8), (1024, 8), (1024, 32)):
        gpu = PPOCRRecognizer(engine="torch", device=device, batch_size=batch)
        gpu.width_step = step
        gpu.recognize(work[:2048])  # warm-up: kernels chosen per shape
        sync()
        if device == "cuda":
            torch.cuda.reset_peak_memory_stats()
        start = time.perf_counter()
        gpu.recognize(work)
        sync()
        seconds = time.perf_counter() - start
        peak = torch.cuda.max_memory_allocated() / 2**30 if device == "cuda" else 0.0
        readings = gpu.recognize(crops)
        same = sum(a.text == b.text and a.numeric_text == b.numeric_text for a, b in zip(reference, readings))
        gaps = [float(np.max(np.abs(np.subtract(a.char_probs, b.char_probs)))) for a, b in zip(reference, readings)
                if a.char_probs and len(a.char_probs) == len(b.char_probs)]
        print(f"batch {batch:5d}, widths in steps of {step:2d}: {total / seconds:7.0f} crops/s ({total} crops in "
              f"{seconds:.1f}s), GPU memory peak {peak:.2f} GiB; readings equal to ONNX Runtime on the CPU "
              f"{same}/{len(crops)}, largest probability gap {max(gaps, default=0):.1e}")


def copies(folder: Path, out: Path, k: int):
    out.mkdir(parents=True, exist_ok=True)
    for pdf in sorted((folder / "scans").rglob("*.pdf")):
        data = pdf.read_bytes()
        for i in range(k):
            (out / f"{pdf.stem}~{i}.pdf").write_bytes(data + f"%copy {i}\n".encode())


def compare(a: Path, b: Path) -> int:
    """Cells whose value or text differ between the reports of run A and those of run B (whose
    file may be a copy, NAME~K, of A's NAME)."""
    cells = differ = 0
    for other in sorted(b.glob("*.json")):
        path = a / f"{other.stem.split('~')[0]}.json"
        right = json.loads(other.read_text(encoding="utf-8"))
        if "cells" not in right:
            continue
        left = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"cells": {}}
        for cid, cell in right["cells"].items():
            cells += 1
            ours = left["cells"].get(cid, {})
            if (cell["value"], cell["text"]) != (ours.get("value"), ours.get("text")):
                differ += 1
                if differ <= 20:
                    print(f"  {other.stem} {cid}: {ours.get('text')!r} on the CPU, {cell['text']!r} here")
    print(f"cells equal to the CPU run: {cells - differ}/{cells}")
    return 1 if differ or not cells else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="step", required=True)
    k = sub.add_parser("kit")
    k.add_argument("folder", type=Path)
    k.add_argument("-n", type=int, default=10, help="scanned reports, half by each route (the kit travels: 64 MiB in all)")
    k.add_argument("--seed", type=int, default=512)
    r = sub.add_parser("recognition")
    r.add_argument("folder", type=Path)
    r.add_argument("--documents", type=int, default=4)
    r.add_argument("--crops", type=int, default=32768)
    r.add_argument("--device", default="cuda", help="cpu: a quick try of this script without a GPU")
    p = sub.add_parser("copies")
    p.add_argument("folder", type=Path)
    p.add_argument("out", type=Path)
    p.add_argument("k", type=int)
    c = sub.add_parser("compare")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    args = parser.parse_args()
    if args.step == "kit":
        kit(args.folder, args.n, args.seed)
    elif args.step == "recognition":
        recognition(args.folder, args.documents, args.crops, args.device)
    elif args.step == "copies":
        copies(args.folder, args.out, args.k)
    else:
        return compare(args.a, args.b)
    return 0


if __name__ == "__main__":
    sys.exit(main())
