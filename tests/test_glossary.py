"""The glossary: one data file, used alike by both editions, with a hint on each term's first use."""

import re
from functools import cache

import pytest
import yaml
from bs4 import Comment

from book import pages
from book.glossary import GLOSSARY_FILE, GlossaryError, Matcher, load, mark_first_uses
from book.outputs import join_cjk_lines
from conftest import DOCS, EDITIONS, LANGUAGES, html_file, page_path, soup

PAGES = sorted(f"{name}.md" for name in EDITIONS["zh"])

# Where the editions differ on purpose: (page, term id) -> why.
DELIBERATE = {
    ("sequential.md", "padding"): "the zh heading names the parameter itself (padding 为什么是 2); the en heading says padding",
}


@cache
def terms():
    return load(GLOSSARY_FILE, EDITIONS)


@cache
def matcher(language):
    return Matcher(terms(), language)


def prose(markdown: str, language: str) -> str:
    """What a reader reads on a page: no front matter, code, math, link targets or link text."""
    page = pages.parse(join_cjk_lines(markdown) if language == "zh" else markdown, f"{language}/page.md")
    text = "\n".join(line for _, line in page.outside_code())
    text = re.sub(r"(`+)(?!`).+?(?<!`)\1(?!`)", " ", text, flags=re.DOTALL)
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.DOTALL)
    text = re.sub(r"\$\$.*?\$\$|\$[^$\n]+\$", " ", text, flags=re.DOTALL)
    text = re.sub(r"!?\[[^\]]*\]\([^)]*\)", " ", text)
    text = re.sub(r"\{\s*[#.][^}]*\}", " ", text)
    return re.sub(r"https?://\S+", " ", text)


def used_terms(page: str, language: str) -> dict[str, str]:
    """term id -> the first word on the page that stands for it."""
    text = prose((DOCS / language / page).read_text(encoding="utf-8"), language)
    found = {}
    for start, end, term in matcher(language).finditer(text):
        found.setdefault(term.id, text[start:end])
    return found


# --- The data file ----------------------------------------------------------------------


def test_the_data_file_has_every_text_for_every_entry():
    raw = yaml.safe_load(GLOSSARY_FILE.read_text(encoding="utf-8"))
    for entry in raw:
        for field in ("zh", "en", "zh_explanation", "en_explanation"):
            assert isinstance(entry.get(field), str) and entry[field].strip(), f"{entry.get('id')}: no {field}"
    assert 30 <= len(terms()) <= 60, len(terms())
    for language in LANGUAGES:
        names = [t.name(language).lower() for t in terms()]
        assert len(names) == len(set(names)), f"a {language} term is listed twice"
    assert len({t.id for t in terms()}) == len(terms())


def test_every_chapter_link_points_at_a_page_of_both_editions():
    for term in terms():
        assert term.chapter, f"{term.id}: which chapter introduces it?"
        for language in LANGUAGES:
            page = EDITIONS[language].get(term.chapter_page.removesuffix(".md"))
            assert page, f"{term.id}: {language}/{term.chapter_page} does not exist"
            anchor = term.chapter.partition("#")[2]
            assert anchor in page.anchors(), f"{term.id}: {language}/{term.chapter_page} has no #{anchor}"


def _entry(entry_id, text):
    start = text.index(f"- id: {entry_id}\n")
    end = text.find("\n- id:", start + 1)
    return start, (len(text) if end < 0 else end + 1)


def _broken(text, entry_id, old, new):
    start, end = _entry(entry_id, text)
    block = text[start:end]
    assert old in block, f"{old!r} is not in entry {entry_id}"
    return text[:start] + block.replace(old, new, 1) + text[end:]


@pytest.mark.parametrize("entry_id, old, new, message", [
    ("kernel", "  en: kernel\n", "", "'en' is missing"),
    ("kernel", "  zh_explanation: ", "  zh_explanation_typo: ", "unknown fields"),
    ("stride", "  zh: 步长\n", "  zh: 卷积核\n", "already used by entry 'kernel'"),
    ("stride", "  en: stride\n", "  en: Kernel\n", "already used by entry 'kernel'"),
    ("padding", "convolution.md#padding", "no-such-page.md#padding", "has no page"),
    ("padding", "convolution.md#padding", "convolution.md#no-such-anchor", "no heading with { #no-such-anchor }"),
    ("loss", "which training tries to make smaller.", "and training makes it smaller. It is a number.", "one sentence"),
    ("loss", "训练的目标就是让它变小。", "训练让它变小。它是一个数。", "one sentence"),
    ("epoch", "not_in: [轮廓]", "not_in: [齿廓]", "does not contain the term"),
    ("gpu", "  en_also: [graphics card]\n", "  en_also: [graphics <card>]\n", "may only hold letters"),
])
def test_a_malformed_entry_stops_with_a_message_naming_it(tmp_path, entry_id, old, new, message):
    broken = tmp_path / "glossary.yml"
    broken.write_text(_broken(GLOSSARY_FILE.read_text(encoding="utf-8"), entry_id, old, new), encoding="utf-8")
    with pytest.raises(GlossaryError) as error:
        load(broken, EDITIONS)
    assert message in str(error.value)
    assert f"({entry_id})" in str(error.value) or f"'{entry_id}'" in str(error.value)


