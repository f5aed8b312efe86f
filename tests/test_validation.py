"""Chapter 21 · 完整的模型验证: classify one image file with a saved state_dict, from the command line."""

import hashlib
import re
import subprocess
import sys

import pytest
import torch
from PIL import Image
from torch import nn

from book import REPO
from book.runner import run
from conftest import PHOTO, exercise_answers, program

Tudui = program("training/model.py").Tudui
CLASSES = program("validation/classify_image.py").CLASSES

# Lines the chapter's notebook prints when it runs from top to bottom (tests/test_notebooks.py):
# a str is a whole line, a pattern must match a whole line.
NOTEBOOK_PRINTS = ["torch.Size([1, 3, 32, 32])", re.compile(r"prediction: (airplane|automobile|bird|cat|deer|dog|frog|horse|ship|truck)")]

PROGRAM = "snippets/validation/classify_image.py"
PREDICTION = re.compile(
    r"^torch\.Size\(\[3, 32, 32\]\)\n"
    r"torch\.Size\(\[1, 3, 32, 32\]\)\n"
    r"tensor\(\[(\d)\]\)\n"
    r"prediction: (\w+)\n"
    r"  (\w+) +(0\.\d{3})\n"
    r"  (\w+) +(0\.\d{3})\n"
    r"  (\w+) +(0\.\d{3})\n$"
)
HELP = (
    "usage: classify_image.py [-h] --image IMAGE --checkpoint CHECKPOINT\n"
    "\n"
    "Classify an image into one of the ten CIFAR-10 classes.\n"
    "\n"
    "options:\n"
    "  -h, --help            show this help message and exit\n"
    "  --image IMAGE         the image file\n"
    "  --checkpoint CHECKPOINT\n"
    "                        a state_dict of Tudui saved with torch.save, e.g.\n"
    "                        tudui_2.pth\n"
)
def check_prediction(text):
    match = PREDICTION.match(text)
    assert match, text
    index, name, *top = match.groups()
    names, probabilities = top[0::2], [float(p) for p in top[1::2]]
    assert name == CLASSES[int(index)] == names[0]
    assert len(set(names)) == 3 and set(names) <= set(CLASSES)
    assert probabilities == sorted(probabilities, reverse=True) and 0 < sum(probabilities) <= 1.001
    return name, probabilities


def classify(*args, cwd=REPO):
    return subprocess.run([sys.executable, str(REPO / PROGRAM), *map(str, args)],
                          cwd=cwd, capture_output=True, text=True)


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    path = tmp_path_factory.mktemp("checkpoints") / "tudui_check.pth"
    torch.manual_seed(0)
    torch.save(Tudui().state_dict(), path)
    return path


def test_without_arguments_the_program_prints_its_usage():
    assert run("validation/classify_image.py").output("main") == HELP


def test_the_photo_is_rgb_512_by_600_and_a_png_copy_has_four_channels():
    result = run("validation/check_on_photo.py")
    assert result.output("picture") == "RGB (512, 600)\n"
    assert result.output("rgba") == (
        "RGBA torch.Size([4, 32, 32])\n"
        "RuntimeError: shape '[1, 3, 32, 32]' is invalid for input of size 4096\n"
        "RGB torch.Size([3, 32, 32])\n"
    )
    assert Image.open(result.file("photo_and_32x32.png")).size == (540, 300)


def test_the_photo_becomes_one_batch_of_one_and_gets_a_class_name():
    result = run("validation/check_on_photo.py")
    name, probabilities = check_prediction(result.output("classify"))
    # a photo of none of the ten classes: no class stands out
    assert probabilities[0] < 0.6, probabilities


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("program", ["validation/check_on_photo.py", "validation/test_set.py"])
def test_the_chapter_uses_the_checkpoint_the_training_chapter_wrote(program):
    written = run("training/train.py").file("tudui_2.pth")
    assert run(program).handed == {"tudui_2.pth": sha256(written)}
    assert sha256(run(program).file("tudui_2.pth")) == sha256(written)


def test_the_test_set_accuracy_is_the_training_chapters_last_one():
    last = re.findall(r"test accuracy (\S+)$", run("training/train.py").output("loop"), re.MULTILINE)[-1]
    shown = run("validation/test_set.py").output("accuracy").splitlines()
    assert shown[0] == f"test accuracy: {last} ({round(float(last) * 10000)} of 10000)"
    per_class = [re.fullmatch(r"  (\w+) +(\d\.\d\d)", line) for line in shown[1:]]
    assert [m.group(1) for m in per_class] == CLASSES
    # each class has 1000 test images: the ten accuracies average to the whole one
    assert abs(sum(float(m.group(2)) for m in per_class) / 10 - float(last)) < 0.006
    assert max(float(m.group(2)) for m in per_class) > 0.5


def test_the_grid_shows_sixteen_test_images_with_their_predictions():
    result = run("validation/test_set.py")
    right = re.fullmatch(r"right: (\d+) of 16\n", result.output("grid"))
    assert right and 0 < int(right.group(1)) < 16  # some right, some wrong
    assert Image.open(result.file("test_images.png")).size == (1200, 360)


