"""Shared fixtures and helpers: the pages as the build reads them, one strict build of the whole
book per test session, the built pages parsed with Beautiful Soup, and the browser for
pytest-playwright (Debian's chromium, the flags the build uses for its screenshots).

Two tiers: `make test` runs every test not marked `slow` (the default selection, see
pyproject.toml); `make check` runs the `slow` ones. Tests that use the built site run first,
so that the one build runs every program, several at a time, before the chapter tests ask
the run cache for the same results.
"""

import contextlib
import functools
import http.server
import importlib.util
import os
import subprocess
import sys
import sysconfig
import threading
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup
from matplotlib import cbook

from book import notebooks, offline, pages, runner, shim, standins, tensorboard_shots

offline.install()  # a test that reaches another host fails, naming it

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
LANGUAGES = pages.LANGUAGES
EDITIONS = {language: pages.read_edition(DOCS, language) for language in LANGUAGES}
PAGES = sorted(EDITIONS[LANGUAGES[0]])  # page names, the same in every edition: "convolution", "index", ...
CHAPTERS = [name for name in PAGES if EDITIONS[LANGUAGES[0]][name].is_chapter]


def program(name: str):
    """A program of snippets/ loaded as a module, its folder first on the path as when it runs
    (its `if __name__ == "__main__":` part does not run). Programs are not a package to import."""
    path = runner.SNIPPETS / name
    spec = importlib.util.spec_from_file_location(f"program_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(path.parent))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(path.parent))
    return module



def exercise_answers(chapter: str) -> dict[str, list[str]]:
    """The text of every folded answer (a `??? success` block) under the chapter's Exercises heading
    ({ #exercises }), in page order, per language: what the page's prose says each answer is."""
    found = {}
    for language in LANGUAGES:
        page = EDITIONS[language][chapter]
        lines = page.markdown.split("\n")
        start = next(h.line for h in page.headings if h.anchor == "exercises")
        end = next((h.line for h in page.headings if h.line > start and h.level <= 2), len(lines))
        answers, current = [], None
        for line in lines[start:end]:
            if line.startswith("??? success"):
                current = []
                answers.append(current)
            elif current is not None and line.strip() and not line.startswith("    "):
                current = None
            elif current is not None:
                current.append(line.strip())
        found[language] = [" ".join(part for part in answer if part) for answer in answers]
    return found

PHOTO = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)  # the photo the programs use


def page_path(language: str, name: str) -> str:
    """URL path of a page of the site: ("zh", "index") -> /, ("en", "loss") -> /en/loss/."""
    root = "/" if language == LANGUAGES[0] else f"/{language}/"
    return root + ("" if name == "index" else f"{name}/")


def html_file(site: Path, path: str) -> Path | None:
    """The file a static server sends for a URL path, or None."""
    target = site / unquote(path).lstrip("/")
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


@functools.cache
def _soup(file: Path, mtime: float) -> BeautifulSoup:
    return BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")


def soup(site: Path, path: str) -> BeautifulSoup:
    """A built page, parsed (once while the file is unchanged). `path` is its URL path."""
    file = html_file(site, path)
    assert file is not None, f"{path} is not in the site"
    return _soup(file, file.stat().st_mtime)


def output_blocks(page: BeautifulSoup) -> list[tuple[str, str]]:
    """(data-snippet, text) of every run output on a built page."""
    return [(block["data-snippet"], block.code.get_text()) for block in page.select(".run-output[data-snippet]")]


def mkdocs_build(config: Path, site_dir: Path, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config), "--site-dir", str(site_dir)],
        cwd=config.parent, env=dict(os.environ, NO_MKDOCS_2_WARNING="1", **env), capture_output=True, text=True,
    )


def small_book(folder: Path, pages: dict[str, str], programs: dict[str, str] = {}, plugin: str = "") -> Path:
    """A book of a few pages (`zh/index.md` -> its text) and programs (`ch/demo.py` -> its code),
    built with the book's plugin; returns its mkdocs.yml."""
    for name, text in {**{f"docs/{k}": v for k, v in pages.items()}, **{f"snippets/{k}": v for k, v in programs.items()}}.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "snippets").mkdir(exist_ok=True)
    config = folder / "mkdocs.yml"
    config.write_text("\n".join([
        "site_name: small", "theme: {name: material}", "plugins:", "  - search",
        "  - i18n: {docs_structure: folder, languages: [{locale: zh, default: true, name: 中文}, {locale: en, name: English}]}",
        f"  - book: {{{plugin}}}", "markdown_extensions:", "  - admonition", "  - attr_list", "  - pymdownx.superfences",
        "  - pymdownx.snippets: {base_path: [snippets], check_paths: true}", "",
    ]), encoding="utf-8")
    return config


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The book built with `mkdocs build --strict`, as `make build` does it."""
    site_dir = tmp_path_factory.mktemp("site")
    before = repository_state()
    result = mkdocs_build(REPO / "mkdocs.yml", site_dir)
    assert result.returncode == 0, f"strict build failed:\n{result.stdout}\n{result.stderr}"
    CHANGED_BY_THE_BUILD.extend(sorted(set(before.items()) ^ set(repository_state().items())))
    return site_dir


CHANGED_BY_THE_BUILD: list[tuple[str, str]] = []  # (file, its digest before or after) that the `site` build changed


def repository_state() -> dict[str, str]:
    """Every file of the repository that git does not ignore (the book's sources), with its sha256."""
    import hashlib

    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=REPO,
                            capture_output=True, check=True).stdout.decode().split("\0")
    return {name: hashlib.sha256((REPO / name).read_bytes()).hexdigest() if (REPO / name).is_file() else "gone"
            for name in listed if name}


