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