# --- Both editions use the same terms ---------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_both_editions_use_the_same_terms(name):
    zh, en = used_terms(name, "zh"), used_terms(name, "en")
    names = {t.id: t for t in terms()}
    problems = [f"zh says {zh[i]!r}, en never says {names[i].en!r}" for i in sorted(zh.keys() - en.keys())
                if (name, i) not in DELIBERATE]
    problems += [f"en says {en[i]!r}, zh never says {names[i].zh!r}" for i in sorted(en.keys() - zh.keys())
                 if (name, i) not in DELIBERATE]
    assert not problems, f"{name}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("name, term_id", sorted(DELIBERATE))
def test_each_deliberate_difference_is_still_there(name, term_id):
    assert (term_id in used_terms(name, "zh")) != (term_id in used_terms(name, "en")), \
        f"{name}: both editions now agree on {term_id}; remove it from DELIBERATE"


def test_the_checks_read_prose_not_code_math_or_links():
    text = (
        "---\ndescription: 卷积\n---\n# 步长 { #stride }\n卷积核在`池化`上，"
        "[最大池化](maxpool.md)和 $\\text{padding}$。\n```python\n通道 = 1\n```\n"
    )
    assert set(Matcher(terms(), "zh").used(prose(text, "zh"))) == {"stride", "kernel"}


# --- Marking the first use --------------------------------------------------------------


def mark(html, language="zh"):
    return mark_first_uses(html, matcher(language), "../glossary/")


def test_longest_term_wins_and_a_term_inside_a_longer_one_is_not_marked():
    html, marked = mark("<p>最大池化之后再池化；卷积核不是卷积。</p>")
    assert marked == ["max-pooling", "pooling", "kernel", "convolution"]
    assert 'data-term="max-pooling">最大池化</a>之后再<a' in html
    assert 'data-term="kernel">卷积核</a>' in html


def test_only_the_first_use_is_marked():
    html, marked = mark("<p>张量，张量。</p><p>还是张量。</p>")
    assert marked == ["tensor"] and html.count("glossary-term") == 1
    assert html.startswith('<p><a class="glossary-term" href="../glossary/#tensor"')


@pytest.mark.parametrize("html", [
    "<pre><code>卷积核</code></pre>",
    "<p><code>卷积核</code></p>",
    '<h2 id="x">卷积核<a class="headerlink" href="#x">¶</a></h2>',
    '<p><a href="conv.md">卷积核</a></p>',
    '<div class="admonition note"><p class="admonition-title">卷积核</p></div>',
    "<table><tr><td>卷积核</td></tr></table>",
    '<p><span class="arithmatex">\\(卷积核\\)</span></p>',
    '<div class="highlight"><span class="filename">卷积核.py</span></div>',
    "<script>var a = '卷积核 <p>';</script>",
    '<p><img alt="卷积核" src="x.png"></p>',
])
def test_code_headings_links_tables_and_attributes_are_left_alone(html):
    assert mark(html) == (html, [])


def test_marking_resumes_after_a_skipped_element():
    html, marked = mark("<h2>卷积核</h2><p><code>卷积核</code>是一个卷积核</p>")
    assert marked == ["kernel"]
    assert html.endswith('是一个<a class="glossary-term" href="../glossary/#kernel" '
                         'title="kernel：卷积时在输入上滑动的一小块权重（比如 3×3），卷积层在训练中学出它的数值。" '
                         'data-term="kernel">卷积核</a></p>')


def test_english_matches_whole_words_any_case_and_plurals():
    html, marked = mark("<p>TensorBoard, BatchNorm and batch_size are not terms; Loss Functions and batches are.</p>", "en")
    assert marked == ["loss-function", "batch"]
    assert ">Loss Functions</a>" in html and ">batches</a>" in html
    assert 'title="损失函数: A function that measures' in html


