"""The built book in a real browser (pytest-playwright driving Debian's chromium), both languages.

While a page loads, every request, failed response and console error is recorded, and every image is
scrolled into view and waited for; a sample of pages is loaded in `make test`, every page in
`make check`. Links, anchors and language links are checked in the built HTML of every page: MkDocs'
own validation checks the links written in the pages, this also checks the theme's links and the
files the build adds. The checks run once more against a broken copy of the site to show that they can fail.
"""

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from conftest import EDITIONS, LANGUAGES, PAGES, html_file, page_path, screenshot, serving, soup

HOMES = {language: page_path(language, "index") for language in LANGUAGES}
# Loaded in `make test`: a page of each kind (home, chapters with figures, screenshots and formulas, glossary,
# a notebook page with a picture).
SAMPLE = ["index", "convolution", "tensorboard", "training", "glossary", "notebooks/validation"]


# ---------------------------------------------------------------- the pages


def pages_from_docs() -> list[str]:
    """Every page the site should have: the pages of docs/, and each chapter's notebook page."""
    chapters = [name for name, page in EDITIONS[LANGUAGES[0]].items() if page.is_chapter]
    return sorted([page_path(language, name) for language in LANGUAGES for name in EDITIONS[language]]
                  + [page_path(language, f"notebooks/{name}") for language in LANGUAGES for name in chapters])


def pages_in_site(site: Path) -> list[str]:
    """URL path of every HTML page of a built site (assets and the search index left out)."""
    found = []
    for html in site.rglob("*.html"):
        relative = html.relative_to(site).as_posix()
        if relative.split("/")[0] in ("assets", "search"):
            continue
        found.append("/" + relative.removesuffix("index.html"))
    return sorted(found)


def language_of(path: str) -> str:
    return next((language for language in LANGUAGES[1:] if path.startswith(HOMES[language])), LANGUAGES[0])


def counterpart(path: str) -> str:
    """The same page in the other language."""
    return "/" + path.removeprefix("/en/") if language_of(path) == "en" else "/en" + path


# ---------------------------------------------------------------- checks on the built HTML


REFERENCE = {"a": "href", "link": "href", "img": "src", "script": "src"}


def references(site: Path, path: str) -> list[tuple[str, str]]:
    """(tag, address) of every link, stylesheet, image and script of a built page."""
    return [(tag.name, tag[attribute]) for tag in soup(site, path).find_all(REFERENCE)
            if tag.has_attr(attribute := REFERENCE[tag.name])]


def broken_links(site: Path, paths: list[str]) -> list[str]:
    """Links, images and scripts inside the site that lead nowhere, and #anchors missing on their target."""
    problems = []
    for path in paths:
        for tag, reference in references(site, path):
            url = urlsplit(urljoin("http://book" + path, reference))
            if url.scheme not in ("http", "https") or url.netloc != "book":
                continue
            target = html_file(site, url.path)
            if target is None:
                problems.append(f"{path}: <{tag}> {reference!r} leads to {url.path}, which is not in the site")
            elif url.fragment and target.suffix == ".html" and tag in ("a", "link"):
                page = soup(site, url.path)
                fragment = unquote(url.fragment)
                if not (page.find(id=fragment) or page.find("a", attrs={"name": fragment})):
                    problems.append(f"{path}: <{tag}> {reference!r}: {url.path} has no id {fragment!r}")
    return problems


def other_hosts_in_html(site: Path, paths: list[str]) -> list[str]:
    """Images, scripts and stylesheets a page would fetch from another host (links to read elsewhere are fine)."""
    return [f"{path}: <{tag}> {reference}" for path in paths for tag, reference in references(site, path)
            if tag != "a" and urlsplit(reference).netloc]


def wrong_language_links(site: Path, paths: list[str]) -> list[str]:
    """The language selector of each page must link to this very page in both languages
    (on the page for a missing address, which has no counterpart, to the two home pages)."""
    problems = []
    for path in paths:
        links = {a["hreflang"]: a.get("href") for a in soup(site, path).select("a.md-select__link[hreflang]")}
        if path == "/404.html":
            expected = HOMES
        else:
            expected = {language_of(path): path, language_of(counterpart(path)): counterpart(path)}
        for language, target in expected.items():
            href = links.get(language)
            landed = urlsplit(urljoin("http://book" + path, href)).path if href is not None else None
            if landed != target:
                problems.append(f"{path}: the {language} link of the language selector leads to {landed}, not {target}")
    return problems


# ---------------------------------------------------------------- checks in the browser


@dataclass
class Visit:
    requests: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)


