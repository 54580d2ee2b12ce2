"""The engines: PyTorch runs the bundled models as ONNX Runtime does, crop for crop; the int8
weights read the numbers as the float ones do."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx  # the test extra installs both (torch==2.13.0, the CPU build): nothing here skips
import pytest
import torch

from pipeline.cli import main
from pipeline.read.engines import GPU_DRIVER_FILES, QUANTISED_MODEL, load_model, resolve, resolve_precision
from pipeline.read.engines import height_free as height_free_module
from pipeline.read.engines.height_free import height_free, kept_height_free
from pipeline.read.engines.onnx_runtime import has_cuda
from pipeline.read.ocr import NUMBER, PPOCRRecognizer, bundled_model


@pytest.fixture(scope="module")
def scan_crops(pipeline, generated):
    """Every line crop the pipeline recognises on a generated scan of each format."""
    crops = []
    for template in ("2021", "2019"):
        crops += [job.image for job in pipeline.prepare(generated[("scan", template)].pdf).lines]
    assert len(crops) > 300
    return crops


def test_torch_reads_every_crop_as_onnx_runtime_does(scan_crops):
    onnx_rec = PPOCRRecognizer(engine="onnx", batch_size=64)
    torch_rec = PPOCRRecognizer(engine="torch", batch_size=64)
    assert torch_rec.charset == onnx_rec.charset
    for a, b in zip(onnx_rec.recognize(scan_crops), torch_rec.recognize(scan_crops)):
        assert (a.text, a.numeric_text) == (b.text, b.numeric_text)
        assert np.allclose(a.char_probs, b.char_probs, atol=1e-3)
        assert np.allclose(a.numeric_probs, b.numeric_probs, atol=1e-3)


def test_openvino_reads_every_crop_as_onnx_runtime_does(scan_crops):
    """Asked for f32 (its CPU plugin would pick bfloat16 where the processor has it): the same
    readings, probabilities within float error."""
    onnx_rec = PPOCRRecognizer(engine="onnx")
    openvino_rec = PPOCRRecognizer(engine="openvino")
    assert openvino_rec.charset == onnx_rec.charset
    for a, b in zip(onnx_rec.recognize(scan_crops), openvino_rec.recognize(scan_crops)):
        assert (a.text, a.numeric_text) == (b.text, b.numeric_text)
        assert np.allclose(a.char_probs, b.char_probs, atol=1e-3)


def test_int8_weights_read_the_numbers_as_the_float_ones(scan_crops):
    """int8 (--precision int8) changes some probabilities and some labels' letters (labels are
    matched loosely), but a number crop reads as the float weights read it."""
    pairs = list(zip(PPOCRRecognizer().recognize(scan_crops), PPOCRRecognizer(precision="int8").recognize(scan_crops)))
    numbers = [(a, b) for a, b in pairs if a.numeric_text.isdigit()]
    assert len(numbers) > 150
    assert sum(a.numeric_text == b.numeric_text for a, b in numbers) >= 0.99 * len(numbers)
    assert np.median([abs(min(a.numeric_probs) - min(b.numeric_probs)) for a, b in numbers]) < 0.01


def test_int8_runs_on_onnx_runtime_on_the_cpu_only():
    assert resolve_precision("int8", "onnx", "cpu") == "int8"
    assert resolve_precision("f32", "torch", "cuda") == "f32"
    assert resolve_precision("auto", "onnx", "cpu") == "mixed"
    assert resolve_precision("auto", "onnx", "cuda") == resolve_precision("auto", "openvino", "cpu") == "f32"
    for precision in ("int8", "mixed"):
        with pytest.raises(RuntimeError, match=f"{precision} runs on ONNX Runtime on the CPU only"):
            resolve_precision(precision, "torch", "cpu")


@pytest.mark.skipif(any(Path(p).exists() for p in GPU_DRIVER_FILES), reason="a GPU driver is here")
def test_auto_does_not_import_torch_where_no_gpu_driver_is():
    """Importing PyTorch (over a second before a batch starts) to ask whether it sees a GPU is
    skipped where no GPU driver is; torch is still there when asked for."""
    code = ("import sys; from pipeline.read.engines import resolve; "
            "print(resolve('auto', 'auto'), 'torch' in sys.modules, resolve('torch', 'auto'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["('onnx',", "'cpu')", "False", "('torch',", "'cpu')"]


def test_mixed_precision_reads_small_on_int8_and_in_full_on_float(scan_crops):
    """Mixed (auto on the CPU): a crop's first, small reading runs on the int8 weights, its full
    one on the float weights; what a small reading settles is what float settles, but for a
    few labels' letters (labels are matched loosely)."""
    f32, mixed = PPOCRRecognizer(), PPOCRRecognizer(precision="mixed")
    assert mixed.small_model is not mixed.model and f32.small_model is f32.model
    shapes = {"small": [], "full": []}
    for name, model in (("small", mixed.small_model), ("full", mixed.model)):
        model.run = (lambda run, seen: lambda batch: seen.append(batch.shape[2]) or run(batch))(model.run, shapes[name])
    numbers = [frozenset({NUMBER})] * len(scan_crops)
    pairs = list(zip(f32.recognize(scan_crops, numbers), mixed.recognize(scan_crops, numbers)))
    assert set(shapes["small"]) == {32} and set(shapes["full"]) == {48}
    values = [(a, b) for a, b in pairs if a.numeric_text.isdigit()]
    assert len(values) > 150
    assert sum(a.numeric_text == b.numeric_text for a, b in values) >= 0.99 * len(values)


