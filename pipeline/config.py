"""Run options, with defaults from configs/defaults.yaml."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .templates import CONFIG_DIR, read_yaml


@lru_cache(maxsize=1)
def _defaults() -> dict:
    return read_yaml(CONFIG_DIR / "defaults.yaml")


@dataclass
class CheckOptions:
    failure_factor: float  # confidence multiplier per failed check a cell is in
    repair: bool
    sealed_share: float = 0.05  # a cell's text this much under a seal may have lost its digits
    label_full_match: float = 0.8  # a cell whose row and column labels matched less well may be misplaced


@dataclass
class ConfidenceOptions:
    review_threshold: float
    unjudged_threshold: float
    label_full_match: float
    parse_failure_factor: float
    calibration: Path | None
    repaired_review: str
    sealed_share: float
    review_sealed: bool
    one_reading_factor: float
    disputed_factor: float
    review_disputed: bool
    review_failed_checks: bool


@dataclass
class RunOptions:
    dpi: int = field(default_factory=lambda: _defaults()["dpi"])
    review_threshold: float = field(default_factory=lambda: _defaults()["review_threshold"])
    ocr_batch_size: int = field(default_factory=lambda: _defaults()["ocr"]["batch_size"])
    ocr_gpu_batch_size: int = field(default_factory=lambda: _defaults()["ocr"]["gpu_batch_size"])
    lines_in_flight: int = field(default_factory=lambda: _defaults()["ocr"]["lines_in_flight"])
    engine: str = "onnx"  # what runs the recogniser: "onnx" (ONNX Runtime), "openvino", "torch", or "auto" (engines.resolve)
    device: str = "cpu"  # "cuda", or "auto": a GPU when the engine has one
    precision: str = "auto"  # the recogniser's weights: "f32", "mixed" or "int8" (engines.resolve_precision); auto: the fastest as accurate as float
    threads: int | None = None  # the recogniser's CPU threads; None: the engine's default (all cores)
    calibrate: bool = True  # off when fitting the calibration itself
    text: bool = False  # read a scan's running text too (sections, text-vs-table checks): costs time

    def confidence(self) -> ConfidenceOptions:
        raw = _defaults()["confidence"]
        path = CONFIG_DIR.parent / raw["calibration"] if raw.get("calibration") and self.calibrate else None
        return ConfidenceOptions(self.review_threshold, max(self.review_threshold, raw["unjudged_threshold"]),
                                 raw["label_full_match"], raw["parse_failure_factor"],
                                 path, _defaults()["checks"]["repaired_review"], raw["sealed_share"],
                                 raw["review_sealed"], raw["one_reading"], raw["disputed"], raw["review_disputed"],
                                 _defaults()["checks"]["review_failed"])

    def checks(self) -> CheckOptions:
        raw = _defaults()["checks"]
        confidence = _defaults()["confidence"]
        return CheckOptions(raw["failure_factor"], raw["repair"], confidence["sealed_share"],
                            confidence["label_full_match"])