IMAGES_LOADED = """async () => {
  const settled = img => img.complete ? Promise.resolve() : new Promise(done => {
    img.addEventListener("load", done, {once: true});
    img.addEventListener("error", done, {once: true});
    setTimeout(done, 5000);
  });
  for (const img of document.images) { img.scrollIntoView(); await settled(img); }
  window.scrollTo(0, document.documentElement.scrollHeight);
  return Array.from(document.images, img =>
    ({src: img.getAttribute("src"), complete: img.complete, width: img.naturalWidth}));
}"""


class Recorder:
    """Records what a tab requests and reports; `visit` says which Visit the records go to."""

    def __init__(self, page):
        self.visit, self.pending, self.issued_in = Visit(), set(), {}
        page.on("request", self.on_request)
        page.on("requestfinished", self.on_finished)
        page.on("requestfailed", self.on_failed)
        page.on("response", self.on_response)
        page.on("console", self.on_console)
        page.on("pageerror", self.on_page_error)

    def on_request(self, request):
        self.pending.add(request)
        self.issued_in[request] = self.visit
        self.visit.requests.append(request.url)

    def on_finished(self, request):
        self.pending.discard(request)

    def on_failed(self, request):
        self.pending.discard(request)
        visit = self.issued_in.get(request, self.visit)
        if request.failure == "net::ERR_ABORTED" and visit is not self.visit:
            return  # cut off by going on to the next page
        visit.failures.append(f"{request.failure} {request.url}")

    def on_response(self, response):
        if response.status >= 400:
            self.issued_in.get(response.request, self.visit).failures.append(f"{response.status} {response.url}")

    def on_console(self, message):
        if message.type == "error":
            self.visit.errors.append(message.text)

    def on_page_error(self, error):
        self.visit.errors.append(f"uncaught: {error}")

    def wait_until_quiet(self, page, quiet_for=0.3, at_most=15):
        started = quiet_since = time.monotonic()
        while time.monotonic() - quiet_since < quiet_for:
            page.wait_for_timeout(50)
            if self.pending:
                quiet_since = time.monotonic()
            if time.monotonic() - started > at_most:
                self.visit.failures += [f"still loading after {at_most} s: {r.url}" for r in self.pending]
                return


def index_without_documents(route):
    """The real search index with its documents left out: every page loads it, and building the
    full index on every page would take most of the time. The search tests use the full index."""
    response = route.fetch()
    if response.status != 200:
        route.fulfill(response=response)
        return
    index = response.json()
    route.fulfill(response=response, json={**index, "docs": []})


