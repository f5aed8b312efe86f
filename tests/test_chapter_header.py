"""The box at the top of every chapter: video episode, what you will learn, run time, downloads."""

import re
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import nbformat
import pytest

from book import notebooks, runner
from conftest import REPO, serving

DOCS = REPO / "docs"

# The video episodes of each chapter, from the course map (the 22 sections of the notes).
EPISODES = {
    "dir-and-help": (4, 4),
    "dataset": (6, 7),
    "tensorboard": (8, 9),
    "transforms": (10, 13),
    "torchvision-datasets": (14, 14),
    "dataloader": (15, 15),
    "nn-module": (16, 16),
    "convolution": (17, 17),
    "conv-layer": (18, 18),
    "maxpool": (19, 19),
    "activation": (20, 20),
    "linear-layers": (21, 21),
    "sequential": (22, 22),
    "loss": (23, 23),
    "optimizer": (24, 24),
    "pretrained-models": (25, 25),
    "save-and-load": (26, 26),
    "training": (27, 29),
    "gpu-training": (30, 31),
    "validation": (32, 32),
    "reading-projects": (33, 33),
}

HEADER = {
    "zh": {
        "title": re.compile(r"本章对应视频 P(\d+)(?:–P(\d+))?"),
        "learn": "你会学到：",
        "run_time": re.compile(r"运行本章的 (\d+) 个程序共用了 (\d+\.\d) 秒（(.+?)，构建本书时测得(，不含启动 Python、导入 torch 的时间)?）。"),
        "links": ["Notebook", "Python 脚本"],
        "prefix": "下载本章：",
    },
    "en": {
        "title": re.compile(r"This chapter follows videos? P(\d+)(?:–P(\d+))?"),
        "learn": "You will learn:",
        "run_time": re.compile(r"Running the chapter's (?:(\d+) programs|program) took (\d+\.\d) s "
                               r"\((.+?), measured when the book was built(, not counting starting Python and importing torch)?\)\."),
        "links": ["notebook", "Python script"],
        "prefix": "Download this chapter:",
    },
}


def html_file(site: Path, path: str) -> Path | None:
    """The file a static server sends for a URL path, or None."""
    target = site / unquote(path).lstrip("/")
    if path.endswith("/"):
        target = target / "index.html"
    return target if target.is_file() else None


def chapters() -> list[str]:
    return [page.stem for page in sorted((DOCS / "zh").glob("*.md"))
            if notebooks.chapter_name(f"zh/{page.name}", page.read_text(encoding="utf-8"))]


CHAPTERS = chapters()


