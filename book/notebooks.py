"""Every chapter as a Jupyter notebook and as a Python script, linked from the top of its page.

For each chapter the build writes into the site `assets/notebooks/<page>.<language>.ipynb` and
`.py`, and, when the programs need files of their own folder beside them (a `model.py` they
import, a program they start), a `.zip` with all of it. Both hold the programs that the page
includes, in the order of their first use on the page; each program is complete (lines outside its
sections too) and cut into cells at its section markers. Markdown cells carry the chapter title, a
link back to the page, the page's headings, and the help a reader needs before a cell that
downloads data, in the page's language. The notebook holds the outputs the build recorded, marked
where they came from stand-in data. The `.py` is a script in jupytext's "percent" format, so
`python <page>.zh.py` runs every program in turn. Both run in an empty folder (with the zip's files).

Programs run one after another in one interpreter there, not each in its own process, so:

* A program that stops with an error on purpose (first line `# expected-error: KeyError`) stops
  in one cell tagged `raises-exception`; any lines after the failing one share that cell, because
  they never run. In the `.py` that cell is wrapped in `try`/`except KeyError`, so that the script
  prints the error and goes on with the next program.
* A program that reads `__file__` or `sys.argv` gets a cell before it that sets both the way
  `python snippets/<chapter>/<file>.py` would.
* A program that must run from a file of its own (a line `# run-as-a-file: why`: DataLoader workers
  started with "spawn" import the program's file again, and a notebook's code has none) is not cut
  into cells: the notebook saves it with `%%writefile` and runs it with `%run`; the script runs it
  with `runpy.run_path(..., run_name="__main__")` from the chapter's zip, which holds the file.

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

RUN_AS_A_FILE = re.compile(r"^#\s*run-as-a-file\b.*$", re.MULTILINE)
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
    program: Path | None = None  # the program a code cell is part of
    lines: tuple[int, int] | None = None  # and its lines in that program


def _indent_outside_strings(code: str, prefix: str = "    ") -> str:
    """Indent every line except those that continue a string spanning several lines."""
    inside = set()
    for token in tokenize.generate_tokens(io.StringIO(code + "\n").readline):
        if token.type == tokenize.STRING and token.end[0] > token.start[0]:
            inside.update(range(token.start[0] + 1, token.end[0] + 1))
    return "\n".join(line if number in inside or not line.strip() else prefix + line
                     for number, line in enumerate(code.split("\n"), start=1))


def _as_own_program(name: str, code: str, language: str) -> str | None:
    """A cell that sets __file__ and sys.argv as `python <file>` in the chapter's folder has them,
    when the program uses them."""
    if not (_USES_FILE.search(code) or _USES_ARGV.search(code)):
        return None
    file = Path(name).name
    comment = label("as_own_program", language, name=file).split("\n")
    return "\n".join([*comment, "import sys", "", f'__file__ = "{file}"', "sys.argv = [__file__]"])


def runs_as_a_file(snippet: Path) -> bool:
    return bool(RUN_AS_A_FILE.search(snippet.read_text(encoding="utf-8")))


def as_a_file(snippet: Path) -> str:
    """The program as the reader's file holds it: without the book's marker lines."""
    text = without_annotation_markers(snippet.read_text(encoding="utf-8"))
    return "\n".join(line for line in text.split("\n") if not (runner.SECTION_MARKER.match(line) or
                     runner.EXPECTED_ERROR.fullmatch(line) or RUN_AS_A_FILE.fullmatch(line))).strip("\n")


def _wrapped_in_try(code: str, error: str, language: str) -> str:
    caught = error if isinstance(getattr(builtins, error, None), type) else "Exception"
    comment = [label("try_comment", language, error=error)]
    return "\n".join(["import traceback", "", *comment, "try:", _indent_outside_strings(code),
                      f"except {caught}:", "    traceback.print_exc()"])


DOWNLOADS = {  # what a cell reads or downloads, and the help a reader needs before it
    "CIFAR10(": "cifar10_help",
    "hymenoptera_data": "ants_bees_help",
}


def chapter_cells(page: Page, links: dict[str, str], book: str, file_name: str, snippets_dir: Path,
                  results: dict[Path, runner.Run], target: str, support: list[str]) -> list[Cell]:
    """The cells of one chapter, for target "notebook" or "script". `links`: the chapter page and the
    page about the data, as the downloaded file reaches them; `support`: the files that come with it."""
    language = page.language
    intro = label("notebook_intro", language, book=book, title=page.title, link=links["page"])
    how = label("notebook_how" if target == "notebook" else "script_how", language, file=file_name)
    if support:
        how += label("comes_with", language, files="、".join(support) if language == "zh" else ", ".join(support))
    cells = [Cell("markdown", f"# {page.title}\n\n{intro}\n\n{how}")]
    helped: set[str] = set()
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

    def about(name: str, path: Path) -> list[str]:
        """What the notes say before a program's first cell: its name, and where its outputs came from."""
        said = [label("program", language, name=name)]
        if results[path].standin_data and target == "notebook":
            said.append(label("recorded_on_standin", language, names=" / ".join(results[path].standin_data)))
        return said

    programs = page.included_programs()
    for name in programs:
        path = (snippets_dir / name).resolve()
        if path not in results:
            raise NotebookError(f"snippets/{name} was not run before the page was built")
        pieces, expected = chunks(path)
        if runs_as_a_file(path):
            notes = heading_cells(page.heading_at(min(line for line, n, _ in page.includes if n == name)))
            notes += [*about(name, path), label(f"as_a_file_{target}", language, file=path.name)]
            lines = (pieces[0].first, pieces[-1].last)
            if expected:
                warning = ("error_in_script" if target == "script" else
                           "error_in_notebook_last" if name == programs[-1] else "error_in_notebook")
                notes.append(label(warning, language, error=expected))
            if target == "notebook":
                cells += [Cell("markdown", "\n\n".join(notes)), Cell("code", f"%%writefile {path.name}\n{as_a_file(path)}"),
                          Cell("code", f"%run {path.name}", expected_error=expected, program=path, lines=lines)]
            else:
                call = f'runpy.run_path("{path.name}", run_name="__main__")'
                cells += [Cell("markdown", "\n\n".join(notes)),
                          Cell("code", "import runpy\n\n" + (_wrapped_in_try(call, expected, language) if expected else call))]
            continue
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
                notes += about(name, path)
                own = _as_own_program(name, "\n".join(p.code for p in pieces), language)
                if own:
                    cells += [Cell("markdown", "\n\n".join(notes)), Cell("code", own)]
                    notes = []
            for text, help_key in DOWNLOADS.items():
                if text in piece.code and help_key not in helped:
                    helped.add(help_key)
                    notes.append(label(help_key, language, data_page=links["data"]))
            lines = (piece.first, piece.last)
            if index != failing:
                cells += [Cell("markdown", "\n\n".join(notes)), Cell("code", piece.code, program=path, lines=lines)]
            elif target == "notebook":
                last = name == programs[-1] and index == len(pieces) - 1
                note = label("error_in_notebook_last" if last else "error_in_notebook", language, error=expected)
                if lines_after_error:
                    note += label("lines_after_error", language)
                cells += [Cell("markdown", "\n\n".join(notes + [note])),
                          Cell("code", piece.code, expected_error=expected, program=path, lines=lines)]
            else:
                note = label("error_in_script", language, error=expected)
                cells += [Cell("markdown", "\n\n".join(notes + [note])),
                          Cell("code", _wrapped_in_try(piece.code, expected, language), program=path, lines=lines)]
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

