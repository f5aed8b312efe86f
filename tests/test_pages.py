"""The two editions: the same pages, the same code, the same anchors; and the page model itself."""

import re

import pytest
import yaml

from book import pages
from book.outputs import join_cjk_lines
from book.runner import SNIPPETS
from conftest import CHAPTERS, DOCS, EDITIONS, PAGES, REPO

ZH, EN = EDITIONS["zh"], EDITIONS["en"]
FILES = [f"{name}.md" for name in PAGES]


def test_every_page_exists_in_both_languages():
    assert PAGES, "no Chinese pages"
    assert sorted(ZH) == sorted(EN)


@pytest.mark.parametrize("file", FILES)
def test_both_editions_include_the_same_code_and_figures(file):
    name = file.removesuffix(".md")
    def shown(page):
        return [(program, section) for _, program, section in page.includes], [(p, f) for _, p, f in page.figures]

    assert shown(ZH[name]) == shown(EN[name])


@pytest.mark.parametrize("file", FILES)
def test_headings_have_explicit_anchors_shared_by_both_editions(file):
    name = file.removesuffix(".md")
    for language, edition in (("zh", ZH), ("en", EN)):
        missing = [h.text for h in edition[name].headings if not h.anchor]
        assert edition[name].anchor and not missing, f"{language}/{name}: headings without an explicit {{ #id }}: {missing}"
    assert ZH[name].anchors() == EN[name].anchors()


@pytest.mark.parametrize("path", [f"{lang}/{file}" for lang in ("zh", "en") for file in FILES])
def test_included_code_is_not_collected_as_an_inline_block(path):
    # pytest-codeblocks runs fences whose info string is exactly "python" and does not
    # expand includes: an include must sit in a fence with a title.
    language, name = path.removesuffix(".md").split("/")
    for fence in EDITIONS[language][name].fences:
        if fence.includes:
            assert fence.info != "python", f"{path}: add a title to the fence on line {fence.start + 1} of the body"


def test_every_page_is_in_the_nav():
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)

    def walk(items):
        for item in items:
            value = next(iter(item.values())) if isinstance(item, dict) else item
            yield from walk(value) if isinstance(value, list) else [value]

    assert sorted(name.removesuffix(".md") for name in walk(config["nav"])) == PAGES


@pytest.mark.parametrize("path", [f"{lang}/{file}" for lang in ("zh", "en") for file in FILES])
def test_front_matter_parses_and_describes_the_page(path):
    language, name = path.removesuffix(".md").split("/")
    description = EDITIONS[language][name].meta.get("description")
    assert isinstance(description, str) and len(description) > 20, \
        f"{path}: front matter must be YAML with a description (quote values that contain ': ')"


@pytest.mark.parametrize("name", CHAPTERS)
def test_both_editions_of_a_chapter_name_the_same_episodes_and_notes(name):
    assert ZH[name].episodes == EN[name].episodes
    assert ZH[name].meta.get("notes") == EN[name].meta.get("notes")
    assert ZH[name].meta.get("topics") and EN[name].meta.get("topics")


def test_chapters_follow_the_video_in_the_order_of_the_book():
    """In reading order the chapters' episodes run on from P1 without a gap (P5, which compares
    editors, is not a chapter), and from P4, where the course's notes begin, the notes' sections go
    up one by one to 22: a chapter with the wrong episodes or in the wrong place shows here."""
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    order = sorted(CHAPTERS, key=lambda name: config.index(f" {name}.md"))
    assert len(order) >= 20
    last_episode, last_note = 0, 0
    for name in order:
        first, last = ZH[name].episodes
        expected = last_episode + (2 if last_episode == 4 else 1)
        assert first == expected, f"{name}: episodes P{first}–P{last} do not follow P{last_episode} (expected P{expected})"
        notes = ZH[name].meta.get("notes")
        if first >= 4:
            assert notes and notes[0] == last_note + 1, f"{name}: notes sections {notes} do not follow {last_note}"
            last_note = notes[-1]
        last_episode = last
    assert (last_episode, last_note) >= (33, 22), "the course has 33 episodes, the notes 22 sections"


def test_code_fences_handle_nesting_longer_fences_and_includes():
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
    fences = pages.code_fences(text.split("\n"))
    assert [(f.start, f.end, f.indent, f.includes) for f in fences] == [
        (0, 2, "", (("ch/a.py", "one"),)), (5, 8, "    ", (("ch/b.py", None),)), (9, 11, "", ())]


