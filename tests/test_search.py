"""The search box answers a pasted error message and a chapter's own terms (make check).

The messages are taken from the built common-errors page, as a reader copies them from a terminal:
whole, without the `RuntimeError: ` prefix, with other shapes, with a Windows path. Each must find
its entry on that page first, in the reader's own edition. A few terms must put their chapter first.
"""

import re
from urllib.parse import urlsplit

import pytest

from book import errors, runner
from conftest import LANGUAGES, page_path, soup
from test_browser import search

pytestmark = pytest.mark.slow


def built_messages(site, language) -> dict[str, str]:
    """Entry id -> the first line of its message, from the built page."""
    page = soup(site, page_path(language, "errors"))
    return {heading["id"]: heading.find_next("pre").get_text().strip().splitlines()[0]
            for heading in page.select("article h2[id]")}


def pasted(entry_id: str, message: str) -> list[str]:
    """How readers paste a message: as printed, and a variant of it."""
    variants = [message]
    if entry_id == "linear-shapes":
        variants.append(re.sub(r"\(\d+x\d+ and \d+x\d+\)", "(64x1024 and 49152x10)", message))
        variants.append(message.removeprefix("RuntimeError: "))
    elif entry_id == "conv2d-input-dims":
        variants.append(re.sub(r"\[[\d, ]+\]", "[64, 3072]", message))
    elif entry_id == "cant-get-attribute":
        variants.append(message.replace("(built-in)", r"from 'C:\Users\me\Desktop\pytorch\model_load.py'"))
    elif entry_id == "add-image-dataformats":
        variants.append(re.sub(r"\(1, 1, \d+\)", "(1, 1, 512)", message))
    elif entry_id == "weights-only":
        variants.append("_pickle." + message)
    return variants


# Material's query parser reads `KeyError:` as a field name and a lone quoted word after it finds
# nothing at all; the other messages have words enough around their quotes.
NOT_FOUND_BY_SEARCH = {"ddp-local-rank": "a query of `KeyError: 'X'` finds nothing in Material's search"}


def same_error(message: str) -> str:
    return re.sub(r"\d+", "N", message)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_pasted_error_message_finds_its_entry_first(page, base_url, site, language):
    messages = built_messages(site, language)
    assert len(messages) - len(NOT_FOUND_BY_SEARCH) >= 10
    errors_page = page_path(language, "errors")
    page.goto(base_url + page_path(language, "index"), wait_until="networkidle")
    wrong = []
    for entry_id, message in messages.items():
        if entry_id in NOT_FOUND_BY_SEARCH:
            continue
        # entries of one message that differ in numbers only (two programs, one error) answer alike
        answers = {other for other, text in messages.items() if same_error(text) == same_error(message)}
        for query in pasted(entry_id, message):
            found = search(page, query, with_sections=True)
            first_page = found[0].split("#")[0] if found else None
            sections = [link.split("#")[1] for link in found if link.startswith(errors_page + "#")]
            if first_page != errors_page or not sections or sections[0] not in answers:
                wrong.append(f"{query!r} found {found[:4]}, not {errors_page}#{entry_id} first")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_messages_search_cannot_find_are_still_not_found(page, base_url, site, language):
    """A known gap stays listed only while it is one."""
    messages = built_messages(site, language)
    page.goto(base_url + page_path(language, "index"), wait_until="networkidle")
    for entry_id in NOT_FOUND_BY_SEARCH:
        found = search(page, messages[entry_id], with_sections=True)
        assert page_path(language, "errors") + "#" + entry_id not in found[:2], f"{entry_id} is found now: drop it from the list"


TERMS = [("Conv2d", "conv-layer"), ("DataLoader", "dataloader"), ("优化器", "optimizer"), ("optimizer", "optimizer"),
         ("卷积", "convolution")]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_term_puts_its_chapter_first_in_the_readers_edition(page, base_url, language):
    page.goto(base_url + page_path(language, "index"), wait_until="networkidle")
    wrong = []
    for query, chapter in TERMS:
        if language == "en" and re.search(r"[\u4e00-\u9fff]", query):
            continue  # the English edition has no Chinese text to find
        found = search(page, query)
        if not found or found[0] != page_path(language, chapter):
            wrong.append(f"{query!r} found {found[:4]}, not {page_path(language, chapter)} first")
        assert all(urlsplit(path).path.startswith("/en/") == (language == "en") for path in found), found
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_commonest_words_find_pages(page, base_url, language):
    # "tensor" once found nothing: outputs like `tensor([[0.6667,` made one index word each, and
    # lunr's word list broke under them (the search worker's error reading '_index')
    page.goto(base_url + page_path(language, "index"), wait_until="networkidle")
    for query in ["tensor", "Tensor", "张量" if language == "zh" else "tensors", "tensor([[1., 2.]])"]:
        assert search(page, query), f"{query!r} found nothing"