def test_the_page_shows_one_message_and_exit_code_1_for_each_bad_input():
    result = run("validation/bad_inputs.py")
    assert result.output("no-such-file") == "classify_image.py: error: no such image file: dgo.png\nexit code: 1\n"
    assert result.output("folder") == "classify_image.py: error: photos is a folder; give one image file\nexit code: 1\n"
    assert result.output("huge") == (
        "classify_image.py: error: huge.png has too many pixels to read safely; make a smaller copy first\nexit code: 1\n"
    )
    assert result.output("not-an-image") == (
        "classify_image.py: error: dog.png is not an image file that PIL can read\nexit code: 1\n"
    )
    assert result.output("damaged") == (
        "classify_image.py: error: tudui_half.pth is damaged: it is not a whole file saved with torch.save\nexit code: 1\n"
    )
    assert result.output("other-model") == (
        "classify_image.py: error: tudui_2_classes.pth holds the weights of another model: 2 of them do not fit Tudui "
        "(the first, model1.8.weight: [2, 64] in the file, [10, 64] in Tudui)\nexit code: 1\n"
    )
    assert result.output("whole-model") == (
        "classify_image.py: error: tudui_whole.pth holds a whole model, not a state_dict: "
        "save it with torch.save(tudui.state_dict(), ...)\nexit code: 1\n"
    )


@pytest.mark.slow
def test_a_reader_runs_it_on_the_photo(checkpoint):
    done = classify("--image", PHOTO, "--checkpoint", checkpoint)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    check_prediction(done.stdout)


@pytest.mark.slow
def test_a_reader_gets_the_same_prediction_for_a_png_with_an_alpha_channel(checkpoint, tmp_path):
    Image.open(PHOTO).convert("RGBA").save(tmp_path / "photo.png")
    from_png = classify("--image", tmp_path / "photo.png", "--checkpoint", checkpoint)
    from_jpg = classify("--image", PHOTO, "--checkpoint", checkpoint)
    assert from_png.returncode == 0, from_png.stderr
    assert from_png.stdout == from_jpg.stdout


@pytest.mark.slow
def test_a_reader_gets_clear_errors_and_a_non_zero_exit(checkpoint, tmp_path):
    missing = classify("--image", tmp_path / "dgo.png", "--checkpoint", checkpoint)
    assert (missing.returncode, missing.stdout) == (1, "")
    assert missing.stderr == f"classify_image.py: error: no such image file: {tmp_path / 'dgo.png'}\n"

    (tmp_path / "dog.png").write_text("<html><body>404 Not Found</body></html>")
    not_image = classify("--image", "dog.png", "--checkpoint", checkpoint, cwd=tmp_path)
    assert (not_image.returncode, not_image.stdout) == (1, "")
    assert not_image.stderr == "classify_image.py: error: dog.png is not an image file that PIL can read\n"

    two_classes = Tudui()
    two_classes.model1[8] = nn.Linear(64, 2)
    torch.save(two_classes.state_dict(), tmp_path / "tudui_2_classes.pth")
    other = classify("--image", PHOTO, "--checkpoint", "tudui_2_classes.pth", cwd=tmp_path)
    assert (other.returncode, other.stdout) == (1, "")
    assert other.stderr.startswith("classify_image.py: error: tudui_2_classes.pth holds the weights of another model")

    no_checkpoint = classify("--image", PHOTO, "--checkpoint", "nothing.pth", cwd=tmp_path)
    assert (no_checkpoint.returncode, no_checkpoint.stderr) == (1, "classify_image.py: error: no such checkpoint file: nothing.pth\n")


@pytest.mark.slow
def test_a_missing_option_is_an_argparse_error():
    done = classify("--image", PHOTO)
    assert done.returncode == 2
    assert done.stderr.endswith("classify_image.py: error: the following arguments are required: --checkpoint\n")


@pytest.mark.slow
def test_a_checkpoint_saved_on_a_gpu_loads_on_a_cpu(tmp_path):
    # Tag the storages "cuda:0" while saving, as torch.save does for tensors on a GPU.
    tagger = (-1, lambda storage: "cuda:0", lambda storage, location: None)
    torch.serialization._package_registry.append(tagger)
    torch.serialization._package_registry.sort(key=lambda entry: entry[0])
    try:
        torch.save(Tudui().state_dict(), tmp_path / "tudui_gpu.pth")
    finally:
        torch.serialization._package_registry.remove(tagger)
    if not torch.cuda.is_available():
        with pytest.raises(RuntimeError, match=r"^Attempting to deserialize object on a CUDA device but torch\.cuda\.is_available\(\) is False\..*map_location=torch\.device\(.cpu.\)"):
            torch.load(tmp_path / "tudui_gpu.pth")
    done = classify("--image", PHOTO, "--checkpoint", "tudui_gpu.pth", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    check_prediction(done.stdout)


def test_exercise_answers():
    """The values the Exercises section's answers state, in both languages, are what the program prints."""
    result = run("validation/exercises.py")
    assert result.output("ex1") == "tensor([2])\ntensor([[0.0900, 0.2447, 0.6652]])\n"
    assert result.output("ex2") == "torch.Size([4, 32, 32])\ntorch.Size([3, 32, 32])\n"
    assert result.output("ex3") == "torch.Size([3, 32, 64])\ntorch.Size([3, 32, 32])\n"
    for language, (one, two, three) in exercise_answers("validation").items():
        assert "`tensor([2])`" in one and all(p in one for p in ("0.0900", "0.2447", "0.6652")), language
        assert "`[4, 32, 32]`" in two and "`[3, 32, 32]`" in two, language
        assert "64×32" in three and "`[3, 32, 64]`" in three, language