def test_a_page_is_read_once_into_its_parts():
    source = "\n".join([
        "---", "description: A test page for the model.", "episodes: [6, 7]", "notes: [2, 3]", "---", "",
        "# Title { #top }", "", "!!! abstract", "", "    What you learn.", "",
        "## First { #first }", "", "![figure](run:ch/draw.py/figure.png)", "",
        "```python title=\"a.py\"", '--8<-- "ch/a.py:one"', "## not a heading", "```", "",
        "### Inner { #inner }", "",
    ])
    page = pages.parse(source, "en/test.md")
    assert (page.language, page.name, page.title, page.anchor) == ("en", "test", "Title", "top")
    assert [(h.text, h.level, h.anchor, h.parent) for h in page.headings] == [("First", 2, "first", None), ("Inner", 3, "inner", 0)]
    assert page.includes == [(13, "ch/a.py", "one")]
    assert page.figures == [(8, "ch/draw.py", "figure.png")]
    assert page.programs() == ["ch/draw.py", "ch/a.py"] and page.included_programs() == ["ch/a.py"]
    assert page.episodes == (6, 7) and page.is_chapter and page.abstract_line == 2


@pytest.mark.parametrize("source, message", [
    ("No title here.\n", "has no title"),
    ("---\nepisodes: [7, 6]\n---\n# T\n\n!!! abstract\n\n    x\n", "'episodes' must be"),
    ("---\nepisodes: [6]\n---\n# T\n\nNo box.\n", "needs an `!!! abstract` box"),
])
def test_a_page_that_breaks_a_rule_is_refused_with_its_name(source, message):
    with pytest.raises(pages.PageError, match=message) as error:
        pages.parse(source, "zh/broken.md")
    assert "zh/broken.md" in str(error.value)


def test_chinese_paragraph_lines_are_joined_without_a_space_but_code_is_not():
    text = "第一行，\n第二行`code`。\n\n- 列表，\n- 第二项\n\n```python\n中文，\n中文\n```\n    缩进，\n    继续\nEnglish line\n中文"
    assert join_cjk_lines(text) == (
        "第一行，第二行`code`。\n\n- 列表，\n- 第二项\n\n```python\n中文，\n中文\n```\n    缩进，继续\nEnglish line\n中文"
    )


def _reading_order() -> list[str]:
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    return sorted(CHAPTERS, key=lambda name: config.index(f" {name}.md"))


COURSE_EPISODES = 33  # the video's last episode; a chapter after it goes beyond the course


@pytest.mark.parametrize("name", CHAPTERS)
def test_a_chapter_ends_with_its_summary_and_from_convolution_on_with_exercises_before_it(name):
    """Every chapter's last section is a summary of three to five points ({ #summary }). In the chapters
    of the course from 卷积操作 on, in reading order, the section before it is the exercises
    ({ #exercises }): two or three questions, each answered by a section of the chapter's one
    `exercises.py`, every section of which is shown."""
    with_exercises = (_reading_order().index(name) >= _reading_order().index("convolution")
                      and EDITIONS["zh"][name].episodes[1] <= COURSE_EPISODES)
    for language in ("zh", "en"):
        page = EDITIONS[language][name]
        sections = [heading for heading in page.headings if heading.level == 2]
        assert sections[-1].anchor == "summary", f"{language}/{name}: the last section is not the summary"
        lines = page.markdown.split("\n")
        points = [line for line in lines[sections[-1].line:] if line.startswith("- ")]
        assert 3 <= len(points) <= 5, f"{language}/{name}: the summary has {len(points)} points, not 3 to 5"
        if not with_exercises:
            continue
        assert sections[-2].anchor == "exercises", f"{language}/{name}: no exercises before the summary"
        shown = [(program, section) for line, program, section in page.includes
                 if sections[-2].line < line < sections[-1].line]
        programs = {program for program, _ in shown}
        assert len(programs) == 1 and programs.pop().endswith("/exercises.py"), f"{language}/{name}: {shown}"
        answers = [line for line in lines[sections[-2].line:sections[-1].line] if line.startswith("??? success")]
        assert 2 <= len(answers) == len(shown) <= 3, f"{language}/{name}: {len(answers)} folded answers, {len(shown)} sections"
        defined = re.findall(r"^# --8<-- \[start:([\w-]+)\]", (SNIPPETS / shown[0][0]).read_text(encoding="utf-8"), re.M)
        assert [section for _, section in shown] == defined, f"{language}/{name}: shows {shown}, the program has {defined}"
