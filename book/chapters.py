"""The chapter's box and the book's table of contents, made from the pages' front matter.

A chapter page names its video episodes, and the sections of the course's notes it covers, in
its front matter (`episodes: [27, 29]`, `notes: [19]`, `topics: "…"`), and writes an
`!!! abstract` box with what the reader will learn. The build gives the box its title (the
episodes), and adds the run time of the chapter's programs and the links to its downloads.
The home page's line `<!-- contents -->` becomes a table of every page with `topics`, in the
order of the navigation.
"""

from __future__ import annotations

import html
import re

from book import runner
from book.labels import label
from book.pages import ABSTRACT, Page

CONTENTS = "<!-- contents -->"


def episode_url(video: str, number: int) -> str:
    """The address of one episode of the course's video on Bilibili."""
    return f"https://www.bilibili.com/video/{video}?p={number}"


def box_title(page: Page, video: str | None = None) -> str:
    """"本章对应视频 P17"; with the course's video id (BV…), each episode links to it on Bilibili."""
    first, last = page.episodes
    title = label("episode" if first == last else "episodes", page.language, first=first, last=last)
    if video:
        title = re.sub(r"\bP(\d+)\b", lambda match: f"[P{match.group(1)}]({episode_url(video, int(match.group(1)))})", title)
    return title


def run_time_line(language: str, runs: list[runner.Run]) -> str:
    seconds = sum(run.seconds for run in runs)
    device = " / ".join(dict.fromkeys(run.device for run in runs))
    # runs forked from a process that had imported torch already: a reader's own run takes longer
    forked = label("forked", language) if runs and all(run.forked for run in runs) else ""
    key = "run_time_one" if len(runs) == 1 else "run_time"
    return label(key, language, count=len(runs), seconds=seconds, device=device, forked=forked)


def download_line(language: str, notebook_href: str, practice_href: str, script_href: str) -> str:
    def link(href: str, key: str) -> str:
        return f'<a href="{href}" download>{label(key, language)}</a>'

    return label("download", language, notebook=link(notebook_href, "notebook_link"),
                 practice=link(practice_href, "practice_link"), script=link(script_href, "script_link"))


def view_link(language: str, href: str) -> str:
    return f'<a href="{href}">{label("view_notebook", language)}</a>'


def report_line(language: str, href: str) -> str:
    """A plain link that opens a new issue in the book's repository, already filled in."""
    return label("report_problem", language, link=f'<a href="{html.escape(href)}">{label("report_link", language)}</a>')


def zip_line(language: str, zip_href: str, files: list[str]) -> str:
    link = f'<a href="{zip_href}" download>{label("zip_link", language)}</a>'
    return label("download_zip", language, zip=link, files=("、" if language == "zh" else ", ").join(f"`{f}`" for f in files))


def complete_box(markdown: str, page: Page, lines: list[str], video: str | None = None) -> str:
    """The chapter's `!!! abstract` box with its title, and `lines` added as paragraphs at its end."""
    source = markdown.split("\n")
    start = next(i for i, line in enumerate(source) if ABSTRACT.match(line))
    source[start] = f'!!! abstract "{box_title(page, video)}"'
    end = start
    for index in range(start + 1, len(source)):
        line = source[index]
        if line.strip() and not line.startswith(("    ", "\t")):
            break
        if line.strip():
            end = index
    added = [part for line in lines for part in ("", "    " + line)]
    return "\n".join(source[:end + 1] + added + source[end + 1:])


def _span(numbers: tuple[int, int] | list[int], prefix: str = "") -> str:
    first, last = numbers[0], numbers[-1]
    return f"{prefix}{first}" if first == last else f"{prefix}{first}–{prefix}{last}"


def contents_table(language: str, rows: list[tuple[Page, str, str]]) -> str:
    """The table of contents: (page, its link from the home page, its nav section's title) per row."""
    lines = [label("contents_header", language), "|---|---|---|"]
    for page, link, section in rows:
        notes = _span(page.meta["notes"]) if page.meta.get("notes") else section
        episodes = _span(page.episodes, "P") if page.episodes else ""
        topic = f"[{page.title}]({link}){label('topic_separator', language)}{page.meta['topics']}"
        lines.append(f"| {notes} | {topic} | {episodes} |")
    return "\n".join(lines)
