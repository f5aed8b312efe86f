"""Chapter 10 · 神经网络_卷积层: the values the course shows, to the digit."""

from PIL import Image
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from book.runner import run
from conftest import exercise_answers

# Lines the chapter's notebook prints when it runs from top to bottom (tests/test_notebooks.py):
# a str is a whole line, a pattern must match a whole line.
NOTEBOOK_PRINTS = ["torch.Size([64, 6, 30, 30])"]

CONV = "conv_layer/conv2d_on_cifar10.py"


def images(result, tag):
    events = EventAccumulator(str(result.files / "logs"), size_guidance={"images": 0})
    events.Reload()
    return events.Images(tag)


def test_printing_the_model_shows_the_conv_layer():
    assert run(CONV).output("model") == (
        "Tudui(\n"
        "  (conv1): Conv2d(3, 6, kernel_size=(3, 3), stride=(1, 1))\n"
        ")\n"
    )


def test_one_kernel_of_three_slices_per_output_channel():
    assert run(CONV).output("weight") == "torch.Size([6, 3, 3, 3])\ntorch.Size([6])\n"


def test_a_batch_of_64_goes_from_3x32x32_to_6x30x30():
    assert run(CONV).output("one-batch") == "torch.Size([64, 3, 32, 32])\ntorch.Size([64, 6, 30, 30])\n"


def test_reshape_for_tensorboard_doubles_the_batch():
    assert run(CONV).output("reshape") == "torch.Size([128, 3, 30, 30])\n"


def test_three_steps_of_input_and_output_images_are_written():
    result = run(CONV)
    assert result.output("tensorboard") == "steps written: 3\n"
    inputs, outputs = images(result, "conv1/input"), images(result, "conv1/output")
    assert [i.step for i in inputs] == [i.step for i in outputs] == [0, 1, 2]
    for image in inputs:  # one grid of 64 pictures of 32×32
        assert image.width % 32 == 0 and image.height % 32 == 0
        assert image.width * image.height == 64 * 32 * 32
    for image in outputs:  # one grid of 128 pictures of 30×30
        assert image.width % 30 == 0 and image.height % 30 == 0
        assert image.width * image.height == 128 * 30 * 30


def test_the_seeded_kernels_draw_the_same_output_images_every_run():
    # read each run's images before the next run replaces the cached files
    drawn = [[i.encoded_image_string for i in images(run(CONV, use_cache=False), "conv1/output")] for _ in range(2)]
    assert drawn[0] == drawn[1], "two runs drew different outputs: is torch.manual_seed(0) still there?"


def test_six_channels_cannot_go_to_add_images():
    shown = run("conv_layer/six_channels.py").output("fails")
    assert shown.startswith("torch.Size([64, 6, 30, 30])\nTraceback (most recent call last):\n")
    assert shown.rstrip().endswith("AssertionError: Input should be a 4D numpy array with 3 channels")


def test_channel_figure_shows_six_kernels_of_three_slices():
    figure = run("conv_layer/draw_channels.py")
    assert figure.output() == "input (3, 32, 32) weight (6, 3, 3, 3) output (6, 30, 30)\nwrote conv_channels.png\n"
    with Image.open(figure.file("conv_channels.png")) as picture:
        width, height = picture.size
        assert width > 1000 and height > 800
        colours = picture.convert("RGB").getcolors(maxcolors=1 << 20)
    assert len(colours) > 600, "the photograph and the kernels are missing"
    reds = sum(n for n, (r, g, b) in colours if r > 150 and g < 90 and b < 90)
    blues = sum(n for n, (r, g, b) in colours if b > 150 and r < 110 and g < 150)
    assert reds > 2000 and blues > 2000, "the R and B channels or the kernel colours are missing"


def test_exercise_answers():
    """The values the Exercises section's answers state, in both languages, are what the program prints."""
    result = run("conv_layer/exercises.py")
    assert result.output("ex1") == "torch.Size([16, 3, 5, 5])\ntorch.Size([8, 16, 32, 32])\n"
    assert result.output("ex2") == "torch.Size([64, 6, 15, 15])\n"
    assert result.output("ex3") == "345600 112.5\ntorch.Size([128, 3, 30, 30])\n"
    for language, (one, two, three) in exercise_answers("conv-layer").items():
        assert "`[16, 3, 5, 5]`" in one and "`[8, 16, 32, 32]`" in one, language
        assert "`[64, 6, 15, 15]`" in two, language
        assert "345600" in three and "112.5" in three and "`[128, 3, 30, 30]`" in three, language
