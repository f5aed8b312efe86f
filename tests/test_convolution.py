"""Chapter 9 · 卷积操作: the values the course shows, to the digit."""

import re

from PIL import Image

from book.runner import run
from conftest import exercise_answers

# Lines the chapter's notebook prints when it runs from top to bottom (tests/test_notebooks.py):
# a str is a whole line, a pattern must match a whole line.
NOTEBOOK_PRINTS = ["tensor([[[[10, 12, 12],"]

CONV = "conv/functional_conv2d.py"


def test_shapes_before_and_after_reshape():
    result = run(CONV)
    assert result.output("tensors") == "torch.Size([5, 5])\ntorch.Size([3, 3])\n"
    assert result.output("reshape") == "torch.Size([1, 1, 5, 5])\ntorch.Size([1, 1, 3, 3])\n"


def test_stride_1():
    assert run(CONV).output("stride") == (
        "tensor([[[[10, 12, 12],\n"
        "          [18, 16, 16],\n"
        "          [13,  9,  3]]]])\n"
    )


def test_stride_2():
    assert run(CONV).output("stride2") == (
        "tensor([[[[10, 12],\n"
        "          [13,  3]]]])\n"
    )


def test_stride_1_padding_1():
    assert run(CONV).output("padding") == (
        "tensor([[[[ 1,  3,  4, 10,  8],\n"
        "          [ 5, 10, 12, 12,  6],\n"
        "          [ 7, 18, 16, 16,  8],\n"
        "          [11, 13,  9,  3,  4],\n"
        "          [14, 13,  9,  7,  4]]]])\n"
    )


def test_today_conv2d_takes_unbatched_input_but_not_two_dimensions():
    result = run("conv/conv2d_input_shape.py")
    assert result.output("unbatched") == "torch.Size([1, 3, 3])\n"
    shown = result.output("two-dims")
    assert shown.startswith("Traceback (most recent call last):\n")
    assert shown.rstrip().endswith(
        "RuntimeError: Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [5, 5]"
    )


def test_figures_are_drawn_from_the_chapters_tensors():
    figures = run("conv/draw_conv2d_figures.py")
    # The figure program reads functional_conv2d.py, so editing that file redraws the figures.
    assert "snippets/conv/functional_conv2d.py" in figures.dependencies
    for name in ("conv2d_one_step.png", "conv2d_stride_padding.png"):
        with Image.open(figures.file(name)) as image:
            width, height = image.size
            assert width > 800 and height > 300
            colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
            assert len(colours) > 50, f"{name} looks blank"
            reds = sum(n for n, (r, g, b) in colours if r > 180 and g < 80 and b < 80)
            assert reds > 500, f"{name} lacks the red window outline"


def test_exercise_answers():
    """The values the Exercises section's answers state, in both languages, are what the program prints."""
    result = run("conv/exercises.py")
    assert result.output("ex1") == "torch.Size([1, 1, 4, 4])\n"
    assert result.output("ex2") == "tensor([[[[10]]]])\n"
    assert result.output("ex3") == "torch.Size([1, 1, 28, 28])\n"
    for language, (one, two, three) in exercise_answers("convolution").items():
        assert "4×4" in one and "1×1" in two and re.search(r"(?<![\d.])10(?![\d.])", two) and "$p = 2$" in three, language
