"""Setting up (P1–P3): the check a reader runs right after installing."""

import platform
import re

from book.runner import run

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
