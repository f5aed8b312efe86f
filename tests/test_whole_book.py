"""The whole book as downloads (make check): the offline copy read from disk, and the PDFs.

The offline copy is unzipped into an empty folder and opened from its file:// address in headless
Chromium, which refuses every request that is not a file: its pages, language switch, search in
both languages, figures, screenshots and formulas must work, and nothing may ask for anything off
the disk. The PDFs are read back with pypdf: every chapter in the outline, every output, every
tab and folded block's text, and every font embedded. Both are made once for the module from the
runs the `site` build cached (no program runs again). One fast test reads the home pages of the
session's build.
"""

import re
import unicodedata
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from book import offline_copy, pdf, publishing, whole_book
from conftest import LANGUAGES, REPO, page_path, screenshot, soup

ZIP_LIMIT = 25e6
PDF_LIMIT = 40e6


@pytest.fixture(scope="module")
def made(site, tmp_path_factory) -> Path:
    """`make offline` and `make pdf` into a folder of their own, after the session's build."""
    out = tmp_path_factory.mktemp("whole-book")
    for module, arguments in [("book.offline_copy", ["--out", str(out)]),
                              ("book.pdf", ["--site", str(out / whole_book.OFFLINE_FOLDER), "--out", str(out / "pdf")])]:
        done = subprocess.run([sys.executable, "-m", module, *arguments], cwd=REPO, capture_output=True, text=True)
        assert done.returncode == 0, f"{module} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return out


@pytest.fixture(scope="module")
def unzipped(made, tmp_path_factory) -> Path:
    """The zip unpacked into an empty folder, as a reader would; returns the copy's folder."""
    folder = tmp_path_factory.mktemp("reader")
    with zipfile.ZipFile(made / whole_book.OFFLINE_ZIP) as archive:
        archive.extractall(folder)
    return folder / offline_copy.ZIP_TOP


# ---------------------------------------------------------------- the website's home pages


def test_the_home_pages_offer_what_was_made_and_the_website_loads_no_frame_worker(site):
    for language in LANGUAGES:
        home = soup(site, page_path(language, "index"))
        paragraph = home.find(id="whole-book").find_next_sibling("p")
        links = [a["href"] for a in paragraph.select("a[download]")]
        for href in links:
            assert (site / page_path(language, "index").lstrip("/") / href).resolve().is_file(), href
        assert links or "make offline" in paragraph.get_text(), paragraph
    pages = [html for html in site.rglob("*.html") if "iframe-worker" in html.read_text(encoding="utf-8")]
    assert not pages, f"website pages load the offline copy's worker: {pages[:3]}"


# ---------------------------------------------------------------- the offline copy


def links_off_the_copy(copy: Path) -> list[str]:
    """Links, images, scripts and stylesheets of every page that lead to no file of the copy (a folder is not
    a file: opened from disk, it shows a directory listing or nothing), or to another host for what a page loads."""
    problems = []
    for html in sorted(copy.rglob("*.html")):
        page = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        for tag, attribute in [("a", "href"), ("link", "href"), ("img", "src"), ("script", "src")]:
            for element in page.find_all(tag, attrs={attribute: True}):
                url = urlsplit(element[attribute])
                if url.scheme == "data":  # a picture inside the page (the notebooks' figures)
                    continue
                if url.scheme or url.netloc:
                    if tag != "a":
                        problems.append(f"{html.relative_to(copy)}: <{tag}> loads {element[attribute][:120]}")
                    continue
                if not url.path:
                    continue
                target = (html.parent / unquote(url.path)).resolve()
                if not target.is_file():
                    problems.append(f"{html.relative_to(copy)}: <{tag}> {element[attribute]!r} is not a file of the copy")
    return problems


