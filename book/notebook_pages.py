"""Each chapter's notebook, with the outputs the build recorded, as a page of the site.

mkdocs-jupyter renders the notebook (book/notebooks.py makes it); this module gives it a place
and keeps it light and local:

* `page_file()`: the notebook as a page file, at notebooks/<chapter>/ in each edition, outside the
  navigation (the chapter's box links it). static-i18n re-creates the files after mkdocs-jupyter
  has chosen its own, so the book wraps them itself (mkdocs-static-i18n#198).
* `remember_rendering()`: a rendered notebook is kept in the cache by the notebook's bytes and the
  renderer's version and settings; mkdocs-jupyter's own cache drops one edition's pages while the
  other is built.
* `lighter()`: the JupyterLab stylesheet that mkdocs-jupyter puts inline on every notebook page
  (about 575 KB) becomes one shared file, loaded once and then cached by the browser; the MathJax
  and Mermaid loaders (which would fetch from other hosts) are left out: the book's notebooks hold
  neither formulas nor diagrams. A line at the top links the download and the chapter. Each code
  cell can take the keyboard's focus, so that a line too long for the page can be scrolled.
"""

from __future__ import annotations

import hashlib
import json
import re
from importlib import metadata
from pathlib import Path

from mkdocs.structure.files import File, InclusionLevel
from mkdocs.structure.toc import get_toc

from book import CACHE_DIR
from book.build_cache import remembered
from book.labels import label
from book.publishing import edition_root

FOLDER = CACHE_DIR / "notebook-pages"  # the notebooks the pages are rendered from
used: set[Path] = set()  # the notebooks of this build's chapters; book/caches.py removes the others after a build
STYLE = re.compile(r"<style[^>]*>(.*?)</style>\s*", re.DOTALL)
NOT_NEEDED = re.compile(r'<script src="">\s*</script>\s*|<script type="text/x-mathjax-config">.*?</script>\s*'
                        r'|<script type="module">.*?</script>\s*', re.DOTALL)


def src_uri(language: str, chapter: str) -> str:
    return f"{edition_root(language)}notebooks/{chapter}.ipynb"


def page_file(config, language: str, chapter: str, notebook: str) -> File:
    """The notebook as a page of its edition, for mkdocs-jupyter to render."""
    from mkdocs_jupyter.plugin import NotebookFile

    source = FOLDER / language / f"{chapter}.ipynb"
    used.add(source)
    if not source.is_file() or source.read_bytes() != notebook.encode("utf-8"):  # bytes: a damaged file need not be UTF-8
        source.parent.mkdir(parents=True, exist_ok=True)
        source.write_bytes(notebook.encode("utf-8"))
    file = File.generated(config, src_uri(language, chapter), abs_src_path=str(source),
                          inclusion=InclusionLevel.NOT_IN_NAV)
    page = NotebookFile(file, use_directory_urls=config.use_directory_urls, site_dir=config.site_dir)
    # the wrapper answers these itself rather than from the file it wraps
    page.abs_src_path, page.inclusion = str(source), InclusionLevel.NOT_IN_NAV
    return page


def _tokens(items) -> list[dict]:
    return [{"level": item.level, "id": item.id, "name": item.title, "children": _tokens(item.children)}
            for item in items]


def _present(tokens: list[dict], ids: set[str]) -> list[dict]:
    return [dict(token, children=_present(token["children"], ids)) for token in tokens if token["id"] in ids]


def remember_rendering(page, renderer_settings: dict) -> None:
    """Keep what mkdocs-jupyter renders for this page, and read it back while nothing changed."""
    render = page.render
    inputs = [Path(page.file.abs_src_path).read_bytes(), metadata.version("mkdocs-jupyter"),
              json.dumps(renderer_settings, sort_keys=True, default=str)]

    def remembered_render(config, files):
        def make() -> str:
            render(config, files)
            return json.dumps({"content": page.content, "toc": _tokens(page.toc), "title": page.title})

        saved = json.loads(remembered("notebook-pages", page.file.src_uri, inputs, make))
        # A heading the notebook repeats (a later program under the same heading) gets a second
        # entry in mkdocs-jupyter's table of contents, with an id the page does not have.
        ids = set(re.findall(r'\sid="([^"]+)"', saved["content"]))
        page.content, page.toc, page.title = saved["content"], get_toc(_present(saved["toc"], ids)), saved["title"]

    page.render = remembered_render


CODE_CELL = re.compile(r'(<div class="highlight-ipynb[^"]*")(?=>)')
LINK = re.compile(r'(<a\s[^>]*?href=")([^"#:]+)(#[^"]*)?(")')


def lighter(html: str, site_dir: Path, page_url: str, language: str, links: dict[str, str], notebook_url: str) -> str:
    """The rendered notebook with its stylesheet in a shared file, without loaders for other hosts,
    and a line linking the download and the chapter. `links`: relative addresses of both. The
    notebook's own links lead from `notebook_url`, where it is downloaded; here they lead from the page."""
    from urllib.parse import urljoin

    from mkdocs.utils import get_relative_url

    def relinked(match):
        target = urljoin("/" + notebook_url, match.group(2)).lstrip("/")
        return match.group(1) + get_relative_url(target, page_url) + (match.group(3) or "") + match.group(4)

    html = LINK.sub(relinked, html)
    styles = "\n".join(match.group(1).strip() for match in STYLE.finditer(html))
    digest = hashlib.sha256(styles.encode()).hexdigest()[:10]
    url = f"assets/notebook.{digest}.css"
    target = site_dir / url
    if styles and not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(styles, encoding="utf-8")
    html = NOT_NEEDED.sub("", STYLE.sub("", html))
    html = CODE_CELL.sub(r'\1 tabindex="0"', html)  # a long line scrolls sideways: the keyboard can reach it too
    stylesheet = f'<link rel="stylesheet" href="{get_relative_url(url, page_url)}">\n' if styles else ""
    download = f'<a href="{links["download"]}" download>{label("download_this_notebook", language)}</a>'
    chapter = f'<a href="{links["chapter"]}">{label("back_to_chapter", language)}</a>'
    return f'{stylesheet}<p class="notebook-links">{download} · {chapter}</p>\n{html}'
