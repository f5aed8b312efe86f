"""mkdocs hook: the "last updated" date of every page.

The date is that of the newest git commit that touched the page's source or any snippet
it shows (`--8<--` includes and `run:` figures), because the page changes when they do.
A file with changes not committed yet counts as changed today. The date goes to
`page.meta["last_updated"]`, which overrides/partials/source-file.html shows under the
content in the page's language, and to the page's <lastmod> in sitemap.xml.

Without usable git history (an unpacked archive, no git, a shallow clone) pages simply
show no date.
"""

from __future__ import annotations

import datetime
import logging
import re
import subprocess
from pathlib import Path

log = logging.getLogger("mkdocs.hooks.page_dates")

INCLUDED = re.compile(r'--8<--\s+"([^":]+)')
RUN_FILE = re.compile(r"run:([\w./-]+?\.py)/")


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


_history: History | None = None
_snippets_dir: Path | None = None


def on_config(config, **kwargs):
    global _history, _snippets_dir
    base = config.mdx_configs.get("pymdownx.snippets", {}).get("base_path", [])
    base = [base] if isinstance(base, str) else base
    _snippets_dir = Path(base[0]).resolve() if base else None
    _history = read_history(Path(config.config_file_path))


def sources(markdown: str, page_source: Path, snippets_dir: Path | None) -> list[Path]:
    """The page's own file and every existing snippet file it includes or shows figures of."""
    found = [page_source.resolve()]
    if snippets_dir is not None:
        for name in INCLUDED.findall(markdown) + RUN_FILE.findall(markdown):
            path = (snippets_dir / name).resolve()
            if path.is_file() and path not in found:
                found.append(path)
    return found


def on_page_markdown(markdown, page, config, files, **kwargs):
    if _history is not None and page.file.abs_src_path:
        date = _history.last_changed(sources(markdown, Path(page.file.abs_src_path), _snippets_dir))
        if date:
            page.meta["last_updated"] = page.update_date = date
    return markdown
