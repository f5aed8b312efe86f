"""`make build`: the static site in site/, replaced only by a whole, successful build.

Each build writes into a folder of its own (.site-partial-<pid>-…) and, when MkDocs succeeds, swaps
it in for site/. Builds of one checkout take turns (a lock in the cache folder): a second
`make build` waits for the first, then builds, so site/ is always one build's complete output. A
folder left by a build that was killed is removed by the next one.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from filelock import FileLock

from book import CACHE_DIR, processes


def main(arguments: list[str], site: Path | None = None, env: dict[str, str] | None = None) -> int:
    """Build the book of the current folder (its mkdocs.yml) into ./site (or `site`, with the
    variables `env`: the offline copy, book/offline_copy.py)."""
    here = Path.cwd()
    site = site or here / "site"
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    lock = FileLock(CACHE_DIR / "site.lock")
    try:
        lock.acquire(timeout=0)
    except TimeoutError:
        print("Another build of this checkout is running; this one starts when it is done.", flush=True)
        lock.acquire()
    try:
        processes.remove_left_behind(site.parent, ".site-partial")
        partial = Path(tempfile.mkdtemp(prefix=processes.scratch_prefix(".site-partial"), dir=site.parent))
        try:
            done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(partial), *arguments],
                                  cwd=here, env=env)
            if done.returncode != 0:
                print(f"The build failed; {site.name}/ is left as it was.", file=sys.stderr)
                return done.returncode
            old = site.parent / f"{partial.name}.old"
            if site.exists():
                site.rename(old)
            partial.rename(site)
            shutil.rmtree(old, ignore_errors=True)
            return 0
        finally:
            shutil.rmtree(partial, ignore_errors=True)
    finally:
        lock.release()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
