"""Setting up (P1–P3): the check a reader runs right after installing."""

import platform
import re
import sys

import pytest

from book.runner import SNIPPETS, run
from conftest import REPO

# Lines the chapter's notebook prints when it runs from top to bottom (tests/test_notebooks.py):
# a str is a whole line, a pattern must match a whole line.
NOTEBOOK_PRINTS = [re.compile(r"torch: 2\.14\.1(\+\w+)?"), re.compile(r"device: (cpu|cuda)")]

PROGRAM = "setup/check_install.py"


def test_the_check_names_python_torch_and_torchvision_versions():
    lines = run(PROGRAM).output("versions").splitlines()
    assert lines[0] == f"Python: {platform.python_version()} on {platform.system()}"
    assert re.fullmatch(r"torch: 2\.14\.1(\+\w+)?", lines[1]), lines[1]
    assert re.fullmatch(r"torchvision: 0\.29\.1(\+\w+)?", lines[2]), lines[2]


def test_without_a_gpu_cuda_is_not_available_and_the_device_is_the_cpu():
    result = run(PROGRAM)
    if result.device != "CPU":
        return  # built on a GPU machine: the page says so in its run line
    assert result.output("device") == "CUDA available: False\ndevice: cpu\n"


# ---------------------------------------------------------------- the version comparison

CHECK = "setup/check_environment.py"


def built_with() -> dict[str, str]:
    """BOOK_BUILT_WITH as the program writes it: a literal, read without running the program."""
    import ast

    tree = ast.parse((SNIPPETS / CHECK).read_text(encoding="utf-8"))
    found = [node.value for node in tree.body if isinstance(node, ast.Assign)
             and [getattr(t, "id", None) for t in node.targets] == ["BOOK_BUILT_WITH"]]
    assert len(found) == 1, "check_environment.py needs one line BOOK_BUILT_WITH = {...}"
    return ast.literal_eval(found[0])


def test_the_versions_in_the_check_are_the_ones_the_book_is_built_with():
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = dict(line.split("==") for line in project["dependencies"])
    assert built_with() == {"Python": f"{sys.version_info.major}.{sys.version_info.minor}",
                            "torch": pins["torch"], "torchvision": pins["torchvision"]}
    assert project["requires-python"] == f">={built_with()['Python']},<3.{sys.version_info.minor + 1}"


def test_the_check_on_the_page_finds_the_books_versions():
    result = run(CHECK)
    lines = result.output("compare").splitlines()
    assert lines[0].split() == ["yours", "book"]
    assert [line.split()[0] for line in lines[1:]] == ["Python", "torch", "torchvision"]
    assert lines[1].split()[1:] == [platform.python_version(), built_with()["Python"]]
    assert "differs" not in result.output()
    assert result.output("verdict") == "Same versions as the book.\n"


def other_versions(found: dict[str, str]) -> str:
    """What the program prints where the book was built with other versions: its source run with
    another BOOK_BUILT_WITH (torch and torchvision are imported, as on a reader's machine)."""
    import contextlib
    import io

    source = (SNIPPETS / CHECK).read_text(encoding="utf-8")
    source = re.sub(r"(?m)^BOOK_BUILT_WITH = .*$", f"BOOK_BUILT_WITH = {found!r}", source)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(source, CHECK, "exec"), {"__name__": "__main__"})
    return printed.getvalue()


def test_the_check_marks_each_version_that_differs_and_names_the_differences_page():
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    printed = other_versions({"Python": "3.8", "torch": built_with()["torch"], "torchvision": "0.9.0"})
    marked = [line.split()[0] for line in printed.splitlines() if line.endswith("<- differs")]
    assert marked == ["Python", "torchvision"]
    assert "Not the book's version: Python, torchvision" in printed
    assert '"和视频不一样的地方 / Differences from the video"' in printed
    # "+cpu" or "+cu128" after the number is the kind of build, not another version; Python's third number does not count
    printed = other_versions({"Python": python, "torch": built_with()["torch"].split("+")[0], "torchvision": built_with()["torchvision"]})
    assert "differs" not in printed and printed.endswith("Same versions as the book.\n")


def test_the_differences_page_has_the_title_the_check_prints():
    titles = {"zh": "和视频不一样的地方", "en": "Differences from the video"}
    for language, title in titles.items():
        page = REPO / "docs" / language / "video-differences.md"
        assert re.search(rf"(?m)^# {re.escape(title)}( \{{.*\}})?$", page.read_text(encoding="utf-8")), \
            f"docs/{language}/video-differences.md is not titled {title!r}, which check_environment.py prints"
