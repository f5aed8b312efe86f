"""mkdocs hook: what the published book needs from its address and its repository.

* Edit button: mkdocs.yml takes `repo_url` from BOOK_REPO_URL (set by
  .github/workflows/publish.yml). Without it there is no repository to point at, so
  `edit_uri` is dropped too and pages show no edit button; mkdocs would otherwise turn
  `edit_uri` alone into a relative link that leads nowhere.
* Language versions for search engines are listed in sitemap.xml (hreflang entries);
  book/mkdocs_hooks.py removes them from each page's <head>, where Material would
  fetch a sitemap under every one of them.
"""

from __future__ import annotations


def on_config(config, **kwargs):
    if not config.repo_url:
        config.edit_uri = None
        config.edit_uri_template = None
