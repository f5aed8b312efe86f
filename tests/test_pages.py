"""The two editions: the same pages, the same code, the same anchors."""

import re
from pathlib import Path

import pytest
import yaml

from book.mkdocs_hooks import FENCE, fenced_includes

DOCS = Path(__file__).resolve().parent.parent / "docs"
ZH, EN = DOCS / "zh", DOCS / "en"
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
ANCHOR = re.compile(r"\{\s*#([\w-]+)\s*\}$")


def pages(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.md"))


def outside_fences(text):
    fence = None
    for line in text.split("\n"):
        match = FENCE.match(line)
        if match and (fence is None or match.group(2).startswith(fence)):
            fence = match.group(2) if fence is None else None
            continue
        if fence is None:
            yield line


def headings(text):
    return [HEADING.match(line).group(2) for line in outside_fences(text) if HEADING.match(line)]


def includes(text):
    return [item for _, found in fenced_includes(text) for item in found]


def figures(text):
    return re.findall(r"\(run:([^)]+)\)", text)


def test_every_page_exists_in_both_languages():
    assert pages(ZH), "no Chinese pages"
    assert pages(ZH) == pages(EN)


@pytest.mark.parametrize("page", pages(ZH))
def test_both_editions_include_the_same_code_and_figures(page):
    zh, en = (ZH / page).read_text(encoding="utf-8"), (EN / page).read_text(encoding="utf-8")
    assert includes(zh) == includes(en)
    assert figures(zh) == figures(en)


@pytest.mark.parametrize("page", pages(ZH))
def test_headings_have_explicit_anchors_shared_by_both_editions(page):
    anchors = {}
    for language, root in (("zh", ZH), ("en", EN)):
        found = headings((root / page).read_text(encoding="utf-8"))
        missing = [h for h in found if not ANCHOR.search(h)]
        assert not missing, f"{language}/{page}: headings without an explicit {{ #id }}: {missing}"
        anchors[language] = [ANCHOR.search(h).group(1) for h in found]
    assert anchors["zh"] == anchors["en"]


@pytest.mark.parametrize("path", [f"{lang}/{p}" for lang in ("zh", "en") for p in pages(ZH)])
def test_included_code_is_not_collected_as_an_inline_block(path):
    # pytest-codeblocks runs fences whose info string is exactly "python" and does not
    # expand includes: an include must sit in a fence with a title.
    text = (DOCS / path).read_text(encoding="utf-8")
    lines = text.split("\n")
    for close, _ in fenced_includes(text):
        opening = next(lines[i] for i in range(close - 1, -1, -1) if FENCE.match(lines[i]))
        assert FENCE.match(opening).group(3).strip() != "python", f"{path}: add a title to the fence before line {close}"


def test_every_page_is_in_the_nav():
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    config = yaml.load((DOCS.parent / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)

    def walk(items):
        for item in items:
            value = next(iter(item.values())) if isinstance(item, dict) else item
            yield from walk(value) if isinstance(value, list) else [value]

    assert sorted(walk(config["nav"])) == pages(ZH)


def test_fenced_includes_handles_nesting_and_longer_fences():
    text = "\n".join([
        "```python title=\"a.py\"",
        '--8<-- "ch/a.py:one"',
        "```",
        "!!! note",
        "",
        "    ````python title=\"b.py\"",
        '    --8<-- "ch/b.py"',
        "    ```",
        "    ````",
        "```text",
        '--8<-- "not/python.txt"',
        "```",
    ])
    assert list(fenced_includes(text)) == [(2, [("ch/a.py", "one")]), (8, [("ch/b.py", None)])]


@pytest.mark.parametrize("path", [f"{lang}/{p}" for lang in ("zh", "en") for p in pages(ZH)])
def test_front_matter_parses_and_describes_the_page(path):
    text = (DOCS / path).read_text(encoding="utf-8")
    match = re.match(r"---\n(.*?)\n---\n", text, re.DOTALL)
    assert match, f"{path}: no front matter"
    meta = yaml.safe_load(match.group(1))
    assert isinstance(meta, dict) and isinstance(meta.get("description"), str) and len(meta["description"]) > 20, \
        f"{path}: front matter must be YAML with a description (quote values that contain ': ')"


def test_chinese_paragraph_lines_are_joined_without_a_space_but_code_is_not():
    from book.mkdocs_hooks import join_cjk_lines

    text = "第一行，\n第二行`code`。\n\n- 列表，\n- 第二项\n\n```python\n中文，\n中文\n```\n    缩进，\n    继续\nEnglish line\n中文"
    assert join_cjk_lines(text) == (
        "第一行，第二行`code`。\n\n- 列表，\n- 第二项\n\n```python\n中文，\n中文\n```\n    缩进，继续\nEnglish line\n中文"
    )
