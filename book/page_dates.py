"""The "last updated" date of every page.

The date is that of the newest git commit that touched the page's source or any snippet
it shows (`--8<--` includes and `run:` figures), because the page changes when they do.
A file with changes not committed yet counts as changed today. The book's plugin puts the date
in `page.meta["last_updated"]`, which overrides/partials/source-file.html shows under the
content in the page's language, and in the page's <lastmod> in sitemap.xml.

Without usable git history (an unpacked archive, no git, a shallow clone) pages simply
show no date.
"""

from __future__ import annotations

import datetime
import logging
import subprocess
from pathlib import Path

log = logging.getLogger("mkdocs.plugins.book.page_dates")


class History:
    """The git history of the book's sources, or None where there is none to trust."""

    def __init__(self, root: Path, changed: set[Path]):
        self.root, self.changed = root, changed

    def last_changed(self, files: list[Path]) -> str | None:
        if not all(path.is_relative_to(self.root) for path in files):
            return None  # a file from outside the repository (docs_dir elsewhere): no history to read
        if any(path in self.changed for path in files):
            return datetime.date.today().isoformat()
        date = _git(self.root, "log", "-1", "--format=%cs", "--", *(str(path) for path in files))
        return date.strip() or None


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout


def read_history(config_file: Path) -> History | None:
    """None when the book is not in a git repository with its full history."""
    try:
        top, shallow = _git(config_file.parent, "rev-parse", "--show-toplevel", "--is-shallow-repository").split()
        status = _git(config_file.parent, "status", "--porcelain", "-z", "--untracked-files=all")
    except (OSError, subprocess.CalledProcessError, ValueError):
        log.info("No git history here: pages show no last-updated date.")
        return None
    if shallow == "true":
        log.info("A shallow git clone: pages show no last-updated date (fetch the whole history for them).")
        return None
    changed, untracked = set(), set()
    fields = iter(status.split("\0"))
    for field in fields:
        if not field:
            continue
        code, path = field[:2], (Path(top) / field[3:]).resolve()
        (untracked if code == "??" else changed).add(path)
        if "R" in code or "C" in code:
            next(fields, None)  # the name it had before
    if config_file.resolve() in untracked:
        log.info("The book's files are not tracked by git here: pages show no last-updated date.")
        return None
    return History(Path(top).resolve(), changed | untracked)