class AbstractBox(HTMLParser):
    """The first `admonition abstract` box of a page: its title, paragraphs and links."""

    def __init__(self):
        super().__init__()
        self.title, self.paragraphs, self.links = None, [], []
        self._depth, self._done, self._text, self._in, self._link = 0, False, [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if self._done:
            return
        if not self._depth:
            if tag == "div" and {"admonition", "abstract"} <= set(classes):
                self._depth = 1
            return
        if tag == "div":
            self._depth += 1
        elif tag == "p":
            self._in, self._text = ("title" if "admonition-title" in classes else " ".join(classes) or "p"), []
        elif tag == "a" and self._in:
            self._link = {"href": attrs.get("href"), "download": "download" in attrs, "text": ""}

    def handle_endtag(self, tag):
        if not self._depth or self._done:
            return
        if tag == "div":
            self._depth -= 1
            self._done = self._depth == 0
        elif tag == "p" and self._in:
            text = "".join(self._text).strip()
            if self._in == "title":
                self.title = text
            else:
                self.paragraphs.append((self._in, text))
            self._in = None
        elif tag == "a" and self._link is not None:
            self.links.append((self._in, self._link))
            self._link = None

    def handle_data(self, data):
        if self._in:
            self._text.append(data)
            if self._link is not None:
                self._link["text"] += data


def box(site: Path, path: str) -> AbstractBox:
    parser = AbstractBox()
    parser.feed(html_file(site, path).read_text(encoding="utf-8"))
    assert parser.title is not None, f"{path}: no abstract box"
    return parser


SECONDS_SHOWN = re.compile(r'data-snippet="([^":]+)[^"]*".*?class="run-output__meta">[^<]*?(?:用时 |· )(\d+\.\d)(?: 秒| s)', re.S)


def seconds_under_outputs(site: Path, path: str) -> dict[str, float]:
    """Program -> the run time printed under its outputs on a built page."""
    return {name: float(seconds) for name, seconds in SECONDS_SHOWN.findall(html_file(site, path).read_text(encoding="utf-8"))}


def page_path(language: str, page: str) -> str:
    return ("/" if language == "zh" else "/en/") + page + "/"


def episodes(language: str, title: str) -> tuple[int, int]:
    match = HEADER[language]["title"].fullmatch(title)
    assert match, f"the box title {title!r} does not name the video episode"
    first = int(match.group(1))
    return first, int(match.group(2) or first)


def test_every_chapter_has_its_episodes_from_the_course_map():
    assert len(CHAPTERS) >= 20
    assert sorted(EPISODES) == CHAPTERS


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("page", CHAPTERS)
def test_chapter_box_names_episode_lessons_run_time_and_downloads(site, page, language):
    header, path = HEADER[language], page_path(language, page)
    found = box(site, path)
    assert episodes(language, found.title) == EPISODES[page], f"{path}: {found.title!r}, the course map says {EPISODES[page]}"

    learn = [text for _, text in found.paragraphs if text.startswith(header["learn"])]
    assert learn and len(learn[0]) > len(header["learn"]) + 20, f"{path}: no '{header['learn']}' line"

    run_time = [text for kind, text in found.paragraphs if kind == "chapter-run-time"]
    assert len(run_time) == 1, f"{path}: no run-time line in the box"
    match = header["run_time"].fullmatch(run_time[0])
    assert match, f"{path}: unexpected run-time line {run_time[0]!r}"
    outline = notebooks.outline((DOCS / language / f"{page}.md").read_text(encoding="utf-8"))
    runs = {name: runner.run(runner.SNIPPETS / name) for name in outline.snippets()}
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
    assert [link["text"] for link in links] == header["links"], f"{path}: the download links are {links}"
    assert all(link["download"] for link in links), f"{path}: a download link lacks the download attribute"
    notebook_file, script_file = (html_file(site, urlsplit(urljoin("http://book" + path, link["href"])).path)
                                  for link in links)
    assert notebook_file and notebook_file.name == f"{page}.{language}.ipynb", f"{path}: {links[0]} leads nowhere"
    assert script_file and script_file.name == f"{page}.{language}.py", f"{path}: {links[1]} leads nowhere"
    book = nbformat.read(notebook_file, as_version=4)
    assert book.cells[0].source.startswith(f"# {outline.title}\n")
    script = script_file.read_text(encoding="utf-8")
    compile(script, script_file.name, "exec")
    assert script.startswith(f"# %% [markdown]\n# # {outline.title}\n")


@pytest.mark.parametrize("page", CHAPTERS)
def test_both_languages_name_the_same_episodes(site, page):
    zh, en = (episodes(language, box(site, page_path(language, page)).title) for language in ("zh", "en"))
    assert zh == en, f"{page}: the Chinese page names episodes {zh}, the English page {en}"


def test_downloads_come_over_http(site):
    fetched = 0
    with serving(site) as base:
        for page in CHAPTERS:
            for language in ("zh", "en"):
                path = page_path(language, page)
                for kind, link in box(site, path).links:
                    if kind != "chapter-downloads":
                        continue
                    url = urljoin(base + path, link["href"])
                    try:
                        with urllib.request.urlopen(url, timeout=10) as response:
                            body = response.read()
                    except urllib.error.HTTPError as error:
                        pytest.fail(f"{path}: {link['text']} ({url}) answers {error.code}")
                    assert body == html_file(site, urlsplit(url).path).read_bytes()
                    fetched += 1
    assert fetched == 4 * len(CHAPTERS)
