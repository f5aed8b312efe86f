"""Chapter 4 · Tensorboard的使用, and the TensorBoard screenshots the book takes."""

import io
import os
import subprocess

import numpy as np
import pytest
from PIL import Image
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from book import runner, tensorboard_shots
from book.tensorboard_shots import Shot, ShotError

# Lines the chapter's notebook prints when it runs from top to bottom (tests/test_notebooks.py):
# a str is a whole line, a pattern must match a whole line.
NOTEBOOK_PRINTS = ["<class 'numpy.ndarray'>"]


def scalars(run, tag):
    events = EventAccumulator(str(run.files / "logs"))
    events.Reload()
    return [(p.step, p.value) for p in events.Scalars(tag)]


def test_add_scalar_writes_y_equals_2x_for_100_steps():
    result = runner.run("tensorboard_intro/add_scalar.py")
    assert result.output() == ""
    assert scalars(result, "y=2x") == [(i, 2.0 * i) for i in range(100)]


def test_same_tag_twice_leaves_two_event_files_in_one_run():
    result = runner.run("tensorboard_intro/same_tag_twice.py")
    assert len(list((result.files / "logs").glob("events.out.tfevents.*"))) == 2


def test_numpy_array_of_the_photo_is_height_width_channels():
    result = runner.run("tensorboard_intro/add_image.py")
    assert result.output("array") == "<class 'numpy.ndarray'>\n(600, 512, 3)\n"


def test_add_image_without_dataformats_fails_as_the_page_says():
    shown = runner.run("tensorboard_intro/add_image_without_dataformats.py").output("fails")
    assert shown.rstrip().endswith("TypeError: Cannot handle this data type: (1, 1, 600), |u1")


def test_a_small_hwc_array_without_dataformats_names_its_height_as_the_channels():
    # PIL's type key is (1, 1, channels): add_image took the first axis, the height 7, for the channels.
    shown = runner.run("tensorboard_intro/small_array_without_dataformats.py").output("small")
    assert shown.startswith("(7, 9, 3)\n")
    assert shown.rstrip().endswith("TypeError: Cannot handle this data type: (1, 1, 7), |u1")


needs_browser = pytest.mark.skipif(tensorboard_shots.chromium() is None and not os.environ.get("CI"),
                                   reason="no chromium for TensorBoard screenshots")


def orange_pixels(path):
    pixels = np.asarray(Image.open(path).convert("RGB")).astype(int)
    return int((abs(pixels - [245, 124, 0]).sum(axis=2) < 40).sum()), float(pixels.std())


@needs_browser
@pytest.mark.slow
def test_screenshots_show_the_real_ui_and_are_not_blank(tmp_path, monkeypatch):
    monkeypatch.setattr(tensorboard_shots, "CACHE", tmp_path)
    scalar = Shot.parse(runner.run("tensorboard_intro/add_scalar.py").files, "tensorboard/scalars?tag=y=2x")
    image = Shot.parse(runner.run("tensorboard_intro/add_image.py").files, "tensorboard/images?tag=test")
    taken = tensorboard_shots.take([scalar, image])
    for shot in (scalar, image):
        with Image.open(taken[shot]) as picture:
            assert picture.size == (1200, 800)
        orange, spread = orange_pixels(taken[shot])
        assert orange > 20000, "TensorBoard's orange header bar is missing"
        assert spread > 30, "the screenshot is nearly blank"
    # the photograph itself is on the images screenshot: many distinct colours
    with Image.open(taken[image]) as picture:
        assert len(picture.convert("RGB").getcolors(1 << 20)) > 3000
    assert subprocess.run(["pgrep", "-f", "tensorboard --logdir"], capture_output=True).returncode == 1, \
        "a tensorboard server was left running"


@needs_browser
@pytest.mark.slow
def test_a_tag_that_is_not_on_screen_fails_the_screenshot(tmp_path, monkeypatch):
    monkeypatch.setattr(tensorboard_shots, "CACHE", tmp_path)
    shot = Shot.parse(runner.run("tensorboard_intro/add_scalar.py").files, "tensorboard/scalars?tag=y=3x")
    with pytest.raises(ShotError, match="does not show 'y=3x'"):
        tensorboard_shots.take([shot])
    assert subprocess.run(["pgrep", "-f", "tensorboard --logdir"], capture_output=True).returncode == 1


@needs_browser
@pytest.mark.slow
def test_an_image_written_at_another_time_gives_the_same_screenshot(tmp_path, monkeypatch):
    from torch.utils.tensorboard import SummaryWriter

    monkeypatch.setattr(tensorboard_shots, "CACHE", tmp_path / "cache")
    from conftest import PHOTO

    picture = np.array(Image.open(PHOTO))[:96, :96]
    shots = []
    for name, walltime in (("monday", 1_700_000_000), ("a_year_later", 1_731_536_000)):
        with SummaryWriter(tmp_path / name / "logs") as writer:
            writer.add_image("test", picture, 1, dataformats="HWC", walltime=walltime)
        shots.append(Shot.parse(tmp_path / name, "tensorboard/images?tag=test"))
    taken = tensorboard_shots.take(shots)
    first, second = (taken[shot].read_bytes() for shot in shots)
    assert first == second, "the screenshot shows when the image was written"


@needs_browser
@pytest.mark.slow
def test_an_opened_graph_gives_the_same_screenshot_every_time(tmp_path, monkeypatch):
    shot = Shot.parse(runner.run("sequential/add_graph_layers.py").files, "tensorboard/graphs?expand=Tudui")
    pictures = []
    for attempt in ("first", "second"):
        monkeypatch.setattr(tensorboard_shots, "CACHE", tmp_path / attempt)
        pictures.append(tensorboard_shots.take([shot])[shot].read_bytes())
    # Opening the group used to move the edges into it by a fraction of a pixel, differently each
    # time: about 2 % of the pixels changed. Now the pictures are nearly always identical; once,
    # on a freshly set-up machine, a few node labels came out anti-aliased differently (0.05 %).
    first, second = (np.asarray(Image.open(io.BytesIO(picture)).convert("RGB")) for picture in pictures)
    changed = float((first != second).any(axis=2).mean())
    assert changed < 0.002, f"two screenshots of the same opened graph differ in {changed:.2%} of their pixels"
    with Image.open(tmp_path / "first" / f"{shot.key('browser')}.png") as picture:
        assert len(picture.convert("RGB").getcolors(1 << 20)) > 50, "the graph screenshot is nearly empty"


def test_without_a_browser_the_picture_is_drawn_from_the_events_and_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(tensorboard_shots, "CACHE", tmp_path)
    monkeypatch.setattr(tensorboard_shots, "chromium", lambda: None)
    shot = Shot.parse(runner.run("tensorboard_intro/add_scalar.py").files, "tensorboard/scalars?tag=y=2x")
    picture = tensorboard_shots.take([shot])[shot]
    assert picture.exists()
    pixels = np.asarray(Image.open(picture).convert("RGB")).astype(int)
    red_title = (abs(pixels - [176, 0, 32]).sum(axis=2) < 60).sum()
    assert red_title > 200, "the 'not a TensorBoard screenshot' label is missing"


def test_bad_screenshot_requests_are_rejected(tmp_path):
    with pytest.raises(ShotError, match="unknown TensorBoard tab 'histograms'"):
        Shot.parse(tmp_path, "tensorboard/histograms")
    with pytest.raises(ShotError, match="unknown option"):
        Shot.parse(tmp_path, "tensorboard/scalars?colour=red")
