"""Every chapter as a Jupyter notebook and as a Python script, linked from the top of its page.

For each chapter page (every page except the home page and the appendix on the stand-in data)
the build writes two files into the site: `assets/notebooks/<page>.<language>.ipynb` and `.py`.
Both hold the programs that the page includes, in the order of their first use on the page; each
program is complete (lines outside its sections too) and cut into cells at its section markers.
Markdown cells carry the chapter title, a link back to the page and the page's headings, in the
page's language. The `.py` is a script in jupytext's "percent" format, so `python <page>.zh.py`
runs every program in turn; the notebook is read by jupytext from the same cells.

Programs run one after another in one interpreter there, not each in its own process, so:

* A program that stops with an error on purpose (first line `# expected-error: KeyError`) stops
  in one cell tagged `raises-exception`; any lines after the failing one share that cell, because
  they never run. In the `.py` that cell is wrapped in `try`/`except KeyError`, so that the script
  prints the error and goes on with the next program.
* A program that reads `__file__` or `sys.argv` gets a cell before it that sets both the way
  `python snippets/<chapter>/<file>.py` would.

The hook also completes the `!!! abstract` box at the top of each chapter with the run time of
those programs as the build recorded them (the results of book/mkdocs_hooks.py: nothing is re-run)
and the two download links.
"""

from __future__ import annotations

import builtins
import io
import json
import re
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

from book import runner
from book.build_cache import remembered
from book.mkdocs_hooks import FENCE, fenced_includes


NOT_CHAPTERS = {"index.md", "standin-data.md"}
ASSETS = "assets/notebooks"
LANGUAGES = ("zh", "en")
HOOKS_FILE = Path(__file__).with_name("mkdocs_hooks.py").resolve()

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_ATTRIBUTES = re.compile(r"\s*\{[^{}]*\}\s*$")
_MARKER = re.compile(r"^\s*#\s*--8<--\s*\[(start|end):([\w-]+)\]\s*$")
_EXPECTED_ERROR = re.compile(r"^#\s*expected-error:\s*([\w.]+)\s*$")
_ABSTRACT = re.compile(r'^!!! abstract(\s+"[^"]*")?\s*$')
# Material's code annotation markers (`# (1)!`): buttons on the page, noise in a notebook.
_ANNOTATION = re.compile(r"^#\s*\(\d+\)!?\s*$")
_USES_FILE = re.compile(r"\b__file__\b")
_USES_ARGV = re.compile(r"\bsys\.argv\b|\.parse_args\(\s*\)")

