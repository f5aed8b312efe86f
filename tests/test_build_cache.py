"""Warm rebuilds reuse compiled templates, search entries and glossary links, and never stale ones."""

import json
import os
import subprocess
import sys
from pathlib import Path

import conftest
from book import build_cache


def test_remembered_makes_once_and_again_only_when_an_input_changes(tmp_path, monkeypatch):
    monkeypatch.setattr(build_cache, "CACHE", tmp_path)
    made = []

    def make(text):
        made.append(text)
        return text.upper()

    assert build_cache.remembered("demo", "zh/loss.md", ["a"], lambda: make("a")) == "A"
    assert build_cache.remembered("demo", "zh/loss.md", ["a"], lambda: make("a")) == "A"
    assert made == ["a"]
    assert build_cache.remembered("demo", "zh/loss.md", ["b"], lambda: make("b")) == "B"
    assert made == ["a", "b"]
    # one entry per page: the old one is gone, another page's is kept
    build_cache.remembered("demo", "zh/optimizer.md", ["a"], lambda: "x")
    assert sorted(p.name.split(".")[0] for p in (tmp_path / "demo").iterdir()) == ["zh_loss", "zh_optimizer"]
    # inputs are told apart even where their concatenation is the same
    assert build_cache.remembered("demo", "p", ["ab", "c"], lambda: "1") == "1"
    assert build_cache.remembered("demo", "p", ["a", "bc"], lambda: "2") == "2"


BUILD = """
import sys, jieba
from mkdocs.commands.build import build
from mkdocs.config import load_config
build(load_config(sys.argv[1]))
print("jieba loaded:", jieba.dt.initialized)
"""


def small_book(folder: Path, text: str) -> Path:
    """A book of one page in each language; `text` goes on the Chinese one."""
    return conftest.small_book(folder, {"zh/index.md": f"# 卷积\n\n## 卷积操作\n\n{text}\n",
                                        "en/index.md": "# Convolution\n\nThe kernel slides.\n"})


def build(config: Path) -> tuple[dict, str]:
    env = dict(os.environ, BOOK_CACHE_DIR=str(config.parent / "cache"), NO_MKDOCS_2_WARNING="1")
    result = subprocess.run([sys.executable, "-c", BUILD, str(config)], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    index = json.loads((config.parent / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    return index, result.stdout


def words(index: dict) -> str:
    return "".join(doc["text"] for doc in index["docs"]).replace("\u200b", "")


def test_a_warm_build_reads_search_entries_back_and_an_edit_is_indexed_again(tmp_path):
    config = small_book(tmp_path, "卷积核在输入图像上滑动。")
    cold, said = build(config)
    assert "jieba loaded: True" in said
    assert "卷积核在输入图像上滑动" in words(cold)
    assert list((tmp_path / "cache" / "build" / "jinja").iterdir()), "no compiled templates were kept"

    warm, said = build(config)
    assert warm == cold
    assert "jieba loaded: False" in said, "an unchanged page was indexed again"

    small_book(tmp_path, "池化层保留最大值。")
    edited, said = build(config)
    assert "jieba loaded: True" in said
    assert "池化层保留最大值" in words(edited) and "卷积核" not in words(edited)
