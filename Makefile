# The book's commands. On a new machine `make serve` or `make test` does all the set-up.
#
#   make serve   set up, run the snippets, serve the book at http://127.0.0.1:8000 (PORT=8001 for another port)
#   make build   the static site in site/ (only replaced when the whole build succeeds; two builds take turns)
#   make test    set up, then the tests: course values, pages, the strict build, a browser check
#   make check   the heavier tests: every notebook and script, failure modes, every page in the browser,
#                the publishing workflow's build job run here
#   make offline the book to read without the internet: site-offline/ (open index.html from disk)
#                and site-offline.zip, both languages; uses the runs `make build` cached
#   make pdf     the whole book as one PDF per language in pdf/ (makes the offline copy first)
#   make bench   cold, warm and one-edit build times, per-chapter run times, test-suite time

export NO_MKDOCS_2_WARNING := 1

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
PORT ?= 8000

.PHONY: setup serve build offline pdf test check bench browser clean

setup: $(INSTALLED)

$(INSTALLED): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || \
	  { echo "Python 3.11 is needed (found $$($(PYTHON) --version 2>&1)); set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --editable .
	touch $@

serve: setup
	@$(BIN)/python -c 'import socket; socket.socket().bind(("127.0.0.1", $(PORT)))' 2>/dev/null || \
	  { echo "Port $(PORT) on 127.0.0.1 is already in use (another make serve?). Stop that, or run: make serve PORT=8001"; exit 1; }
	$(BIN)/mkdocs serve --strict --dev-addr 127.0.0.1:$(PORT)

build: setup
	$(BIN)/python -m book.build_site

offline: setup
	$(BIN)/python -m book.offline_copy

pdf: offline browser
	$(BIN)/python -m book.pdf

# The browser tests need Chromium, CJK fonts and a font with math tables (for the formulas);
# install them when missing and we may.
browser:
	@if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi "math"; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk fonts-texgyre-math >/dev/null; \
	  else echo "note: chromium or a math font is missing; the browser tests will be skipped without chromium (install chromium, fonts-noto-cjk and fonts-texgyre-math)"; fi; \
	fi

test: setup browser
	$(BIN)/python -m pytest

check: setup browser
	$(BIN)/python -m pytest -m slow

# Build and test times, measured in one run; the table goes to benchmarks/results.md.
bench: setup browser
	$(BIN)/python -m book.bench

clean:
	rm -rf site .site-partial-* .cache site-offline site-offline.zip pdf