TEXT = {
    "zh": {
        "intro": (
            "这是《{book}》里[{title}]({link})一章的全部代码：网页上出现的每个程序都在这里，"
            "按它们在网页上第一次出现的顺序排列。每个程序都是完整的，按网页上的分段切成几格。"
        ),
        "notebook": (
            "运行它要用本书仓库的环境：在仓库根目录执行 `make setup`，再选 `.venv` 里的 Python 作为内核。"
            "程序从仓库的 `data/` 文件夹读数据，自己写出的文件（比如 `logs/`）会放在 notebook 所在的文件夹里。"
        ),
        "script": (
            "运行它要用本书仓库的环境：在仓库根目录执行 `make setup`，再用 `.venv/bin/python {file}` 运行本文件，"
            "它会把这些程序从头到尾运行一遍。程序从仓库的 `data/` 文件夹读数据，"
            "自己写出的文件（比如 `logs/`）会放在当前文件夹里。"
        ),
        "program": "程序 `snippets/{name}`：",
        "error_notebook": (
            "下一格会按预期报错 `{error}`，网页上也是这样。“全部运行”会停在这一格，请从它的下一格接着运行。"
        ),
        "error_notebook_last": "下一格会按预期报错 `{error}`，网页上也是这样。",
        "error_join": "",
        "error_rest": "报错之后的代码不会运行，所以它们和报错的那一行放在同一格里。",
        "error_script": "下一格的程序会按预期报错 `{error}`，网页上也是这样。本脚本打印出错误以后，会接着运行后面的程序。",
        "try_comment": ["# 放进 try 里，是为了打印出 {error} 以后，本脚本还能接着运行后面的程序。"],
        "as_own_program": [
            "# 下面的程序要用 __file__（程序文件在哪）或 sys.argv（命令行参数）。",
            "# 在 notebook 或本脚本里，它们说的不是那个程序，所以先设成单独运行",
            "# python snippets/{name} 时的样子。",
        ],
        "run_time": "运行本章的 {count} 个程序共用了 {seconds:.1f} 秒（{device}，构建本书时测得{forked}）。",
        "forked": "，不含启动 Python、导入 torch 的时间",
        "download": "下载本章：{notebook} · {script}",
        "notebook_link": "Notebook",
        "script_link": "Python 脚本",
    },
    "en": {
        "intro": (
            "This is all the code of the chapter [{title}]({link}) of *{book}*: every program the page shows, "
            "in the order of its first appearance on the page. Each program is complete, cut into cells where "
            "the page cuts it."
        ),
        "notebook": (
            "To run it you need the book's environment: run `make setup` in the root of the book's repository "
            "and pick the Python in `.venv` as the kernel. The programs read their data from the repository's "
            "`data/` folder and write their own files (such as `logs/`) into the folder the notebook is in."
        ),
        "script": (
            "To run it you need the book's environment: run `make setup` in the root of the book's repository, "
            "then `.venv/bin/python {file}` runs all these programs from top to bottom. The programs read their "
            "data from the repository's `data/` folder and write their own files (such as `logs/`) into the "
            "current folder."
        ),
        "program": "Program `snippets/{name}`:",
        "error_notebook": (
            "The next cell stops with `{error}` on purpose, as on the page. \"Run All\" stops there: carry on "
            "from the cell after it."
        ),
        "error_notebook_last": "The next cell stops with `{error}` on purpose, as on the page.",
        "error_join": " ",
        "error_rest": "The code after the error never runs, so it shares the cell with the line that fails.",
        "error_script": (
            "The program in the next cell stops with `{error}` on purpose, as on the page. This script prints "
            "the error and goes on with the programs after it."
        ),
        "try_comment": ["# The try lets this script print the {error} and go on with the next program."],
        "as_own_program": [
            "# The program below uses __file__ (where its file is) or sys.argv (its command line).",
            "# In a notebook or in this script they do not describe that program, so they are set",
            "# as they are for python snippets/{name}.",
        ],
        "run_time": "Running the chapter's {count} programs took {seconds:.1f} s ({device}, measured when the book was built{forked}).",
        "run_time_one": "Running the chapter's program took {seconds:.1f} s ({device}, measured when the book was built{forked}).",
        "forked": ", not counting starting Python and importing torch",
        "download": "Download this chapter: {notebook} · {script}",
        "notebook_link": "notebook",
        "script_link": "Python script",
    },
}


class NotebookError(Exception):
    """A chapter cannot be turned into a notebook; the message says why."""


# ---------------------------------------------------------------- the page


@dataclass
class Heading:
    line: int
    level: int
    text: str
    parent: int | None  # index of the enclosing heading in Outline.headings


@dataclass
class Outline:
    title: str
    headings: list[Heading]
    includes: list[tuple[int, str, str | None]]  # (line, snippet, section) in page order

    def snippets(self) -> list[str]:
        """The snippets the page includes, in order of first use."""
        return list(dict.fromkeys(name for _, name, _ in self.includes))

    def heading_at(self, line: int) -> int | None:
        """Index of the heading a line of the page stands under (None above the first one)."""
        found = None
        for index, heading in enumerate(self.headings):
            if heading.line > line:
                break
            found = index
        return found

    def path(self, index: int | None) -> list[int]:
        chain = []
        while index is not None:
            chain.insert(0, index)
            index = self.headings[index].parent
        return chain


def _without_front_matter(markdown: str) -> str:
    """Blank out a leading YAML front matter, keeping line numbers."""
    lines = markdown.split("\n")
    if lines and lines[0].strip() == "---":
        for end in range(1, len(lines)):
            if lines[end].strip() in ("---", "..."):
                return "\n".join([""] * (end + 1) + lines[end + 1:])
    return markdown