def test_orientation_classifier_graph_runs_on_torch_too():
    """The classifier stays on ONNX Runtime in the pipeline; its graph (Constant, Clip, Cast,
    GlobalAveragePool...) is still one the torch engine runs, within float error."""
    x = np.random.default_rng(1).uniform(-1, 1, (4, 3, 48, 192)).astype(np.float32)
    path = bundled_model("ch_ppocr_mobile_v2.0_cls_mobile.onnx")
    assert np.abs(load_model(path, "torch").run(x) - load_model(path, "onnx").run(x)).max() < 1e-4


def _one_node_model(tmp_path, node, x_shape, y_shape, weights=()):
    from onnx import TensorProto, helper, numpy_helper

    graph = helper.make_graph(
        [node], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, x_shape)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, y_shape)],
        [numpy_helper.from_array(w, name) for name, w in weights])
    path = tmp_path / "model.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 11)], ir_version=7), str(path))
    return path


@pytest.mark.parametrize("size,stride,kernel", [(9, 2, 3), (10, 2, 3), (7, 1, 2), (8, 3, 4)])
def test_same_upper_padding_matches_onnx_runtime(tmp_path, size, stride, kernel):
    """The padding onnx2torch lacks: odd totals go at the end, the output is ceil(size/stride)."""
    from onnx import helper

    w = np.random.default_rng(2).normal(size=(2, 1, kernel, kernel)).astype(np.float32)
    node = helper.make_node("Conv", ["x", "w"], ["y"], auto_pad="SAME_UPPER", strides=[stride, stride])
    path = _one_node_model(tmp_path, node, [1, 1, size, size + 1], None, [("w", w)])
    x = np.random.default_rng(3).normal(size=(1, 1, size, size + 1)).astype(np.float32)
    expected = load_model(path, "onnx").run(x)
    got = load_model(path, "torch").run(x)
    assert got.shape == expected.shape and np.abs(got - expected).max() < 1e-5


def test_a_model_with_an_operator_it_lacks_fails_at_load_naming_it(tmp_path):
    from onnx import helper

    path = _one_node_model(tmp_path, helper.make_node("Tanh", ["x"], ["y"], name="n7"), [1, 4], [1, 4])
    with pytest.raises(ValueError, match="Tanh.*n7"):
        load_model(path, "torch")


