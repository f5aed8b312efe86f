"""The machinery that builds the book: running snippets, stand-in data, screenshots, mkdocs hooks."""

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# Everything the build may throw away and make again: run results, stand-in data, screenshots.
CACHE_DIR = Path(os.environ.get("BOOK_CACHE_DIR") or REPO / ".cache").resolve()