def outline(markdown: str) -> Outline:
    """Title, headings (outside code fences) and includes of a page, with their line numbers."""
    markdown = _without_front_matter(markdown)
    title, headings, fence = None, [], None
    for number, line in enumerate(markdown.split("\n")):
        match = FENCE.match(line)
        if fence is None:
            if match:
                fence = match.group(2)
                continue
        else:
            if match and match.group(2).startswith(fence) and set(match.group(2)) == set(fence) and not match.group(3).strip():
                fence = None
            continue
        heading = _HEADING.match(line)
        if not heading:
            continue
        level, text = len(heading.group(1)), _ATTRIBUTES.sub("", heading.group(2))
        if level == 1:
            title = title or text
            continue
        parent = next((i for i in range(len(headings) - 1, -1, -1) if headings[i].level < level), None)
        headings.append(Heading(number, level, text, parent))
    includes = [(close, name, section) for close, found in fenced_includes(markdown) for name, section in found]
    if title is None:
        raise NotebookError("the page has no title (a line '# Title')")
    return Outline(title, headings, includes)


# ---------------------------------------------------------------- the programs


@dataclass
class Chunk:
    """Consecutive lines of a snippet between two section markers."""

    first: int  # 1-based line numbers in the snippet file
    last: int
    sections: tuple[str, ...]  # the sections these lines are in, outermost first
    lines: list[str] = field(default_factory=list)

    @property
    def code(self) -> str:
        return "\n".join(self.lines).strip("\n")


def _compiles(code: str) -> bool:
    try:
        compile(code, "<cell>", "exec")
    except SyntaxError:
        return False
    return True


def _only_comments(code: str) -> bool:
    return all(not line.strip() or line.lstrip().startswith("#") for line in code.split("\n"))


def without_annotation_markers(code: str) -> str:
    """The code with Material's annotation comments (`# (1)!`) taken out."""
    cuts: dict[int, int] = {}
    for token in tokenize.generate_tokens(io.StringIO(code + "\n").readline):
        if token.type == tokenize.COMMENT and _ANNOTATION.match(token.string):
            cuts[token.start[0]] = token.start[1]
    lines = code.split("\n")
    for number, column in cuts.items():
        lines[number - 1] = lines[number - 1][:column].rstrip()
    return "\n".join(lines)  # same line numbers: errors are located by line


def chunks(snippet: Path) -> tuple[list[Chunk], str | None]:
    """A program cut at its section markers, and the error it stops with on purpose (or None).

    The marker lines and the `# expected-error:` line are left out. Pieces that hold only
    comments join the piece after them; a piece that is not a complete statement on its own
    (a marker inside a block) joins the next one, so that every cell runs by itself.
    """
    text = without_annotation_markers(snippet.read_text(encoding="utf-8"))
    expected, open_sections, pieces = None, [], []
    current = Chunk(1, 0, ())
    for number, line in enumerate(text.split("\n"), start=1):
        marker, error = _MARKER.match(line), _EXPECTED_ERROR.match(line)
        if error:
            expected = error.group(1)
            continue
        if not marker:
            if not current.lines:
                current = Chunk(number, number, tuple(open_sections))
            current.lines.append(line)
            current.last = number
            continue
        pieces.append(current)
        kind, name = marker.groups()
        if kind == "start":
            open_sections.append(name)
        elif name in open_sections:
            open_sections.remove(name)
        current = Chunk(number + 1, number, tuple(open_sections))
    pieces.append(current)
    pieces = [p for p in pieces if p.code.strip()]

    merged: list[Chunk] = []
    for piece in pieces:
        previous = merged[-1] if merged else None
        if previous and (_only_comments(previous.code) or not _compiles(previous.code) or piece.code[:1].isspace()):
            sections = piece.sections if _only_comments(previous.code) else previous.sections
            merged[-1] = Chunk(previous.first, piece.last, sections, previous.lines + piece.lines)
        else:
            merged.append(piece)
    for piece in merged:
        if not _compiles(piece.code):
            raise NotebookError(f"{runner.display(snippet)}: lines {piece.first}-{piece.last} do not compile on their own")
        if any(line.startswith("# %%") for line in piece.lines):
            raise NotebookError(f"{runner.display(snippet)}: a line starts with '# %%', which would start a new cell")
    return merged, expected


# ---------------------------------------------------------------- cells


