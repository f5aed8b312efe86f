"""Chapter 17 · 现有网络模型的使用及修改: VGG16 from 1000 classes to 10, and today's weights API."""

import os

import torch

from book.runner import run
from conftest import exercise_answers

# Lines the chapter's notebook prints when it runs from top to bottom (tests/test_notebooks.py):
# a str is a whole line, a pattern must match a whole line.
NOTEBOOK_PRINTS = ["(add_linear): Linear(in_features=1000, out_features=10, bias=True)"]

MODIFY = "pretrained_models/vgg16_modify.py"
WEIGHTS = "pretrained_models/vgg16_weights.py"

CLASSIFIER_HEAD = (
    "Sequential(\n"
    "  (0): Linear(in_features=25088, out_features=4096, bias=True)\n"
    "  (1): ReLU(inplace=True)\n"
    "  (2): Dropout(p=0.5, inplace=False)\n"
    "  (3): Linear(in_features=4096, out_features=4096, bias=True)\n"
    "  (4): ReLU(inplace=True)\n"
    "  (5): Dropout(p=0.5, inplace=False)\n"
)


def test_vgg16_printout_has_its_three_parts_and_1000_outputs():
    shown = run(MODIFY).output("build")
    assert shown.startswith("VGG(\n  (features): Sequential(\n")
    assert shown.count("Conv2d(") == 13 and shown.count("MaxPool2d(") == 5
    assert "  (avgpool): AdaptiveAvgPool2d(output_size=(7, 7))\n" in shown
    assert shown.endswith(
        "    (6): Linear(in_features=4096, out_features=1000, bias=True)\n"
        "  )\n"
        ")\n"
    )


def test_add_module_puts_add_linear_at_the_end_of_classifier():
    result = run(MODIFY)
    assert result.output("add-module") == (
        CLASSIFIER_HEAD
        + "  (6): Linear(in_features=4096, out_features=1000, bias=True)\n"
        "  (add_linear): Linear(in_features=1000, out_features=10, bias=True)\n"
        ")\n"
    )
    assert result.output("add-module-forward") == "torch.Size([1, 10])\n"


def test_replacing_classifier_6_gives_10_outputs():
    result = run(MODIFY)
    assert result.output("replace") == (
        CLASSIFIER_HEAD + "  (6): Linear(in_features=4096, out_features=10, bias=True)\n)\n"
    )
    assert result.output("replace-forward") == "torch.Size([1, 10])\n"


def test_a_module_added_at_the_top_level_is_printed_but_not_used():
    assert run("pretrained_models/add_outside.py").output("outside") == (
        "('add_linear', Linear(in_features=1000, out_features=10, bias=True))\n"
        "torch.Size([1, 1000])\n"
    )


def test_pretrained_is_deprecated_and_weights_describe_themselves():
    result = run(WEIGHTS)
    assert result.output("pretrained-false") == (
        "UserWarning: The parameter 'pretrained' is deprecated since 0.13 and may be removed in the future, "
        "please use 'weights' instead.\n"
        "UserWarning: Arguments other than a weight enum or `None` for 'weights' are deprecated since 0.13 and "
        "may be removed in the future. The current behavior is equivalent to passing `weights=None`.\n"
    )
    assert result.output("weights-enum") == (
        "VGG16_Weights.IMAGENET1K_V1\n"
        "https://download.pytorch.org/models/vgg16-397923af.pth\n"
        "527.796 MB\n"
        "['tench', 'goldfish', 'great white shark', 'tiger shark', 'hammerhead']\n"
        "1000\n"
    )


def test_where_the_weights_go_and_what_happens_without_them():
    result = run(WEIGHTS)
    checkpoint = os.path.join(torch.hub.get_dir(), "checkpoints", "vgg16-397923af.pth")
    home = os.path.expanduser("~")
    assert result.output("where") == f"vgg16-397923af.pth\n{checkpoint.replace(home, '~')}\n"
    if os.path.exists(checkpoint):  # a machine that holds the real weights
        assert result.output("load") == "loaded the ImageNet weights from the torch hub folder\n"
    else:
        hub = os.path.dirname(checkpoint).replace(os.path.expanduser("~"), "~")
        assert result.output("load") == (
            "no weights on this computer; download this file by hand:\n"
            "    https://download.pytorch.org/models/vgg16-397923af.pth\n"
            "and put it into the torch hub folder (or the current folder):\n"
            f"    {hub}\n"
        )



def test_exercise_answers():
    """The values the Exercises section's answers state, in both languages, are what the program prints."""
    result = run("pretrained_models/exercises.py")
    assert result.output("ex1") == ("Linear(in_features=512, out_features=1000, bias=True)\n"
                                    "Linear(in_features=512, out_features=10, bias=True)\n")
    assert result.output("ex2") == "4097000 40970 100.0\n"
    assert result.output("ex3") == "1000\n['tench', 'goldfish', 'great white shark']\n"
    for language, (one, two, three) in exercise_answers("pretrained-models").items():
        assert "512" in one and "`nn.Linear(512, 10)`" in one and "10" in one.split("`nn.Linear(512, 10)`")[1], language
        assert "= 4097000$" in two and "= 40970$" in two, language
        assert "1000" in three and all(f"`{name}`" in three for name in ("tench", "goldfish", "great white shark")), language
