"""The book's MkDocs plugin: runs the programs and puts what they printed on the pages.

It is registered as the entry point `book` (pyproject.toml) and listed under `plugins:` in
mkdocs.yml after `i18n`. Each MkDocs event below calls the book's parts in the order written
here; the parts are plain modules that know nothing of MkDocs' events. What one part makes and
another uses (the pages, the runs, the screenshots) is this plugin's state.

static-i18n builds the site once per edition (Chinese, then English) with the same plugin: the
events from `on_config` to `on_post_build` run once for each edition. The programs run in the
first pass; the second finds every result in the run cache.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.utils import get_relative_url

from mkdocs.structure.files import File
from filelock import FileLock

from book import CACHE_DIR, machinery_changed
from book import (build_cache, caches, chapters, drift, errors, glossary, math, notebook_pages, notebooks, offline,
                  outputs, page_dates, pages, publishing, runner, tensorboard_shots, whole_book)

log = logging.getLogger("mkdocs.plugins.book")


class BookConfig(Config):
    # The appendix page that explains the stand-in data; pages with stand-in outputs link to it.
    data_page = c.Type(str, default="standin-data.md")
    # The terms (book/glossary.yml); without it, no glossary and no hints.
    glossary = c.Optional(c.File(exists=True))
    # The page whose line <!-- glossary-table --> becomes the glossary.
    glossary_page = c.Type(str, default="glossary.md")
    # The explanations of the errors the book shows on purpose (book/errors.yml); the page whose line
    # <!-- error-list --> becomes them. Without the file, no such page.
    errors = c.Optional(c.File(exists=True))
    errors_page = c.Type(str, default="errors.md")
    # The course's video on Bilibili (its BV id): the chapter box's episodes link to it.
    video = c.Optional(c.Type(str))


class BookPlugin(BasePlugin[BookConfig]):
    def __init__(self):
        self.snippets: Path = runner.SNIPPETS
        self.editions: dict[str, dict[str, pages.Page]] = {}
        self.results: dict[Path, runner.Run] = {}
        self.shots: dict[tuple[Path, str], Path] = {}
        self.terms: list[glossary.Term] = []
        self.errors: list[errors.Entry] = []
        self.matchers: dict[str, glossary.Matcher] = {}
        self.history: page_dates.History | None = None
        self.glossary_inputs: list[bytes] = []  # what every page's glossary links depend on
        self.downloads: dict[str, notebooks.ChapterFiles] = {}  # chapter page's src_uri -> its downloads
        self.notebook_pages: dict[str, pages.Page] = {}  # notebook page's src_uri -> its chapter
        self.reading_order: list[str] = []
        self.contents: list[tuple[pages.Page, str]] = []  # (page, its nav section's title) in reading order
        self.build_facts: dict[str, str] = {}  # the commit and versions a problem report names
        self.build_lock = FileLock(CACHE_DIR / "build.lock")
        self.editions_built = 0  # editions whose build finished; the cache is pruned once all have
        self.offline_copy = False  # Material's offline plugin is on: the copy read from disk (book/offline_copy.py)

    # ------------------------------------------------------------------ one build at a time, stopped cleanly

    def on_startup(self, command, dirty):
        if threading.current_thread() is threading.main_thread():
            # SIGTERM stops the build the way Ctrl-C does: runs ended, scratch folders removed
            signal.signal(signal.SIGTERM, lambda number, frame: signal.default_int_handler(number, frame))

    def _take_turn(self) -> None:
        """Builds of one checkout take turns (a second `mkdocs build` or `make serve` waits); they share
        the cache, and MkDocs empties the site folder it writes to."""
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        try:
            self.build_lock.acquire(timeout=0)
        except TimeoutError:
            log.info("Another build of this book is running; this one goes on when it is done.")
            self.build_lock.acquire()

    def on_build_error(self, error):
        self.build_lock.release(force=True)

    @staticmethod
    def _restart_if_machinery_changed() -> None:
        """During `make serve`, an edit to the book's own code (book/*.py) restarts the process, so that
        nothing is run or cached with the code it had imported before."""
        changed = machinery_changed()
        if changed:
            log.warning(f"The book's machinery changed ({', '.join(changed)}); restarting to build with it.")
            runner.shutdown()
            sys.stdout.flush()
            sys.stderr.flush()
            os.execv(sys.executable, [sys.executable, "-m", "mkdocs", *sys.argv[1:]])

    # ------------------------------------------------------------------ configuration

    def on_config(self, config):
        self._restart_if_machinery_changed()
        self._take_turn()
        try:
            return self._configure(config)
        except BaseException:  # MkDocs calls on_build_error only for errors after the configuration
            self.build_lock.release(force=True)
            raise

    def _configure(self, config):
        if runner.data_mode() == "standin":
            offline.install()
        self.snippets = self._snippets_folder(config)
        docs = Path(config.docs_dir)
        try:
            self.editions = {language: pages.read_edition(docs, language) for language in pages.LANGUAGES}
            self.terms = glossary.load(Path(self.config.glossary), self.editions) if self.config.glossary else []
            self.errors = errors.load(Path(self.config.errors), self.snippets) if self.config.errors else []
        except (pages.PageError, glossary.GlossaryError, errors.ErrorsError) as error:
            raise PluginError(str(error)) from None
        self.matchers = {language: glossary.Matcher(self.terms, language) for language in pages.LANGUAGES} if self.terms else {}
        self.glossary_inputs = [Path(glossary.__file__).read_bytes(), repr(self.terms).encode()]
        self.history = page_dates.read_history(Path(config.config_file_path))
        publishing.drop_edit_uri_without_repository(config)
        self.offline_copy = publishing.prepare_offline_copy(config)
        if config.repo_url:
            self.build_facts = publishing.build_facts(Path(config.config_file_path).parent)
        build_cache.remember_search_entries()
        return config

    @staticmethod
    def _snippets_folder(config) -> Path:
        """Where the programs are: the first base_path of pymdownx.snippets, which includes them."""
        base = config.mdx_configs.get("pymdownx.snippets", {}).get("base_path", [])
        base = [base] if isinstance(base, str) else base
        if not base:
            raise PluginError("pymdownx.snippets needs a base_path (the snippets folder)")
        return Path(base[0]).resolve()

    # ------------------------------------------------------------------ running the programs

    @event_priority(-110)  # after static-i18n, which gives each file its edition
    def on_files(self, files, config):
        for file in files.documentation_pages():
            page = self._page(file)
            if page.language != file.locale:
                raise PluginError(f"{file.src_uri}: static-i18n puts it in the {file.locale} edition, its folder says {page.language}")
        self._run_programs()
        self._make_downloads(files, config)
        if not self.offline_copy:
            for dest_uri, path in whole_book.made(Path(config.config_file_path).parent).items():
                files.append(File.generated(config, dest_uri, abs_src_path=str(path)))
        return files

    def _page(self, file) -> pages.Page:
        language, _, name = file.src_uri.partition("/")
        page = self.editions.get(language, {}).get(name.removesuffix(".md"))
        if page is None:
            raise PluginError(f"{file.src_uri}: a page outside the editions' folders ({', '.join(pages.LANGUAGES)})")
        return page

    def _run_programs(self) -> None:
        """Every program the pages use, a few at a time; the TensorBoard screenshots a page asks for
        (run:<program>/tensorboard/<tab>) are taken beside the runs, as each program is done."""
        used: dict[Path, list[str]] = {}
        screenshots: dict[Path, list[tuple[str, str]]] = {}
        for edition in self.editions.values():
            for page in edition.values():
                for name in page.programs():
                    used.setdefault((self.snippets / name).resolve(), []).append(page.src_uri)
                for _, name, request in page.figures:
                    if request.startswith("tensorboard/"):
                        screenshots.setdefault((self.snippets / name).resolve(), []).append((page.src_uri, request))
        outside = [f"{runner.display(p)} (used on {', '.join(on)})" for p, on in used.items()
                   if not p.is_relative_to(self.snippets.resolve())]
        if outside:
            raise PluginError("Pages name programs outside the snippets folder:\n  " + "\n  ".join(outside))
        missing = [f"{runner.display(p)} (used on {', '.join(on)})" for p, on in used.items() if not p.is_file()]
        if missing:
            raise PluginError("Pages include snippets that do not exist:\n  " + "\n  ".join(missing))
        photographer = ThreadPoolExecutor(max_workers=1)  # one browser at a time
        taking = []

        def photograph(path: Path, run: runner.Run) -> None:
            if path in screenshots:
                taking.append(photographer.submit(self._screenshots_of, path, run, screenshots[path]))

        try:
            results, failures = runner.run_many(used, when_done=photograph)
            if failures:
                report = [f"{message}\n  used on: {', '.join(used[path])}" for path, message in sorted(failures.items())]
                raise PluginError("A snippet failed, so the book was not built:\n" + "\n".join(report))
            self.results, self.shots = results, {}
            for done in taking:
                self.shots.update(done.result())
        finally:
            photographer.shutdown(wait=True, cancel_futures=True)

    @staticmethod
    def _screenshots_of(path: Path, run: runner.Run, requests: list[tuple[str, str]]) -> dict:
        wanted = {}
        for src_uri, request in requests:
            try:
                wanted[(path, request)] = tensorboard_shots.Shot.parse(run.files, request)
            except tensorboard_shots.ShotError as error:
                raise PluginError(f"{src_uri}: {error}") from None
        try:
            taken = tensorboard_shots.take(sorted(set(wanted.values()), key=repr))
        except tensorboard_shots.ShotError as error:
            raise PluginError(f"TensorBoard screenshot failed: {error}") from None
        return {key: taken[shot] for key, shot in wanted.items()}

    def _make_downloads(self, files, config) -> None:
        """Each chapter's notebook, script and zip, as files of the site, and its notebook as a page."""
        for file in list(files.documentation_pages()):
            model = self._page(file)
            if not model.is_chapter:
                continue
            data_page = files.get_file_from_path(f"{model.language}/{self.config.data_page}")
            try:
                made = notebooks.chapter_files(model, file.url, data_page.url if data_page else file.url,
                                               config.site_url, config.site_name, self.snippets, self.results)
            except (notebooks.NotebookError, runner.SnippetError) as error:
                raise PluginError(f"{model.src_uri}: cannot make the chapter's notebook and script: {error}") from None
            self.downloads[file.src_uri] = made
            notebook_url, script_url, zip_url = notebooks.download_urls(model.language, model.name)
            files.append(File.generated(config, notebook_url, content=made.notebook))
            files.append(File.generated(config, script_url, content=made.script))
            practice_url = notebooks.practice_url(model.language, model.name)
            files.append(File.generated(config, practice_url, content=made.practice))
            if made.support:
                files.append(File.generated(config, zip_url, content=made.zip(
                    Path(notebook_url).name, Path(script_url).name, Path(practice_url).name)))
            notebook_page = notebook_pages.page_file(config, model.language, model.name, made.notebook)
            self.notebook_pages[notebook_page.src_uri] = model
            files.append(notebook_page)

    # ------------------------------------------------------------------ the reading order

    @event_priority(-110)  # after static-i18n has translated the section titles
    def on_nav(self, nav, config, files):
        self.reading_order = [item.file.src_uri.split("/", 1)[-1] for item in nav.pages]
        self.contents = []

        def walk(items, section):
            for item in items:
                if item.is_section:
                    walk(item.children, item.title)
                elif item.is_page and self._page(item.file).meta.get("topics"):
                    self.contents.append((self._page(item.file), section))

        walk(nav.items, "")
        return nav

    # ------------------------------------------------------------------ each page's Markdown

    @event_priority(-10)  # after mkdocs-jupyter has given a notebook page its renderer
    def on_pre_page(self, page, config, files):
        if page.file.src_uri in self.notebook_pages:
            settings = config.plugins["mkdocs-jupyter"].config
            notebook_pages.remember_rendering(page, dict(settings))
        return page

    def on_page_markdown(self, markdown, page, config, files):
        if page.file.src_uri in self.notebook_pages:
            return markdown  # mkdocs-jupyter renders the notebook itself
        model = self._page(page.file)
        if markdown.rstrip("\n") != model.markdown.rstrip("\n"):
            raise PluginError(f"{model.src_uri}: another plugin changed the page before the book read it")
        try:
            markdown = outputs.with_outputs(model, self.results, self.snippets)
        except (outputs.OutputError, runner.SnippetError) as error:
            raise PluginError(f"{model.src_uri}: {error}") from None
        if model.is_chapter:
            markdown = self._chapter_box(markdown, model, page, config, files)
        markdown = outputs.standin_notice(markdown, model, self.results, self.snippets, self.config.data_page)
        if model.language == "zh":
            markdown = outputs.join_cjk_lines(markdown)
        markdown = self._generated_tables(markdown, model)
        if whole_book.PLACEHOLDER in markdown:
            markdown = markdown.replace(whole_book.PLACEHOLDER, whole_book.line(
                model.language, self.offline_copy, {dest_uri: (get_relative_url(dest_uri, page.url), size) for dest_uri, size
                                                    in whole_book.published(files).items()}))
        if self.history is not None and page.file.abs_src_path:
            sources = [Path(page.file.abs_src_path).resolve()]
            sources += [path for name in model.programs() if (path := (self.snippets / name).resolve()).is_file()]
            date = self.history.last_changed(sources)
            if date:
                page.meta["last_updated"] = page.update_date = date
        return markdown

    def _chapter_box(self, markdown: str, model: pages.Page, page, config, files) -> str:
        """The chapter's box: its title, the run time of its programs, its downloads and its notebook page."""
        made = self.downloads[page.file.src_uri]
        notebook_url, script_url, zip_url = notebooks.download_urls(model.language, model.name)
        if made.support:
            downloads = chapters.zip_line(model.language, get_relative_url(zip_url, page.url), list(made.support))
        else:
            practice_url = notebooks.practice_url(model.language, model.name)
            downloads = chapters.download_line(model.language, get_relative_url(notebook_url, page.url),
                                               get_relative_url(practice_url, page.url),
                                               get_relative_url(script_url, page.url))
        notebook_page = files.get_file_from_path(notebook_pages.src_uri(model.language, model.name))
        downloads += " · " + chapters.view_link(model.language, get_relative_url(notebook_page.url, page.url))
        lines = [chapters.run_time_line(model.language, made.runs) + "\n    { .chapter-run-time }",
                 downloads + "\n    { .chapter-downloads }"]
        if config.repo_url:  # without a repository there is nowhere to report to
            address = (config.site_url.rstrip("/") + "/" if config.site_url else "/") + page.url
            href = publishing.issue_link(config.repo_url, model.language, model.title, address, self.build_facts)
            lines.append(chapters.report_line(model.language, href) + "\n    { .chapter-report }")
        return chapters.complete_box(markdown, model, lines, self.config.video)

    def _is_glossary_page(self, model: pages.Page) -> bool:
        return bool(self.config.glossary) and model.name == self.config.glossary_page.removesuffix(".md")

    def _generated_tables(self, markdown: str, model: pages.Page) -> str:
        if self._is_glossary_page(model) and glossary.PLACEHOLDER not in markdown:
            raise PluginError(f"{model.src_uri}: the glossary page needs a line {glossary.PLACEHOLDER}")
        if glossary.PLACEHOLDER in markdown:
            titles = {f"{name}.md": page.title for name, page in self.editions[model.language].items()}
            markdown = markdown.replace(glossary.PLACEHOLDER,
                                        glossary.table(self.terms, model.language, titles, self.reading_order))
        if self.config.errors and model.name == self.config.errors_page.removesuffix(".md") and errors.PLACEHOLDER not in markdown:
            raise PluginError(f"{model.src_uri}: the common errors page needs a line {errors.PLACEHOLDER}")
        if errors.PLACEHOLDER in markdown:
            try:
                markdown = markdown.replace(errors.PLACEHOLDER, errors.page(
                    self.errors, model.language, self.editions[model.language], self.results, self.reading_order, self.snippets))
            except (errors.ErrorsError, runner.SnippetError) as error:
                raise PluginError(f"{model.src_uri}: {error}") from None
        if drift.PLACEHOLDER in markdown:
            markdown = markdown.replace(drift.PLACEHOLDER, drift.listing(self.editions[model.language], self.reading_order))
        if chapters.CONTENTS in markdown:
            rows = [(listed, get_relative_url(listed.src_uri, model.src_uri), section) for listed, section in self.contents]
            markdown = markdown.replace(chapters.CONTENTS, chapters.contents_table(model.language, rows))
        return markdown

    # ------------------------------------------------------------------ each page's HTML

    def on_page_content(self, html, page, config, files):
        if page.file.src_uri in self.notebook_pages:
            return self._notebook_page_content(html, page, config, files)
        model = self._page(page.file)
        try:
            html = outputs.publish_run_files(html, page, self.results, self.shots, self.snippets, Path(config.site_dir))
            html = math.render(html)
            html = outputs.copy_text_without_markers(html)
        except (outputs.OutputError, math.MathError) as error:
            raise PluginError(f"{model.src_uri}: {error}") from None
        if not self.config.glossary or self._is_glossary_page(model):
            return html
        glossary_file = files.get_file_from_path(f"{model.language}/{self.config.glossary_page}")
        if glossary_file is None:
            raise PluginError(f"{model.src_uri}: no {self.config.glossary_page} in the {model.language} edition to link the terms to")
        link = get_relative_url(glossary_file.url, page.url)
        inputs = [*self.glossary_inputs, model.language, link, html]
        return build_cache.remembered("glossary", page.file.src_uri, inputs,
                                      lambda: glossary.mark_first_uses(html, self.matchers[model.language], link)[0])

    def _notebook_page_content(self, html, page, config, files) -> str:
        model = self.notebook_pages[page.file.src_uri]
        page.meta["search"] = {"exclude": True}  # the chapter's page is what search finds
        chapter = files.get_file_from_path(model.src_uri)
        download = notebooks.download_urls(model.language, model.name)[2 if self.downloads[chapter.src_uri].support else 0]
        links = {"download": get_relative_url(download, page.url), "chapter": get_relative_url(chapter.url, page.url)}
        notebook_url = notebooks.download_urls(model.language, model.name)[0]
        return notebook_pages.lighter(html, Path(config.site_dir), page.url, model.language, links, notebook_url)

    # ------------------------------------------------------------------ the finished site

    def on_env(self, env, config, files):
        return build_cache.compiled_templates(env)

    def on_post_page(self, output, page, config):
        if page.file.src_uri in self.notebook_pages:
            model = self.notebook_pages[page.file.src_uri]
            ending = ".html" if self.offline_copy else "/"  # the offline copy's addresses are files
            targets = {language: notebook_pages.src_uri(language, model.name).removesuffix(".ipynb") + ending
                       for language in pages.LANGUAGES}
            if self.offline_copy:  # read from disk: relative links
                output = publishing.relative_language_links(output, page.url, targets)
            else:
                output = publishing.language_links(output, config.site_url, targets)
            return publishing.finish_page(output, model.language)
        return publishing.finish_page(output, self._page(page.file).language)

    def on_post_template(self, output, template_name, config):
        return publishing.finish_404(output, config.site_url) if template_name == "404.html" else output

    @event_priority(-110)  # after static-i18n has written the search index of both editions
    def on_post_build(self, config):
        publishing.split_search_index(Path(config.site_dir), scripts=self.offline_copy)
        self.build_lock.release()
        self.editions_built += 1

    def on_shutdown(self):
        """Once every edition was built: remove what no current page or program can use from the cache."""
        if self.editions_built >= len(pages.LANGUAGES):
            gone = caches.prune(self.snippets)
            if gone:
                log.info(f"Removed {len(gone)} cache entries that no page or program uses any more")
