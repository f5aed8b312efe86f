"""Each chapter's downloads run on a reader's machine: the notebook from top to bottom, and the script.

The downloads are the ones the strict build published. Each runs in an empty folder holding just
the download and a `dataset` folder with the stand-in data, by a Python that cannot import anything
of this repository (conftest.reader_python), offline, with nothing of the book around it but the
generated sitecustomize.py (book/shim.py). Notebooks run in a fresh Jupyter kernel of that Python,
two side by side, the longest chapters first. Every program is import-checked there too.
"""

import importlib.util
import os
import re
import subprocess
import sys
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from book import notebooks, runner
from conftest import CHAPTERS, EDITIONS, LANGUAGES, REPO, reader_environment, reader_folder

CELL_TIMEOUT_S = 900


def chapter_module(chapter: str):
    """The chapter's own test module, tests/test_<chapter>.py ("-" written "_")."""
    path = REPO / "tests" / f"test_{chapter.replace('-', '_')}.py"
    spec = importlib.util.spec_from_file_location(f"chapter_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def environment() -> dict[str, str]:
    # One thread per kernel: two kernels share two cores, and torch's extra threads only wait.
    return reader_environment(OMP_NUM_THREADS="1")


def expected_errors(chapter: str) -> list[str]:
    """The errors the chapter's programs stop with on purpose (`# expected-error: X`), in page order."""
    found = [runner.EXPECTED_ERROR.search((runner.SNIPPETS / name).read_text(encoding="utf-8"))
             for name in EDITIONS["zh"][chapter].included_programs()]
    return [match.group(1) for match in found if match]


def kernel_of(python: Path, folder: Path):
    """A Jupyter kernel manager that starts `python` (the reader's) as the kernel."""
    import json

    from jupyter_client import KernelManager
    from jupyter_client.kernelspec import KernelSpecManager

    spec = folder / "reader"
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python (reader)", "language": "python"}), encoding="utf-8")
    return KernelManager(kernel_name="reader", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(folder)]))


def execute(notebook_file: Path, folder: Path, python: Path) -> tuple[nbformat.NotebookNode, str | None, float]:
    """Run a notebook in a fresh kernel of the reader's Python, in `folder`; (the notebook with
    outputs, the unexpected error or None, seconds)."""
    book = nbformat.read(notebook_file, as_version=4)
    client = NotebookClient(book, timeout=CELL_TIMEOUT_S, km=kernel_of(python, folder.parent / f"{folder.name}-kernels"),
                            resources={"metadata": {"path": str(folder)}},
                            extra_arguments=["--IPKernelApp.log_level=ERROR"])
    started = time.perf_counter()
    try:
        client.execute(env=environment())
        failure = None
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as error:
        failure = f"{type(error).__name__}: {error}"
    return book, failure, time.perf_counter() - started


@pytest.fixture(scope="module")
def executed(site, request, tmp_path_factory, reader_python):
    """Every chapter notebook of this test session, run two at a time; page -> future result."""
    wanted = sorted({item.callspec.params["chapter"] for item in request.session.items
                     if getattr(item, "originalname", None) == "test_notebook_runs_from_top_to_bottom"})

    def seconds(chapter):
        return sum(runner.run(runner.SNIPPETS / name).seconds for name in EDITIONS["zh"][chapter].included_programs())

    pool = ThreadPoolExecutor(max_workers=2)
    started = time.perf_counter()
    futures = {}
    for chapter in sorted(wanted, key=seconds, reverse=True):
        folder = reader_folder(tmp_path_factory.mktemp(f"notebook-{chapter}") / "reader", site, "zh", chapter)
        notebook_file = folder / Path(notebooks.download_urls("zh", chapter)[0]).name
        futures[chapter] = pool.submit(execute, notebook_file, folder, reader_python)
    yield futures
    pool.shutdown(wait=True, cancel_futures=True)
    print(f"\nran {len(futures)} chapter notebooks in {time.perf_counter() - started:.0f} s")


def assert_printed(chapter: str, lines: list[str], what: str) -> None:
    """Every line the chapter's test module names (NOTEBOOK_PRINTS: a string, or a pattern) is among `lines`."""
    for expected in chapter_module(chapter).NOTEBOOK_PRINTS:
        if isinstance(expected, str):
            assert expected in lines, f"{chapter}: {what} never printed {expected!r}"
        else:
            assert any(expected.fullmatch(line) for line in lines), f"{chapter}: no printed line matches {expected.pattern}"


