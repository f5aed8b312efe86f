"""`make offline` (or `python -m book.offline_copy`): the book as a folder and a zip that a reader
opens from disk, without a server and without the internet.

The copy is a second build of the same book with Material's offline plugin switched on
(BOOK_OFFLINE=true in mkdocs.yml): page addresses end in `.html` instead of leading to folders,
each edition's search index is also written as a script (`search/search_index.js`, which a page
opened from a file:// address can load), and search runs in a frame of the page instead of a Web
Worker (overrides/assets/javascripts/iframe-worker.js; the offline plugin would load such a
polyfill from a CDN, which a copy meant for reading offline must not do). Every program's output
comes from the run cache that `make build` filled, so nothing runs again.

What it writes, in the current folder:
  site-offline/       the copy; open site-offline/index.html (中文) or site-offline/en/index.html
  site-offline.zip    the same, under one folder (ZIP_TOP) for readers to download and unzip

`make build` publishes the zip and the PDFs (book/pdf.py) on the home page of each edition when
they have been made (book/whole_book.py): the publishing workflow makes them before the site.
"""

from __future__ import annotations

import argparse
import os
import sys
import zipfile
from pathlib import Path

from book import build_site
from book.whole_book import OFFLINE_FOLDER as FOLDER, OFFLINE_ZIP as ZIP

ZIP_TOP = "pytorch-tudui-book"  # the one folder inside the zip
LEFT_OUT = {"sitemap.xml", "sitemap.xml.gz", "404.html"}  # of no use without a server


def environment() -> dict[str, str]:
    """The offline build's variables: the offline plugin on, and no site address (a page of the copy
    must not lead to the website for what the copy holds itself)."""
    env = dict(os.environ, BOOK_OFFLINE="true", NO_MKDOCS_2_WARNING="1")
    env.pop("BOOK_SITE_URL", None)
    return env


def write_zip(folder: Path, target: Path) -> Path:
    """`folder` zipped under ZIP_TOP/, files in a fixed order with a fixed date."""
    partial = target.with_name(target.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder).as_posix()
            if not path.is_file() or relative in LEFT_OUT:
                continue
            info = zipfile.ZipInfo(f"{ZIP_TOP}/{relative}", date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes(), compresslevel=9)
    partial.replace(target)
    return target


def megabytes(path: Path) -> str:
    return f"{path.stat().st_size / 1e6:.1f} MB"


def main(arguments: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m book.offline_copy", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path.cwd(), help="where to write site-offline/ and site-offline.zip")
    options = parser.parse_args(arguments)
    out = options.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    code = build_site.main([], site=out / FOLDER, env=environment())
    if code != 0:
        return code
    target = write_zip(out / FOLDER, out / ZIP)
    print(f"Offline copy: {out / FOLDER}/index.html; zip: {target} ({megabytes(target)})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
