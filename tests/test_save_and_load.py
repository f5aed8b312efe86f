"""Chapter 18 · 网络模型的保存与读取: the two ways to save, the missing-class trap, weights_only."""

import re

from book.runner import run
from conftest import exercise_answers

# Lines the chapter's notebook prints when it runs from top to bottom (tests/test_notebooks.py):
# a str is a whole line, a pattern must match a whole line.
NOTEBOOK_PRINTS = ["AttributeError: Can't get attribute 'Tudui' on <module '__main__' (built-in)>"]

BOTH = "save_and_load/save_and_load.py"

TUDUI = (
    "Tudui(\n"
    "  (model1): Sequential(\n"
    "    (0): Conv2d(3, 32, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))\n"
    "    (1): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)\n"
    "    (2): Conv2d(32, 32, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))\n"
    "    (3): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)\n"
    "    (4): Conv2d(32, 64, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))\n"
    "    (5): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)\n"
    "    (6): Flatten(start_dim=1, end_dim=-1)\n"
    "    (7): Linear(in_features=1024, out_features=64, bias=True)\n"
    "    (8): Linear(in_features=64, out_features=10, bias=True)\n"
    "  )\n"
    ")\n"
)


def test_way_1_loads_the_whole_model_back():
    result = run(BOTH)
    assert result.output("way1-save") == ""
    assert result.output("way1-load") == TUDUI


def test_way_2_state_dict_holds_named_tensors_and_loads_with_the_default():
    result = run(BOTH)
    assert result.output("way2-save") == (
        "<class 'collections.OrderedDict'>\n"
        "model1.0.weight (32, 3, 5, 5)\n"
        "model1.0.bias (32,)\n"
        "model1.2.weight (32, 32, 5, 5)\n"
        "model1.2.bias (32,)\n"
        "model1.4.weight (64, 32, 5, 5)\n"
        "model1.4.bias (64,)\n"
        "model1.7.weight (64, 1024)\n"
        "model1.7.bias (64,)\n"
        "model1.8.weight (10, 64)\n"
        "model1.8.bias (10,)\n"
    )
    assert result.output("way2-load") == "<All keys matched successfully>\nTrue\n"


def test_the_files_are_mostly_parameters_and_way_2_is_a_little_smaller():
    shown = run(BOTH).output("sizes")
    sizes = dict(re.findall(r"^(.+?): (\d+) bytes$", shown, re.MULTILINE))
    assert list(sizes) == ["method 1", "method 2", "parameters alone"]
    method1, method2, params = (int(sizes[k]) for k in ("method 1", "method 2", "parameters alone"))
    assert params == 145_578 * 4
    assert params < method2 < method1 < params + 20_000


def test_a_class_from_a_module_is_found_by_a_fresh_process():
    assert run(BOTH).output("fresh-process") == (
        "exit code: 0\n<class 'model.Tudui'>\n"
    )


def test_the_loading_trap_class_defined_in_main():
    result = run("save_and_load/class_trap.py")
    assert result.output("save") == "Tudui(\n  (conv1): Conv2d(3, 64, kernel_size=(3, 3), stride=(1, 1))\n)\n"
    assert result.output("new-process") == (
        "exit code: 1\n"
        "AttributeError: Can't get attribute 'Tudui' on <module '__main__' (built-in)>\n"
    )


def test_torch_load_refuses_a_whole_model_by_default():
    shown = run("save_and_load/weights_only.py").output("default")
    assert "\x1b" not in shown
    lines = shown.splitlines()
    assert lines[0] == (
        "UnpicklingError: Weights only load failed. This file can still be loaded, to do so you have two options, "
        "do those steps only if you trust the source of the checkpoint. "
    )
    assert lines[1] == (
        "\t(1) In PyTorch 2.6, we changed the default value of the `weights_only` argument in `torch.load` from "
        "`False` to `True`. Re-running `torch.load` with `weights_only` set to `False` will likely succeed, but it "
        "can result in arbitrary code execution. Do it only if you got the file from a trusted source."
    )
    assert "GLOBAL model.Tudui was not an allowed global by default." in lines[3]


def test_exercise_answers():
    """The values the Exercises section's answers state, in both languages, are what the program prints."""
    result = run("save_and_load/exercises.py")
    assert result.output("ex1") == "['0.weight', '0.bias', '3.weight', '3.bias']\n"
    assert result.output("ex2") == "4004000\n4.0 MB\n"
    assert result.output("ex3") == "Linear\n<All keys matched successfully>\n"
    for language, (one, two, three) in exercise_answers("save-and-load").items():
        assert "`['0.weight', '0.bias', '3.weight', '3.bias']`" in one, language
        assert "4004000" in two and "4.0 MB" in two, language
        assert "`weights_only=False`" in three and "`<All keys matched successfully>`" in three, language