@pytest.mark.slow
def test_the_zip_is_small_enough_and_holds_both_editions(made):
    size = (made / whole_book.OFFLINE_ZIP).stat().st_size
    print(f"\noffline zip: {size / 1e6:.1f} MB")
    assert size < ZIP_LIMIT
    with zipfile.ZipFile(made / whole_book.OFFLINE_ZIP) as archive:
        names = set(archive.namelist())
    top = offline_copy.ZIP_TOP
    assert {f"{top}/index.html", f"{top}/en/index.html", f"{top}/search/search_index.js", f"{top}/en/search/search_index.js",
            f"{top}/{publishing.IFRAME_WORKER}"} <= names
    assert not any(name.startswith(f"{top}/{whole_book.PUBLISHED}/") or name.endswith(".pdf") for name in names)


@pytest.mark.slow
def test_every_link_of_the_copy_leads_to_a_file_in_it(unzipped):
    problems = links_off_the_copy(unzipped)
    assert not problems, "\n".join(problems[:40])


class Refusals:
    """Every request that is not for a file is refused and written down."""

    def __init__(self, context):
        self.refused: list[str] = []
        self.errors: list[str] = []
        context.route("**/*", self.route)

    def route(self, route):
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            self.refused.append(route.request.url)
            route.abort()

    def watch(self, page):
        page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        return page


def images_loaded(page) -> list[str]:
    """Scroll every image into view and wait for it; the ones that did not load."""
    for image in page.locator(".md-content img").all():
        image.scroll_into_view_if_needed()
    page.wait_for_function("[...document.querySelectorAll('.md-content img')].every(i => i.complete)", timeout=15_000)
    return page.eval_on_selector_all(".md-content img", "images => images.filter(i => !i.naturalWidth).map(i => i.src)")


def found_by_search(page, query: str) -> list[str]:
    from test_browser import search

    return [unquote(path) for path in search(page, query)]


@pytest.mark.slow
def test_the_copy_opened_from_disk_works_with_every_other_request_refused(browser, unzipped):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    refusals = Refusals(context)
    page = refusals.watch(context.new_page())
    home = unzipped / "index.html"

    # the home page, then a chapter through the navigation
    page.goto(home.as_uri())
    assert page.locator("html").get_attribute("lang") == "zh"
    page.locator('article a[href="convolution.html"]').first.click()  # in the contents table
    page.wait_for_url("**/convolution.html")
    assert page.locator("article h1").inner_text().strip()
    assert not images_loaded(page)
    assert page.locator("article math").count() > 0
    assert page.locator("article math").first.bounding_box()["width"] > 5, "a formula is not drawn"

    # the language switch, both ways
    page.locator(".md-header__option .md-select").hover()
    page.locator('.md-select__link[hreflang="en"]').click()
    # (the switch keeps the section scrolled to, as the address's #fragment)
    page.wait_for_url(re.compile(r".*/pytorch-tudui-book/en/convolution\.html(#[\w-]+)?$"))
    assert page.locator("html").get_attribute("lang") == "en"
    page.locator(".md-header__option .md-select").hover()
    page.locator('.md-select__link[hreflang="zh"]').click()
    page.wait_for_url(re.compile(r".*/pytorch-tudui-book/convolution\.html(#[\w-]+)?$"))

    # TensorBoard screenshots, and a chapter download that is a file next to the page
    page.goto((unzipped / "tensorboard.html").as_uri())
    assert page.locator("article img").count() > 0 and not images_loaded(page)
    download = page.locator(".chapter-downloads a[download]").first.get_attribute("href")
    assert (unzipped / unquote(download)).is_file(), download

    # search in each edition, from the copy's own index
    page.goto(home.as_uri())
    found = found_by_search(page, "损失函数")
    assert any(path.endswith("/pytorch-tudui-book/loss.html") for path in found), found
    screenshot(page, "offline-search-zh.png")
    page.goto((unzipped / "en" / "index.html").as_uri())
    found = found_by_search(page, "DataLoader")
    assert any(path.endswith("/pytorch-tudui-book/en/dataloader.html") for path in found), found
    screenshot(page, "offline-search-en.png")

    context.close()
    assert not refusals.refused, "requests off the disk:\n" + "\n".join(refusals.refused)
    assert not refusals.errors, "console errors:\n" + "\n".join(refusals.errors)


