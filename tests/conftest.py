"""Shared fixtures: one strict build of the whole book per test session."""

import contextlib
import functools
import http.server
import os
import subprocess
import sys
import threading
from html.parser import HTMLParser
from pathlib import Path

import pytest

from book import offline

offline.install()  # a test that reaches another host fails, naming it

REPO = Path(__file__).resolve().parent.parent


def mkdocs_build(config: Path, site_dir: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config), "--site-dir", str(site_dir)],
        cwd=config.parent, env=env, capture_output=True, text=True,
    )


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The book built with `mkdocs build --strict`, as `make build` does it."""
    site_dir = tmp_path_factory.mktemp("site")
    result = mkdocs_build(REPO / "mkdocs.yml", site_dir)
    assert result.returncode == 0, f"strict build failed:\n{result.stdout}\n{result.stderr}"
    return site_dir


@contextlib.contextmanager
def serving(directory: Path):
    """A static file server for a built site on 127.0.0.1; yields its base URL."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class OutputBlocks(HTMLParser):
    """Collects (data-snippet, text) for every run-output block of a built page."""

    def __init__(self):
        super().__init__()
        self.blocks, self._snippet, self._in_code, self._text = [], None, False, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "run-output" in (attrs.get("class") or "").split():
            self._snippet = attrs.get("data-snippet")
        elif tag == "code" and self._snippet:
            self._in_code, self._text = True, []

    def handle_endtag(self, tag):
        if tag == "code" and self._in_code:
            self.blocks.append((self._snippet, "".join(self._text)))
            self._in_code, self._snippet = False, None

    def handle_data(self, data):
        if self._in_code:
            self._text.append(data)


def output_blocks(html_file: Path) -> list[tuple[str, str]]:
    parser = OutputBlocks()
    parser.feed(html_file.read_text(encoding="utf-8"))
    return parser.blocks
