"""Every cache the build keeps under .cache (BOOK_CACHE_DIR), in one list, and what keeps them sound.

Each entry is checked when it is read: a record's fields and types, a sha256 of its own content,
a sha256 of every file it lists, pictures read by Pillow. An entry that fails is removed and made again,
with one line in the build's log naming it and what was wrong (`damaged()`). After a build,
entries that no current page or program can use are removed (`prune()`), so the cache keeps the
size of one build however often the book is edited and rebuilt.

`CACHES` names every folder (and file) the build or the tests write there; tests/test_cache_integrity.py
damages the entries of each in the ways listed and checks that the site comes out the same, and that
a build leaves nothing under the cache folder that this list does not name. mkdocs-jupyter has a cache
of its own (.cache/mkdocs-jupyter under the working folder, not BOOK_CACHE_DIR); mkdocs.yml turns it
off (`cache: false`, it then writes nothing) because book/notebook_pages.py keeps the rendered pages.

The list lives here, beside the code that checks and prunes, rather than in the test: a new cache
is added in the module that makes it, and this file is where its reader looks next.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from book import CACHE_DIR, REPO

log = logging.getLogger("mkdocs.plugins.book")

# Ways to damage any file; runs have three more of their own.
FILE_DAMAGES = ("empty file", "{}", "[]", "null", "garbage bytes", "truncated")
RUN_DAMAGES = ("empty chunks", "0-byte figure", "missing listed file")


@dataclass(frozen=True)
class Cache:
    folder: str  # under the cache folder
    about: str  # what it holds, which module makes it, how an entry is checked
    entries: tuple[str, ...] = ()  # globs, under the folder, of the files a test may damage
    named: str = "file"  # what a damage report names: the "file", its "folder" (a run), or the whole "cache"
    damages: tuple[str, ...] = FILE_DAMAGES
    reports: bool = True  # False: written afresh whenever it differs from its source, so never read damaged


CACHES = [
    Cache("runs", "a program's run (book/runner.py): run.json, with a sha256 of its content and of every file in "
                  "files/, what the program wrote; the pictures Pillow could read when written are read again",
          ("*/run.json",), "folder", FILE_DAMAGES + RUN_DAMAGES),
    Cache("build/search", "a page's search entries (book/build_cache.py remembered(): a sha256 line, then the value)",
          ("*.txt",)),
    Cache("build/glossary", "a page's HTML with the glossary links (remembered())", ("*.txt",)),
    Cache("build/notebooks", "a chapter's notebook and script (remembered())", ("*.txt",)),
    Cache("build/notebook-pages", "a notebook page as mkdocs-jupyter rendered it (remembered())", ("*.txt",)),
    Cache("build/jinja", "Material's templates compiled by Jinja, checked by Jinja against the template's "
                         "source, an unreadable file reported (book/build_cache.py)", ("*.cache",)),
    Cache("tensorboard", "TensorBoard screenshots (book/tensorboard_shots.py), each with a .sha256 file beside it; "
                         "decoded", ("*.png",)),
    Cache("standin-data", "the stand-in data sets (book/standins.py), the sha256 of every file in the marker "
                          "file book-standin.json", ("book-standin.json", "cifar-10-batches-py/test_batch"), "cache"),
    Cache("standin-data.lock", "the lock taken while the stand-in data is made", damages=()),
    Cache("real-data.lock", "the lock taken while a real-data build fetches the real data (book/runner.py)",
          damages=()),
    Cache("build.lock", "the lock that makes builds of one checkout take turns (book/plugin.py)", damages=()),
    Cache("site.lock", "the lock `make build` holds while it builds and swaps in site/ (book/build_site.py)",
          damages=()),
    Cache("notebook-pages", "the chapters' notebooks that mkdocs-jupyter renders (book/notebook_pages.py), "
                            "written again whenever they differ", ("*/*.ipynb",), reports=False),
    # shim.ensure() reads the file as UTF-8 text, so bytes that are not UTF-8 stop it with UnicodeDecodeError;
    # comparing bytes there would let it take garbage too.
    Cache("shim", "the generated sitecustomize.py (book/shim.py), compared in full on every use and written again "
                  "when it differs", ("*/sitecustomize.py",), damages=tuple(d for d in FILE_DAMAGES if d != "garbage bytes"),
          reports=False),
    Cache("screenshots", "pictures the browser tests keep to look at by eye (tests/conftest.py); never read",
          damages=()),
]


def shown(path: Path) -> str:
    """A cache path as the log shows it: from the repository when inside it (.cache/runs/...)."""
    path = Path(path)
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)


def damaged(entry: Path, what: str, then: str) -> None:
    """The one log line for a damaged entry, which the caller removes and makes again."""
    log.info(f"Cache entry {shown(entry)} is damaged ({what}); {then}")


def prune(snippets: Path) -> list[Path]:
    """After a whole build: remove the entries that no current page or program can use; returns them.
    Runs of programs no longer under `snippets`; and of what is kept by a digest of its inputs (a page's
    search entries, glossary links, notebook and rendered notebook page, the TensorBoard screenshots,
    the chapters' notebooks), whatever this build did not read or make."""
    from book import build_cache, notebook_pages, runner, tensorboard_shots

    gone = runner.remove_runs_of_deleted_programs(snippets)
    key = "?" * 20  # a screenshot's name: its key, 20 hex digits (a picture still being written is not one)
    kept = [(build_cache.CACHE, "*/*.txt", build_cache.used), (notebook_pages.FOLDER, "*/*.ipynb", notebook_pages.used),
            (tensorboard_shots.CACHE, f"{key}.png", tensorboard_shots.used),
            (tensorboard_shots.CACHE, f"{key}.sha256", tensorboard_shots.used)]
    for folder, pattern, used in kept:
        for path in folder.glob(pattern):
            if path not in used:
                path.unlink(missing_ok=True)
                gone.append(path)
    return gone
