"""The cache can be damaged in any way without changing the site, and it does not grow with edits.

A small chapter book (a printed output, a figure, a TensorBoard screenshot, a glossary term, the
chapter's notebook) is built once with an empty cache of its own. Then the entries of every cache in
book/caches.py are damaged in each of the ways listed there and the book is built again: the build
must succeed, say once for each damaged entry that it was damaged, and publish the same site as the
cold build (run times masked: a program that runs again takes another few milliseconds).

Damaged runs make their programs run again, which changes every later entry's inputs (the run time
is on the page), so runs and stand-in data are damaged in one build, everything else in another.
"""

import gzip
import json
import re
from pathlib import Path

import pytest

from book.caches import CACHES, FILE_DAMAGES, RUN_DAMAGES, shown
from conftest import mkdocs_build, small_book

pytestmark = pytest.mark.slow

PROGRAMS = {
    "demo/printing.py": "import torch\n\n# --8<-- [start:sum]\nx = torch.ones(2, 3)\nprint(x.sum(dim=0))\n"
                        "# --8<-- [end:sum]\n",
    "demo/figure.py": "from PIL import Image\n\nImage.new('RGB', (48, 32), (200, 90, 30)).save('figure.png')\n"
                      "print('saved figure.png')\n",
    "demo/board.py": "from torch.utils.tensorboard import SummaryWriter\n\nwriter = SummaryWriter('logs')\n"
                     "for step in range(5):\n    writer.add_scalar('y', 2 * step, step)\nwriter.close()\n",
}

CHAPTER = """---
description: {description}
episodes: [1]
---

# {title} {{ #demo }}

!!! abstract

    {abstract}

## {heading} {{ #sum }}

```python title="snippets/demo/printing.py"
--8<-- "demo/printing.py:sum"
```

![figure](run:demo/figure.py/figure.png)

![TensorBoard](run:demo/board.py/tensorboard/scalars?tag=y)
"""

PAGES = {
    "zh/index.md": "# 首页\n\n张量是本书的主角。\n",
    "en/index.md": "# Home\n\nThe tensor is this book's hero.\n",
    "zh/demo.md": CHAPTER.format(description="一章", title="演示", abstract="**你会学到：** 张量的和。", heading="求和"),
    "en/demo.md": CHAPTER.format(description="A chapter", title="Demo", abstract="**You will learn:** a tensor's sum.",
                                 heading="Sum"),
    "zh/glossary.md": "# 术语表\n\n<!-- glossary-table -->\n",
    "en/glossary.md": "# Glossary\n\n<!-- glossary-table -->\n",
}

GLOSSARY = """- id: tensor
  zh: 张量
  en: tensor
  zh_explanation: 装着数字的多维数组。
  en_explanation: A multi-dimensional array of numbers.
"""

JUPYTER = "  - mkdocs-jupyter: {include: ['*.ipynb'], execute: false, cache: false, include_requirejs: false}\n"
SECONDS = re.compile(r"\d+\.\d(?=[ \u200b]*(?:秒|s\b))")  # jieba puts a zero-width space before 秒 in the search index


def make_book(folder: Path) -> Path:
    config = small_book(folder, PAGES, PROGRAMS, plugin="glossary: glossary.yml")
    (folder / "glossary.yml").write_text(GLOSSARY, encoding="utf-8")
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  - book:", JUPYTER + "  - book:"), encoding="utf-8")
    return config


def build(book: dict, name: str) -> tuple[Path, str]:
    site = book["folder"] / name
    result = mkdocs_build(book["config"], site, BOOK_CACHE_DIR=str(book["cache"]))
    said = result.stdout + result.stderr
    assert result.returncode == 0, said[-6000:]
    assert not (book["folder"] / ".cache").exists(), "mkdocs-jupyter (or another plugin) wrote a cache of its own"
    return site, said


def snapshot(site: Path) -> dict[str, str | bytes]:
    """Every file of a site: text with run times masked (search index, pages, notebooks), other files as bytes."""
    found = {}
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        if path.suffix == ".json":  # the search index escapes every Chinese character
            data = json.dumps(json.loads(data), ensure_ascii=False, sort_keys=True).encode()
        if path.suffix in (".html", ".json", ".ipynb", ".py", ".xml", ".gz"):
            found[path.relative_to(site).as_posix()] = SECONDS.sub("#", data.decode("utf-8"))
        else:
            found[path.relative_to(site).as_posix()] = data
    return found


def entry_counts(cache: Path) -> dict[str, int]:
    return {item.folder: len([p for pattern in item.entries for p in (cache / item.folder).glob(pattern)])
            for item in CACHES if item.entries and item.named != "cache"}


def size(cache: Path) -> int:
    return sum(p.stat().st_size for p in cache.rglob("*") if p.is_file() and not p.is_symlink())


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    """The small book, built cold; the cold site's snapshot and the cache's size and entry counts after it."""
    folder = tmp_path_factory.mktemp("cached-book")
    book = {"folder": folder, "config": make_book(folder), "cache": folder / "cache"}
    site, _ = build(book, "cold")
    book.update(site=snapshot(site), counts=entry_counts(book["cache"]), size=size(book["cache"]))
    assert all(book["counts"][item] for item in ("runs", "build/search", "build/glossary", "build/notebooks",
                                                 "build/notebook-pages", "build/jinja", "tensorboard"))
    assert any(name.startswith("assets/runs/") and name.endswith(".png") for name in book["site"])
    return book


def damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    path.write_bytes({"empty file": b"", "{}": b"{}", "[]": b"[]", "null": b"null",
                      "garbage bytes": bytes(range(256)) * 3, "truncated": data[:len(data) // 2]}[how])


def damage_run(entry: Path, how: str) -> None:
    """A damage of runs alone: what the record says, or the files it lists."""
    files = sorted(p for p in (entry / "files").rglob("*") if p.is_file() and not p.is_symlink())
    if how == "empty chunks":
        record = json.loads((entry / "run.json").read_text(encoding="utf-8"))
        (entry / "run.json").write_text(json.dumps(dict(record, chunks=[])), encoding="utf-8")
    elif how == "0-byte figure":
        next(p for p in files if p.suffix == ".png").write_bytes(b"")
    else:
        files[0].unlink()


def damage_entries(cache: Path, folders: set[str], how: str) -> set[Path]:
    """Damage every entry of these caches; the paths the build must report."""
    reported = set()
    for item in CACHES:
        if item.folder not in folders or how not in item.damages:
            continue
        damaged = [path for pattern in item.entries for path in sorted((cache / item.folder).glob(pattern))]
        assert damaged, f"no entries in {item.folder} to damage"
        for path in damaged:
            damage(path, how)
            if item.reports:
                reported.add({"file": path, "folder": path.parent, "cache": cache / item.folder}[item.named])
    return reported


def assert_reported_once(said: str, entries: set[Path]) -> None:
    lines = [line for line in said.splitlines() if " is damaged (" in line]
    for entry in entries:
        naming = [line for line in lines if f"Cache entry {shown(entry)} is damaged (" in line]
        assert len(naming) == 1, f"{shown(entry)}: {len(naming)} log lines name it:\n" + "\n".join(lines)
    assert len(lines) == len(entries), "\n".join(lines)


def assert_same_site(book: dict, site: Path) -> None:
    rebuilt = snapshot(site)
    differing = sorted(name for name in book["site"].keys() | rebuilt.keys() if book["site"].get(name) != rebuilt.get(name))
    assert not differing, f"the site differs from the cold build in: {', '.join(differing)}"


RUNS_AND_DATA = {"runs", "standin-data"}
THE_REST = {item.folder for item in CACHES} - RUNS_AND_DATA


@pytest.mark.parametrize("folders", [RUNS_AND_DATA, THE_REST], ids=["runs and stand-in data", "build caches"])
@pytest.mark.parametrize("how", FILE_DAMAGES)
def test_a_damaged_entry_is_reported_once_made_again_and_the_site_is_the_same(book, folders, how):
    reported = damage_entries(book["cache"], folders, how)
    site, said = build(book, f"{how}-{len(folders)}".replace(" ", "-"))
    assert_reported_once(said, reported)
    assert_same_site(book, site)


def test_a_run_whose_output_or_files_were_changed_runs_again(book):
    entries = sorted((book["cache"] / "runs").glob("*-*"))
    by_program = {program: next(e for e in entries if Path(program).name in e.name) for program in PROGRAMS}
    for program, how in zip(["demo/printing.py", "demo/figure.py", "demo/board.py"], RUN_DAMAGES):
        damage_run(by_program[program], how)
    site, said = build(book, "run-damages")
    assert_reported_once(said, set(by_program.values()))
    assert_same_site(book, site)


def test_every_folder_under_the_cache_is_in_the_registry(book):
    registered = {Path(item.folder) for item in CACHES}
    for path in book["cache"].rglob("*"):
        inside = path.relative_to(book["cache"])
        assert any(inside == folder or inside.is_relative_to(folder) or (path.is_dir() and folder.is_relative_to(inside))
                   for folder in registered), f"{inside} is not in book/caches.py's CACHES"


def test_ten_edits_leave_the_cache_the_size_of_one_build(book):
    program = book["folder"] / "snippets" / "demo" / "board.py"
    original = program.read_text(encoding="utf-8")
    try:
        for edit in range(1, 11):
            program.write_text(original + "".join(f"# edit {n}\n" for n in range(1, edit + 1)), encoding="utf-8")
            build(book, f"edit-{edit}")
            assert entry_counts(book["cache"]) == book["counts"], f"after edit {edit}"
        after = size(book["cache"])
        print(f"\ncache after the cold build: {book['size']} bytes; after ten edits of board.py: {after} bytes; "
              f"entries: {book['counts']}")
        assert after <= book["size"] * 1.05
    finally:
        program.write_text(original, encoding="utf-8")


def test_entries_of_deleted_pages_and_programs_are_removed(book):
    """Runs last: it changes the book."""
    docs = book["folder"] / "docs"
    for language in ("zh", "en"):
        (docs / language / "extra.md").write_text("# Extra\n\nA page that is deleted again.\n", encoding="utf-8")
    build(book, "with-extra-page")
    assert entry_counts(book["cache"])["build/search"] > book["counts"]["build/search"]

    for language in ("zh", "en"):
        (docs / language / "extra.md").unlink()
        chapter = docs / language / "demo.md"
        chapter.write_text(chapter.read_text(encoding="utf-8").replace("![figure](run:demo/figure.py/figure.png)\n", ""),
                           encoding="utf-8")
    (book["folder"] / "snippets" / "demo" / "figure.py").unlink()
    build(book, "without-extra-page-and-figure")
    assert entry_counts(book["cache"]) == dict(book["counts"], runs=book["counts"]["runs"] - 1)
    assert not any("figure.py" in entry.name for entry in (book["cache"] / "runs").iterdir())
