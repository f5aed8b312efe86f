"""Adding a chapter, for real: CONTRIBUTING.md's five steps followed in a copy of the book.

The copy gets a throwaway chapter 23 (a program, its test module, a Chinese and an English page
and one nav line), is built, and runs the tests that read chapters. The build and the tests must take
the chapter in everywhere it belongs (navigation, the contents table, its box, its downloads), and
the five paths must be the only ones that changed. The copy reuses this checkout's caches (runs,
screenshots, pieces of pages), so only the new program runs.
"""

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from book import CACHE_DIR
from conftest import REPO

pytestmark = pytest.mark.slow

PROGRAM = '''\
import torch

# --8<-- [start:double]
x = torch.tensor([1, 2, 3])
print(x * 2)
# --8<-- [end:double]
'''

TEST_MODULE = '''\
"""Chapter 23 · a throwaway chapter: the program doubles a tensor."""

from book.runner import run

NOTEBOOK_PRINTS = ["tensor([2, 4, 6])"]


def test_the_tensor_is_doubled():
    assert run("throwaway/double.py").output("double") == "tensor([2, 4, 6])\\n"
'''

PAGE = {
    "zh": '''\
---
description: "一个只为检验“新增一章”的步骤而写的临时章节：把张量乘以 2。"
episodes: [34]
notes: [23]
topics: "把张量乘以 2"
---

# 临时的一章 {{ #throwaway }}

!!! abstract

    **你会学到：** 怎样按 CONTRIBUTING.md 的五个步骤给本书加上一章，以及这一章在构建后会出现在哪里。

## 乘以 2 {{ #double }}

把张量里的每个数都乘以 2：

```python title="snippets/throwaway/double.py"
--8<-- "throwaway/double.py:double"
```

## 小结 {{ #summary }}

- 新的一章要改五处：程序、测试模块、中文页、英文页和 `mkdocs.yml` 里的一行。
- `x * 2` 把张量里的每个数都乘以 2，形状不变。
- 页面上的输出来自构建时运行 `snippets/throwaway/double.py`。
''',
    "en": '''\
---
description: "A throwaway chapter written only to check the steps of adding one: doubling a tensor."
episodes: [34]
notes: [23]
topics: "doubling a tensor"
---

# A throwaway chapter {{ #throwaway }}

!!! abstract

    **You will learn:** how the five steps of CONTRIBUTING.md add a chapter to the book, and where it shows up once built.

## Times two {{ #double }}

Every number of the tensor times two:

```python title="snippets/throwaway/double.py"
--8<-- "throwaway/double.py:double"
```

## Summary {{ #summary }}

- A new chapter takes five changes: the program, the test module, the Chinese page, the English page and a line in `mkdocs.yml`.
- `x * 2` multiplies every number of the tensor by 2 and keeps its shape.
- The output on the page comes from running `snippets/throwaway/double.py` during the build.
''',
}

ADDED = ["docs/en/throwaway.md", "docs/zh/throwaway.md", "mkdocs.yml", "snippets/throwaway/double.py",
         "tests/test_throwaway.py"]


def git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=True).stdout


