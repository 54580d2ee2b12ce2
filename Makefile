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

.PHONY: install system demo test bench samples clean

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
	$(VENV)/bin/reportocr run samples -o out || true
	$(VENV)/bin/reportocr evaluate out samples --show 10

test: install
	$(PY) -m pytest -q tests

bench: install
	$(PY) bench/run.py

# Regenerate samples/ (the demo's inputs and their expected output).
samples: install
	$(PY) bench/make_samples.py

clean:
	rm -rf out bench/out
