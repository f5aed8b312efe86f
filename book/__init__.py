"""The machinery that builds the book: running snippets, stand-in data, screenshots, mkdocs hooks."""

import hashlib
import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# Everything the build may throw away and make again: run results, stand-in data, screenshots.
CACHE_DIR = Path(os.environ.get("BOOK_CACHE_DIR") or REPO / ".cache").resolve()

_HERE = Path(__file__).resolve().parent


def _machinery_on_disk() -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(_HERE.glob("*.py"))}


# The machinery's files as this process imported them: cache keys name the code that runs, not a
# file edited since (during `make serve`), which this process would not run until it restarts.
MACHINERY = _machinery_on_disk()


def code_digest(module_file: str) -> str:
    """The sha256 of one of the book's modules as this process imported it."""
    return MACHINERY[Path(module_file).name]


def machinery_changed() -> list[str]:
    """The book's modules that were edited, added or removed since this process imported them."""
    now = _machinery_on_disk()
    return sorted(name for name in MACHINERY.keys() | now.keys() if MACHINERY.get(name) != now.get(name))
