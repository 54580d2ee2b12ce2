# Two commands on a fresh machine: `make demo` and `make test`. Both install what they need.
VENV := .venv
PY := $(VENV)/bin/python
# Debian packages: CJK fonts for the synthetic report generator (Noto Serif/Sans CJK, WenQuanYi,
# AR PL Ming/Kai/Sung); LibreOffice to convert .doc/.wps/.odt reports to .docx and to print the
# generator's Word documents; Chromium and its driver for the review app's browser tests.
SYSTEM_PACKAGES := fonts-wqy-zenhei fonts-wqy-microhei fonts-arphic-uming fonts-arphic-ukai \
                   fonts-arphic-gbsn00lp fonts-arphic-gkai00mp fonts-noto-cjk \
                   libreoffice-writer-nogui chromium chromium-driver
APT := $(shell [ "$$(id -u)" = 0 ] && echo apt-get || echo sudo apt-get)

.PHONY: install system demo test bench gpu-kit samples clean

system:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(APT) update -qq && DEBIAN_FRONTEND=noninteractive $(APT) install -y -qq $$missing >/dev/null; \
	fi

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip 2>/dev/null || true
	$(PY) -m pip install -q -e '.[test,ray]'
	touch $@

install: system $(VENV)/.installed

demo: install
	$(VENV)/bin/reportocr run samples -o out --text || true
	$(VENV)/bin/reportocr evaluate out samples --show 10
	$(VENV)/bin/reportocr compare out/hongze2023.json out/hongze2024.json -o out

test: install
	$(PY) -m pytest -q tests

bench: install
	$(PY) bench/run.py
	$(PY) bench/real_layouts.py
	$(PY) bench/volumes.py
	$(PY) bench/pictures.py
	$(PY) bench/pre2019.py
	$(PY) bench/engines.py

# The GPU check's kit, .gpu/ (about 55 MB; bench/gpu.sh runs there with it): wheels for the GPU
# machine's Python 3.12 of what it lacks, ten generated scans, and this machine's CPU run of them.
GPU_WHEELS := rapidocr==3.10.0 pypdfium2==5.15.2 rapidfuzz==3.14.6 sqlalchemy==2.1.9 greenlet openpyxl==3.1.5 et-xmlfile==2.0.0
gpu-kit: install
	rm -rf .gpu && mkdir -p .gpu/wheels
	python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
	  --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 --platform manylinux_2_17_x86_64 \
	  --platform manylinux2014_x86_64 -d .gpu/wheels $(GPU_WHEELS)
	$(PY) bench/gpu.py kit .gpu

# Regenerate samples/ (the demo's inputs and their expected output).
samples: install
	$(PY) bench/make_samples.py

clean:
	rm -rf out bench/out