def test_words_that_only_contain_a_term_are_skipped():
    assert mark("<p>只剩下一个模糊的轮廓。</p>") == ("<p>只剩下一个模糊的轮廓。</p>", [])
    html, marked = mark("<p>the pooling kernel of max pooling, then a kernel</p>", "en")
    assert marked == ["max-pooling", "kernel"] and "the pooling kernel of" in html


def test_another_spelling_names_the_main_term_in_the_hint():
    html, _ = mark("<p>全连接层是什么</p>")
    assert 'title="线性层 · linear layer：' in html


# --- The built book ---------------------------------------------------------------------

# Not ordinary prose: code, headings, links, tables, titles, math, the theme's page footer.
SKIPPED = {"pre", "code", "kbd", "samp", "a", "abbr", "button", "label", "summary", "dt", "figcaption", "table",
           "h1", "h2", "h3", "h4", "h5", "h6", "script", "style", "svg", "aside"}
SKIPPED_CLASSES = {"admonition-title", "arithmatex", "filename", "run-output__meta"}


def article(site, path) -> list[tuple[str, bool, str | None]]:
    """Text of a built page's article in reading order: (text, skipped?, term id when inside a hint link)."""
    pieces = []
    for text in soup(site, path).article.find_all(string=True):
        if isinstance(text, Comment):
            continue
        skip, hint = False, None
        for parent in text.parents:
            if parent.name == "article":
                break
            classes = set(parent.get("class") or [])
            if "glossary-term" in classes:
                hint = hint or parent.get("data-term")
            elif parent.name in SKIPPED or classes & SKIPPED_CLASSES:
                skip = True
        pieces.append((str(text), skip, hint))
    return pieces


def built_pages():
    for page in PAGES:
        if page == "glossary.md":
            continue
        for language in LANGUAGES:
            yield language, page_path(language, page.removesuffix(".md"))


def test_every_built_page_hints_at_each_term_exactly_at_its_first_use(site):
    checked = 0
    for language, html_file in built_pages():
        pieces = article(site, html_file)
        expected, hinted = {}, {}
        for number, (text, skipped, hint) in enumerate(pieces):
            if hint:
                assert hint not in hinted, f"{html_file}: {hint} is hinted twice"
                hinted[hint] = number
            if not skipped:
                for _, _, term in matcher(language).finditer(text):
                    expected.setdefault(term.id, number)
        wrong = [f"{term}: first used in {pieces[expected[term]][0]!r}, hinted in "
                 f"{pieces[hinted[term]][0] if term in hinted else None!r}"
                 for term in sorted(expected.keys() | hinted.keys()) if hinted.get(term) != expected.get(term)]
        assert not wrong, f"{html_file}:\n  " + "\n  ".join(wrong)
        checked += len(hinted)
    assert checked > 200


def test_no_hint_inside_code_headings_or_tables(site):
    for _, html_file in built_pages():
        for text, skipped, hint in article(site, html_file):
            assert not (hint and skipped), f"{html_file}: {text!r} is hinted inside code, a heading or a table"


def test_the_convolution_chapter_hints_at_kernel_in_both_languages(site):
    zh, en = (html_file(site, path).read_text(encoding="utf-8") for path in ("/convolution/", "/en/convolution/"))
    assert re.search(r'<a class="glossary-term" href="\.\./glossary/#kernel" title="kernel：[^"]+" '
                     r'data-term="kernel">卷积核</a>怎样在图像上滑动', zh)
    assert re.search(r'<a class="glossary-term" href="\.\./glossary/#kernel" title="卷积核: [^"]+" '
                     r'data-term="kernel">kernel</a> slides over an image', en)
    for html in (zh, en):
        code = " ".join(re.findall(r"<pre.*?</pre>", html, flags=re.DOTALL))
        assert "glossary-term" not in code


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_glossary_page_lists_every_term_with_an_anchor_and_a_chapter_link(site, language):
    path = page_path(language, "glossary")
    other = "zh" if language == "en" else "en"
    rows = soup(site, path).select("article table tbody tr")
    assert len(rows) == len(terms())
    for term in terms():
        row = next((r for r in rows if r.select_one(f'strong[id="{term.id}"]')), None)
        assert row and row.strong.get_text() == term.name(language), f"{language} glossary: no row with id {term.id}"
        cells = row.find_all("td")
        assert cells[1].get_text() == term.name(other) and term.explanation(language) in cells[2].get_text()
        page, _, anchor = cells[3].a["href"].removeprefix("../").partition("/#")
        assert (page, anchor) == (term.chapter_page.removesuffix(".md"), term.chapter.split("#")[1])
        assert soup(site, page_path(language, page)).find(id=anchor), f"{language}/{page} has no #{anchor}"
