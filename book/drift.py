"""Differences from the video: every box of the book titled so, listed on one page per edition.

A page marks where today's PyTorch differs from the course's video with a box whose title starts
with the label `drift_title` ("和视频里不一样的地方：…" / "Different from the video: …"). The line
`<!-- drift-list -->` on a page becomes a list of every such box of that edition, chapter by chapter
in reading order, each linking to the section the box stands in. The boxes are read from the page
model (book/pages.py); nothing is copied by hand.
"""

from __future__ import annotations

import re

from book.labels import label
from book.pages import Page

PLACEHOLDER = "<!-- drift-list -->"
COLON = {"zh": "：", "en": ": "}


def boxes(page: Page) -> list[tuple[str, str]]:
    """(what differs, the anchor of the section it stands in) of every difference box on a page."""
    start = label("drift_title", page.language) + COLON[page.language]
    found = []
    for line, _, title in page.admonitions():
        if not title.startswith(start):
            continue
        anchor = page.anchor
        for index in reversed(page.heading_path(page.heading_at(line))):
            if page.headings[index].anchor:
                anchor = page.headings[index].anchor
                break
        found.append((title.removeprefix(start).strip(), anchor))
    return found


def listing(edition: dict[str, Page], reading_order: list[str]) -> str:
    """Every difference box of an edition as a Markdown list, in reading order."""
    lines = []
    for name in reading_order:
        page = edition.get(name.removesuffix(".md"))
        if page is None:
            continue
        for what, anchor in boxes(page):
            lines.append(label("drift_row", page.language, title=what, chapter=page.title,
                               link=f"{page.name}.md" + (f"#{anchor}" if anchor else "")))
    return "\n".join(lines)


def count(text: str) -> int:
    """How many entries a listing holds (for tests and checks)."""
    return len(re.findall(r"^- \[", text, re.MULTILINE))