# ---------------------------------------------------------------- the PDFs


def not_embedded(reader) -> list[str]:
    """Fonts of the PDF that are not embedded in it (Type 3 fonts are drawings, embedded by nature)."""
    missing, seen = set(), set()

    def check(resources):
        resources = resources.get_object() if resources is not None else {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            if id(font) in seen:
                continue
            seen.add(id(font))
            name = str(font.get("/BaseFont", "?"))
            if font.get("/Subtype") == "/Type3":
                continue
            described = [descendant.get_object() for descendant in font.get("/DescendantFonts", [])] or [font]
            for each in described:
                descriptor = each.get("/FontDescriptor")
                descriptor = descriptor.get_object() if descriptor is not None else {}
                if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                    missing.add(name)
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                check(xobject.get("/Resources"))

    for page in reader.pages:
        check(page.get("/Resources"))
    return sorted(missing)


def font_names(reader) -> set[str]:
    """The names of the fonts the pages use (a Type 3 font's from its descriptor)."""
    names = set()
    for page in reader.pages:
        for font in ((page.get("/Resources") or {}).get_object().get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            names.add(str(font.get("/BaseFont") or (descriptor.get_object().get("/FontName") if descriptor else "")))
    return names


def outline_titles(outline) -> list[str]:
    titles = []
    for item in outline:
        titles += outline_titles(item) if isinstance(item, list) else [item.title]
    return titles


def squeeze(text: str) -> str:
    """Text to compare: without white space, and NFKC-normalised (the CJK fonts map some characters to
    look-alike Kangxi radicals in the PDF's text, 己 as ⼰)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def expected_in_pdf(site: Path, language: str) -> tuple[list[str], list[tuple[str, str]]]:
    """From the offline copy: each page's title, and (page, text) that the PDF must hold: the first and
    last line of every output, of every tab and of every folded block."""
    titles, texts = [], []
    for path in pdf.reading_order(site, language):
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        titles.append(page.select_one("article h1").get_text(" ", strip=True).removesuffix("¶").strip())
        for block in page.select("article .run-output code, article .tabbed-block, article details"):
            lines = [line for line in block.get_text().splitlines() if line.strip()]
            for line in {lines[0], lines[-1]} if lines else ():
                texts.append((path.name, line.strip()[:60]))
    return titles, texts


def problems_in_pdf(file: Path, site: Path, language: str) -> list[str]:
    """What a PDF of `language` lacks, checked against the offline copy it was printed from."""
    from pypdf import PdfReader

    reader = PdfReader(file)
    problems = [f"font not embedded: {name}" for name in not_embedded(reader)]
    outline = [squeeze(title) for title in outline_titles(reader.outline)]
    text = squeeze("".join(page.extract_text() or "" for page in reader.pages))
    titles, texts = expected_in_pdf(site, language)
    problems += [f"chapter missing from the outline: {title}" for title in titles if squeeze(title) not in outline]
    problems += [f"{page}: text missing: {line!r}" for page, line in texts if squeeze(line) not in text]
    if file.stat().st_size >= PDF_LIMIT:
        problems.append(f"{file.name} is {file.stat().st_size / 1e6:.1f} MB")
    if language == "zh" and not any("CJK" in name for name in font_names(reader)):
        problems.append("no CJK font in the Chinese PDF")
    return problems


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pdf_holds_every_chapter_and_output_in_embedded_fonts(made, language):
    file = made / "pdf" / whole_book.pdf_name(language)
    print(f"\n{file.name}: {file.stat().st_size / 1e6:.1f} MB")
    problems = problems_in_pdf(file, made / whole_book.OFFLINE_FOLDER, language)
    assert not problems, "\n".join(problems[:40])