def printed_lines(book) -> list[str]:
    return [line.strip() for cell in book.cells if cell.cell_type == "code" for output in cell.outputs
            if output.output_type == "stream" and output.name == "stdout" for line in output.text.splitlines()]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_chapter_has_a_test_module_that_names_lines_its_notebook_prints(chapter):
    prints = getattr(chapter_module(chapter), "NOTEBOOK_PRINTS", None)
    assert prints, f"tests/test_{chapter.replace('-', '_')}.py needs NOTEBOOK_PRINTS: lines its notebook prints"


@pytest.mark.slow
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_notebook_runs_from_top_to_bottom(chapter, executed):
    book, failure, seconds = executed[chapter].result()
    assert failure is None, f"{chapter}.zh.ipynb stopped with an error no cell expects:\n{failure[-3000:]}"

    errors = [(index, output) for index, cell in enumerate(book.cells) if cell.cell_type == "code"
              for output in cell.outputs if output.output_type == "error"]
    raised, expected = [output.ename for _, output in errors], expected_errors(chapter)
    assert raised == expected, f"{chapter}: the notebook's cells raised {raised}, its programs stop with {expected}"
    for index, _ in errors:
        assert "raises-exception" in book.cells[index].metadata.get("tags", []), f"{chapter}: cell {index} is not tagged"
    tagged = [i for i, cell in enumerate(book.cells) if "raises-exception" in cell.metadata.get("tags", [])]
    assert tagged == [index for index, _ in errors], "a cell tagged raises-exception ran without its error"

    lines = printed_lines(book)
    assert_printed(chapter, lines, "the notebook")
    print(f"{chapter}: {seconds:.1f} s")


def test_the_kernel_is_offline_and_reads_the_stand_in_data(tmp_path, reader_python):
    probe = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import torchvision\n"
                                  "print(len(torchvision.datasets.CIFAR10('./dataset', train=False, download=True)))"),
        nbformat.v4.new_code_cell("import socket\nsocket.getaddrinfo('example.com', 443)"),
    ])
    folder = tmp_path / "reader"
    folder.mkdir()
    (folder / "dataset").symlink_to(__import__("book.standins").standins.ensure(), target_is_directory=True)
    nbformat.write(probe, folder / "probe.ipynb")
    book, failure, _ = execute(folder / "probe.ipynb", folder, reader_python)
    assert printed_lines(book) == ["10000"]
    assert failure and "OfflineError" in failure and "refused to reach example.com:443" in failure


# ---------------------------------------------------------------- what the notebooks hold


def code_lines(code: str) -> list[str]:
    """Lines of code without comments-only lines and Material's annotation markers."""
    lines = [re.sub(r"\s*#\s*\(\d+\)!?\s*$", "", line) for line in code.split("\n")]
    return [line for line in lines if line.strip() and not line.lstrip().startswith("#")]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_notebook_holds_each_program_of_the_page_whole_and_in_page_order(chapter, site):
    for language in LANGUAGES:
        model = EDITIONS[language][chapter]
        book = nbformat.read(site / notebooks.download_urls(language, chapter)[0], as_version=4)
        nbformat.validate(book)
        assert book.cells[0].cell_type == "markdown" and book.cells[0].source.startswith(f"# {model.title}\n")
        code = "\n".join(code_lines("\n".join(c.source for c in book.cells if c.cell_type == "code")))
        position = 0
        for name in model.included_programs():
            program = "\n".join(code_lines((runner.SNIPPETS / name).read_text(encoding="utf-8")))
            start = code.find(program, position)
            assert start >= 0, f"{language}/{chapter}: {name} is not in the notebook, whole, after the programs before it"
            position = start + len(program)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_both_languages_download_the_same_code(chapter, site):
    def code(language, suffix):
        urls = dict(zip(("ipynb", "py"), notebooks.download_urls(language, chapter)))
        text = (site / urls[suffix]).read_text(encoding="utf-8")
        if suffix == "ipynb":
            text = "\n".join(c.source for c in nbformat.reads(text, as_version=4).cells if c.cell_type == "code")
        return code_lines(text)

    assert code("zh", "ipynb") == code("en", "ipynb")
    assert code("zh", "py") == code("en", "py")


