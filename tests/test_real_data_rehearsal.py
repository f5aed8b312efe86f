"""The real-data build (BOOK_DATA=real), rehearsed without the internet against a local data server.

book/real_data_rehearsal.py makes, from the stand-in data, files in the formats the real sources
publish (CIFAR-10's python tar.gz, the hymenoptera_data zip, a VGG16 state_dict named as torch.hub
expects) and serves them on 127.0.0.1. The whole book is built from them as the publishing workflow
builds it (the `real_data_build` fixture: book/workflow_mirror.py, a fresh clone, `make pdf` and
`make build` with BOOK_DATA=real and BOOK_DATA_SERVER): every download, checksum check, unpacking
and load goes through torchvision's and torch.hub's own code, as in the published build; only the
addresses and checksums differ, put in by the generated sitecustomize.py. The pages of the programs
that need each download (CIFAR-10: torchvision_datasets/dataset_transform.py; the ants and bees:
dataset/download_ants_bees.py and read_data.py; the VGG16 weights: pretrained_models/vgg16_weights.py;
the training chapter's train.py, three whole epochs over 50000 images) must show what they printed with
the real addresses, and no page may carry a stand-in mark or notice or show the local server.

Then the server hands out damaged files (a CIFAR-10 archive and VGG16 weights whose checksums do not
match, a truncated zip) to a small book of the one program that needs it: the build must stop, naming
the program, the data set, its address and the library's error, and leave no damaged file behind to
be taken as downloaded next time.
"""

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from book import real_data_rehearsal
from book.real_data_rehearsal import ANTS_BEES_URL, CIFAR10_URL, VGG16_URL
from conftest import REPO, mkdocs_build

pytestmark = pytest.mark.slow

CHAPTER = """---
description: {title}
episodes: [1]
---

# {title} {{ #rehearsal }}

!!! abstract

    {title}

{sections}
"""
# What each page shows of the programs that need a download, in both editions.
PRINTED = {
    "torchvision-datasets": ["50000 10000", CIFAR10_URL],
    "dataset": ["hymenoptera_data is already in the data folder", "124 121"],
    "pretrained-models": ["loaded the ImageNet weights from the torch hub folder"],
    "training": ["epoch 3: train loss"],
}
# What the build writes because of stand-in data (book/labels.yml): a fixed part of each label.
STAND_IN_LABELS = {"standin_mark": {"zh": "⚠ 用的是", "en": "⚠ used stand-in"},
                   "standin_notice": {"zh": "本页有输出来自替身数据", "en": "Some outputs on this page come from stand-in data"},
                   "recorded_on_standin": {"zh": "的替身数据上记录的", "en": "were recorded on stand-in"}}


def small_real_book(folder: Path, sections) -> Path:
    """A book of one chapter whose page includes `sections` of the repository's own programs."""
    text = "\n\n".join(f'```python title="snippets/{program}"\n--8<-- "{program}' + (f':{section}' if section else "")
                       + '"\n```' for program, section in sections)
    for language, title in (("zh", "真实数据"), ("en", "Real data")):
        (folder / "docs" / language).mkdir(parents=True)
        (folder / "docs" / language / "index.md").write_text(f"# {title}\n", encoding="utf-8")
        (folder / "docs" / language / "data.md").write_text(f"# {title} {{ #data }}\n", encoding="utf-8")
        (folder / "docs" / language / "rehearsal.md").write_text(CHAPTER.format(title=title, sections=text),
                                                                 encoding="utf-8")
    config = folder / "mkdocs.yml"
    config.write_text("\n".join([
        "site_name: rehearsal", "theme: {name: material}", "plugins:", "  - search",
        "  - i18n: {docs_structure: folder, languages: [{locale: zh, default: true, name: 中文}, {locale: en, name: English}]}",
        "  - mkdocs-jupyter: {include: ['*.ipynb'], execute: false, cache: false, include_requirejs: false}",
        "  - book: {data_page: data.md}",  # where a stand-in notice would link
        "markdown_extensions:", "  - admonition", "  - attr_list", "  - pymdownx.superfences",
        f"  - pymdownx.snippets: {{base_path: ['{REPO / 'snippets'}'], check_paths: true}}", "",
    ]), encoding="utf-8")
    return config


def real_build(folder: Path, served: Path, sections, data: Path):
    """Build a small book with BOOK_DATA=real against a server of `served`; (result, requested paths)."""
    config = small_real_book(folder, sections)
    with real_data_rehearsal.serving(served) as (address, requested):
        result = mkdocs_build(config, folder / "site", BOOK_DATA="real", BOOK_DATA_SERVER=address,
                              PYTORCH_BOOK_DATA=str(data), BOOK_CACHE_DIR=str(folder / "cache"))
    return result, list(requested), address


@pytest.fixture(scope="module")
def served(rehearsal_files) -> Path:
    return rehearsal_files


@pytest.fixture(scope="module")
def rehearsed(real_data_build):
    return real_data_build


def manifest(served: Path) -> dict:
    import json

    return json.loads((served / "manifest.json").read_text(encoding="utf-8"))