@contextlib.contextmanager
def serving(directory: Path):
    """A static file server for a built site on 127.0.0.1; yields its base URL. (The standard
    library's server, quiet and on a free port: a library would not make it shorter.)"""

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


@pytest.fixture(scope="session")
def base_url(site):
    """The built site served on 127.0.0.1 (pytest-playwright's pages open paths under it)."""
    with serving(site) as url:
        yield url


@pytest.fixture(scope="session")
def rehearsal_files(tmp_path_factory) -> Path:
    """Files in the formats the real data's sources publish, made from the stand-ins, for a local data
    server (book/real_data_rehearsal.py); shared by the real-data rehearsal and the workflow mirror."""
    from book import real_data_rehearsal

    folder = tmp_path_factory.mktemp("served")
    real_data_rehearsal.make(folder)
    return folder


@pytest.fixture(scope="session")
def real_data_build(tmp_path_factory, rehearsal_files):
    """The publishing workflow's build job run here by book/workflow_mirror.py (a fresh clone and venv,
    `make pdf`, `make build`) with BOOK_DATA=real, its downloads served from `rehearsal_files` on
    127.0.0.1: the whole book built cold from real-format data, once for the workflow test and the
    real-data rehearsal. What the mirror and the build printed is in "said"."""
    import shutil

    from book import real_data_rehearsal

    scratch = tmp_path_factory.mktemp("workflow")
    with real_data_rehearsal.serving(rehearsal_files) as (address, requested):
        result = subprocess.run([sys.executable, "-m", "book.workflow_mirror", str(scratch)], cwd=REPO,
                                env=dict(os.environ, BOOK_DATA_SERVER=address), capture_output=True, text=True,
                                timeout=2400)
    said = result.stdout + result.stderr
    assert result.returncode == 0, said[-6000:]
    clone = scratch / "clone"
    yield {"clone": clone, "site": clone / "site", "data": clone / "data", "requested": list(requested),
           "address": address, "said": said}
    shutil.rmtree(clone / ".venv", ignore_errors=True)  # the clone's own venv: several GB


# ---------------------------------------------------------------- a reader's machine


@pytest.fixture(scope="session")
def reader_python(tmp_path_factory) -> Path:
    """A Python like a reader's: a virtual environment that sees the packages the book names for
    readers (through a .pth file naming this environment's site-packages, whose own .pth files, the
    book's editable install among them, are not read) and nothing of this repository."""
    venv = tmp_path_factory.mktemp("reader") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site_packages = next(venv.glob("lib/python*/site-packages"))
    (site_packages / "packages.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    python = venv / "bin" / "python"
    for name in ("torch", "torchvision", "tensorboard", "matplotlib"):
        found = subprocess.run([python, "-c", f"import {name}"], cwd=venv, env=reader_environment(),
                               capture_output=True, text=True)
        assert found.returncode == 0, f"the reader's Python cannot import {name}: {found.stderr[-500:]}"
    for name in ("book", "snippets"):
        found = subprocess.run([python, "-c", f"import {name}"], cwd=venv, env=reader_environment(),
                               capture_output=True, text=True)
        assert "ModuleNotFoundError" in found.stderr, f"the reader's Python can import {name} from the repository"
    return python


def reader_environment(**more) -> dict[str, str]:
    """What a reader's program runs with in the tests: no variable of the book's, offline with stand-in
    data through the generated sitecustomize.py (book/shim.py) on PYTHONPATH, and nothing else of the book."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("BOOK_", "PYTORCH_BOOK", "PYTHON"))}
    return dict(env, PYTHONPATH=str(shim.ensure("standin")), MPLBACKEND="Agg", PYTHONHASHSEED="0",
                PYTHONDONTWRITEBYTECODE="1", COLUMNS="80", LINES="24", **more)


def reader_folder(folder: Path, site: Path, language: str, chapter: str) -> Path:
    """An empty folder holding one chapter's download (the zip unpacked, or the notebook and the
    script) and a `dataset` folder with the stand-in data, as a reader who put it there."""
    folder.mkdir(parents=True, exist_ok=True)
    notebook_url, script_url, zip_url = notebooks.download_urls(language, chapter)
    if (site / zip_url).is_file():
        with zipfile.ZipFile(site / zip_url) as archive:
            archive.extractall(folder)
    else:
        for url in (notebook_url, script_url):
            (folder / Path(url).name).write_bytes((site / url).read_bytes())
    (folder / "dataset").symlink_to(standins.ensure(), target_is_directory=True)
    return folder


# ---------------------------------------------------------------- the browser (pytest-playwright)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    chromium = tensorboard_shots.chromium()
    if chromium is None:
        if os.environ.get("CI"):
            raise RuntimeError("CI needs chromium for the browser tests: `make test` installs it as root")
        pytest.skip("no chromium found (install chromium and fonts-noto-cjk, or set BOOK_CHROMIUM)")
    return {**browser_type_launch_args, "executable_path": chromium, "args": tensorboard_shots.CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}}


SCREENSHOTS = Path(os.environ.get("BOOK_CACHE_DIR") or REPO / ".cache") / "screenshots"


def screenshot(page, name: str, **options) -> Path:
    """Keep a picture of what a browser test saw, to look at by eye."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), **options)
    return SCREENSHOTS / name


# ---------------------------------------------------------------- order and tiers


def pytest_collection_modifyitems(config, items):
    # The build runs every program, two at a time; chapter tests after it read the run cache.
    items.sort(key=lambda item: "site" not in getattr(item, "fixturenames", ()))