def test_resolve_names_what_is_missing():
    assert resolve("onnx", "cpu") == ("onnx", "cpu")
    assert resolve("torch", "cpu") == ("torch", "cpu")
    assert resolve("openvino", "auto") == ("openvino", "cpu")
    with pytest.raises(RuntimeError, match="CPU only"):
        resolve("openvino", "cuda")
    if not torch.cuda.is_available():
        assert resolve("auto", "auto") == ("onnx", "cuda" if has_cuda() else "cpu")
        assert resolve("torch", "auto") == ("torch", "cpu")
        with pytest.raises(RuntimeError, match="PyTorch sees no CUDA GPU"):
            resolve("torch", "cuda")


def test_run_on_torch_gives_the_same_report_as_onnx_runtime(generated, tmp_path):
    """The same weights (float: the default on the CPU reads small crops on int8 first) give the
    same report on either engine."""
    pdf = generated[("scan", "2019")].pdf
    assert main(["run", str(pdf), "-o", str(tmp_path / "default"), "--precision", "f32"]) == 0
    assert main(["run", str(pdf), "-o", str(tmp_path / "torch"), "--engine", "torch", "--device", "cpu"]) == 0
    default, on_torch = (json.loads((tmp_path / d / f"{pdf.stem}.json").read_text(encoding="utf-8"))
                         for d in ("default", "torch"))
    assert on_torch["cells"].keys() == default["cells"].keys()
    for cid, cell in default["cells"].items():
        other = on_torch["cells"][cid]
        assert (other["value"], other["text"], other["needs_review"]) == (cell["value"], cell["text"], cell["needs_review"])
        assert other["confidence"] == pytest.approx(cell["confidence"], abs=1e-3)
    assert on_torch["report"] == default["report"]
    run = json.loads((tmp_path / "torch" / "manifest.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert run["settings"]["engine"] == "torch" and run["settings"]["device"] == "cpu"
    assert run["settings"]["precision"] == "f32"


def test_the_height_free_graph_is_made_once_and_read_back_from_the_cache(tmp_path, monkeypatch):
    """A worker starting reads the graph another made (the onnx package's import, 0.6-0.9 s, is
    not paid again); a cache that cannot be written still gives the graph."""
    int8 = QUANTISED_MODEL
    monkeypatch.setenv("REPORTOCR_CACHE", str(tmp_path / "cache"))
    made = kept_height_free(int8)
    assert made == height_free(int8)
    [kept] = (tmp_path / "cache").iterdir()
    assert kept.read_bytes() == made

    def not_again(path):
        raise AssertionError("made again")

    monkeypatch.setattr(height_free_module, "height_free", not_again)
    assert kept_height_free(int8) == made
    monkeypatch.undo()
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("REPORTOCR_CACHE", str(tmp_path / "file" / "cache"))  # under a file: not writable
    assert kept_height_free(int8) == made


def test_the_height_free_graph_reads_a_48_px_crop_as_the_shipped_file_and_runs_at_32_on_every_engine():
    """A label is read 32 px high (PPOCRRecognizer.recognize) by the recogniser's graph with its
    height-folding pool made a mean over the rows: at 48 px its output is the shipped file's
    within float error, and every engine runs it at 32 alike."""
    shipped = bundled_model("PP-OCRv6_rec_small.onnx")
    free = height_free(shipped)
    rng = np.random.default_rng(3)
    x48 = rng.uniform(-1, 1, (2, 3, 48, 160)).astype(np.float32)
    assert np.abs(load_model(free).run(x48) - load_model(shipped).run(x48)).max() < 1e-4
    with pytest.raises(Exception):
        load_model(shipped).run(x48[:, :, :32])  # the file as shipped takes 48 px only
    x32 = x48[:, :, 8:40]
    reference = load_model(free).run(x32)
    assert reference.shape == (2, 20, 18710)
    for engine in ("torch", "openvino"):
        assert np.abs(load_model(free, engine).run(x32) - reference).max() < 1e-3
