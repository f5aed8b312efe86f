"""Warm rebuilds: what the last build worked out is read back instead of worked out again.

Three things cost most of a rebuild in which no snippet has to run:

* Jinja compiles Material's templates into Python code on every build. The compiled code is
  kept in .cache/build/jinja with Jinja's own FileSystemBytecodeCache, which checks it
  against each template's source.
* The search plugin parses every page's HTML into sections and cuts Chinese text into words
  with jieba (loading jieba's dictionary alone takes about half a second). A page's search
  entries are kept, keyed by everything they are made from: the page's HTML, title, URL,
  meta and table of contents, the plugin's settings and Material's version. When every page
  is unchanged, jieba is never loaded.
* The glossary links (book/glossary.py) and the chapter downloads (book/notebooks.py), kept
  per page with `remembered()`.

The book's plugin (book/plugin.py) turns the first two on.

Entries are files named after the page and a digest of their inputs, their first line the sha256
of the rest; making a new one for a page removes that page's old ones, and after a build the
entries of pages that are gone are removed (book/caches.py), so the cache does not grow.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import re
from importlib import metadata
from pathlib import Path
from typing import Callable, Iterable

from jinja2.bccache import FileSystemBytecodeCache, bc_magic

from book import CACHE_DIR, caches

CACHE = CACHE_DIR / "build"
used: set[Path] = set()  # the entries this process read or made; book/caches.py removes the others after a build


def remembered(kind: str, name: str, inputs: Iterable[str | bytes], make: Callable[[], str]) -> str:
    """`make()`, or what it returned last time for the same inputs. The file holds a line
    "sha256 <digest of the rest>" and then the value; an entry whose digest does not match is
    reported and made again."""
    digest = hashlib.sha256(kind.encode())
    for part in inputs:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    folder = CACHE / kind
    stem = re.sub(r"[^\w.-]+", "_", name).strip("_") or "index"
    path = folder / f"{stem}.{digest.hexdigest()[:20]}.txt"
    used.add(path)
    try:
        header, _, value = path.read_bytes().partition(b"\n")
    except FileNotFoundError:
        pass
    else:
        if header == b"sha256 " + hashlib.sha256(value).hexdigest().encode():
            return value.decode("utf-8")
        caches.damaged(path, "its first line is not the sha256 of the rest", "making it again")
        path.unlink(missing_ok=True)
    value = make()
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob(f"{stem}.{'?' * 20}.txt"):  # this name's entries only, not those of "{stem}.x"
        old.unlink(missing_ok=True)
    data = value.encode("utf-8")
    partial = path.with_suffix(f".{os.getpid()}.partial")
    partial.write_bytes(b"sha256 " + hashlib.sha256(data).hexdigest().encode() + b"\n" + data)
    partial.replace(path)
    return value


class CheckedBytecodeCache(FileSystemBytecodeCache):
    """Jinja's cache of compiled templates, which checks each file against its template's source.
    A file it cannot read at all (emptied, cut short, overwritten) is reported and compiled again."""

    def load_bytecode(self, bucket) -> None:
        path = Path(self._get_cache_filename(bucket))
        try:
            data = path.read_bytes()
        except OSError:
            return
        try:
            bucket.load_bytecode(io.BytesIO(data))  # sets no code when the file is stale or damaged
            if bucket.code is not None or (data.startswith(b"j2") and not data.startswith(bc_magic)):
                return  # read, or written by another version of Jinja or Python
            if not data.startswith(bc_magic):
                fault = "not Jinja bytecode"
            elif pickle.load(io.BytesIO(data[len(bc_magic):])) != bucket.checksum:
                return  # the template has changed since
            else:
                fault = "its code is cut short or changed"
        except Exception as error:  # pickle raises several kinds for a cut-short file
            bucket.reset()
            fault = f"unreadable bytecode ({type(error).__name__})"
        caches.damaged(path, fault, "compiling the template again")
        path.unlink(missing_ok=True)


def compiled_templates(env):
    """The Jinja environment, keeping the templates it compiles in the cache."""
    folder = CACHE / "jinja"
    folder.mkdir(parents=True, exist_ok=True)
    env.bytecode_cache = CheckedBytecodeCache(str(folder))
    return env


def _toc(items) -> list:
    return [[item.id, item.title, item.url, _toc(item.children)] for item in items]


def remember_search_entries() -> None:
    """Make Material's search plugin read a page's entries back when the page is unchanged.
    This replaces one method of its index (the plugin has no setting for it), once per process."""
    from material.plugins.search.plugin import SearchIndex

    index_page = SearchIndex.add_entry_from_context
    if getattr(index_page, "remembers", False):
        return
    material = metadata.version("mkdocs-material")

    def add_entry_from_context(self, page):
        before = len(self.entries)

        def make() -> str:
            index_page(self, page)
            return json.dumps(self.entries[before:], ensure_ascii=False)

        inputs = [material, json.dumps(self.config, sort_keys=True, default=str), page.url, str(page.title),
                  json.dumps(page.meta, sort_keys=True, default=str), json.dumps(_toc(page.toc)), page.content]
        entries = remembered("search", page.url, inputs, make)
        if len(self.entries) == before:  # read back, not made
            self.entries.extend(json.loads(entries))

    add_entry_from_context.remembers = True
    SearchIndex.add_entry_from_context = add_entry_from_context
