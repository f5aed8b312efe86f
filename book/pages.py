"""The page model: what the build, the benchmark and the tests know about a page, read once.

`parse()` reads a page's Markdown into a `Page`: its language, front matter, title, headings and
their anchors, the program sections it includes inside code fences, the files of runs it shows
(`run:` links) and, for a chapter, its video episodes. Every part of the book reads pages through
this module; nothing else walks code fences.

Code fences are found by a walker of our own: Python-Markdown nests fences inside admonitions
by indentation, which a CommonMark parser (markdown-it-py) reads as indented code instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.utils.meta import get_data

LANGUAGES = ("zh", "en")  # the order of the editions: the first is served at /
FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})(.*)$")
INCLUDE = re.compile(r'^\s*--8<--\s+"([^"]+?\.py)(?::([\w-]+))?"\s*$')
RUN_FILE = re.compile(r"run:([\w./-]+?\.py)/([^\s)\"']+)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
ANCHOR = re.compile(r"\s*\{[^{}]*#([\w-]+)[^{}]*\}\s*$")
ATTRIBUTES = re.compile(r"\s*\{[^{}]*\}\s*$")
ABSTRACT = re.compile(r'^!!! abstract(\s+"[^"]*")?\s*$')
ADMONITION = re.compile(r'^\s*(?:!!!|\?\?\?\+?)\s+([\w-]+)(?:\s+"(.*)")?\s*$')


class PageError(ValueError):
    """A page breaks one of the book's rules; the message names the page and the rule."""


@dataclass(frozen=True)
class Heading:
    line: int  # 0-based line of the page's Markdown body (front matter removed)
    level: int
    text: str  # without its { #anchor }
    anchor: str | None
    parent: int | None  # index of the enclosing heading in Page.headings


@dataclass(frozen=True)
class CodeFence:
    start: int  # line of the opening fence
    end: int  # line of the closing fence (the last line when the fence is never closed)
    indent: str
    info: str  # what follows the backticks: language, title, attributes
    includes: tuple[tuple[str, str | None], ...]  # (program, section or None) for each --8<-- line


@dataclass
class Page:
    src_uri: str  # e.g. "zh/convolution.md"
    language: str
    markdown: str  # the body, front matter removed: what MkDocs hands to on_page_markdown
    meta: dict
    title: str
    anchor: str | None
    headings: list[Heading]
    fences: list[CodeFence]
    figures: list[tuple[int, str, str]]  # (line, program, file) of each run: link outside code
    abstract_line: int | None  # the line `!!! abstract`, the chapter's box
    _lines: list[str] = field(repr=False, default_factory=list)

    @property
    def name(self) -> str:
        """The page within its edition, without ".md": "convolution", "index"."""
        return self.src_uri.split("/", 1)[-1].removesuffix(".md")

    @property
    def includes(self) -> list[tuple[int, str, str | None]]:
        """(closing fence line, program, section) of every include, in page order."""
        return [(fence.end, name, section) for fence in self.fences for name, section in fence.includes]

    def programs(self) -> list[str]:
        """Every program the page shows or shows files of, in order of first use."""
        uses = [(line, name) for line, name, _ in self.includes] + [(line, name) for line, name, _ in self.figures]
        return list(dict.fromkeys(name for _, name in sorted(uses, key=lambda use: use[0])))

    def included_programs(self) -> list[str]:
        """The programs whose code the page shows, in order of first use."""
        return list(dict.fromkeys(name for _, name, _ in self.includes))

    def anchors(self) -> list[str]:
        """The explicit anchors of the title and every heading, in page order."""
        return [a for a in [self.anchor, *(heading.anchor for heading in self.headings)] if a]

    @property
    def episodes(self) -> tuple[int, int] | None:
        """The video episodes a chapter follows (first, last), from its front matter."""
        value = self.meta.get("episodes")
        return None if value is None else (value[0], value[-1])

    @property
    def is_chapter(self) -> bool:
        return "episodes" in self.meta

    def heading_at(self, line: int) -> int | None:
        """Index of the heading a line stands under (None above the first one)."""
        found = None
        for index, heading in enumerate(self.headings):
            if heading.line > line:
                break
            found = index
        return found

    def heading_path(self, index: int | None) -> list[int]:
        """The heading and every heading it stands under, outermost first."""
        chain = []
        while index is not None:
            chain.insert(0, index)
            index = self.headings[index].parent
        return chain

    def admonitions(self) -> list[tuple[int, str, str]]:
        """(line, kind, title) of every admonition and folded block (`!!! note "Title"`), in page order;
        the title is "" where none is written."""
        return [(n, match.group(1), match.group(2) or "") for n, line in self.outside_code()
                if (match := ADMONITION.match(line))]

    def outside_code(self) -> list[tuple[int, str]]:
        """(line, text) of every line that is not inside a code fence."""
        inside = {n for fence in self.fences for n in range(fence.start, fence.end + 1)}
        return [(n, line) for n, line in enumerate(self._lines) if n not in inside]


