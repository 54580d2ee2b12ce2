"""Run options, with defaults from configs/defaults.yaml."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import yaml

from .templates import CONFIG_DIR


@lru_cache(maxsize=1)
def _defaults() -> dict:
    return yaml.safe_load((CONFIG_DIR / "defaults.yaml").read_text(encoding="utf-8"))


@dataclass
class ConfidenceOptions:
    review_threshold: float
    label_full_match: float
    parse_failure_factor: float


@dataclass
class RunOptions:
    dpi: int = field(default_factory=lambda: _defaults()["dpi"])
    review_threshold: float = field(default_factory=lambda: _defaults()["review_threshold"])
    ocr_batch_size: int = field(default_factory=lambda: _defaults()["ocr"]["batch_size"])
    device: str = "cpu"

    def confidence(self) -> ConfidenceOptions:
        raw = _defaults()["confidence"]
        return ConfidenceOptions(self.review_threshold, raw["label_full_match"], raw["parse_failure_factor"])
