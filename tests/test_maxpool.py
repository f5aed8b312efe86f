"""Chapter 11 · 神经网络_最大池化的使用: the values the course shows, to the digit."""

from PIL import Image
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from book.runner import run
from conftest import exercise_answers

# Lines the chapter's notebook prints when it runs from top to bottom (tests/test_notebooks.py):
# a str is a whole line, a pattern must match a whole line.
NOTEBOOK_PRINTS = ["tensor([[[[2., 3.],"]

SMALL = "maxpool/maxpool_5x5.py"
CIFAR = "maxpool/maxpool_cifar10.py"


def test_input_is_reshaped_to_one_single_channel_image():
    assert run(SMALL).output("input") == "torch.Size([1, 1, 5, 5])\n"


def test_stride_defaults_to_the_kernel_size():
    assert run(SMALL).output("model") == (
        "Tudui(\n"
        "  (maxpool1): MaxPool2d(kernel_size=3, stride=3, padding=0, dilation=1, ceil_mode=True)\n"
        ")\n"
    )


def test_ceil_mode_true_keeps_the_incomplete_windows():
    assert run(SMALL).output("ceil") == (
        "tensor([[[[2., 3.],\n"
        "          [5., 1.]]]])\n"
    )


def test_ceil_mode_false_drops_them():
    assert run(SMALL).output("floor") == "tensor([[[[2.]]]])\n"


def test_today_a_long_tensor_is_pooled_and_stays_long():
    assert run(SMALL).output("long") == (
        "torch.int64\n"
        "tensor([[[[2, 3],\n"
        "          [5, 1]]]])\n"
        "torch.int64\n"
    )


def test_cifar10_32_becomes_11_with_ceil_and_10_without():
    assert run(CIFAR).output("shapes") == (
        "torch.Size([64, 3, 32, 32])\n"
        "torch.Size([64, 3, 11, 11])\n"
        "torch.Size([64, 3, 10, 10])\n"
    )


def test_three_steps_of_input_and_pooled_images_are_written():
    result = run(CIFAR)
    assert result.output("tensorboard") == "steps written: 3\n"
    events = EventAccumulator(str(result.files / "logs"), size_guidance={"images": 0})
    events.Reload()
    for tag, side in (("maxpool1/input", 32), ("maxpool1/output", 11)):
        grids = events.Images(tag)
        assert [g.step for g in grids] == [0, 1, 2]
        for grid in grids:
            assert grid.width % side == 0 and grid.height % side == 0
            assert grid.width * grid.height == 64 * side * side


def test_window_figure_is_drawn_from_the_chapters_tensor():
    figure = run("maxpool/draw_pooling.py")
    assert "snippets/maxpool/maxpool_5x5.py" in figure.dependencies
    assert figure.output() == "kernel_size=3, stride=3: wrote maxpool_windows.png\n"
    with Image.open(figure.file("maxpool_windows.png")) as picture:
        width, height = picture.size
        assert width > 1000 and height > 600
        colours = picture.convert("RGB").getcolors(maxcolors=1 << 20)
    # the four windows of ceil_mode=True in their four colours
    for name, wanted in {"red": (214, 39, 40), "blue": (31, 119, 180), "green": (44, 160, 44),
                         "purple": (148, 103, 189)}.items():
        count = sum(n for n, rgb in colours if sum(abs(a - b) for a, b in zip(rgb, wanted)) < 40)
        assert count > 300, f"the {name} window is missing"


def test_exercise_answers():
    """The values the Exercises section's answers state, in both languages, are what the program prints."""
    result = run("maxpool/exercises.py")
    assert result.output("ex1").endswith("tensor([[[[ 5.,  7.],\n          [13., 15.]]]])\n")
    assert result.output("ex2") == "torch.Size([64, 3, 15, 15])\ntorch.Size([64, 3, 16, 16])\n"
    assert result.output("ex3") == "torch.Size([64, 3, 31, 31])\ntorch.Size([64, 3, 16, 16])\n"
    for language, (one, two, three) in exercise_answers("maxpool").items():
        assert "`[[5, 7], [13, 15]]`" in one, language
        assert "15×15" in two and "16×16" in two, language
        assert "31×31" in three and "16×16" in three, language