def visit_pages(browser, base_url: str, paths: list[str]) -> dict[str, Visit]:
    """Load each page in one tab; record requests, failures, console errors and the state of every image."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.route("**/search/search_index.json", index_without_documents)
    recorder, visits = Recorder(page), {}
    for path in paths:
        recorder.visit = visits[path] = Visit()
        page.goto(base_url + path, wait_until="load")
        visits[path].images = page.evaluate(IMAGES_LOADED)
        recorder.wait_until_quiet(page)
    page.close()
    return visits


def external_requests(visits: dict[str, Visit], base_url: str) -> list[str]:
    return [f"{path}: {url}" for path, visit in visits.items() for url in visit.requests
            if not url.startswith(base_url + "/") and not url.startswith("data:")]


def failed_requests(visits: dict[str, Visit]) -> list[str]:
    return [f"{path}: {failure}" for path, visit in visits.items() for failure in visit.failures]


def broken_images(visits: dict[str, Visit]) -> list[str]:
    return [f"{path}: {image['src']} (complete={image['complete']}, naturalWidth={image['width']})"
            for path, visit in visits.items() for image in visit.images
            if not image["complete"] or image["width"] == 0]


def console_errors(visits: dict[str, Visit]) -> list[str]:
    return [f"{path}: {error}" for path, visit in visits.items() for error in visit.errors]


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def pages(site) -> list[str]:
    return pages_in_site(site)


@pytest.fixture(scope="module")
def visits(browser, base_url) -> dict[str, Visit]:
    """The sample pages, loaded one after another in one tab."""
    paths = [page_path(language, name) for name in SAMPLE for language in LANGUAGES]
    started = time.monotonic()
    visited = visit_pages(browser, base_url, paths)
    print(f"\nloaded {len(visited)} pages in the browser in {time.monotonic() - started:.1f} s")
    return visited


# ---------------------------------------------------------------- the whole site


def test_every_page_of_both_languages_is_built_and_checked(site, pages):
    expected = pages_from_docs()
    assert len(expected) >= 2 * 2 and any(p.startswith("/en/") for p in expected)
    missing = sorted(set(expected) - set(pages))
    assert not missing, f"pages in docs/ but not in the built site: {missing}"
    unexpected = sorted(set(pages) - set(expected) - {"/404.html"})
    assert not unexpected, f"built pages that come from no docs/ page: {unexpected}"


def test_no_page_requests_another_host(visits, base_url, site, pages):
    assert sum(len(v.requests) for v in visits.values()) >= len(visits), "requests were not recorded"
    problems = external_requests(visits, base_url) + other_hosts_in_html(site, pages)
    assert not problems, "requests to other hosts:\n" + "\n".join(problems)


def test_no_request_fails(visits):
    problems = failed_requests(visits)
    assert not problems, "failed requests:\n" + "\n".join(problems)


def test_every_image_loads(visits):
    assert sum(len(v.images) for v in visits.values()) > 0, "no images found on any page"
    problems = broken_images(visits)
    assert not problems, "images that did not load:\n" + "\n".join(problems)


def test_no_console_errors(visits):
    problems = console_errors(visits)
    assert not problems, "console errors:\n" + "\n".join(problems)


def test_no_broken_links_or_anchors(site, pages):
    problems = broken_links(site, pages)
    assert not problems, "broken links:\n" + "\n".join(problems)


def test_language_selector_links_the_same_page(site, pages):
    problems = wrong_language_links(site, pages)
    assert not problems, "\n".join(problems)


@pytest.mark.slow
def test_every_page_loads_in_the_browser_without_errors_or_requests_elsewhere(browser, base_url, pages):
    visited = visit_pages(browser, base_url, pages)
    problems = external_requests(visited, base_url) + failed_requests(visited) + broken_images(visited)
    problems += console_errors(visited)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("start, other", [("/convolution/", "/en/convolution/"), ("/en/loss/", "/loss/"),
                                          ("/", "/en/"), ("/en/standin-data/", "/standin-data/")])
def test_language_switch_in_the_header_keeps_the_page(page, base_url, start, other):
    page.goto(base_url + start)
    heading = page.locator("h1").first.inner_text()
    page.locator(".md-header__option .md-select").hover()
    page.locator(f'.md-select__link[hreflang="{language_of(other)}"]').click()
    page.wait_for_url(base_url + other)
    assert page.locator("html").get_attribute("lang") == language_of(other)
    assert page.locator("h1").first.inner_text() != heading
    page.locator(".md-header__option .md-select").hover()
    page.locator(f'.md-select__link[hreflang="{language_of(start)}"]').click()
    page.wait_for_url(base_url + start)
    assert page.locator("h1").first.inner_text() == heading


# ---------------------------------------------------------------- search


def search(page, query: str, with_sections: bool = False) -> list[str]:
    """Type a query into the header's search box; the URL paths of the pages found, best first
    (with_sections: every result's path and #section, in the order shown)."""
    box = page.locator(".md-search__input")
    box.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    meta = page.locator(".md-search-result__meta")
    page.wait_for_function("() => !/\\d/.test(document.querySelector('.md-search-result__meta').textContent)")
    page.keyboard.type(query)
    # Characters typed through an input method arrive without key events; the key that ends the
    # input method's composition gives the keyup that Material's search listens to.
    page.keyboard.press("End")
    found, settled, deadline = None, 0, time.monotonic() + 15
    while settled < 3:
        assert time.monotonic() < deadline, f"no search results for {query!r}: {meta.inner_text()!r}"
        page.wait_for_timeout(100)
        now = (meta.inner_text(), page.eval_on_selector_all(
            ".md-search-result__link", "links => links.map(a => new URL(a.href).pathname + new URL(a.href).hash)"))
        answered = any(c.isdigit() for c in now[0]) or any(none in now[0] for none in ("没有", "No matching"))
        finished = answered and box.input_value() == query
        settled = settled + 1 if finished and now == found else 0
        found = now
    if with_sections:
        return list(dict.fromkeys(found[1]))
    return list(dict.fromkeys(link.split("#")[0] for link in found[1]))


SEARCHES = {
    "/": [("卷积", "/convolution/"), ("池化", "/maxpool/"), ("损失函数", "/loss/"), ("反向传播", "/loss/")],
    "/en/": [("optimizer", "/en/optimizer/"), ("DataLoader", "/en/dataloader/")],
}


@pytest.mark.parametrize("home", SEARCHES)
def test_search_finds_the_chapter(page, base_url, home):
    recorder = Recorder(page)
    page.goto(base_url + home, wait_until="networkidle")
    nothing = search(page, "qqxzzyw")
    assert nothing == [], f"a nonsense query found {nothing}"
    for query, expected in SEARCHES[home]:
        found = search(page, query)
        assert expected in found, f"search for {query!r} on {home} found {found}, not {expected}"
        if query == "卷积":
            screenshot(page, "search-zh-convolution.png")
    # each edition loads its own index, and only that one
    indexes = [url.removeprefix(base_url) for url in recorder.visit.requests if url.endswith("/search_index.json")]
    assert indexes == [home + "search/search_index.json"], indexes
    visits = {home: recorder.visit}
    problems = failed_requests(visits) + console_errors(visits) + external_requests(visits, base_url)
    assert not problems, problems


# ---------------------------------------------------------------- screenshots and one chapter in detail


@pytest.mark.parametrize("path, language", [("/convolution/", "zh"), ("/en/convolution/", "en")])
def test_chapter_renders_with_outputs_figures_and_math(page, base_url, visits, path, language):
    page.goto(base_url + path, wait_until="networkidle")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator(".run-output").count() >= 6
    stride = page.locator('.run-output[data-snippet="conv/functional_conv2d.py:stride"]')
    assert "tensor([[[[10, 12, 12]," in stride.inner_text()
    assert len([i for i in visits[path].images if i["src"].startswith("../")]) >= 2
    # the browser lays the MathML out itself: the block formula, a fraction, is taller than a line of text
    formula = page.locator(".arithmatex > math[display=block]").first
    assert formula.bounding_box()["height"] > 1.5 * page.locator("article p").first.evaluate(
        "p => parseFloat(getComputedStyle(p).lineHeight)")
    screenshot(page, f"convolution-{language}.png", full_page=True)


@pytest.mark.parametrize("path, language", [("/convolution/#stride", "zh"), ("/en/convolution/#stride", "en")])
def test_palette_toggle_switches_to_dark_and_back(page, base_url, path, language):
    page.emulate_media(color_scheme="light")
    page.goto(base_url + path, wait_until="networkidle")
    scheme = page.locator("body")
    assert scheme.get_attribute("data-md-color-scheme") == "default"
    screenshot(page, f"convolution-{language}-light.png")
    page.locator('label[for="__palette_1"]').click()
    assert scheme.get_attribute("data-md-color-scheme") == "slate"
    page.mouse.move(640, 500)
    page.wait_for_timeout(300)
    screenshot(page, f"convolution-{language}-dark.png")
    page.locator('label[for="__palette_0"]').click()
    assert scheme.get_attribute("data-md-color-scheme") == "default"


# ---------------------------------------------------------------- the checks fail on a broken site


def test_the_checks_fail_on_a_broken_copy_of_the_site(site, browser, tmp_path):
    broken = tmp_path / "site"
    shutil.copytree(site, broken)
    figure = next(src for tag, src in references(broken, "/convolution/") if tag == "img" and src.startswith("../"))
    (broken / "convolution" / figure).resolve().unlink()

    loss = broken / "en" / "loss" / "index.html"
    text = loss.read_text(encoding="utf-8")
    next_chapter = '<a href="../optimizer/" class="md-footer__link'
    assert next_chapter in text and 'href="#' in text
    first_anchor = text.split('href="#', 1)[1].split('"', 1)[0]
    text = text.replace(next_chapter, next_chapter.replace("optimizer", "optimiser"), 1)
    text = text.replace(f'href="#{first_anchor}"', 'href="#no-such-heading"', 1)
    text = text.replace("</head>", '<script src="https://example.com/x.js"></script></head>', 1)
    loss.write_text(text, encoding="utf-8")

    maxpool = broken / "maxpool" / "index.html"
    text = maxpool.read_text(encoding="utf-8")
    text = text.replace('href="../en/maxpool/"', 'href="../en/loss/"', 1)
    text = text.replace("</body>", "<script>throw new Error('broken on purpose')</script></body>", 1)
    maxpool.write_text(text, encoding="utf-8")

    paths = ["/convolution/", "/en/loss/", "/maxpool/", "/en/optimizer/"]
    with serving(broken) as url:
        visits = visit_pages(browser, url, paths)
        external = external_requests(visits, url)
    assert external == ["/en/loss/: https://example.com/x.js"]
    failed = failed_requests(visits)
    assert any(f.startswith("/convolution/: 404 ") and f.endswith(figure.removeprefix("..")) for f in failed), failed
    assert any(f.startswith("/en/loss/: ") and "example.com/x.js" in f for f in failed), failed
    images = broken_images(visits)
    assert len(images) == 1 and images[0].startswith(f"/convolution/: {figure} ") and "naturalWidth=0" in images[0]
    errors = console_errors(visits)
    assert any(e.startswith("/maxpool/: uncaught: ") and "broken on purpose" in e for e in errors), errors
    assert not any(e.startswith("/en/optimizer/") for e in errors + failed + external + images)
    links = broken_links(broken, paths)
    assert sorted(links) == sorted([
        f"/convolution/: <img> {figure!r} leads to /{figure.removeprefix('../')}, which is not in the site",
        "/en/loss/: <a> '../optimiser/' leads to /en/optimiser/, which is not in the site",
        "/en/loss/: <a> '#no-such-heading': /en/loss/ has no id 'no-such-heading'",
    ]), links
    assert wrong_language_links(broken, paths) == [
        "/maxpool/: the en link of the language selector leads to /en/loss/, not /en/maxpool/"]
