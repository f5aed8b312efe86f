"""Chapter 12 · 神经网络_非线性激活: the values the course shows, to the digit."""

import io
import re

import numpy as np
from PIL import Image
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from book.runner import run
from conftest import exercise_answers

# Lines the chapter's notebook prints when it runs from top to bottom (tests/test_notebooks.py):
# a str is a whole line, a pattern must match a whole line.
NOTEBOOK_PRINTS = ["tensor([[[[1., 0.],"]

SMALL = "activation/relu_sigmoid.py"
CIFAR = "activation/sigmoid_cifar10.py"


def test_input_is_reshaped_to_1x1x2x2():
    assert run(SMALL).output("input") == "torch.Size([1, 1, 2, 2])\n"


def test_relu_turns_the_negatives_into_zero():
    assert run(SMALL).output("relu") == (
        "tensor([[[[1., 0.],\n"
        "          [0., 3.]]]])\n"
    )


def test_sigmoid_of_the_same_input():
    assert run(SMALL).output("sigmoid") == (
        "tensor([[[[0.7311, 0.3775],\n"
        "          [0.2689, 0.9526]]]])\n"
    )


def test_inplace_false_keeps_the_input_and_true_overwrites_it():
    result = run(SMALL)
    assert result.output("not-inplace") == "tensor([-1.]) tensor([0.])\nFalse\n"
    assert result.output("inplace") == "tensor([0.]) tensor([0.])\nTrue\n"


def test_sigmoid_squeezes_pixels_into_half_to_0_7311():
    result = run(CIFAR)
    assert result.output("tensorboard") == "steps written: 3\n"
    shown = result.output("range")
    (in_low, in_high), (out_low, out_high) = [
        tuple(map(float, m)) for m in re.findall(r"(\d\.\d{4}) ~ (\d\.\d{4})", shown)]
    assert 0.0 <= in_low < in_high <= 1.0
    assert 0.5 <= out_low < out_high <= 0.7311
    assert re.fullmatch(r"input:  \d\.\d{4} ~ \d\.\d{4}\noutput: \d\.\d{4} ~ \d\.\d{4}\n", shown)


def test_the_sigmoid_images_are_grey_and_flat():
    events = EventAccumulator(str(run(CIFAR).files / "logs"), size_guidance={"images": 0})
    events.Reload()
    pixels = {}
    for tag in ("sigmoid1/input", "sigmoid1/output"):
        grids = events.Images(tag)
        assert [g.step for g in grids] == [0, 1, 2]
        pixels[tag] = np.asarray(Image.open(io.BytesIO(grids[-1].encoded_image_string)).convert("RGB"))
    out = pixels["sigmoid1/output"]
    # 255 * Sigmoid(0) = 127.5 and 255 * Sigmoid(1) = 186.4: nothing darker or lighter
    assert out.min() >= 127 and out.max() <= 187
    assert out.std() < pixels["sigmoid1/input"].std() / 3


def test_curve_figure_is_drawn_from_the_chapters_tensors():
    figure = run("activation/draw_curves.py")
    assert "snippets/activation/relu_sigmoid.py" in figure.dependencies
    with Image.open(figure.file("relu_sigmoid_curves.png")) as picture:
        width, height = picture.size
        assert width > 1000 and height > 400
        colours = picture.convert("RGB").getcolors(maxcolors=1 << 20)
    reds = sum(n for n, (r, g, b) in colours if r > 180 and g < 80 and b < 80)
    blues = sum(n for n, (r, g, b) in colours if b > 150 and r < 80 and g < 150)
    assert reds > 1000 and blues > 1000, "a curve is missing"


def test_exercise_answers():
    """The values the Exercises section's answers state, in both languages, are what the program prints."""
    result = run("activation/exercises.py")
    assert result.output("ex1") == "tensor([0., 0., 1.])\ntensor([0.2689, 0.5000, 0.7311])\n"
    assert result.output("ex2") == "tensor([0., 5.])\n"
    assert result.output("ex3") == "tensor(True) tensor(True)\nTrue\n"
    for language, (one, two, three) in exercise_answers("activation").items():
        assert "`[0, 0, 1]`" in one and "`[0.2689, 0.5000, 0.7311]`" in one, language
        assert "`tensor([0., 5.])`" in two, language
        assert "`True`" in three, language
