"""Chapter 1 · Python学习两大法宝: dir() and help() on torch.cuda.is_available."""

import json
import subprocess
import sys
from pprint import pformat

from book.runner import run

# Lines the chapter's notebook prints when it runs from top to bottom (tests/test_notebooks.py):
# a str is a whole line, a pattern must match a whole line.
NOTEBOOK_PRINTS = ["Return a bool indicating if CUDA is currently available."]

SNIPPET = "dir_and_help/dir_and_help.py"


def shortened(names):
    return pformat(names[:12], compact=True, width=72) + f"\n... and {len(names) - 12} more\n"


def fresh_dir(expression):
    """dir() as a new program sees it: every submodule imported later adds names to torch."""
    code = f"import json, torch; print(json.dumps(dir({expression})))"
    return json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


def test_dir_shows_the_first_twelve_names_and_says_how_many_are_left_out():
    result = run(SNIPPET)
    assert result.output("dir-torch") == shortened(fresh_dir("torch")) + "True\n"
    assert result.output("dir-cuda") == shortened(fresh_dir("torch.cuda")) + "True\n"
    assert len(fresh_dir("torch")) > 1000


def test_a_function_has_only_double_underscore_names():
    shown = run(SNIPPET).output("dir-function")
    assert shown == shortened(fresh_dir("torch.cuda.is_available")) + "True\n"
    assert shown.startswith("['__annotations__', '__builtins__', '__call__', '__class__',")


def test_help_shows_todays_text_of_is_available():
    shown = run(SNIPPET).output("help")
    assert shown.startswith(
        "Help on function is_available in module torch.cuda:\n\n"
        "is_available() -> bool\n"
        "    Return a bool indicating if CUDA is currently available.\n"
    )
    assert ".. note:: This function will NOT poison fork if the environment variable" in shown
    assert "PYTORCH_NVML_BASED_CUDA_CHECK=1" in shown


def test_is_available_is_false_without_a_gpu():
    result = run(SNIPPET)
    has_gpu = result.device.startswith("GPU")
    assert result.output("call") == f"{has_gpu}\n"
    if not has_gpu:
        assert result.output("call") == "False\n"


def test_without_parentheses_the_function_is_always_truthy():
    result = run(SNIPPET)
    assert result.output("bug") == "<function is_available at 0x…>\nTrue\ncuda\n"
    assert result.output("fix") == ("cuda\n" if result.device.startswith("GPU") else "cpu\n")
