"""Chapter 6 · Torchvision数据集: CIFAR10, test_set[0], classes, ten images to TensorBoard."""

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from book.runner import run

# Lines the chapter's notebook prints when it runs from top to bottom (tests/test_notebooks.py):
# a str is a whole line, a pattern must match a whole line.
NOTEBOOK_PRINTS = ["['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck']"]

SNIPPET = "torchvision_datasets/dataset_transform.py"
CLASSES = "['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck']"


def test_both_sets_load_and_the_download_address_is_torchvisions():
    assert run(SNIPPET).output("load") == (
        "50000 10000\n"
        "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz\n"
    )


def test_creating_the_datasets_no_longer_prints_files_already_downloaded():
    # The video's torchvision printed "Files already downloaded and verified" for every dataset it created.
    result = run(SNIPPET)
    assert "already downloaded" not in result.output()
    assert result.output("load").splitlines()[0] == "50000 10000"  # the first thing printed is the program's own


def test_first_test_item_is_a_32x32_picture_of_a_cat():
    assert run(SNIPPET).output("first-item") == (
        "(<PIL.Image.Image image mode=RGB size=32x32 at 0x…>, 3)\n"
        f"{CLASSES}\n"
        "<PIL.Image.Image image mode=RGB size=32x32 at 0x…>\n"
        "3\n"
        "cat\n"
    )


def test_with_to_tensor_an_item_is_a_chw_tensor():
    assert run(SNIPPET).output("transform") == "torch.Size([3, 32, 32]) 3\n"


def test_ten_pictures_written_to_tensorboard():
    result = run(SNIPPET)
    assert result.output("tensorboard") == ""
    assert "CIFAR-10" in result.standin_data
    events = EventAccumulator(str(result.files / "logs"), size_guidance={"images": 0})
    events.Reload()
    assert events.Tags()["images"] == ["test_set"]
    images = events.Images("test_set")
    assert [e.step for e in images] == list(range(10))
    assert {(e.width, e.height) for e in images} == {(32, 32)}
