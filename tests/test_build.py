"""The strict build: what the pages show is what the snippets print."""

import re
import textwrap

from book import runner
from conftest import REPO, mkdocs_build, output_blocks

CHAPTER_PAGES = ["convolution/index.html", "en/convolution/index.html"]


def built_blocks(site):
    return [block for page in sorted(site.rglob("*.html")) for block in output_blocks(page)]


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
    zh, en = (output_blocks(site / page) for page in CHAPTER_PAGES)
    assert zh and zh == en


def test_output_blocks_say_where_and_how_they_ran(site):
    zh = (site / CHAPTER_PAGES[0]).read_text(encoding="utf-8")
    en = (site / CHAPTER_PAGES[1]).read_text(encoding="utf-8")
    assert re.search(r"运行于 CPU · torch 2\.14\.1 · 用时 \d+\.\d 秒", zh)
    assert re.search(r"ran on CPU · torch 2\.14\.1 · \d+\.\d s", en)
    assert ">输出（按预期报错）<" in zh and ">Output (stops with an error, as intended)<" in en


def test_figures_are_published_with_the_pages(site):
    for page in CHAPTER_PAGES:
        html = (site / page).read_text(encoding="utf-8")
        sources = re.findall(r'<img[^>]+src="([^"]+)"', html)
        assert len(sources) == 2
        for source in sources:
            assert "run:" not in source
            assert (site / page).parent.joinpath(source).resolve().is_file(), source


def test_formulas_are_marked_for_katex_served_by_the_site(site):
    html = (site / CHAPTER_PAGES[0]).read_text(encoding="utf-8")
    assert 'class="arithmatex"' in html and r"\left\lfloor" in html
    assert (site / "assets/katex/katex.min.js").stat().st_size > 100_000
    assert "//cdn" not in html and "unpkg.com" not in html and "fonts.googleapis" not in html


def test_language_switch_links_the_same_chapter(site):
    zh = (site / CHAPTER_PAGES[0]).read_text(encoding="utf-8")
    en = (site / CHAPTER_PAGES[1]).read_text(encoding="utf-8")
    assert '<a href="../en/convolution/" hreflang="en" class="md-select__link">' in zh
    assert '<a href="../../convolution/" hreflang="zh" class="md-select__link">' in en


def test_a_failing_snippet_stops_the_build_and_writes_no_site(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "broken.py").write_text("print('about to fail')\nraise ValueError('kernel too big')\n")
    (tmp_path / "docs" / "index.md").write_text('# Page\n\n```python title="broken.py"\n--8<-- "broken.py"\n```\n')
    (tmp_path / "mkdocs.yml").write_text(textwrap.dedent(f"""
        site_name: broken
        hooks: ["{REPO / 'book' / 'mkdocs_hooks.py'}"]
        markdown_extensions:
          - pymdownx.superfences
          - pymdownx.snippets:
              base_path: ["{tmp_path / 'snippets'}"]
              check_paths: true
    """))
    site_dir = tmp_path / "site"
    result = mkdocs_build(tmp_path / "mkdocs.yml", site_dir)
    assert result.returncode != 0
    report = result.stdout + result.stderr
    assert "A snippet failed, so the book was not built" in report
    assert "broken.py failed (exit code 1)" in report
    assert "ValueError: kernel too big" in report
    assert "used on: index.md" in report
    assert not site_dir.exists()
