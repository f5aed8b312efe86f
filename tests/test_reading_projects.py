"""Chapter 22 · 查看开源项目: argparse options, --help, a missing required option, default=."""

import subprocess
import sys

from book import REPO
from book.runner import run
from conftest import exercise_answers

# Lines the chapter's notebook prints when it runs from top to bottom (tests/test_notebooks.py):
# a str is a whole line, a pattern must match a whole line.
NOTEBOOK_PRINTS = ["usage: train.py [-h] --dataroot DATAROOT [--name NAME]", "exit code: 2"]

OPTIONS = "reading_projects/train_options.py"
USAGE = (
    "usage: train.py [-h] --dataroot DATAROOT [--name NAME]\n"
    "                [--batch_size BATCH_SIZE] [--gpu_ids GPU_IDS] [--no_flip]\n"
)


def test_parse_args_with_a_list_gives_a_namespace_with_defaults():
    assert run(OPTIONS).output("parse") == (
        "Namespace(dataroot='./datasets/maps', name='maps_cyclegan', batch_size=1, gpu_ids='0', no_flip=False)\n"
        "./datasets/maps 1 False\n"
    )


def test_help_lists_every_option_and_exits_with_0():
    assert run(OPTIONS).output("help") == (
        USAGE
        + "\n"
        "Train a model on the images in DATAROOT.\n"
        "\n"
        "options:\n"
        "  -h, --help            show this help message and exit\n"
        "  --dataroot DATAROOT   folder with the training images\n"
        "  --name NAME           name of the experiment\n"
        "  --batch_size BATCH_SIZE\n"
        "                        input batch size\n"
        "  --gpu_ids GPU_IDS     gpu ids: e.g. 0 0,1,2. use -1 for CPU\n"
        "  --no_flip             do not flip the images\n"
        "exit code: 0\n"
    )


def test_a_missing_required_option_is_an_error_with_exit_code_2():
    assert run(OPTIONS).output("missing") == (
        USAGE + "train.py: error: the following arguments are required: --dataroot\nexit code: 2\n"
    )


def test_with_a_default_the_script_runs_without_arguments():
    assert run("reading_projects/train.py").output() == (
        "----------------- Options ---------------\n"
        "  batch_size: 1\n"
        "    dataroot: ./datasets/maps\n"
        "     gpu_ids: 0\n"
        "        name: experiment_name\n"
        "     no_flip: False\n"
        "----------------- End -------------------\n"
    )


def test_changed_options_are_marked_with_their_default():
    # What the page says the reader sees with `python snippets/reading_projects/train.py --batch_size 4 --no_flip`.
    shown = subprocess.run(
        [sys.executable, "snippets/reading_projects/train.py", "--batch_size", "4", "--no_flip"],
        cwd=REPO, capture_output=True, text=True, check=True,
    ).stdout
    assert "  batch_size: 4   [default: 1]\n" in shown
    assert "     no_flip: True   [default: False]\n" in shown
    assert "    dataroot: ./datasets/maps\n" in shown


def test_exercise_answers():
    """The values the Exercises section's answers state, in both languages, are what the program prints."""
    result = run("reading_projects/exercises.py")
    assert result.output("ex1") == "8 '8'\n"
    assert result.output("ex2") == "False\nTrue\n"
    assert result.output("ex3") == "True 4\n"
    for language, (one, two, three) in exercise_answers("reading-projects").items():
        assert "`8`" in one and "`'8'`" in one, language
        assert "`False`" in two and "`True`" in two, language
        assert "`True`" in three and "4" in three, language
