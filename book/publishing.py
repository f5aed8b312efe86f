"""What a published page needs around its content: its address, its language, its search.

* Edit button: mkdocs.yml takes `repo_url` from BOOK_REPO_URL (set by
  .github/workflows/publish.yml). Without it there is no repository to point at, so
  `edit_uri` is dropped too and pages show no edit button; MkDocs would otherwise turn
  `edit_uri` alone into a relative link that leads nowhere.
* Language versions for search engines are listed in sitemap.xml (hreflang entries), not in
  each page's <head>, where Material would fetch a sitemap under every one of them.
* Report a problem: with a repository, every chapter's box links a new GitHub issue already
  holding the page's address, the commit the site was built from and the build's Python, torch
  and torchvision versions, with prompts for the section, what the reader ran and what they saw
  (`issue_link()`). A plain link: no script, nothing requested when the page loads.
* Material's search dialog gets a name in the page's language (`named_search()`).
* The 404 page is not a page of either language: its language links lead to each edition's home.
* One search index per edition: `search/search_index.json` holds the Chinese pages and
  `en/search/search_index.json` the English ones, so a reader downloads only their own
  language's index and gets results in it. Material looks for the index under the page's
  `base`, which for an English page becomes the English edition's root.
* The offline copy (book/offline_copy.py, Material's offline plugin on): a page opened from disk
  cannot fetch the index, so each edition's index is also written as a script,
  `search/search_index.js`, which Material loads instead; the search worker runs in a frame
  (overrides/assets/javascripts/iframe-worker.js, listed as a polyfill in place of the CDN's).
"""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
from importlib import metadata
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

from mkdocs.utils import get_relative_url

from book.pages import LANGUAGES


IFRAME_WORKER = "assets/javascripts/iframe-worker.js"


def prepare_offline_copy(config) -> bool:
    """Whether Material's offline plugin is on; if so, the book's own stand-in for a Web Worker is
    listed as a polyfill, so that the offline plugin adds none from a CDN."""
    plugin = config.plugins.get("material/offline") or config.plugins.get("offline")
    if plugin is None or not plugin.config.enabled:
        return False
    polyfills = config.extra.get("polyfills") or []
    if IFRAME_WORKER not in polyfills:
        config.extra["polyfills"] = [*polyfills, IFRAME_WORKER]
    return True


def drop_edit_uri_without_repository(config) -> None:
    if not config.repo_url:
        config.edit_uri = None
        config.edit_uri_template = None


def build_facts(config_dir: Path) -> dict[str, str]:
    """What a problem report needs to know about this build: the commit (GITHUB_SHA in the publishing
    workflow, else git's HEAD; "unknown" outside a repository) and the versions that shape the outputs."""
    commit = os.environ.get("GITHUB_SHA", "")
    if not commit:
        try:
            commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=config_dir, capture_output=True, text=True,
                                    timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            commit = ""
    return {"commit": commit or "unknown", "python": platform.python_version(),
            "torch": metadata.version("torch"), "torchvision": metadata.version("torchvision")}


def issue_link(repo_url: str, language: str, title: str, page_address: str, facts: dict[str, str]) -> str:
    """The address that opens a new issue of `repo_url` with its title and text filled in."""
    from book.labels import label

    fields = {"title": label("report_title", language, title=title),
              "body": label("report_body", language, page=page_address, **facts)}
    return f"{repo_url.rstrip('/')}/issues/new?{urlencode(fields, quote_via=quote)}"


HEAD_ALTERNATE = re.compile(r'\s*<link rel="alternate" href="[^"]*" hreflang="[^"]*">')
MATERIAL_CONFIG = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.DOTALL)


def edition_root(language: str) -> str:
    """Where an edition lives in the site, relative to the site's root: "" or "en/"."""
    return "" if language == LANGUAGES[0] else f"{language}/"


SEARCH_DIALOG = re.compile(r'(<div class="md-search" data-md-component="search" role="dialog")(?=>)')
SEARCH_NAME = {"zh": "搜索", "en": "Search"}


def named_search(output: str, language: str) -> str:
    """Material's search dialog with a name that screen readers announce (its partial gives it none)."""
    return SEARCH_DIALOG.sub(lambda m: f'{m.group(1)} aria-label="{SEARCH_NAME[language]}"', output, count=1)


def finish_page(output: str, language: str) -> str:
    """A rendered page without <head> language alternates, with Material's `base` at its edition's root."""
    output = named_search(HEAD_ALTERNATE.sub("", output), language)
    root = edition_root(language)
    if not root:
        return output

    def rebased(match: re.Match) -> str:
        settings = json.loads(match.group(2))
        settings["base"] = settings["base"].rstrip("/") + "/" + root
        return match.group(1) + json.dumps(settings, ensure_ascii=False) + match.group(3)

    return MATERIAL_CONFIG.sub(rebased, output, count=1)


LANGUAGE_LINK = re.compile(r'(<a href=")[^"]*(" hreflang="(\w+)" class="md-select__link">)')


def language_links(output: str, site_url: str | None, targets: dict[str, str]) -> str:
    """The page's language links lead to `targets` (language -> path from the site's root)."""
    base = urlsplit(site_url or "/").path.rstrip("/") + "/"
    return LANGUAGE_LINK.sub(lambda m: m.group(1) + base + targets.get(m.group(3), "") + m.group(2), output)


def relative_language_links(output: str, page_url: str, targets: dict[str, str]) -> str:
    """The page's language links lead to `targets` (language -> path from the site's root), relative
    to the page: the offline copy is read from disk, where an address from the root leads nowhere."""
    return LANGUAGE_LINK.sub(lambda m: m.group(1) + get_relative_url(targets.get(m.group(3), ""), page_url) + m.group(2), output)


def finish_404(output: str, site_url: str | None) -> str:
    """The 404 page is not a page of either edition: its language links lead to each edition's home
    instead of the last page built."""
    output = language_links(output, site_url, {language: edition_root(language) for language in LANGUAGES})
    language = re.search(r'<html lang="(\w+)"', output)  # the edition that built it last
    return named_search(HEAD_ALTERNATE.sub("", output), language.group(1) if language else LANGUAGES[0])


def split_search_index(site_dir: Path, scripts: bool = False) -> None:
    """Cut the search index that Material wrote for the whole site into one per edition; with
    `scripts`, each also as the script a page opened from disk loads."""
    whole = site_dir / "search" / "search_index.json"
    if not whole.is_file():
        return
    index = json.loads(whole.read_text(encoding="utf-8"))
    editions = {language: [] for language in LANGUAGES}
    for entry in index["docs"]:
        language = next((lang for lang in LANGUAGES[1:] if entry["location"].startswith(edition_root(lang))), LANGUAGES[0])
        entry = dict(entry, location=entry["location"].removeprefix(edition_root(language)))
        editions[language].append(entry)
    for language, entries in editions.items():
        target = site_dir / edition_root(language) / "search" / "search_index.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(dict(index, docs=entries), ensure_ascii=False, separators=(",", ":"))
        target.write_text(text, encoding="utf-8")
        if scripts:
            target.with_suffix(".js").write_text(f"var __index = {text}", encoding="utf-8")
