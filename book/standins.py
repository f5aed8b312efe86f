"""Stand-in data the book makes itself, for builds and tests without the internet.

Neither set is the real thing, and pages whose output came from one say so.

* CIFAR-10 stand-in: the real on-disk format (`cifar-10-batches-py/` with five pickled
  training batches of 10000, `test_batch`, `batches.meta`), 50000 + 10000 images of
  32×32 and the ten real class names. Each image is a faint striped pattern in heavy noise:
  the stripes' angle and width and, in part, the picture's colour depend on the class; the
  rest is random, and the angles of neighbouring classes overlap. The course's model with
  the course's SGD settings learns them at about the pace it learns CIFAR-10: a quarter or
  more right after the first epoch, more with each epoch (CIFAR-10: 0.27–0.29 after one,
  0.53–0.56 after ten). The pictures have nothing else in common with CIFAR-10.
  torchvision reads it with its own CIFAR10 code; the only change is that, in a folder that
  holds the marker file `book-standin.json`, its list of md5 checksums is replaced by the
  stand-in's (book/shim.py), because the real list can never match files made here.
* ants/bees stand-in: `hymenoptera_data/{train,val}/{ants,bees}/*.jpg` with the real
  counts (train: 124 ants, 121 bees; val: 70 ants, 83 bees); ants are small dark blobs
  in a row, bees yellow-and-black striped ovals.

`ensure()` makes them once into .cache/standin-data (BOOK_CACHE_DIR/standin-data), laid out as a
reader's `./dataset` folder after the course's downloads, with the marker file that says what it is
(about 7 s), and again only when this file changes or a file no longer has the sha256 that the
marker lists. The runner links each program's `./dataset` to it.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
from pathlib import Path

from book import CACHE_DIR, code_digest
from book.caches import damaged
from book.shim import MARKER as MARKER_NAME

ROOT = CACHE_DIR / "standin-data"
MARKER = ROOT / MARKER_NAME
CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
ANTS_BEES = {"train": {"ants": 124, "bees": 121}, "val": {"ants": 70, "bees": 83}}
CIFAR_FOLDER = "cifar-10-batches-py"
ANTS_BEES_FOLDER = "hymenoptera_data"


def version() -> str:
    return code_digest(__file__)[:16]


def _fault(check_files: bool) -> str | None:
    """None when the stand-ins are there, current and (with `check_files`) every file has the sha256
    the marker lists; "" when they are missing or from an older version of this file; else what is wrong."""
    if not ROOT.exists():
        return ""
    try:
        marker = json.loads(MARKER.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return f"no {MARKER_NAME}"
    except (OSError, ValueError):
        return f"{MARKER_NAME}: not JSON"
    if not isinstance(marker, dict) or not isinstance(marker.get("version"), str):
        return f"{MARKER_NAME}: no version"
    if marker["version"] != version():
        return ""
    files = marker.get("files")
    if not isinstance(files, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
        return f"{MARKER_NAME}: no list of files"
    for name, digest in files.items() if check_files else ():
        path = ROOT / name
        if not path.is_file():
            return f"{name}: missing"
        if _sha256(path) != digest:
            return f"{name}: its sha256 does not match"
    return None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


_checked = False  # whether this process has checked every file against the marker


def ensure() -> Path:
    """Make the stand-ins unless the current ones came from this very file (one process at a time).
    The first call in a process checks every file's sha256; damaged data is reported and made again."""
    global _checked
    if _checked and _fault(check_files=False) is None:
        return ROOT
    from filelock import FileLock  # comes with torch; works on Windows too

    ROOT.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(ROOT.parent / "standin-data.lock"):
        fault = _fault(check_files=True)
        if fault:
            damaged(ROOT, fault, "making it again")
        if fault is not None:
            _make()
        _checked = True
    return ROOT


def _make() -> None:
    building = ROOT.with_name(ROOT.name + ".partial")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    checksums = _make_cifar10(building / CIFAR_FOLDER)
    _make_ants_bees(building / ANTS_BEES_FOLDER)
    (building / MARKER_NAME).write_text(json.dumps({
        "about": "Stand-in data made by the book's build, in the layout of a reader's ./dataset folder: "
                 "the real formats, sizes and class names, synthetic pictures. Not CIFAR-10, not hymenoptera_data.",
        "version": version(),
        "cifar10_md5": checksums,
        "files": {path.relative_to(building).as_posix(): _sha256(path)
                  for path in sorted(building.rglob("*")) if path.is_file()},
    }, indent=1), encoding="utf-8")
    shutil.rmtree(ROOT, ignore_errors=True)
    building.rename(ROOT)