def test_an_error_on_purpose_stops_its_cell_and_only_that_cell(site):
    book = nbformat.read(site / notebooks.download_urls("zh", "gpu-training")[0], as_version=4)
    tagged = [c for c in book.cells if "raises-exception" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    # the lines after the failing one never run, so they share its cell
    assert tagged[0].source.startswith('local_rank = int(os.environ["LOCAL_RANK"])')
    assert "dist.destroy_process_group()" in tagged[0].source


def test_a_program_that_must_be_a_file_is_saved_and_run_as_one(site):
    """snippets/dataloader/spawn_without_main.py: spawn-started workers import the program's file again."""
    name = "spawn_without_main.py"
    program = notebooks.as_a_file(runner.SNIPPETS / "dataloader" / name)
    assert "--8<--" not in program and "expected-error" not in program and "run-as-a-file" not in program
    for language in LANGUAGES:
        book = nbformat.read(site / notebooks.download_urls(language, "dataloader")[0], as_version=4)
        saved = [i for i, cell in enumerate(book.cells) if cell.source == f"%%writefile {name}\n{program}"]
        assert len(saved) == 1, f"{language}: no cell saves {name}"
        run = book.cells[saved[0] + 1]
        assert run.source == f"%run {name}" and run.metadata.get("tags") == ["raises-exception"]
        assert [output.ename for output in run.outputs if output.output_type == "error"] == ["RuntimeError"]
        script = (site / notebooks.download_urls(language, "dataloader")[1]).read_text(encoding="utf-8")
        assert f'    runpy.run_path("{name}", run_name="__main__")\nexcept RuntimeError:' in script
        with zipfile.ZipFile(site / notebooks.download_urls(language, "dataloader")[2]) as archive:
            assert archive.read(name).decode() == (runner.SNIPPETS / "dataloader" / name).read_text(encoding="utf-8")


# ---------------------------------------------------------------- the scripts


def run_script(site: Path, folder: Path, python: Path, language: str, chapter: str) -> subprocess.CompletedProcess:
    """The chapter's script, run by the reader's Python in an empty folder that holds the chapter's download."""
    folder = reader_folder(folder, site, language, chapter)
    script = folder / Path(notebooks.download_urls(language, chapter)[1]).name
    return subprocess.run([str(python), script.name], cwd=folder, env=environment(),
                          capture_output=True, text=True, timeout=900)


@pytest.mark.slow
@pytest.mark.parametrize("chapter, language, printed, error", [
    ("reading-projects", "zh", "usage: train.py [-h] --dataroot DATAROOT [--name NAME]", None),
    ("linear-layers", "en", "torch.Size([196608])",
     "RuntimeError: mat1 and mat2 shapes cannot be multiplied (1x49152 and 196608x10)"),
], ids=["reading-projects-zh", "linear-layers-en"])
def test_script_runs_every_program_of_its_chapter(site, tmp_path, reader_python, chapter, language, printed, error):
    result = run_script(site, tmp_path / "reader", reader_python, language, chapter)
    assert result.returncode == 0, result.stderr[-3000:]
    assert printed in result.stdout.splitlines()
    if error:
        assert error in result.stderr.splitlines(), result.stderr[-3000:]
        # the error is printed and the script goes on: the last program of the chapter ran too
        last = EDITIONS[language][chapter].included_programs()[-1]
        assert runner.run(runner.SNIPPETS / last).output().strip().split("\n")[0] in result.stdout
    else:
        assert "Traceback" not in result.stderr, result.stderr[-3000:]


def check_script(site: Path, folder: Path, python: Path, chapter: str) -> None:
    result = run_script(site, folder, python, "zh", chapter)
    assert result.returncode == 0, f"{chapter}.zh.py failed on a reader's machine:\n{result.stderr[-3000:]}"
    lines = [line.strip() for line in result.stdout.splitlines()]
    assert_printed(chapter, lines, "the script")


# `make test` runs three chapters' scripts as a reader would: one without data, one reading the
# ants and bees, one whose download is a zip with a model file; `make check` runs them all.
SAMPLED = ["convolution", "dataset", "sequential"]


@pytest.mark.parametrize("chapter", SAMPLED)
def test_a_sampled_chapter_script_runs_on_a_readers_machine(site, tmp_path, reader_python, chapter):
    check_script(site, tmp_path / "reader", reader_python, chapter)


@pytest.mark.slow
@pytest.mark.parametrize("chapter", [c for c in CHAPTERS if c not in SAMPLED])
def test_every_chapter_script_runs_on_a_readers_machine(site, tmp_path, reader_python, chapter):
    check_script(site, tmp_path / "reader", reader_python, chapter)


IMPORTS_RESOLVE = """
import ast, importlib.util, json, sys
from pathlib import Path
missing = {}
for name in sys.argv[1:]:
    path = Path(name)
    sys.path.insert(0, str(path.parent))
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
            [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module else []
        for module in names:
            if importlib.util.find_spec(module.split(".")[0]) is None:
                missing.setdefault(name, []).append(module)
    sys.path.pop(0)
print(json.dumps(missing))
"""


def test_every_program_imports_only_what_a_reader_has(tmp_path, reader_python):
    programs = sorted(str(path) for path in runner.SNIPPETS.rglob("*.py"))
    assert len(programs) > 60
    result = subprocess.run([str(reader_python), "-c", IMPORTS_RESOLVE, *programs], cwd=tmp_path,
                            env=environment(), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    missing = __import__("json").loads(result.stdout)
    assert missing == {}, f"imports a reader's Python cannot resolve: {missing}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_script_has_the_cells_of_the_notebook(chapter, site):
    import jupytext

    notebook_file, script_file = (site / url for url in notebooks.download_urls("zh", chapter)[:2])
    # a program run as a file of its own: the notebook saves it (%%writefile), the script has it from the zip
    cells = [c for c in nbformat.read(notebook_file, as_version=4).cells if not c.source.startswith("%%writefile ")]
    script = jupytext.read(script_file, fmt=notebooks.PERCENT)
    assert [c.cell_type for c in script.cells] == [c.cell_type for c in cells]
    for ours, theirs in zip(cells, script.cells):
        if ours.source.startswith("%run "):
            assert f'runpy.run_path("{ours.source.split()[1]}", run_name="__main__")' in theirs.source
        elif "raises-exception" in ours.metadata.get("tags", []):
            # in the script the same lines run inside try ... except, indented
            assert code_lines(ours.source) == [line.removeprefix("    ") for line in code_lines(theirs.source)
                                               if line.startswith("    ")][:len(code_lines(ours.source))]
            assert re.search(r"^except \w+:\n    traceback\.print_exc\(\)$", theirs.source, re.MULTILINE)
        elif ours.cell_type == "code":
            assert ours.source == theirs.source
        else:  # the same headings; notes on how to run differ between a notebook and a script
            assert re.findall(r"(?m)^#.*$", ours.source) == re.findall(r"(?m)^#.*$", theirs.source)


# ---------------------------------------------------------------- the practice notebooks


def headings(source: str) -> list[str]:
    return re.findall(r"(?m)^#{1,6} \S.*$", source)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_practice_notebook_has_the_code_cells_and_headings_without_prose_or_outputs(chapter, site):
    for language in LANGUAGES:
        full = nbformat.read(site / notebooks.download_urls(language, chapter)[0], as_version=4)
        practice = nbformat.read(site / notebooks.practice_url(language, chapter), as_version=4)
        nbformat.validate(practice)
        code = [(c.source, c.metadata.get("tags", [])) for c in full.cells if c.cell_type == "code"]
        assert [(c.source, c.metadata.get("tags", [])) for c in practice.cells if c.cell_type == "code"] == code
        assert all(not c.outputs and c.execution_count is None for c in practice.cells if c.cell_type == "code")
        notes = [c.source for c in practice.cells if c.cell_type == "markdown"]
        assert all(line.startswith("#") for note in notes for line in note.split("\n") if line), \
            f"{language}/{chapter}: the practice notebook has prose"
        title = EDITIONS[language][chapter].title
        wanted = headings("\n".join(c.source for c in full.cells if c.cell_type == "markdown"))
        assert wanted[0] == f"# {title}"
        wanted[0] = "# " + {"zh": f"{title}（练习版）", "en": f"{title} (practice)"}[language]
        assert headings("\n".join(notes)) == wanted
        # between two code cells, the headings the full notebook has there
        assert [c.cell_type for c in practice.cells] == [
            c.cell_type for c in full.cells if c.cell_type == "code" or headings(c.source)]


# A few chapters, as the reader gets them: one without data, one reading the ants and bees,
# one whose zip holds a model file, one with a cell that stops with an error on purpose.
PRACTICE_SAMPLED = ["convolution", "dataset", "sequential", "linear-layers"]


@pytest.mark.slow
@pytest.mark.parametrize("chapter", PRACTICE_SAMPLED)
def test_practice_notebook_runs_in_an_empty_folder(chapter, site, tmp_path, reader_python):
    folder = reader_folder(tmp_path / "reader", site, "zh", chapter)
    practice = folder / Path(notebooks.practice_url("zh", chapter)).name
    if not practice.exists():  # a zip holds it already; else it is downloaded alone
        practice.write_bytes((site / notebooks.practice_url("zh", chapter)).read_bytes())
    book, failure, seconds = execute(practice, folder, reader_python)
    assert failure is None, f"{practice.name} stopped with an error no cell expects:\n{failure[-3000:]}"
    raised = [output.ename for cell in book.cells if cell.cell_type == "code"
              for output in cell.outputs if output.output_type == "error"]
    assert raised == expected_errors(chapter)
    lines = printed_lines(book)
    assert_printed(chapter, lines, "the practice notebook")
    print(f"{chapter} (practice): {seconds:.1f} s")


# ---------------------------------------------------------------- the pieces


def test_cells_are_cut_at_sections_but_never_inside_a_block(tmp_path):
    program = tmp_path / "program.py"
    program.write_text("\n".join([
        "# expected-error: ZeroDivisionError",
        "# --8<-- [start:one]",
        "x = 1  # (1)!",
        "# --8<-- [end:one]",
        "",
        'if __name__ == "__main__":',
        "    # --8<-- [start:two]",
        "    y = 2",
        "    # --8<-- [end:two]",
        "    # --8<-- [start:three]",
        "    print(x / 0)",
        "    # --8<-- [end:three]",
    ]), encoding="utf-8")
    pieces, expected = notebooks.chunks(program)
    assert expected == "ZeroDivisionError"
    assert [p.code for p in pieces] == ["x = 1", 'if __name__ == "__main__":\n    y = 2\n    print(x / 0)']
    assert [(p.first, p.last) for p in pieces] == [(3, 3), (5, 11)]


def test_the_try_around_an_error_leaves_text_that_spans_lines_alone():
    code = 'text = """one\ntwo"""\nprint(text)\n1 / 0'
    wrapped = notebooks._wrapped_in_try(code, "ZeroDivisionError", "en")
    printed = subprocess.run([sys.executable, "-c", wrapped], capture_output=True, text=True)
    assert printed.returncode == 0
    assert printed.stdout == "one\ntwo\n"
    assert printed.stderr.strip().endswith("ZeroDivisionError: division by zero")


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_the_notebook_holds_the_outputs_the_page_shows(chapter, site):
    """Every output block on the chapter's page is what the downloaded notebook holds under that
    program's cells: the same recorded run, so a reader sees there what the page shows."""
    from conftest import output_blocks, page_path, soup

    for language in LANGUAGES:
        book = nbformat.read(site / notebooks.download_urls(language, chapter)[0], as_version=4)
        held: dict[str, str] = {}
        current = None
        for cell in book.cells:
            if cell.cell_type == "markdown":
                found = re.search(r"`snippets/([^`]+\.py)`", cell.source)
                current = found.group(1) if found else current
                continue
            for output in cell.outputs:
                if output.output_type == "stream":
                    held[current] = held.get(current, "") + output.text
                elif output.output_type == "error":
                    held[current] = held.get(current, "") + "\n".join(output.traceback) + "\n"
        blocks = output_blocks(soup(site, page_path(language, chapter)))
        assert blocks or not EDITIONS[language][chapter].includes
        for name, shown in blocks:
            program = name.partition(":")[0]
            assert as_a_code_block_shows(shown).strip() in as_a_code_block_shows(held.get(program, "")), (
                f"{language}/{chapter}: {name}'s output is not in the notebook"
            )


def as_a_code_block_shows(text: str) -> str:
    """The text as the page's code block shows it: tabs as four spaces, no trailing spaces."""
    return "\n".join(line.expandtabs(4).rstrip() for line in text.splitlines())
