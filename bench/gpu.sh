#!/usr/bin/env bash
# The GPU check (issue 12), on a machine with a CUDA GPU, PyTorch, onnx and 16 cores, from a fresh
# copy of the tree with .gpu/ beside it (`make gpu-kit` makes it here: the wheels that machine
# lacks, generated scans, and this machine's CPU run of them). Prints recognition alone at batch
# 64/256/1024 (crops/s, GPU memory, readings against ONNX Runtime on the CPU), then scanned
# pages/s end to end with 16 worker processes feeding one recogniser on the GPU, and whether
# every cell equals the CPU run's. About 4 minutes on an H200.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONUNBUFFERED=1 PYTHONPATH=/tmp/reportocr-site:$PWD
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
  --target /tmp/reportocr-site .gpu/wheels/*.whl
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
python3 -c "import torch; print('torch', torch.__version__, 'sees', torch.cuda.get_device_name(0))"
python3 bench/gpu.py recognition .gpu
rm -rf /tmp/gpu_in /tmp/gpu_out
python3 bench/gpu.py copies .gpu /tmp/gpu_in "${COPIES:-24}"
python3 -m pipeline.cli run /tmp/gpu_in -o /tmp/gpu_out --engine torch --device cuda --workers 16 >/dev/null
python3 - <<'PY'
import json
run = json.loads(open("/tmp/gpu_out/manifest.jsonl").read().splitlines()[-1])
print(f"end to end: {run['pages']} scanned pages in {run['seconds']}s = {run['pages_per_s']} pages/s "
      f"({run['files']['digitised']} reports, {run['executor']}); stage seconds {run['stage_seconds']}")
PY
nvidia-smi --query-gpu=memory.used --format=csv,noheader
python3 bench/gpu.py compare .gpu/cpu_out /tmp/gpu_out
