"""The box at the top of every chapter: video episode, what you will learn, run time, downloads;
and the home page's table of contents, made from the chapters' front matter."""

import re
import urllib.error
import zipfile
import urllib.request
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import nbformat
import pytest

from book import notebooks, runner
from conftest import CHAPTERS, EDITIONS, LANGUAGES, REPO, html_file, page_path, serving, soup

HEADER = {
    "zh": {
        "title": re.compile(r"本章对应视频 P(\d+)(?:–P(\d+))?"),
        "learn": "你会学到：",
        "run_time": re.compile(r"运行本章的 (\d+) 个程序共用了 (\d+\.\d) 秒（(.+?)，构建本书时测得(，不含启动 Python、导入 torch 的时间)?）。"),
        "links": ["Notebook", "练习版 Notebook（只有代码，没有说明和输出）", "Python 脚本"],
        "zip": "zip 压缩包",
        "view": "在线查看 Notebook",
        "prefix": "下载本章：",
    },
    "en": {
        "title": re.compile(r"This chapter follows videos? P(\d+)(?:–P(\d+))?"),
        "learn": "You will learn:",
        "run_time": re.compile(r"Running the chapter's (?:(\d+) programs|program) took (\d+\.\d) s "
                               r"\((.+?), measured when the book was built(, not counting starting Python and importing torch)?\)\."),
        "links": ["notebook", "practice notebook (just the code, without text or outputs)", "Python script"],
        "zip": "zip",
        "view": "view the notebook online",
        "prefix": "Download this chapter:",
    },
}


class Box:
    """The first `admonition abstract` box of a built page: its title, paragraphs (class, text) and links."""

    def __init__(self, page):
        box = page.select_one("div.admonition.abstract")
        assert box is not None, "no abstract box"
        self.title = box.select_one(".admonition-title").get_text().strip()
        paragraphs = [p for p in box.find_all("p") if "admonition-title" not in (p.get("class") or [])]
        self.paragraphs = [(" ".join(p.get("class") or []) or "p", p.get_text().strip()) for p in paragraphs]
        self.links = [(" ".join(p.get("class") or []) or "p", a) for p in paragraphs for a in p.find_all("a")]


def box(site: Path, path: str) -> Box:
    return Box(soup(site, path))


SECONDS_SHOWN = re.compile(r'data-snippet="([^":]+)[^"]*".*?class="run-output__meta">[^<]*?(?:用时 |· )(\d+\.\d)(?: 秒| s)', re.S)


def seconds_under_outputs(site: Path, path: str) -> dict[str, float]:
    """Program -> the run time printed under its outputs on a built page."""
    return {name: float(seconds) for name, seconds in SECONDS_SHOWN.findall(html_file(site, path).read_text(encoding="utf-8"))}


