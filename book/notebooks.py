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

The book's plugin (book/plugin.py) calls `chapter_files()` for every chapter with the results of
its runs (nothing is re-run) and writes both files into the site.
"""

from __future__ import annotations

import builtins
import io
import json
import re
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.utils import get_relative_url

from book import runner
from book.build_cache import remembered
from book.labels import label
from book.pages import Page

ASSETS = "assets/notebooks"

_USES_FILE = re.compile(r"\b__file__\b")
_USES_ARGV = re.compile(r"\bsys\.argv\b|\.parse_args\(\s*\)")


class NotebookError(Exception):
    """A chapter cannot be turned into a notebook; the message says why."""


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
        if token.type == tokenize.COMMENT and runner.ANNOTATION.fullmatch(token.string):
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
        marker, error = runner.SECTION_MARKER.match(line), runner.EXPECTED_ERROR.fullmatch(line)
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
    comment = label("as_own_program", language, name=name).split("\n")
    return "\n".join([*comment, "import sys", "from importlib.util import find_spec", "",
                      f'__file__ = find_spec("{module}").origin', "sys.argv = [__file__]"])


def _wrapped_in_try(code: str, error: str, language: str) -> str:
    caught = error if isinstance(getattr(builtins, error, None), type) else "Exception"
    comment = [label("try_comment", language, error=error)]
    return "\n".join(["import traceback", "", *comment, "try:", _indent_outside_strings(code),
                      f"except {caught}:", "    traceback.print_exc()"])


def chapter_cells(page: Page, link: str, book: str, file_name: str,
                  snippets_dir: Path, results: dict[Path, runner.Run], target: str) -> list[Cell]:
    """The cells of one chapter, for target "notebook" or "script"."""
    language = page.language
    intro = label("notebook_intro", language, book=book, title=page.title, link=link)
    how = label("notebook_how" if target == "notebook" else "script_how", language, file=file_name)
    cells = [Cell("markdown", f"# {page.title}\n\n{intro}\n\n{how}")]
    open_path: list[int] = []

    def heading_cells(index: int | None) -> list[str]:
        nonlocal open_path
        path = page.heading_path(index)
        if path == open_path:
            return []
        common = 0
        while common < min(len(path), len(open_path)) and path[common] == open_path[common]:
            common += 1
        new = path[common:] or path[-1:]
        open_path = path
        return ["#" * page.headings[i].level + " " + page.headings[i].text for i in new]

    programs = page.included_programs()
    for name in programs:
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
                notes.append(label("program", language, name=name))
                own = _as_own_program(name, "\n".join(p.code for p in pieces), language)
                if own:
                    cells += [Cell("markdown", "\n\n".join(notes)), Cell("code", own)]
                    notes = []
            if index != failing:
                cells += [Cell("markdown", "\n\n".join(notes)), Cell("code", piece.code)]
            elif target == "notebook":
                last = name == programs[-1] and index == len(pieces) - 1
                note = label("error_in_notebook_last" if last else "error_in_notebook", language, error=expected)
                if lines_after_error:
                    note += label("lines_after_error", language)
                cells += [Cell("markdown", "\n\n".join(notes + [note])),
                          Cell("code", piece.code, expected_error=expected)]
            else:
                note = label("error_in_script", language, error=expected)
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


def download_urls(language: str, stem: str) -> tuple[str, str]:
    base = f"{ASSETS}/{stem}.{language}"
    return base + ".ipynb", base + ".py"


@dataclass
class ChapterFiles:
    notebook: str  # the .ipynb file's text
    script: str  # the .py file's text
    runs: list[runner.Run]  # the programs in them, in order, as this build ran them


def chapter_files(page: Page, page_url: str, site_url: str | None, book_name: str, snippets_dir: Path,
                  results: dict[Path, runner.Run]) -> ChapterFiles:
    """Both downloads of a chapter, from the page and the build's results. Kept in the cache
    by everything they are made from, so a rebuild with nothing changed does not make them again."""
    names = page.included_programs()
    runs = [results[(snippets_dir / name).resolve()] for name in names]
    inputs = [Path(__file__).read_bytes(), json.dumps([page.markdown, page.language, page.name, page_url, site_url,
                                                       book_name, names])]
    for run in runs:
        inputs += [run.snippet.read_bytes(), json.dumps([run.name, run.error])]

    def make() -> str:
        notebook_url, script_url = download_urls(page.language, page.name)
        link = site_url.rstrip("/") + "/" + page_url if site_url else get_relative_url(page_url, notebook_url)

        def cells(target, url):
            return chapter_cells(page, link, book_name, Path(url).name, snippets_dir, results, target)

        import nbformat

        return json.dumps({"notebook": nbformat.writes(notebook(cells("notebook", notebook_url))) + "\n",
                           "script": percent_script(cells("script", script_url))})

    saved = json.loads(remembered("notebooks", f"{page.name}.{page.language}", inputs, make))
    return ChapterFiles(notebook=saved["notebook"], script=saved["script"], runs=runs)