def cifar10_images(count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """`count` stand-in images as uint8 (N, 3, 32, 32) and their labels, balanced over the classes."""
    import numpy as np

    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(count) % len(CLASSES))
    first_cat = int(np.flatnonzero(labels == CLASSES.index("cat"))[0])
    labels[[0, first_cat]] = labels[[first_cat, 0]]  # like the real test set, image 0 is a cat
    # How hard the classes are to tell apart, tried against the course's training (lr 0.01, batch 64):
    # the spread of each class's stripe angle, the noise, the stripes' strength, how much of the
    # colour comes from the class.
    angle_spread, noise, contrast, class_colour = 0.5, 0.4, 0.5, 0.45
    angle = (labels * (np.pi / len(CLASSES)) + rng.normal(0, angle_spread, count)).astype(np.float32)
    period = (np.where(labels % 2 == 0, 6.0, 10.0) * rng.uniform(0.9, 1.1, count)).astype(np.float32)
    phase = rng.uniform(0, 2 * np.pi, count).astype(np.float32)
    y, x = np.mgrid[0:32, 0:32].astype(np.float32)
    along = x[None] * np.cos(angle)[:, None, None] + y[None] * np.sin(angle)[:, None, None]
    stripes = 0.5 + 0.5 * np.sin(2 * np.pi * along / period[:, None, None] + phase[:, None, None])
    palette = np.random.default_rng(12345).uniform(0.2, 0.8, (len(CLASSES), 3)).astype(np.float32)
    middle = class_colour * palette[labels] + (1 - class_colour) * rng.uniform(0.2, 0.8, (count, 3))
    strength = rng.uniform(0.2, 1.0, (count, 1)).astype(np.float32) * contrast
    pictures = middle[:, :, None, None] + strength[:, :, None, None] * (stripes[:, None] - 0.5)
    pictures += rng.standard_normal(pictures.shape, dtype=np.float32) * noise
    return (np.clip(pictures, 0, 1) * 255 + 0.5).astype(np.uint8), labels


def _make_cifar10(folder: Path) -> dict[str, str]:
    folder.mkdir(parents=True)
    batches = [(f"data_batch_{i}", 10000, i) for i in range(1, 6)] + [("test_batch", 10000, 100)]
    for name, count, seed in batches:
        images, labels = cifar10_images(count, seed)
        batch = {
            "batch_label": f"stand-in {name} (not CIFAR-10)",
            "labels": labels.tolist(),
            "data": images.reshape(count, -1),
            "filenames": [f"standin_{CLASSES[label]}_{seed}_{i:05d}.png" for i, label in enumerate(labels)],
        }
        with open(folder / name, "wb") as out:
            pickle.dump(batch, out, protocol=4)
    with open(folder / "batches.meta", "wb") as out:
        pickle.dump({"label_names": CLASSES, "num_cases_per_batch": 10000, "num_vis": 3072}, out, protocol=4)
    return {path.name: hashlib.md5(path.read_bytes()).hexdigest() for path in sorted(folder.iterdir())}


def _make_ants_bees(folder: Path) -> None:
    import numpy as np
    from PIL import Image, ImageDraw

    rng = np.random.default_rng(7)
    for split, counts in ANTS_BEES.items():
        for kind, count in counts.items():
            target = folder / split / kind
            target.mkdir(parents=True)
            for i in range(count):
                width, height = int(rng.integers(400, 640)), int(rng.integers(300, 480))
                ground = tuple(int(v) for v in rng.integers([60, 90, 30], [140, 170, 90]))
                picture = Image.new("RGB", (width, height), ground)
                draw = ImageDraw.Draw(picture)
                cx, cy = rng.uniform(0.3, 0.7) * width, rng.uniform(0.3, 0.7) * height
                if kind == "ants":
                    for part in range(3):
                        r = height * 0.05 * (1.3 if part == 2 else 1.0)
                        x = cx + (part - 1) * r * 2.1
                        draw.ellipse([x - r, cy - r * 0.8, x + r, cy + r * 0.8], fill=(25, 15, 10))
                else:
                    rx, ry = height * 0.16, height * 0.1
                    draw.ellipse([cx - rx, cy - ry, cx + rx, cy + ry], fill=(235, 190, 30))
                    for stripe in (-0.4, 0.0, 0.4):
                        x = cx + stripe * rx
                        draw.rectangle([x - rx * 0.1, cy - ry * 0.9, x + rx * 0.1, cy + ry * 0.9], fill=(20, 20, 20))
                picture.save(target / f"standin_{kind[:-1]}_{split}_{i:03d}.jpg", quality=85)


NAMES = {CIFAR_FOLDER: "CIFAR-10", ANTS_BEES_FOLDER: "ants/bees"}


def datasets_in(paths, root: Path = ROOT) -> list[str]:
    """Names of the stand-in data sets among the files a program opened (through its ./dataset link too)."""
    root, found = Path(os.path.realpath(root)), set()
    for path in paths:
        path = Path(os.path.realpath(path))
        if path.is_relative_to(root) and len(path.relative_to(root).parts) > 1:
            found.add(NAMES.get(path.relative_to(root).parts[0], path.relative_to(root).parts[0]))
    return sorted(found)


def named(folders) -> set[str]:
    """The data sets' names for the folder names that book/shim.py noted."""
    return {NAMES.get(folder, folder) for folder in folders}