def episodes(language: str, title: str) -> tuple[int, int]:
    match = HEADER[language]["title"].fullmatch(title)
    assert match, f"the box title {title!r} does not name the video episode"
    first = int(match.group(1))
    return first, int(match.group(2) or first)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_box_names_episode_lessons_run_time_and_downloads(site, chapter, language):
    header, path, model = HEADER[language], page_path(language, chapter), EDITIONS[language][chapter]
    found = box(site, path)
    assert episodes(language, found.title) == model.episodes, f"{path}: {found.title!r}, the front matter says {model.episodes}"

    learn = [text for _, text in found.paragraphs if text.startswith(header["learn"])]
    assert learn and len(learn[0]) > len(header["learn"]) + 20, f"{path}: no '{header['learn']}' line"

    run_time = [text for kind, text in found.paragraphs if kind == "chapter-run-time"]
    assert len(run_time) == 1, f"{path}: no run-time line in the box"
    match = header["run_time"].fullmatch(run_time[0])
    assert match, f"{path}: unexpected run-time line {run_time[0]!r}"
    runs = {name: runner.run(runner.SNIPPETS / name) for name in model.included_programs()}
    assert int(match.group(1) or 1) == len(runs)
    # the seconds under each program's output on this page, to one decimal; the recorded run for
    # a program that prints nothing (another test may have run a program afresh since the build)
    shown = seconds_under_outputs(site, path)
    total = sum(shown.get(name, run.seconds) for name, run in runs.items())
    assert float(match.group(2)) == pytest.approx(total, abs=0.05 * len(shown.keys() & runs.keys()) + 0.051), \
        f"{path}: the box says {match.group(2)} s, the programs on the page took {total:.2f} s"
    assert match.group(3) == " / ".join(dict.fromkeys(run.device for run in runs.values()))
    # the clause about torch's import is there exactly when every program was forked with torch loaded
    assert bool(match.group(4)) == all(run.forked for run in runs.values()), f"{path}: {run_time[0]!r}"

    downloads = [text for kind, text in found.paragraphs if kind == "chapter-downloads"]
    assert len(downloads) == 1 and downloads[0].startswith(header["prefix"]), f"{path}: no download line in the box"
    links = [link for kind, link in found.links if kind == "chapter-downloads"]
    view = links.pop()  # the last link opens the chapter's notebook as a page of the site
    assert view.get_text() == header["view"] and not view.has_attr("download")
    assert urlsplit(urljoin("http://book" + path, view["href"])).path == page_path(language, f"notebooks/{chapter}")
    assert html_file(site, page_path(language, f"notebooks/{chapter}")), f"{path}: no notebook page"
    assert all(link.has_attr("download") for link in links), f"{path}: a download link lacks the download attribute"
    files = [html_file(site, urlsplit(urljoin("http://book" + path, link["href"])).path) for link in links]
    assert all(files), f"{path}: a download link leads nowhere: {links}"
    needed = sorted(notebooks.support_files(list(runs.values())))
    if needed:  # the programs need files beside them: one zip holds everything
        assert [link.get_text() for link in links] == [header["zip"]], f"{path}: the download links are {links}"
        assert files[0].name == f"{chapter}.{language}.zip"
        with zipfile.ZipFile(files[0]) as archive:
            assert sorted(archive.namelist()) == sorted([f"{chapter}.{language}.ipynb", f"{chapter}.{language}.py",
                                                         f"{chapter}.{language}.practice.ipynb", *needed])
            practice = nbformat.reads(archive.read(f"{chapter}.{language}.practice.ipynb").decode(), as_version=4)
            notebook_text, script = (archive.read(f"{chapter}.{language}.{kind}").decode() for kind in ("ipynb", "py"))
        assert all(name in downloads[0] for name in needed), f"{path}: the line does not name {needed}"
    else:
        assert [link.get_text() for link in links] == header["links"], f"{path}: the download links are {links}"
        assert [file.name for file in files] == [f"{chapter}.{language}.ipynb", f"{chapter}.{language}.practice.ipynb",
                                                 f"{chapter}.{language}.py"]
        notebook_text, practice_text, script = (file.read_text(encoding="utf-8") for file in files)
        practice = nbformat.reads(practice_text, as_version=4)
    book = nbformat.reads(notebook_text, as_version=4)
    assert book.cells[0].source.startswith(f"# {model.title}\n")
    assert practice.cells[0].source.startswith(f"# {model.title}")
    compile(script, f"{chapter}.{language}.py", "exec")
    assert script.startswith(f"# %% [markdown]\n# # {model.title}\n")


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_both_languages_name_the_same_episodes(site, chapter):
    zh, en = (episodes(language, box(site, page_path(language, chapter)).title) for language in LANGUAGES)
    assert zh == en, f"{chapter}: the Chinese page names episodes {zh}, the English page {en}"


def test_downloads_come_over_http(site):
    fetched = 0
    with serving(site) as base:
        for chapter in CHAPTERS:
            for language in LANGUAGES:
                path = page_path(language, chapter)
                for kind, link in box(site, path).links:
                    if kind != "chapter-downloads" or not link.has_attr("download"):
                        continue
                    url = urljoin(base + path, link["href"])
                    try:
                        with urllib.request.urlopen(url, timeout=10) as response:
                            body = response.read()
                    except urllib.error.HTTPError as error:
                        pytest.fail(f"{path}: {link.get_text()} ({url}) answers {error.code}")
                    assert body == html_file(site, urlsplit(url).path).read_bytes()
                    fetched += 1
    assert fetched >= 2 * len(CHAPTERS)  # two files, or one zip, per chapter and language


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_home_page_lists_every_chapter_with_its_episodes_in_reading_order(site, language):
    rows = soup(site, page_path(language, "index")).select("#contents ~ table tbody tr")
    listed = [urlsplit(row.a["href"]).path.strip("/") for row in rows]
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    assert [name for name in listed if name in CHAPTERS] == sorted(CHAPTERS, key=lambda name: config.index(f" {name}.md"))
    for row, name in zip(rows, listed):
        model = EDITIONS[language][name]
        cells = [cell.get_text().strip() for cell in row.find_all("td")]
        assert row.a.get_text() == model.title
        assert cells[1] == f"{model.title}{'：' if language == 'zh' else ': '}{re.sub(r'`', '', model.meta['topics'])}"
        if model.is_chapter:
            first, last = model.episodes
            assert cells[2] == (f"P{first}" if first == last else f"P{first}–P{last}")


def test_the_box_gets_its_title_from_the_episodes_and_the_lines_go_at_its_end():
    from book import chapters, pages

    source = '---\ndescription: x\nepisodes: [27, 29]\n---\n# T\n\n!!! abstract\n\n    **Learn:** x\n\n    More.\n\nAfter the box.\n'
    page = pages.parse(source, "en/t.md")
    assert chapters.complete_box(page.markdown, page, ["Run time.", "Download."]) == (
        '# T\n\n!!! abstract "This chapter follows videos P27–P29"\n\n    **Learn:** x\n\n    More.\n\n'
        '    Run time.\n\n    Download.\n\nAfter the box.\n')
