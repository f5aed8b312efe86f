"""The strict build: what the pages show is what the snippets print."""

import platform
import re

from book import runner
from conftest import LANGUAGES, PAGES, mkdocs_build, output_blocks, page_path, small_book, soup

CHAPTER_PAGES = ["/convolution/", "/en/convolution/"]


def built_blocks(site):
    return [block for language in LANGUAGES for name in PAGES for block in output_blocks(soup(site, page_path(language, name)))]


def same_text(shown, printed):
    """Markdown expands tabs and empties lines of only spaces; nothing else may differ."""
    def tidy(text):
        return re.sub(r"(?m)^[ \t]+$", "", text.expandtabs(4)).rstrip("\n")
    return tidy(shown) == tidy(printed)


def test_every_built_output_is_what_the_runner_recorded(site):
    blocks = built_blocks(site)
    assert len(blocks) >= 100, "expected the outputs of every chapter in both languages"
    for name, shown in blocks:
        snippet, _, section = name.partition(":")
        recorded = runner.run(runner.SNIPPETS / snippet).output(section or None)
        assert same_text(shown, recorded), f"{name} on the page differs from its recorded run"


# A fresh run of every snippet would double the suite's time; these cover plain output,
# an expected error and stand-in data.
FRESH = ["conv/functional_conv2d.py", "conv/conv2d_input_shape.py", "about_data/cifar10_samples.py"]


def test_built_outputs_equal_a_fresh_run_of_their_snippets(site):
    blocks = [(name, shown) for name, shown in built_blocks(site) if name.partition(":")[0] in FRESH]
    assert {name.partition(":")[0] for name, _ in blocks} == set(FRESH)
    fresh = {snippet: runner.run(runner.SNIPPETS / snippet, use_cache=False) for snippet in FRESH}
    for name, shown in blocks:
        snippet, _, section = name.partition(":")
        assert same_text(shown, fresh[snippet].output(section or None)), f"{name} on the page differs from a fresh run"


def test_both_languages_show_the_same_outputs(site):
    zh, en = (output_blocks(soup(site, page)) for page in CHAPTER_PAGES)
    assert zh and zh == en


def test_output_blocks_say_where_and_how_they_ran(site):
    zh, en = (soup(site, page).get_text() for page in CHAPTER_PAGES)
    # the versions that can change an output: the build's Python, torch and torchvision
    python = re.escape(platform.python_version())
    assert re.search(rf"运行于 CPU · Python {python} · torch 2\.14\.1 · torchvision 0\.29\.1 · 用时 \d+\.\d 秒", zh)
    assert re.search(rf"ran on CPU · Python {python} · torch 2\.14\.1 · torchvision 0\.29\.1 · \d+\.\d s", en)
    assert "输出（按预期报错）" in zh and "Output (stops with an error, as intended)" in en


def test_figures_are_published_with_the_pages(site):
    for page in CHAPTER_PAGES:
        sources = [img["src"] for img in soup(site, page).select("article img")]
        assert len(sources) == 2
        for source in sources:
            assert "run:" not in source
            assert (site / page.lstrip("/")).joinpath(source).resolve().is_file(), source


def test_formulas_are_mathml_made_by_the_build_and_no_page_loads_a_math_script(site):
    for path in CHAPTER_PAGES:
        page = soup(site, path)
        formulas = page.select(".arithmatex > math")
        assert len(formulas) == len(page.select(".arithmatex")) >= 5
        assert any(math.get("display") == "block" and "\\left\\lfloor" in math["alttext"] for math in formulas)
        assert "⌊" in page.select_one(".arithmatex > math[display=block]").get_text()
    for language in LANGUAGES:
        for name in PAGES:
            page = soup(site, page_path(language, name))
            assert not page.select('script[src*="katex"], script[src*="mathjax"], link[href*="katex"]'), name
            assert not re.search(r"\\\(|\\\[", " ".join(e.get_text() for e in page.select(".arithmatex"))), name


def test_language_switch_links_the_same_chapter(site):
    zh, en = (soup(site, page) for page in CHAPTER_PAGES)
    assert zh.select_one('a.md-select__link[hreflang="en"]')["href"] == "../en/convolution/"
    assert en.select_one('a.md-select__link[hreflang="zh"]')["href"] == "../../convolution/"


def test_a_failing_snippet_stops_the_build_and_writes_no_site(tmp_path):
    page = '---\ndescription: a page with a broken program\n---\n# Page\n\n```python title="broken.py"\n--8<-- "broken.py"\n```\n'
    config = small_book(tmp_path, {"zh/index.md": page, "en/index.md": page},
                        {"broken.py": "print('about to fail')\nraise ValueError('kernel too big')\n"})
    site_dir = tmp_path / "site"
    result = mkdocs_build(config, site_dir)
    assert result.returncode != 0
    report = result.stdout + result.stderr
    assert "A snippet failed, so the book was not built" in report
    assert "broken.py failed (exit code 1)" in report
    assert "ValueError: kernel too big" in report
    assert "used on: en/index.md, zh/index.md" in report or "used on: zh/index.md, en/index.md" in report
    assert not site_dir.exists()


def test_the_build_leaves_the_repository_as_it_was(site):
    from conftest import CHANGED_BY_THE_BUILD

    assert CHANGED_BY_THE_BUILD == [], "the build wrote into the repository"
