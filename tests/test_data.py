"""Data: the offline stand-ins, and what a reader sees when the real data is missing."""

import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import torchvision
from torch import nn
from torch.utils.data import DataLoader, Subset

import nbformat

from book import notebooks, runner, shim, standins
from conftest import CHAPTERS, REPO, reader_environment


@pytest.fixture(scope="module")
def cifar10():
    """The stand-in read by torchvision's own CIFAR10, given the stand-in's checksums (as book/shim.py does)."""
    root = standins.ensure()
    md5 = json.loads((root / shim.MARKER).read_text())["cifar10_md5"]

    class StandIn(torchvision.datasets.CIFAR10):
        train_list = [[f"data_batch_{i}", md5[f"data_batch_{i}"]] for i in range(1, 6)]
        test_list = [["test_batch", md5["test_batch"]]]
        meta = dict(torchvision.datasets.CIFAR10.meta, md5=md5["batches.meta"])

    to_tensor = torchvision.transforms.ToTensor()
    train = StandIn(str(root), train=True, transform=to_tensor, download=True)
    test = StandIn(str(root), train=False, transform=to_tensor, download=True)
    return train, test


def test_cifar10_standin_is_read_by_torchvision_with_the_real_sizes_and_classes(cifar10):
    train, test = cifar10
    assert (len(train), len(test)) == (50000, 10000)
    assert test.classes == ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
    image, target = test[0]
    assert image.shape == torch.Size([3, 32, 32]) and target == 3 and test.classes[target] == "cat"
    counts = torch.bincount(torch.tensor(test.targets), minlength=10)
    assert counts.tolist() == [1000] * 10


def test_cifar10_standin_files_have_the_real_layout():
    folder = standins.ensure() / "cifar-10-batches-py"
    assert sorted(p.name for p in folder.iterdir()) == [
        "batches.meta", "data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5", "test_batch"]
    with open(folder / "data_batch_1", "rb") as f:
        batch = pickle.load(f, encoding="latin1")
    assert batch["data"].shape == (10000, 3072) and batch["data"].dtype.name == "uint8"
    assert len(batch["labels"]) == 10000


