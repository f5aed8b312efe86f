"""Small things readers meet on every page: the video link, the home page's headings, copied code,
the language switch that keeps the section, the glossary on a phone."""

import re
from urllib.parse import urlsplit

import pytest

from book import outputs
from conftest import CHAPTERS, EDITIONS, LANGUAGES, REPO, page_path, soup

COURSE_VIDEO = re.search(r"bilibili\.com/video/(BV\w+)", (REPO / "README.md").read_text(encoding="utf-8")).group(1)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_chapter_box_links_each_episode_to_the_video_on_bilibili(site, language):
    for chapter in CHAPTERS:
        title = soup(site, page_path(language, chapter)).select_one(".admonition.abstract > .admonition-title")
        first, last = EDITIONS[language][chapter].episodes
        links = {a.get_text(): a["href"] for a in title.find_all("a")}
        wanted = {f"P{n}": f"https://www.bilibili.com/video/{COURSE_VIDEO}?p={n}" for n in {first, last}}
        assert links == wanted, f"{language}/{chapter}: the box links {links}, not {wanted}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_home_page_does_not_show_the_table_of_contents_title_twice(site, language):
    home = soup(site, page_path(language, "index"))
    toc_title = home.select_one(".md-nav--secondary > label.md-nav__title").get_text().strip()
    headings = [h.get_text().strip().rstrip("¶").strip() for h in home.article.select("h2, h3")]
    assert toc_title not in headings, f"the home page has a heading {toc_title!r}, the title of its table of contents"


def code_text(pre) -> str:
    return pre.code.get_text()


def test_code_with_annotation_markers_is_copied_without_trailing_spaces(site):
    seen = 0
    for language in LANGUAGES:
        for name in ("maxpool", "optimizer", "conv-layer"):
            page = soup(site, page_path(language, name))
            for pre in page.select("div.highlight pre"):
                shown = code_text(pre)
                if not re.search(r"#\s*\(\d+\)!", shown):
                    continue
                seen += 1
                copied = pre.get("data-copy")
                assert copied is not None, f"{language}/{name}: a code block with annotation markers has no copy text"
                assert not re.search(r"[ \t]$", copied, re.MULTILINE), f"{language}/{name}: a copied line ends in spaces"
                assert copied == re.sub(r"[ \t]*#\s*\(\d+\)!", "", shown).rstrip("\n")
    assert seen >= 3, "no page shows code with annotation markers any more"


def test_the_copy_text_leaves_code_without_markers_alone():
    plain = '<pre><span></span><code>x = 1  # a comment\n</code></pre>'
    assert outputs.copy_text_without_markers(plain) == plain
    marked = '<pre><span></span><code><span class="n">x</span> = 1  <span class="c1"># (1)!</span>\ny = 2\n</code></pre>'
    assert 'data-copy="x = 1\ny = 2"' in outputs.copy_text_without_markers(marked)


# ---------------------------------------------------------------- in the browser (make check)


@pytest.mark.slow
@pytest.mark.parametrize("start, other", [("/convolution/#stride", "/en/convolution/#stride"),
                                          ("/en/loss/", "/loss/")])
def test_the_language_switch_keeps_the_section_the_reader_is_on(page, base_url, start, other):
    page.goto(base_url + start)
    if "#" not in start:  # scrolled down to a section rather than led there by a link
        section = page.locator(".md-content h2[id]").nth(2)
        for _ in range(2):  # pictures scrolled past load lazily and move the page: scroll to it again
            page.evaluate("id => document.getElementById(id).scrollIntoView()", section.get_attribute("id"))
            page.wait_for_load_state("networkidle")
        other += "#" + section.get_attribute("id")
    else:  # the pictures above have loaded and moved the page: still the section the link led to
        page.wait_for_load_state("networkidle")
        page.evaluate("() => window.scrollBy(0, 40)")
    page.locator(".md-header__option .md-select").hover()
    page.locator(f'.md-select__link[hreflang="{"en" if other.startswith("/en/") else "zh"}"]').click()
    page.wait_for_url(base_url + other)
    assert urlsplit(page.url).fragment == other.split("#")[1]


@pytest.mark.slow
@pytest.mark.parametrize("path", ["/glossary/", "/en/glossary/"])
def test_the_glossary_fits_a_phone_screen(browser, base_url, path):
    phone = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        phone.goto(base_url + path)
        widths = phone.evaluate("""() => ({page: document.documentElement.scrollWidth,
            window: document.documentElement.clientWidth,
            table: Math.max(...[...document.querySelectorAll('article table, article .md-typeset__scrollwrap')]
                                .map(t => t.scrollWidth - t.clientWidth))})""")
        assert widths["page"] <= widths["window"], f"{path}: the page scrolls sideways on a phone: {widths}"
        # Material wraps a table in a box that scrolls sideways by itself: the page does not, the table does
        assert widths["table"] <= 0, f"{path}: the table scrolls sideways on a phone: {widths}"
    finally:
        phone.close()