@dataclass
class Cell:
    kind: str  # "markdown" or "code"
    source: str
    expected_error: str | None = None  # set on a code cell that stops with this error on purpose


def _indent_outside_strings(code: str, prefix: str = "    ") -> str:
    """Indent every line except those that continue a string spanning several lines."""
    inside = set()
    for token in tokenize.generate_tokens(io.StringIO(code + "\n").readline):
        if token.type == tokenize.STRING and token.end[0] > token.start[0]:
            inside.update(range(token.start[0] + 1, token.end[0] + 1))
    return "\n".join(line if number in inside or not line.strip() else prefix + line
                     for number, line in enumerate(code.split("\n"), start=1))


def _as_own_program(name: str, code: str, language: str) -> str | None:
    """A cell that sets __file__ and sys.argv as `python snippets/<name>` has them, when the program uses them."""
    if not (_USES_FILE.search(code) or _USES_ARGV.search(code)):
        return None
    module = "snippets." + name.removesuffix(".py").replace("/", ".")
    if not all(part.isidentifier() for part in module.split(".")):
        raise NotebookError(f"snippets/{name} reads __file__ or sys.argv, and its name cannot be found as module {module}")
    comment = [line.format(name=name) for line in TEXT[language]["as_own_program"]]
    return "\n".join([*comment, "import sys", "from importlib.util import find_spec", "",
                      f'__file__ = find_spec("{module}").origin', "sys.argv = [__file__]"])


def _wrapped_in_try(code: str, error: str, language: str) -> str:
    caught = error if isinstance(getattr(builtins, error, None), type) else "Exception"
    comment = [line.format(error=error) for line in TEXT[language]["try_comment"]]
    return "\n".join(["import traceback", "", *comment, "try:", _indent_outside_strings(code),
                      f"except {caught}:", "    traceback.print_exc()"])


def chapter_cells(page: Outline, language: str, link: str, book: str, file_name: str,
                  snippets_dir: Path, results: dict[Path, runner.Run], target: str) -> list[Cell]:
    """The cells of one chapter, for target "notebook" or "script"."""
    text = TEXT[language]
    intro = text["intro"].format(book=book, title=page.title, link=link)
    how = text[target].format(file=file_name)
    cells = [Cell("markdown", f"# {page.title}\n\n{intro}\n\n{how}")]
    open_path: list[int] = []

    def heading_cells(index: int | None) -> list[str]:
        nonlocal open_path
        path = page.path(index)
        if path == open_path:
            return []
        common = 0
        while common < min(len(path), len(open_path)) and path[common] == open_path[common]:
            common += 1
        new = path[common:] or path[-1:]
        open_path = path
        return ["#" * page.headings[i].level + " " + page.headings[i].text for i in new]

    for name in page.snippets():
        path = (snippets_dir / name).resolve()
        if path not in results:
            raise NotebookError(f"snippets/{name} was not run before the page was built")
        pieces, expected = chunks(path)
        failing, lines_after_error = None, False
        if expected:
            line = (results[path].error or {}).get("line")
            failing = next((i for i, p in enumerate(pieces) if line and p.first <= line <= p.last), None)
            if failing is None:
                raise NotebookError(f"snippets/{name} says it stops with {expected}, but the build saw it fail nowhere")
            rest = pieces[failing:]
            lines_after_error = len(rest) > 1
            pieces = pieces[:failing] + [Chunk(rest[0].first, rest[-1].last, rest[0].sections,
                                               [line for p in rest for line in [*p.lines, ""]])]

        heading = page.heading_at(min(line for line, n, _ in page.includes if n == name))
        for index, piece in enumerate(pieces):
            uses = [line for line, n, section in page.includes
                    if n == name and (section is None or section in piece.sections)]
            if uses:
                heading = page.heading_at(min(uses))
            notes = heading_cells(heading)
            if index == 0:
                notes.append(text["program"].format(name=name))
                own = _as_own_program(name, "\n".join(p.code for p in pieces), language)
                if own:
                    cells += [Cell("markdown", "\n\n".join(notes)), Cell("code", own)]
                    notes = []
            if index != failing:
                cells += [Cell("markdown", "\n\n".join(notes)), Cell("code", piece.code)]
            elif target == "notebook":
                last = name == page.snippets()[-1] and index == len(pieces) - 1
                note = text["error_notebook_last" if last else "error_notebook"].format(error=expected)
                if lines_after_error:
                    note += text["error_join"] + text["error_rest"]
                cells += [Cell("markdown", "\n\n".join(notes + [note])),
                          Cell("code", piece.code, expected_error=expected)]
            else:
                note = text["error_script"].format(error=expected)
                cells += [Cell("markdown", "\n\n".join(notes + [note])),
                          Cell("code", _wrapped_in_try(piece.code, expected, language))]
    return _join_markdown(cells)