def page_text(site: Path) -> dict[str, str]:
    """Every text file of a site (pages, search index, notebooks, scripts)."""
    return {path.relative_to(site).as_posix(): path.read_text(encoding="utf-8", errors="replace")
            for path in site.rglob("*") if path.is_file() and path.suffix in (".html", ".json", ".ipynb", ".py", ".xml")}


def stand_in_marks(site: Path) -> list[str]:
    return [f"{name}: {fragment}" for name, text in sorted(page_text(site).items())
            for fragments in STAND_IN_LABELS.values() for fragment in fragments.values() if fragment in text]


def test_the_stand_in_fragments_are_the_labels_own_words():
    from book.labels import LABELS

    for key, fragments in STAND_IN_LABELS.items():
        for language, fragment in fragments.items():
            assert fragment in LABELS[key][language], (key, language)


def test_each_download_came_from_the_local_server_and_is_in_the_data_folder(rehearsed, served):
    files = manifest(served)["files"]
    for url in (CIFAR10_URL, ANTS_BEES_URL, VGG16_URL):
        assert "/" + files[url]["at"] in rehearsed["requested"], (url, rehearsed["requested"])
    data = rehearsed["data"]
    assert sorted(p.name for p in (data / "cifar-10-batches-py").iterdir()) == [
        "batches.meta", "data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5",
        "readme.html", "test_batch"]
    assert len(list((data / "hymenoptera_data" / "train" / "ants").iterdir())) == 124
    weights = data / "torch" / "hub" / "checkpoints" / "vgg16-397923af.pth"  # the real file's name
    assert hashlib.sha256(weights.read_bytes()).hexdigest() == files[VGG16_URL]["sha256"]
    assert "note: real data in" in rehearsed["said"]


def test_the_pages_show_what_the_programs_printed_with_the_real_addresses(rehearsed):
    pages = page_text(rehearsed["site"])
    for chapter, printed in PRINTED.items():
        for name in (f"{chapter}/index.html", f"en/{chapter}/index.html"):
            assert [text for text in printed if text not in pages[name]] == [], name
    # (the home page names http://127.0.0.1:8000, where `make serve` serves the book; the data server has a port of its own)
    leaked = [name for name, text in pages.items() if rehearsed["address"] in text]
    assert not leaked, f"the local data server's address is on {leaked}"


def test_the_pages_carry_no_stand_in_mark_or_notice(rehearsed):
    assert stand_in_marks(rehearsed["site"]) == []


def damaged_copy(served: Path, folder: Path, url: str, how: str) -> Path:
    """The served files, one of them damaged: a byte changed ("changed"), or cut in half ("truncated")."""
    copy = folder / "served"
    shutil.copytree(served, copy, copy_function=os.link)
    target = copy / manifest(served)["files"][url]["at"]
    data = bytearray(target.read_bytes())
    target.unlink()  # a new file: the others stay links to the good ones
    if how == "changed":
        data[len(data) // 2] ^= 0xFF
    else:
        data = data[:len(data) // 2]
    target.write_bytes(bytes(data))
    return copy


@pytest.mark.parametrize("url, how, program, error, left", [
    (CIFAR10_URL, "changed", "torchvision_datasets/dataset_transform.py",
     "could not fetch CIFAR-10 from https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz: "
     "RuntimeError: File not found or corrupted.", "cifar-10-python.tar.gz"),
    (ANTS_BEES_URL, "truncated", "dataset/download_ants_bees.py",
     "could not fetch the ants/bees pictures (hymenoptera_data) from "
     "https://download.pytorch.org/tutorial/hymenoptera_data.zip: BadZipFile: File is not a zip file",
     "hymenoptera_data.zip"),
    (VGG16_URL, "changed", "pretrained_models/vgg16_weights.py",
     "could not fetch the VGG16 weights from https://download.pytorch.org/models/vgg16-397923af.pth: "
     "RuntimeError: invalid hash value (expected \"", "torch/hub/checkpoints/vgg16-397923af.pth"),
], ids=["CIFAR-10 archive, wrong checksum", "ants-bees zip, truncated", "VGG16 weights, wrong checksum"])
def test_a_damaged_download_stops_the_build_naming_the_program_and_what_failed(
        tmp_path, served, rehearsed, url, how, program, error, left):
    # the data folder of the good build, without what this download gives (links: nothing is copied)
    data = tmp_path / "data"
    shutil.copytree(rehearsed["data"], data, copy_function=os.link)
    for name in {CIFAR10_URL: ["cifar-10-python.tar.gz", "cifar-10-batches-py"],
                 ANTS_BEES_URL: ["hymenoptera_data.zip", "hymenoptera_data"], VGG16_URL: ["torch"]}[url]:
        shutil.rmtree(data / name) if (data / name).is_dir() else (data / name).unlink()
    result, requested, _ = real_build(tmp_path / "book", damaged_copy(served, tmp_path, url, how), [(program, None)], data)
    said = result.stdout + result.stderr
    assert result.returncode != 0, said[-3000:]
    assert "A snippet failed, so the book was not built" in said, said[-3000:]
    assert f"snippets/{program} was not run: the real data could not be fetched" in said, said[-3000:]
    assert error in said, said[-3000:]
    assert "/" + manifest(served)["files"][url]["at"] in requested
    assert not (data / left).exists(), f"the damaged {left} was left in the data folder"
