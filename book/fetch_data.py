"""Fetch the real data of a real-data build (BOOK_DATA=real): `python book/fetch_data.py FOLDER`.

book/runner.py runs this once per build, under a lock, before the first program runs, with the
generated sitecustomize.py (book/shim.py) on PYTHONPATH and TORCH_HOME set to FOLDER/torch; the
programs' `./dataset` then leads to FOLDER, and their `~/.cache/torch` to FOLDER/torch. It imports
nothing of the book. Each download, checksum check, unpacking and load goes through the very library
calls the readers' programs make, so a published build fails here when a download is damaged:

* CIFAR-10: `torchvision.datasets.CIFAR10(FOLDER, download=True)` (the archive's md5, then every
  batch file's md5, checked by torchvision);
* the ants/bees pictures: `download_and_extract_archive(URL, FOLDER)`, as download_ants_bees.py does
  (the zip has no published checksum: a damaged one fails when it is unpacked);
* the VGG16 weights: `torchvision.models.vgg16(weights=VGG16_Weights.DEFAULT)` (torch.hub checks
  that the file's sha256 starts with the 8 hex digits in its name, then the model loads it).

What is already there and sound is not downloaded again. A failed step removes what it left behind
(a damaged archive would otherwise be taken as downloaded next time) and ends the process with
exit status 1 and one line on stderr naming the data set, its address and the library's error.
"""

import os
import shutil
import sys

ANTS_BEES_URL = "https://download.pytorch.org/tutorial/hymenoptera_data.zip"  # as in snippets/dataset/


def fetch(root: str) -> None:
    import torchvision
    from torchvision.datasets.utils import download_and_extract_archive
    from torchvision.models import VGG16_Weights

    cifar10 = torchvision.datasets.CIFAR10
    vgg16_file = os.path.join(root, "torch", "hub", "checkpoints", os.path.basename(VGG16_Weights.DEFAULT.url))

    def ants_bees():
        if not os.path.isdir(os.path.join(root, "hymenoptera_data")):
            download_and_extract_archive(ANTS_BEES_URL, root)

    steps = [
        ("CIFAR-10", cifar10.url, lambda: cifar10(root, train=True, download=True),
         [os.path.join(root, cifar10.filename), os.path.join(root, cifar10.base_folder)]),
        ("the ants/bees pictures (hymenoptera_data)", ANTS_BEES_URL, ants_bees,
         [os.path.join(root, "hymenoptera_data.zip"), os.path.join(root, "hymenoptera_data")]),
        ("the VGG16 weights", VGG16_Weights.DEFAULT.url,
         lambda: torchvision.models.vgg16(weights=VGG16_Weights.DEFAULT), [vgg16_file]),
    ]
    for name, url, step, left_behind in steps:
        try:
            step()
        except Exception as error:  # noqa: BLE001 - any failure of a download ends the build, named
            for path in left_behind:
                if os.path.isdir(path):
                    shutil.rmtree(path, ignore_errors=True)
                elif os.path.exists(path):
                    os.remove(path)
            message = str(error).strip() or "(no message)"
            print(f"could not fetch {name} from {url}: {type(error).__name__}: {message}", file=sys.stderr)
            sys.exit(1)
        print(f"{name}: in place ({url})")


if __name__ == "__main__":
    fetch(os.path.abspath(sys.argv[1]))