def _join_markdown(cells: list[Cell]) -> list[Cell]:
    joined: list[Cell] = []
    for cell in cells:
        if cell.kind == "markdown" and not cell.source.strip():
            continue
        if cell.kind == "markdown" and len(joined) > 1 and joined[-1].kind == "markdown":
            joined[-1] = Cell("markdown", joined[-1].source + "\n\n" + cell.source)
        else:
            joined.append(cell)
    return joined


# ---------------------------------------------------------------- the two files

PERCENT = {"extension": ".py", "format_name": "percent", "comment_magics": False}


def percent_script(cells: list[Cell]) -> str:
    """The cells as a jupytext "percent" script."""
    parts = []
    for cell in cells:
        if cell.kind == "markdown":
            body = "\n".join(("# " + line).rstrip() for line in cell.source.split("\n"))
            parts.append("# %% [markdown]\n" + body)
        else:
            tags = ' tags=["raises-exception"]' if cell.expected_error else ""
            parts.append(f"# %%{tags}\n{cell.source}")
    return "\n\n\n".join(parts) + "\n"


def notebook(cells: list[Cell]) -> nbformat.NotebookNode:
    """The cells as a notebook, read from their percent script by jupytext."""
    import jupytext  # imported here: a warm build that reuses every notebook never needs it
    import nbformat

    book = jupytext.reads(percent_script(cells), fmt=PERCENT)
    book.metadata = nbformat.from_dict({
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    })
    for index, cell in enumerate(book.cells):
        cell.id = f"cell-{index}"  # the same file on every build
        tags = cell.metadata.get("tags")
        cell.metadata = nbformat.from_dict({"tags": tags} if tags else {})
    nbformat.validate(book)
    return book


# ---------------------------------------------------------------- the mkdocs hook


def chapter_name(src_uri: str, markdown: str) -> tuple[str, str] | None:
    """(language, page name) of a chapter page, e.g. ("zh", "convolution"); None for other pages.

    A chapter is a page of either language that includes code, other than the home page
    and the appendix on the stand-in data.
    """
    language, _, rest = src_uri.partition("/")
    if language not in LANGUAGES or rest in NOT_CHAPTERS or not rest.endswith(".md"):
        return None
    if not any(True for _ in fenced_includes(markdown)):
        return None
    return language, rest.removesuffix(".md")


def download_urls(language: str, stem: str) -> tuple[str, str]:
    base = f"{ASSETS}/{stem}.{language}"
    return base + ".ipynb", base + ".py"


def run_time_line(language: str, runs: list[runner.Run]) -> str:
    seconds = sum(run.seconds for run in runs)
    device = " / ".join(dict.fromkeys(run.device for run in runs))
    key = "run_time_one" if len(runs) == 1 and "run_time_one" in TEXT[language] else "run_time"
    # runs forked from a process that had imported torch already: a reader's own run takes longer
    forked = TEXT[language]["forked"] if runs and all(run.forked for run in runs) else ""
    return TEXT[language][key].format(count=len(runs), seconds=seconds, device=device, forked=forked)


def _build_results(config) -> tuple[dict[Path, runner.Run], Path]:
    """The results book/mkdocs_hooks.py recorded in on_pre_build, and its snippets folder."""
    for plugin in config.plugins.values():
        if Path(getattr(plugin, "__file__", "") or "").resolve() == HOOKS_FILE:
            return plugin._results, plugin._snippets_dir
    raise PluginError("book/notebooks.py needs book/mkdocs_hooks.py in the hooks of mkdocs.yml")