def copy_of_the_book(target: Path) -> None:
    """The files of this checkout that git knows or would know (ignored ones left out), committed afresh."""
    names = git(REPO, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
    for name in filter(None, names):
        if (REPO / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, target / name)
    git(target, "init", "-q")
    git(target, "add", "-A")
    git(target, "-c", "user.name=book", "-c", "user.email=book@example.org", "commit", "-q", "-m", "the book")


def warm_cache(target: Path) -> None:
    """This checkout's run results, screenshots and pieces of pages (copied) and stand-in data (shared,
    read only), as a contributor's checkout has them."""
    target.mkdir()
    for kind in ("runs", "tensorboard", "build"):
        if (CACHE_DIR / kind).is_dir():
            shutil.copytree(CACHE_DIR / kind, target / kind, symlinks=True)  # a link stays a link
    if (CACHE_DIR / "standin-data").is_dir():
        (target / "standin-data").symlink_to(CACHE_DIR / "standin-data")


def add_the_chapter(book: Path) -> None:
    (book / "snippets" / "throwaway").mkdir()
    (book / "snippets" / "throwaway" / "double.py").write_text(PROGRAM, encoding="utf-8")
    (book / "tests" / "test_throwaway.py").write_text(TEST_MODULE, encoding="utf-8")
    for language, text in PAGE.items():
        (book / "docs" / language / "throwaway.md").write_text(text.format(), encoding="utf-8")
    config = book / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "      - reading-projects.md\n" in text
    config.write_text(text.replace("      - reading-projects.md\n", "      - reading-projects.md\n      - throwaway.md\n"),
                      encoding="utf-8")


def test_a_chapter_added_in_five_places_is_built_tested_and_listed(tmp_path):
    from bs4 import BeautifulSoup

    book, cache = tmp_path / "book", tmp_path / "cache"
    copy_of_the_book(book)
    warm_cache(cache)
    add_the_chapter(book)
    assert sorted(line[3:] for line in git(book, "status", "--porcelain", "--untracked-files=all").splitlines()) == ADDED

    # the copy's own machinery, pages and programs; this checkout's results where nothing changed
    env = dict(os.environ, PYTHONPATH=str(book), BOOK_CACHE_DIR=str(cache), NO_MKDOCS_2_WARNING="1")
    build = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
                           cwd=book, env=env, capture_output=True, text=True)
    assert build.returncode == 0, build.stdout + build.stderr
    ran = [entry.name for entry in (cache / "runs").iterdir() if entry.name.startswith("snippets_throwaway") and entry.is_dir()]
    assert len(ran) == 1, "the new program was not run"

    site = tmp_path / "site"
    for language, home, title in (("zh", "", "临时的一章"), ("en", "en/", "A throwaway chapter")):
        page = BeautifulSoup((site / home / "throwaway" / "index.html").read_text(encoding="utf-8"), "html.parser")
        assert page.h1.get_text().strip().rstrip("¶").strip() == title
        assert page.select_one(".run-output code").get_text().strip() == "tensor([2, 4, 6])"
        box = page.select_one("div.admonition.abstract")
        assert box.select_one(".admonition-title").get_text().strip() in ("本章对应视频 P34", "This chapter follows video P34")
        downloads = [a["href"] for a in box.select(".chapter-downloads a[download]")]
        assert [href.rsplit("/", 1)[-1] for href in downloads] == [
            f"throwaway.{language}.ipynb", f"throwaway.{language}.practice.ipynb", f"throwaway.{language}.py"]
        assert all((site / home / "throwaway" / href).resolve().is_file() for href in downloads)
        index = BeautifulSoup((site / home / "index.html").read_text(encoding="utf-8"), "html.parser")
        row = next(tr for tr in index.select("#contents ~ table tbody tr") if tr.a and "throwaway" in tr.a["href"])
        assert [td.get_text().strip() for td in row.find_all("td")][::2] == ["23", "P34"]
        assert any(a.get_text().strip() == title for a in page.select("nav.md-nav--primary a"))

    tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_throwaway.py",
                            "tests/test_pages.py", "tests/test_chapter_header.py", "tests/test_notebooks.py"],
                           cwd=book, env=env, capture_output=True, text=True)
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]
    assert "throwaway" in subprocess.run([sys.executable, "-m", "pytest", "-q", "--collect-only", "-p", "no:cacheprovider",
                                          "tests/test_chapter_header.py"], cwd=book, env=env, capture_output=True,
                                         text=True).stdout
    # building and testing wrote nothing into the book
    changed = sorted(line[3:] for line in git(book, "status", "--porcelain", "--untracked-files=all").splitlines())
    assert changed == ADDED, changed
