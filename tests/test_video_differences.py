"""Differences from the video: one page per edition lists every such box of the book, with a link."""

import re
from urllib.parse import urljoin, urlsplit

import pytest

from book import drift, pages
from conftest import DOCS, EDITIONS, LANGUAGES, page_path, soup

TITLE = {"zh": "和视频里不一样的地方：", "en": "Different from the video: "}


def boxes_in_the_sources(language: str) -> list[tuple[str, str]]:
    """(page name, what differs) of every box, read from the Markdown files with a plain search."""
    found = []
    for path in sorted((DOCS / language).glob("*.md")):
        for match in re.finditer(r'^\s*!!! \w+ "' + re.escape(TITLE[language]) + r'(.*)"\s*$',
                                 path.read_text(encoding="utf-8"), re.MULTILINE):
            found.append((path.stem, match.group(1).strip()))
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_page_model_finds_every_box(language):
    modelled = sorted((name, what) for name, page in EDITIONS[language].items() for what, _ in drift.boxes(page))
    assert modelled == sorted(boxes_in_the_sources(language))
    assert len(modelled) >= 10


def test_a_box_is_found_inside_a_fold_and_linked_to_its_section():
    page = pages.parse('# T { #t }\n\n## A { #a }\n\n## B { #b }\n\n???+ note "Different from the video: x"\n\n    y\n'
                       '\n```text\n!!! note "Different from the video: in code"\n```\n', "en/t.md")
    assert drift.boxes(page) == [("x", "b")]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_page_lists_every_box_with_a_link_to_its_section(site, language):
    path = page_path(language, "video-differences")
    items = soup(site, path).select("article li")
    listed = []
    for item in items:
        link = item.find("a", href=True)
        target = urlsplit(urljoin(path, link["href"]))
        name = target.path.strip("/").removeprefix("en").strip("/")
        chapter = soup(site, target.path)
        section = chapter.find(id=target.fragment)
        assert section is not None, f"{path}: {link['href']} has no such section"
        # the box stands in that section: between its heading and the next heading of the same or a higher level
        titles = []
        for sibling in section.find_next_siblings():
            if re.fullmatch(r"h[1-6]", sibling.name or "") and int(sibling.name[1]) <= int(section.name[1]):
                break
            titles += [t.get_text().strip() for t in sibling.select(".admonition-title")]
            if "admonition" in (sibling.get("class") or []):
                titles += [sibling.select_one(".admonition-title").get_text().strip()]
        assert TITLE[language] + link.get_text().strip() in titles, f"{path}: {link['href']} is not where the box is"
        listed.append((name, link.get_text().strip()))
    assert sorted(listed) == sorted((name, what.replace("`", "")) for name, what in boxes_in_the_sources(language))