def test_the_course_model_learns_the_cifar10_standin_well_above_chance(cifar10):
    train, test = cifar10
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(3, 32, 5, padding=2), nn.MaxPool2d(2), nn.Conv2d(32, 32, 5, padding=2), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 5, padding=2), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(1024, 64), nn.Linear(64, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    for step, (images, targets) in enumerate(DataLoader(train, batch_size=64, shuffle=True)):
        loss = nn.functional.cross_entropy(model(images), targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step == 100:
            break
    with torch.no_grad():
        right = sum((model(x).argmax(1) == y).sum().item() for x, y in DataLoader(Subset(test, range(2000)), batch_size=500))
    assert right / 2000 > 0.3, f"accuracy {right / 2000:.2f} after 100 steps; chance is 0.10"


def test_ants_bees_standin_has_the_course_counts():
    root = standins.ensure() / "hymenoptera_data"
    counts = {f"{split}/{kind}": len(os.listdir(root / split / kind)) for split in ("train", "val") for kind in ("ants", "bees")}
    assert counts == {"train/ants": 124, "train/bees": 121, "val/ants": 70, "val/bees": 83}


def test_outputs_that_read_standin_data_are_marked_as_such():
    assert runner.run("about_data/cifar10_samples.py").standin_data == ["CIFAR-10"]
    assert runner.run("about_data/ants_bees_samples.py").standin_data == ["ants/bees"]
    assert runner.run("conv/functional_conv2d.py").standin_data == []


def test_stand_in_data_read_by_a_child_process_is_marked_too(tmp_path):
    # as with torchrun: the program itself reads nothing, a python it starts reads the data
    child = "open('dataset/cifar-10-batches-py/batches.meta', 'rb').read()"
    snippet = tmp_path / "starts_a_reader.py"
    snippet.write_text(f"import subprocess, sys\nsubprocess.run([sys.executable, '-c', {child!r}], check=True)\nprint('done')\n")
    result = runner.run(snippet, use_cache=False)
    assert result.output() == "done\n"
    assert result.standin_data == ["CIFAR-10"]
    assert not list(result.files.parent.glob("standin-reads*")), "the runner's note of stand-in reads was left behind"


def run_like_a_reader(program: str, tmp_path: Path, python: Path) -> subprocess.CompletedProcess:
    """A program copied alone into an empty folder and run there by a reader's Python: no data, offline."""
    folder = tmp_path / "reader"
    folder.mkdir()
    shutil.copy(runner.SNIPPETS / program, folder)
    return subprocess.run([str(python), Path(program).name], cwd=folder, env=reader_environment(),
                          capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_missing_cifar10_stops_the_program_naming_the_address_it_could_not_reach(tmp_path, reader_python):
    result = run_like_a_reader("about_data/cifar10_samples.py", tmp_path, reader_python)
    assert result.returncode == 1
    assert "refused to reach www.cs.toronto.edu:443" in result.stderr, result.stderr[-2000:]


@pytest.mark.slow
def test_missing_ants_bees_stops_the_program_naming_the_missing_folder(tmp_path, reader_python):
    result = run_like_a_reader("about_data/ants_bees_samples.py", tmp_path, reader_python)
    assert result.returncode == 1
    assert "FileNotFoundError" in result.stderr and "dataset/hymenoptera_data/train" in result.stderr


@pytest.mark.slow
def test_other_errors_keep_their_normal_traceback(tmp_path, reader_python):
    script = tmp_path / "other.py"
    script.write_text("import torchvision\nraise ValueError('not about data')\n")
    result = subprocess.run([str(reader_python), str(script)], cwd=tmp_path, env=reader_environment(),
                            capture_output=True, text=True)
    assert result.returncode == 1 and "Traceback" in result.stderr and "ValueError: not about data" in result.stderr


@pytest.mark.parametrize("language", ["zh", "en"])
def test_each_notebook_says_what_to_fetch_by_hand_before_its_first_download(site, language):
    helped = 0
    for chapter in CHAPTERS:
        book = nbformat.read(site / notebooks.download_urls(language, chapter)[0], as_version=4)
        for needle, address, detail in (("CIFAR10(", torchvision.datasets.CIFAR10.url, torchvision.datasets.CIFAR10.tgz_md5),
                                        ("hymenoptera_data", "hymenoptera_data.zip", "dataset/hymenoptera_data/train/ants")):
            first = next((i for i, cell in enumerate(book.cells) if cell.cell_type == "code" and needle in cell.source), None)
            if first is None:
                continue
            before = book.cells[first - 1]
            assert before.cell_type == "markdown" and address in before.source and detail in before.source, \
                f"{language}/{chapter}: no help before the first cell that reads {needle}"
            helped += 1
    assert helped >= 10


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_data_page_gives_the_real_archive_and_checksum(language):
    page = (REPO / "docs" / language / "standin-data.md").read_text(encoding="utf-8")
    assert torchvision.datasets.CIFAR10.url in page
    assert torchvision.datasets.CIFAR10.tgz_md5 in page


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_data_page_gives_the_vgg16_weights_file_and_where_torch_keeps_it(language, monkeypatch):
    page = (REPO / "docs" / language / "standin-data.md").read_text(encoding="utf-8")
    url = torchvision.models.VGG16_Weights.DEFAULT.url
    assert f"<{url}>" in page
    assert f"{torchvision.models.VGG16_Weights.DEFAULT.meta['_file_size']:.0f} MB" in page
    monkeypatch.delenv("TORCH_HOME", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    default = Path(torch.hub.get_dir(), "checkpoints", os.path.basename(url))
    assert f"`{str(default).replace(str(Path.home()), '~')}`" in page
    monkeypatch.setenv("TORCH_HOME", "$TORCH_HOME")
    assert f"`{Path(torch.hub.get_dir(), 'checkpoints', os.path.basename(url))}`" in page


@pytest.mark.slow
def test_a_failed_ants_bees_download_names_the_address(tmp_path, reader_python):
    result = run_like_a_reader("dataset/download_ants_bees.py", tmp_path, reader_python)
    assert result.returncode == 1
    assert "refused to reach download.pytorch.org:443" in result.stderr, result.stderr[-2000:]