PERCENT = {"extension": ".py", "format_name": "percent", "comment_magics": False}  # how jupytext reads the script


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


def notebook(cells: list[Cell], results: dict[Path, runner.Run], figures: dict[Path, list[str]]):
    """The cells as a notebook holding the outputs the build recorded: what each cell's lines
    printed, the error a cell stops with on purpose, and the pictures the page shows from the
    program's files (under the cell that names the file, else under the program's last cell)."""
    import base64

    import nbformat  # imported here: a warm build that reuses every notebook never needs it
    from nbformat import v4

    made, last_cell, count = [], {}, 0
    for index, cell in enumerate(cells):
        if cell.kind == "markdown":
            made.append(v4.new_markdown_cell(cell.source, id=f"cell-{index}"))
            continue
        count += 1  # run from top to bottom, as the build's programs ran
        made.append(v4.new_code_cell(cell.source, id=f"cell-{index}", execution_count=count,
                                     metadata={"tags": ["raises-exception"]} if cell.expected_error else {}))
        if cell.program is not None:
            last_cell[cell.program] = made[-1]
    for cell, node in zip(cells, made):
        if cell.kind != "code" or cell.program is None:
            continue
        run, (first, last) = results[cell.program], cell.lines
        final = last_cell[cell.program] is node
        text = "".join(t for n, t in run.chunks if (n is not None and first <= n <= last) or (n is None and final))
        if text:
            node.outputs.append(v4.new_output("stream", name="stdout", text=text))
        for file in figures.get(cell.program, []):
            if file in cell.source or (final and not any(file in c.source for c in cells if c.program == cell.program)):
                picture = base64.b64encode(run.file(file).read_bytes()).decode()
                node.outputs.append(v4.new_output("display_data", data={"image/png": picture, "text/plain": file}))
        if cell.expected_error and run.error:
            summary = run.error["summary"].splitlines()[-1]
            name, _, value = summary.partition(": ")
            node.outputs.append(v4.new_output("error", ename=name.rsplit(".", 1)[-1], evalue=value,
                                              traceback=run.error_report().rstrip("\n").split("\n")))
    book = v4.new_notebook(cells=made, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    })
    nbformat.validate(book)
    return book


