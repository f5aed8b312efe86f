"""The whole book as downloads: the offline copy's zip (book/offline_copy.py) and one PDF per
language (book/pdf.py), offered on each edition's home page where its Markdown holds PLACEHOLDER.

A build publishes those of them that have been made (`make offline`, `make pdf`) under downloads/;
the publishing workflow makes them before the site. The offline copy itself offers none: it leaves
out the PDFs and cannot hold itself; its home page says instead that it is the offline copy.
"""

from __future__ import annotations

from pathlib import Path

from book.labels import label
from book.pages import LANGUAGES

PLACEHOLDER = "<!-- whole-book -->"
PUBLISHED = "downloads"
OFFLINE_FOLDER = "site-offline"
OFFLINE_ZIP = "site-offline.zip"
PDF_FOLDER = "pdf"


def pdf_name(language: str) -> str:
    return f"pytorch-tudui-book-{language}.pdf"


def published_names() -> dict[str, str]:
    """Where each download is made, relative to the repository -> its address in the site."""
    names = {OFFLINE_ZIP: f"{PUBLISHED}/pytorch-tudui-book-offline.zip"}
    names.update({f"{PDF_FOLDER}/{pdf_name(language)}": f"{PUBLISHED}/{pdf_name(language)}" for language in LANGUAGES})
    return names


def made(root: Path) -> dict[str, Path]:
    """The downloads made so far in `root`: address in the site -> file."""
    return {dest: root / source for source, dest in published_names().items() if (root / source).is_file()}


def published(files) -> dict[str, int]:
    """The downloads among a build's files: address -> size in bytes."""
    found = {}
    for dest in published_names().values():
        file = files.get_file_from_path(dest)
        if file is not None and file.abs_src_path:
            found[dest] = Path(file.abs_src_path).stat().st_size
    return found


def line(language: str, offline_copy: bool, links: dict[str, tuple[str, int]]) -> str:
    """The home page's paragraph: `links` is address -> (link from the page, size in bytes)."""
    if offline_copy:
        return label("whole_book_offline_copy", language)
    if not links:
        return label("whole_book_not_made", language)
    names = published_names()
    parts = []
    for key, dest in [("whole_book_zip", names[OFFLINE_ZIP])] + [
            (f"whole_book_pdf_{other}", names[f"{PDF_FOLDER}/{pdf_name(other)}"]) for other in LANGUAGES]:
        if dest in links:
            href, size = links[dest]
            parts.append(f'<a href="{href}" download>{label(key, language)}</a>{label("whole_book_size", language, megabytes=size / 1e6)}')
    return label("whole_book", language, links=" · ".join(parts))
