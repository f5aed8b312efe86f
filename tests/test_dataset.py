"""Chapters 2–3 · PyTorch加载数据 + 加载数据_Dataset: MyData over the ants/bees folders."""

import re

from PIL import Image

from book.runner import run

# Lines the chapter's notebook prints when it runs from top to bottom (tests/test_notebooks.py):
# a str is a whole line, a pattern must match a whole line.
NOTEBOOK_PRINTS = ["245"]

READ = "dataset/read_data.py"
LABELS = "dataset/label_files.py"


def test_ants_and_bees_have_the_real_counts():
    shown = run(READ).output("ants-bees")
    lines = shown.splitlines()
    assert lines[0] == "124 121"
    assert re.fullmatch(r"<PIL\.JpegImagePlugin\.JpegImageFile image mode=RGB size=\d+x\d+ at 0x…>", lines[1])
    assert lines[2] == "ants"
    assert len(lines) == 3


def test_adding_two_datasets_concatenates_them():
    assert run(READ).output("concat") == (
        "<class 'torch.utils.data.dataset.ConcatDataset'>\n"
        "245\n"
        "ants\n"
        "bees\n"
    )


def test_the_figure_shows_item_123_and_item_124():
    result = run(READ)
    assert "ants/bees" in result.standin_data
    with Image.open(result.file("items_123_124.png")) as pair:
        assert pair.size == (640, 240)
        left = pair.convert("RGB").crop((2, 2, 318, 238))
        right = pair.convert("RGB").crop((324, 2, 640, 238))
        # the stand-in draws bees as yellow ovals, ants as dark blobs
        yellow = lambda image: sum(n for n, (r, g, b) in image.getcolors(1 << 20) if r > 200 and g > 150 and b < 90)
        assert yellow(right) > 1000 and yellow(left) < 50


def test_label_files_are_written_and_read_back():
    result = run(LABELS)
    assert result.output("write") == "ants_label 124 files\nbees_label 121 files\n"
    assert re.fullmatch(r"\S+\.txt -> ants\n", result.output("peek"))
    assert result.output("class") == "245\nants\nbees\n"
    labels = sorted((result.files / "ants_label").iterdir())
    assert len(labels) == 124 and {p.read_text() for p in labels} == {"ants"}
    assert {p.read_text() for p in (result.files / "bees_label").iterdir()} == {"bees"}


def test_download_does_nothing_when_the_data_is_there():
    shown = run("dataset/download_ants_bees.py").output()
    assert shown == "hymenoptera_data is already in the data folder: nothing to download\n"
