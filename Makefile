# Set-up and everyday commands. `make run` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | md5sum | cut -c1-8)

.PHONY: run test bench lint clean system-deps

# Debian packages the project needs: a CJK TrueType font embedded in PDFs and charts, and
# poppler-utils (pdftoppm) to look at rendered pages, and chromium, the browser the web tests drive
# with Playwright. Installed only when missing.
SYSTEM_PACKAGES := fonts-wqy-zenhei poppler-utils chromium

system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing$$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[test,ocr,dask]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# The demo, then the web application on 127.0.0.1:8000 with the example unit (and the seeds, when
# the shared folder is there) ingested; it prints the address and the first admin's login.
SEEDS := $(wildcard $(or $(YUSUAN_SHARED),../shared)/seeds/*.txt)

run: system-deps $(STAMP)
	$(BIN)/yusuan demo -o out/demo
	$(BIN)/yusuan serve --host 127.0.0.1 --port 8000 --db out/web/yusuan.db --data-dir out/web \
		--example $(foreach f,$(SEEDS),--ingest $(f))

test: system-deps $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/pytest -n 2 --dist loadfile

bench: system-deps $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/run.py

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