def practice_notebook(cells: list[Cell], title: str, language: str):
    """The notebook for typing along: the same code cells and headings, without prose or outputs.
    A cell that stops with an error on purpose keeps its `raises-exception` tag, so that running
    every cell goes on past it as in the full notebook."""
    import nbformat
    from nbformat import v4

    made = []
    for index, cell in enumerate(cells):
        if cell.kind == "markdown":
            headings = [line for line in cell.source.split("\n") if HEADING.match(line)]
            if index == 0:
                headings[0] = "# " + label("practice_title", language, title=title)
            if headings:
                made.append(v4.new_markdown_cell("\n\n".join(headings), id=f"cell-{index}"))
        else:
            made.append(v4.new_code_cell(cell.source, id=f"cell-{index}",
                                         metadata={"tags": ["raises-exception"]} if cell.expected_error else {}))
    book = v4.new_notebook(cells=made, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    })
    nbformat.validate(book)
    return book


HEADING = re.compile(r"#{1,6} \S")


# ---------------------------------------------------------------- the mkdocs hook


def download_urls(language: str, stem: str) -> tuple[str, str, str]:
    """Where a chapter's notebook, script and zip of everything go in the site."""
    base = f"{ASSETS}/{stem}.{language}"
    return base + ".ipynb", base + ".py", base + ".zip"


def practice_url(language: str, stem: str) -> str:
    """Where a chapter's practice notebook goes in the site."""
    return f"{ASSETS}/{stem}.{language}.practice.ipynb"


def support_files(runs: list[runner.Run]) -> dict[str, Path]:
    """Files the chapter's programs need beside them: file name -> path. Files of their own folder
    (a model.py they import, a program they run), which the build recorded among each run's
    dependencies, and files handed to them from another chapter's run (a checkpoint)."""
    found = {}
    for run in runs:
        if runs_as_a_file(run.snippet):
            found.setdefault(run.snippet.name, run.snippet)
        for name in run.dependencies:
            path = runner.REPO / name
            if path.parent == run.snippet.parent and path != run.snippet:
                found.setdefault(path.name, path)
        for name in run.handed:
            found.setdefault(name, run.files / name)
    return dict(sorted(found.items()))


@dataclass
class ChapterFiles:
    notebook: str  # the .ipynb file's text
    script: str  # the .py file's text
    practice: str  # the practice notebook's text: code cells and headings only
    support: dict[str, Path]  # files that must sit beside them
    runs: list[runner.Run]  # the programs in them, in order, as this build ran them

    def zip(self, notebook_name: str, script_name: str, practice_name: str) -> bytes:
        """All of it in one zip: unpacked into an empty folder, the notebooks and the script run there."""
        import io
        import zipfile

        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in [(notebook_name, self.notebook.encode()), (practice_name, self.practice.encode()),
                               (script_name, self.script.encode()),
                               *((name, path.read_bytes()) for name, path in self.support.items())]:
                info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))  # the same bytes on every build
                info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
                archive.writestr(info, data)
        return buffer.getvalue()


def chapter_files(page: Page, page_url: str, data_url: str, site_url: str | None, book_name: str, snippets_dir: Path,
                  results: dict[Path, runner.Run]) -> ChapterFiles:
    """The downloads of a chapter, from the page and the build's results. Kept in the cache by
    everything they are made from, so a rebuild with nothing changed does not make them again."""
    names = page.included_programs()
    runs = [results[(snippets_dir / name).resolve()] for name in names]
    support = support_files(runs)
    figures: dict[Path, list[str]] = {}
    for _, name, file in page.figures:
        path = (snippets_dir / name).resolve()
        if name in names and not file.startswith("tensorboard/"):
            figures.setdefault(path, []).append(file)
    inputs = [Path(__file__).read_bytes(), json.dumps([page.markdown, page.language, page.name, page_url, data_url,
                                                       site_url, book_name, names, sorted(support)])]
    for run in runs:
        inputs += [run.snippet.read_bytes(), json.dumps([run.name, run.chunks, run.error, run.standin_data])]
    inputs += [path.read_bytes() for path in support.values()]
    inputs += [results[path].file(file).read_bytes() for path, files in figures.items() for file in files]

    def make() -> str:
        notebook_url, script_url, _ = download_urls(page.language, page.name)

        def address(url: str) -> str:
            return site_url.rstrip("/") + "/" + url if site_url else get_relative_url(url, notebook_url)

        links = {"page": address(page_url), "data": address(data_url)}

        def cells(target, url):
            return chapter_cells(page, links, book_name, Path(url).name, snippets_dir, results, target, list(support))

        import nbformat

        notebook_cells = cells("notebook", notebook_url)
        return json.dumps({"notebook": nbformat.writes(notebook(notebook_cells, results, figures)) + "\n",
                           "script": percent_script(cells("script", script_url)),
                           "practice": nbformat.writes(practice_notebook(notebook_cells, page.title, page.language)) + "\n"})

    saved = json.loads(remembered("notebooks", f"{page.name}.{page.language}", inputs, make))
    return ChapterFiles(notebook=saved["notebook"], script=saved["script"], practice=saved["practice"],
                        support=support, runs=runs)
