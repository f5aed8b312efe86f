"""Chapter 5 · Transforms的使用: ToTensor, Normalize, Resize, Compose, RandomCrop on the photo."""

import numpy as np
from PIL import Image
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from book.runner import run

# Lines the chapter's notebook prints when it runs from top to bottom (tests/test_notebooks.py):
# a str is a whole line, a pattern must match a whole line.
NOTEBOOK_PRINTS = ["tensor(-0.3725)"]

MAIN = "transforms/useful_transforms.py"


def test_to_tensor_gives_chw_floats_between_0_and_1():
    result = run(MAIN)
    assert result.output("open") == "<PIL.JpegImagePlugin.JpegImageFile image mode=RGB size=512x600 at 0x…>\n"
    assert result.output("to-tensor") == (
        "<class 'torch.Tensor'>\n"
        "torch.Size([3, 600, 512]) torch.float32\n"
        "tensor(0.) tensor(1.)\n"
    )


def test_to_pil_image_gives_back_the_same_pixels():
    assert run(MAIN).output("to-pil") == "<PIL.Image.Image image mode=RGB size=512x600 at 0x…>\nTrue\n"


def test_normalize_maps_80_over_255_to_minus_0_3725():
    assert run(MAIN).output("normalize") == "tensor(0.3137)\ntensor(-0.3725)\ntensor(-1.) tensor(1.)\n"


def test_resize_to_512_by_512():
    assert run(MAIN).output("resize") == "(512, 600)\n<PIL.Image.Image image mode=RGB size=512x512 at 0x…>\n"


def test_resize_with_one_number_scales_the_shorter_side():
    assert run(MAIN).output("resize-ratio") == "(512, 600)\n(256, 300)\n"
    assert run(MAIN).output("compose") == "torch.Size([3, 300, 256])\n"


def test_random_crop_and_the_images_written_to_tensorboard():
    result = run(MAIN)
    assert result.output("random-crop") == "torch.Size([3, 256, 256])\n"
    events = EventAccumulator(str(result.files / "logs"), size_guidance={"images": 0})
    events.Reload()
    images = events.Tags()["images"]
    assert sorted(images) == ["Normalize", "RandomCrop", "Resize", "ToTensor"]
    assert [e.step for e in events.Images("RandomCrop")] == list(range(10))
    assert [(e.width, e.height) for e in events.Images("Resize")] == [(512, 512), (256, 300)]
    crops = [e.encoded_image_string for e in events.Images("RandomCrop")]
    assert len(set(crops)) == 10, "the ten random crops should differ"


def test_wrong_order_in_compose_fails():
    shown = run("transforms/compose_order.py").output("wrong-order")
    assert shown.rstrip().endswith(
        "TypeError: img should be Tensor Image. Got <class 'PIL.JpegImagePlugin.JpegImageFile'>"
    )


def test_call_runs_dunder_call():
    assert run("transforms/call_demo.py").output() == (
        "__call__ says hello to zhangsan\nhello says hello to lisi\n"
    )


def test_figures_are_drawn_and_not_blank():
    figures = run("transforms/draw_transforms.py")
    assert "snippets/transforms/useful_transforms.py" in figures.dependencies
    for name in ("chw.png", "normalize.png", "resize.png", "random_crop.png"):
        with Image.open(figures.file(name)) as picture:
            pixels = np.asarray(picture.convert("RGB"))
            assert picture.width > 800 and picture.height > 350, name
            assert pixels.std() > 40, f"{name} looks blank"


def test_the_same_compose_with_transforms_v2_gives_the_same_tensor():
    assert run("transforms/transforms_v2.py").output("v2") == (
        "torch.Size([3, 300, 256]) torch.float32\n"
        "torch.Size([3, 300, 256]) torch.float32\n"
        "True\n"
    )