def code_fences(lines: list[str]) -> list[CodeFence]:
    """The fenced code blocks among `lines`. A fence closes at a line of the same character,
    at least as long, with nothing after it (as Python-Markdown's superfences does)."""
    fences, opened = [], None
    for number, line in enumerate(lines):
        match = FENCE.match(line)
        if opened is None:
            if match:
                opened, start, indent, info, found = match.group(2), number, match.group(1), match.group(3).strip(), []
            continue
        if match and match.group(2)[0] == opened[0] and len(match.group(2)) >= len(opened) and not match.group(3).strip():
            fences.append(CodeFence(start, number, indent, info, tuple(found)))
            opened = None
            continue
        include = INCLUDE.match(line)
        if include:
            found.append((include.group(1), include.group(2)))
    if opened is not None:
        fences.append(CodeFence(start, len(lines) - 1, indent, info, tuple(found)))
    return fences


def parse(source: str, src_uri: str, language: str | None = None) -> Page:
    """A page from its file's text (front matter included). `language` is the edition
    static-i18n gave the file; by default the first folder of `src_uri`."""
    markdown, meta = get_data(source)
    language = language or src_uri.split("/", 1)[0]
    if language not in LANGUAGES:
        raise PageError(f"{src_uri}: not in an edition's folder ({', '.join(LANGUAGES)})")
    lines = markdown.split("\n")
    fences = code_fences(lines)
    inside = {n for fence in fences for n in range(fence.start, fence.end + 1)}
    title = anchor = abstract = None
    headings: list[Heading] = []
    figures = []
    for number, line in enumerate(lines):
        if number in inside:
            continue
        figures += [(number, name, file) for name, file in RUN_FILE.findall(line)]
        if abstract is None and ABSTRACT.match(line):
            abstract = number
        match = HEADING.match(line)
        if not match:
            continue
        level, text = len(match.group(1)), match.group(2)
        found = ANCHOR.search(text)
        heading_anchor, text = (found.group(1) if found else None), ATTRIBUTES.sub("", text)
        if level == 1:
            if title is None:
                title, anchor = text, heading_anchor
            continue
        parent = next((i for i in range(len(headings) - 1, -1, -1) if headings[i].level < level), None)
        headings.append(Heading(number, level, text, heading_anchor, parent))
    if title is None:
        raise PageError(f"{src_uri}: the page has no title (a line '# Title')")
    page = Page(src_uri, language, markdown, meta, title, anchor, headings, fences, figures, abstract, lines)
    _check_meta(page)
    _check_paths(page)
    return page


def _check_paths(page: Page) -> None:
    """Every program a page names, and every file of a run it shows, lies inside the snippets folder
    (inside the run's folder): a path that climbs out with `..` or starts at the root is refused
    before anything is run or read."""
    named = [(fence.start, f"--8<-- \"{name}\"", name) for fence in page.fences for name, _ in fence.includes]
    named += [(line, f"run:{name}/{file}", name) for line, name, file in page.figures]
    named += [(line, f"run:{name}/{file}", file.split("?")[0]) for line, name, file in page.figures]
    for line, written, path in named:
        parts = path.replace("\\", "/").split("/")
        if path.startswith(("/", "~")) or ":" in parts[0] or any(part in ("..", ".", "") for part in parts):
            raise PageError(f"{page.src_uri}, line {line + 1}: {written} points outside the snippets folder; "
                            "name a program as chapter/program.py and a file inside its run's folder")


def _check_meta(page: Page) -> None:
    episodes = page.meta.get("episodes")
    if episodes is None:
        return
    if (not isinstance(episodes, list) or not 1 <= len(episodes) <= 2
            or not all(isinstance(e, int) and e > 0 for e in episodes) or episodes != sorted(episodes)):
        raise PageError(f"{page.src_uri}: 'episodes' must be [first] or [first, last], whole numbers, not {episodes!r}")
    if page.abstract_line is None:
        raise PageError(f'{page.src_uri}: a chapter page needs an `!!! abstract` box under its title '
                        "(what the chapter teaches; the build adds the video episodes)")


def read(path: Path, docs_dir: Path) -> Page:
    return parse(path.read_text(encoding="utf-8"), path.relative_to(docs_dir).as_posix())


def read_edition(docs_dir: Path, language: str) -> dict[str, Page]:
    """Every page of one edition, by name ("convolution")."""
    return {page.name: page for page in (read(path, docs_dir) for path in sorted((docs_dir / language).rglob("*.md")))}