def add_to_abstract(markdown: str, lines: list[str], where: str) -> str:
    """Append paragraphs to the end of the page's `!!! abstract` box."""
    source = markdown.split("\n")
    start = next((i for i, line in enumerate(source) if _ABSTRACT.match(line)), None)
    if start is None:
        raise PluginError(f'{where}: a chapter page needs an `!!! abstract "…"` box under its title '
                          "(the video episode and what the chapter teaches)")
    end = start
    for index in range(start + 1, len(source)):
        line = source[index]
        if line.strip() and not line.startswith(("    ", "\t")):
            break
        if line.strip():
            end = index
    added = [part for line in lines for part in ("", "    " + line)]
    return "\n".join(source[:end + 1] + added + source[end + 1:])


@dataclass
class ChapterFiles:
    notebook: str  # the .ipynb file's text
    script: str  # the .py file's text
    runs: list[runner.Run]  # the programs in them, in order, as this build ran them


def chapter_files(source: str, language: str, page_name: str, page_url: str, site_url: str | None,
                  book_name: str, snippets_dir: Path, results: dict[Path, runner.Run]) -> ChapterFiles:
    """Both downloads of a chapter, from the page's Markdown and the build's results.
    Kept in the cache by everything they are made from, so a rebuild with nothing
    changed does not make them again."""
    page = outline(source)
    names = page.snippets()
    missing = [name for name in names if (snippets_dir / name).resolve() not in results]
    if missing:
        raise NotebookError(f"not run before the page was built: {', '.join(missing)}")
    runs = [results[(snippets_dir / name).resolve()] for name in names]
    inputs = [Path(__file__).read_bytes(), json.dumps([source, language, page_name, page_url, site_url, book_name, names])]
    for run in runs:
        inputs += [run.snippet.read_bytes(), json.dumps([run.name, run.error])]

    def make() -> str:
        made = _make_chapter_files(page, names, language, page_url, site_url, book_name, page_name, snippets_dir,
                                   results)
        return json.dumps({"notebook": made.notebook, "script": made.script})

    saved = json.loads(remembered("notebooks", f"{page_name}.{language}", inputs, make))
    return ChapterFiles(notebook=saved["notebook"], script=saved["script"], runs=runs)


def _make_chapter_files(page, names, language, page_url, site_url, book_name, page_name, snippets_dir,
                        results) -> ChapterFiles:
    notebook_url, script_url = download_urls(language, page_name)
    link = site_url.rstrip("/") + "/" + page_url if site_url else get_relative_url(page_url, notebook_url)

    def cells(target, url):
        return chapter_cells(page, language, link, book_name, Path(url).name, snippets_dir, results, target)

    import nbformat

    return ChapterFiles(
        notebook=nbformat.writes(notebook(cells("notebook", notebook_url))) + "\n",
        script=percent_script(cells("script", script_url)),
        runs=[results[(snippets_dir / name).resolve()] for name in names],
    )


def on_page_markdown(markdown, page, config, files, **kwargs):
    source = Path(page.file.abs_src_path).read_text(encoding="utf-8")
    found = chapter_name(page.file.src_uri, source)
    if found is None:
        return markdown
    language, page_name = found
    results, snippets_dir = _build_results(config)
    try:
        made = chapter_files(source, language, page_name, page.url, config.site_url, config.site_name,
                             snippets_dir, results)
    except (NotebookError, runner.SnippetError) as error:
        raise PluginError(f"{page.file.src_uri}: cannot make the chapter's notebook and script: {error}") from None
    notebook_url, script_url = download_urls(language, page_name)
    for url, content in ((notebook_url, made.notebook), (script_url, made.script)):
        destination = Path(config.site_dir) / url
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(content, encoding="utf-8")

    text = TEXT[language]

    def link(url: str, label: str) -> str:
        return f'<a href="{get_relative_url(url, page.url)}" download>{label}</a>'

    downloads = text["download"].format(notebook=link(notebook_url, text["notebook_link"]),
                                        script=link(script_url, text["script_link"]))
    return add_to_abstract(markdown, [
        run_time_line(language, made.runs) + "\n    { .chapter-run-time }",
        downloads + "\n    { .chapter-downloads }",
    ], page.file.src_uri)
