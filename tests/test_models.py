import hashlib
import json
from pathlib import Path

import rapidocr

MANIFEST = Path(__file__).resolve().parent.parent / "models" / "manifest.json"


def test_manifest_checksums_match_the_installed_weights():
    site = Path(rapidocr.__file__).parent.parent
    for model in json.loads(MANIFEST.read_text(encoding="utf-8"))["models"]:
        data = (site / model["path_in_package"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == model["sha256"], model["file"]
        assert len(data) == model["bytes"]
