"""The review's cost in a big batch: one scan of each format digitised, its report copied to N
reports in all (each a report of its own: its own name and hash), the batch's database written
as a run leaves it; then the time the queue takes to load, a correction takes to answer (a row
typed, on reports across the batch), and the file exports take to be written once when the
review ends."""
from __future__ import annotations

import json
import random
import statistics
import sys
import time
from pathlib import Path

from pipeline.batch import output
from pipeline.batch.exports import write_batch_exports, write_database
from pipeline.cli import main as cli
from pipeline.generate import generate_batch
from pipeline.review.store import ReviewStore


def review_speed(n: int, seed: int, folder: Path, corrections: int = 40):
    scans = generate_batch(folder / "in", 2, seed, kind="scan")
    out = folder / "out"
    cli(["run", str(folder / "in"), "-o", str(out), "--threshold", "0.999"])
    originals = [json.loads((out / f"{r.pdf.stem}.json").read_text(encoding="utf-8")) for r in scans]
    for path in out.glob("*.json"):
        path.unlink()
    for i in range(n):
        data = dict(originals[i % 2], source=f"report_{i:05d}.pdf", sha256=f"{i:064x}")
        (out / f"report_{i:05d}.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    write_database(out, output.load_reports(out))
    store = ReviewStore(out)
    t = time.perf_counter()
    queue = store.queue()
    loaded = time.perf_counter() - t
    rng = random.Random(seed)
    seconds = []
    for item in rng.sample(queue, corrections):
        data = store.load(item["report"])
        values = {c["cell_id"]: str(data["cells"][c["cell_id"]]["value"] or 0) for c in item["cells"]}
        t = time.perf_counter()
        store.correct(item["report"], values, reviewer="bench", confirm=True)
        seconds.append(time.perf_counter() - t)
    t = time.perf_counter()
    write_batch_exports(out)
    exports = time.perf_counter() - t
    print(f"\n== review of a batch of {n} reports ({len(queue)} items, "
          f"{sum(len(i['cells']) for i in queue)} flagged cells)")
    print(f"queue loaded in {loaded:.1f}s; a correction answers in median {statistics.median(seconds) * 1000:.0f} ms, "
          f"max {max(seconds) * 1000:.0f} ms ({corrections} rows typed across the batch); the file exports "
          f"written once at the end of the review: {exports:.1f}s")


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        review_speed(int(sys.argv[1]) if len(sys.argv) > 1 else 5000, 4242, Path(tmp))
