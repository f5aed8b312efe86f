"""Chapter 8 · 神经网络的基本骨架_nn.Module: forward returns input + 1."""

from book.runner import run

# Lines the chapter's notebook prints when it runs from top to bottom (tests/test_notebooks.py):
# a str is a whole line, a pattern must match a whole line.
NOTEBOOK_PRINTS = ["tensor(2.)"]

SNIPPET = "nn_module/nn_module.py"


def test_forward_adds_one():
    assert run(SNIPPET).output("module") == "tensor(2.)\n"
    assert run(SNIPPET).output("forward") == "tensor(2.)\n"


def test_calling_the_model_runs_hooks_and_forward_alone_does_not():
    assert run(SNIPPET).output("hook") == (
        "hook saw tensor(1.) -> tensor(2.)\n"
        "tensor(2.)\n"
        "tensor(2.)\n"
    )


def test_misspelt_init_leaves_the_model_without_its_layer():
    shown = run("nn_module/init_typo.py").output("typo")
    assert shown.startswith("Tudui()\nTraceback (most recent call last):\n")
    assert "in forward\n    return self.conv1(x)\n" in shown
    assert shown.rstrip().endswith("AttributeError: 'Tudui' object has no attribute 'conv1'")
