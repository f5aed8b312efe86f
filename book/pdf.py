"""`make pdf` (or `python -m book.pdf`): the whole book as one PDF per language, in pdf/.

Each edition of the offline copy (book/offline_copy.py; made first when it is missing) becomes one
print view: its pages in the order of the navigation, every code block with its output, figures,
TensorBoard screenshots and formulas (MathML, which Chromium draws), every folded block opened and
every tab shown under its name. Headless Chromium prints it (Playwright, as for the screenshots),
with a clickable outline built from the headings and the fonts it used (Noto CJK for Chinese)
embedded. Links between pages become links inside the PDF; links to the website's downloads lead
to the published site when BOOK_SITE_URL names it, and are plain text otherwise.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import sys
import tempfile
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import BeautifulSoup

from book import tensorboard_shots
from book.pages import LANGUAGES
from book.publishing import edition_root
from book.whole_book import OFFLINE_FOLDER, PDF_FOLDER, pdf_name

PRINT_CSS = """
@page { size: A4; margin: 16mm 14mm 18mm 14mm; }
html { font-size: 125%; }
body { display: block; background: #fff; }
.print-book { max-width: none; margin: 0; font-size: .62rem; }
/* Chinese in the Simplified Chinese cut of Noto CJK on both editions' pages (an English page would take the Japanese one) */
.print-book { --md-text-font: "Helvetica", "Arial", "Noto Sans CJK SC"; --md-code-font: "DejaVu Sans Mono", "Noto Sans Mono CJK SC"; }
.print-page { break-before: page; }
.print-cover { text-align: center; padding-top: 30vh; }
.print-cover .print-title { font-size: 2.2em; margin-bottom: 1.5em; }
.md-typeset pre, .md-typeset pre > code, .md-typeset code {
  white-space: pre-wrap !important; overflow-wrap: anywhere; word-break: break-all; overflow: visible !important;
}
.md-typeset pre > code { max-height: none !important; }
.md-typeset .highlight, .md-typeset pre { break-inside: auto; }
.md-typeset img { max-width: 100% !important; break-inside: avoid; }
.md-typeset figure, .md-typeset p:has(> img) { break-inside: avoid; }
.md-typeset h1, .md-typeset h2, .md-typeset h3 { break-after: avoid; }
.md-typeset .headerlink, .md-clipboard, .md-code__nav, .md-content__button { display: none !important; }
.md-typeset details > summary::after { display: none; }
.md-typeset .tabbed-labels { display: none !important; }
.md-typeset .tabbed-content { display: block !important; }
.md-typeset .tabbed-block { display: block !important; }
.md-typeset .print-tab-name { font-weight: 700; margin: 1em 0 .3em; }
.md-typeset table:not([class]) { display: table; font-size: .9em; }
.md-typeset math { font-family: "TeX Gyre Termes Math", "Latin Modern Math", math; }
"""


class PdfError(Exception):
    pass


def edition_folder(site: Path, language: str) -> Path:
    return site / edition_root(language)


def reading_order(site: Path, language: str) -> list[Path]:
    """The edition's pages in the order of its navigation (the offline copy's addresses are files)."""
    home = edition_folder(site, language) / "index.html"
    page = BeautifulSoup(home.read_text(encoding="utf-8"), "html.parser")
    order: list[Path] = []
    for link in page.select("nav.md-nav--primary a.md-nav__link[href]"):
        href = link["href"]
        if href.startswith("#") or urlsplit(href).scheme:
            continue
        target = (home.parent / unquote(urlsplit(href).path)).resolve()
        if target.suffix == ".html" and target.is_file() and target not in order:
            order.append(target)
    if home.resolve() not in order:
        order.insert(0, home.resolve())
    return order


def anchor(page: Path, fragment: str = "") -> str:
    """The id a page (or one of its anchors) gets in the print view, where all pages share one document."""
    name = re.sub(r"[^A-Za-z0-9_-]", "-", page.stem)
    return f"page-{name}" + (f"--{fragment}" if fragment else "")


def print_view(site: Path, language: str, site_url: str | None = None) -> str:
    """One HTML document holding the whole edition, ready to print."""
    order = reading_order(site, language)
    included = set(order)
    home = BeautifulSoup(order[0].read_text(encoding="utf-8"), "html.parser")
    styles = [urljoin(order[0].as_uri(), link["href"]) for link in home.select('link[rel="stylesheet"][href]')]
    body_attributes = " ".join(f'{key}="{html.escape(" ".join(value) if isinstance(value, list) else value)}"'
                               for key, value in home.body.attrs.items())
    title = home.select_one('meta[property="og:title"]') or home.title
    site_name = home.select_one(".md-header__topic .md-ellipsis")
    description = home.select_one('meta[name="description"]')
    parts = []
    for path in order:
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        article = page.select_one("article.md-content__inner")
        if article is None:
            raise PdfError(f"{path}: no article in the page")
        for element in article.select("a.headerlink, .md-content__button, .md-source-file, script"):
            element.decompose()
        for element in article.find_all(id=True):
            element["id"] = anchor(path, element["id"])
        for image in article.find_all(["img", "source"]):
            for attribute in ("src", "srcset"):
                if image.has_attr(attribute) and not urlsplit(image[attribute]).scheme:
                    image[attribute] = urljoin(path.as_uri(), image[attribute])
            if image.has_attr("loading"):
                del image["loading"]
        for link in article.find_all("a", href=True):
            relink(link, path, included, site, site_url)
        for details in article.find_all("details"):
            details["open"] = ""
        for tabs in article.select(".tabbed-set"):
            names = [label.get_text(" ", strip=True) for label in tabs.select(".tabbed-labels > label")]
            for name, block in zip(names, tabs.select(".tabbed-content > .tabbed-block")):
                heading = page.new_tag("p", attrs={"class": "print-tab-name"})
                heading.string = name
                block.insert(0, heading)
        parts.append(f'<section class="print-page" id="{anchor(path)}">{article.decode_contents()}</section>')
    stylesheet_links = "\n".join(f'<link rel="stylesheet" href="{html.escape(url)}">' for url in styles)
    # the title is not a heading: the outline starts with the home page, whose heading is the same
    cover = (f'<section class="print-cover"><p class="print-title">{html.escape(site_name.get_text(strip=True) if site_name else "")}</p>'
             f'<p>{html.escape(description["content"] if description else "")}</p></section>')
    return (f'<!doctype html>\n<html lang="{language}"><head><meta charset="utf-8">'
            f'<title>{html.escape(title.get("content", "") if title.name == "meta" else title.get_text())}</title>\n'
            f'{stylesheet_links}\n<style>{PRINT_CSS}</style></head>\n'
            f'<body {body_attributes}><div class="md-typeset print-book">{cover}\n' + "\n".join(parts) + "</div></body></html>\n")


def relink(link, path: Path, included: set[Path], site: Path, site_url: str | None) -> None:
    """A link of the page as a link inside the PDF, to the website, or plain text."""
    url = urlsplit(link["href"])
    if url.scheme in ("http", "https", "mailto"):
        return
    if not url.path:
        link["href"] = "#" + anchor(path, unquote(url.fragment)) if url.fragment else "#" + anchor(path)
        return
    target = (path.parent / unquote(url.path)).resolve()
    if target in included:
        link["href"] = "#" + anchor(target, unquote(url.fragment))
    elif site_url and target.is_relative_to(site.resolve()):
        address = target.relative_to(site.resolve()).as_posix()
        if address.endswith(".html"):  # the website's addresses are folders
            address = address.removesuffix("index.html").removesuffix(".html") + ("/" if not address.endswith("index.html") else "")
        link["href"] = site_url.rstrip("/") + "/" + address
    else:
        del link["href"]
        if link.has_attr("download"):
            del link["download"]


FOOTER = ('<div style="font-size:8px;width:100%;text-align:center;color:#777">'
          '<span class="pageNumber"></span> / <span class="totalPages"></span></div>')


def print_pdf(view: Path, target: Path) -> None:
    """Chromium prints the print view `view` (a file) to `target`; any request off the disk is refused."""
    from playwright.sync_api import sync_playwright

    chromium = tensorboard_shots.chromium()
    if chromium is None:
        raise PdfError("no chromium found (install chromium and fonts-noto-cjk, or set BOOK_CHROMIUM)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=tensorboard_shots.CHROMIUM_FLAGS)
        try:
            page = browser.new_page()
            refused: list[str] = []

            def only_files(route):
                if route.request.url.startswith("file:"):
                    route.continue_()
                else:
                    refused.append(route.request.url)
                    route.abort()

            page.route("**/*", only_files)
            page.goto(view.as_uri(), wait_until="load", timeout=120_000)
            page.evaluate("document.fonts.ready")
            broken = page.evaluate("[...document.images].filter(i => !i.complete || !i.naturalWidth).map(i => i.src)")
            if broken or refused:
                raise PdfError(f"the print view of {view.name} has images that did not load {broken} "
                               f"or asked for addresses off the disk {refused}")
            page.emulate_media(media="print")
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".partial")
            page.pdf(path=str(partial), format="A4", print_background=True, outline=True, tagged=True,
                     display_header_footer=True, header_template="<div></div>", footer_template=FOOTER,
                     margin={"top": "16mm", "bottom": "18mm", "left": "14mm", "right": "14mm"})
            partial.replace(target)
        finally:
            browser.close()


def make(site: Path, out: Path, languages=LANGUAGES, site_url: str | None = None) -> dict[str, Path]:
    """One PDF per language from the offline copy `site`; returns language -> PDF."""
    made = {}
    with tempfile.TemporaryDirectory(prefix="book-print-") as scratch:
        for language in languages:
            view = Path(scratch) / f"print-{language}.html"
            view.write_text(print_view(site, language, site_url), encoding="utf-8")
            made[language] = out / pdf_name(language)
            print_pdf(view, made[language])
            print(f"PDF ({language}): {made[language]} ({made[language].stat().st_size / 1e6:.1f} MB)", flush=True)
    return made


def main(arguments: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m book.pdf", description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=Path.cwd() / OFFLINE_FOLDER, help="the offline copy to print")
    parser.add_argument("--out", type=Path, default=Path.cwd() / PDF_FOLDER, help="where to write the PDFs")
    options = parser.parse_args(arguments)
    if not (options.site / "index.html").is_file():
        from book import offline_copy

        print(f"No offline copy in {options.site}; making it first.", flush=True)
        code = offline_copy.main(["--out", str(options.site.parent)])
        if code != 0:
            return code
    try:
        make(options.site.resolve(), options.out.resolve(), site_url=os.environ.get("BOOK_SITE_URL") or None)
    except PdfError as error:
        print(f"No PDF: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
