import hashlib
import json
from pathlib import Path

import rapidocr

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "models" / "manifest.json"


def test_manifest_checksums_match_the_weights():
    """The bundled weights as installed, and those made here (int8) as committed."""
    site = Path(rapidocr.__file__).parent.parent
    for model in json.loads(MANIFEST.read_text(encoding="utf-8"))["models"]:
        path = site / model["path_in_package"] if "path_in_package" in model else ROOT / model["path_in_repository"]
        data = path.read_bytes()
        assert hashlib.sha256(data).hexdigest() == model["sha256"], model["file"]
        assert len(data) == model["bytes"]


def test_the_int8_recogniser_runs_each_gelu_as_one_node():
    """bench/quantise.py fuses them (gelu_fused): after QDQ quantisation ONNX Runtime itself left
    8 of the 13 as five nodes each, and they took a tenth of the int8 graph's time."""
    import onnx

    ops = [node.op_type for node in onnx.load(str(ROOT / "models" / "PP-OCRv6_rec_small.int8.onnx")).graph.node]
    assert ops.count("Gelu") == 13 and "Erf" not in ops
