"""Where the course's data lives, for every program in this book.

DATA_ROOT is the folder `data/` at the root of the repository, or the folder named by
the environment variable PYTORCH_BOOK_DATA. CIFAR-10 and the ants/bees images are
downloaded into it the first time a program needs them.

PHOTO is a real photograph that comes with matplotlib (Grace Hopper, 512×600 pixels),
so that the image chapters work without downloading anything.

Importing this module also turns a failed download into a short message that says
what is missing and where to put a copy downloaded by hand, instead of a long traceback.
"""

import os
import sys
from importlib.util import find_spec
from pathlib import Path

DATA_ROOT = os.environ.get("PYTORCH_BOOK_DATA") or str(Path(__file__).resolve().parent.parent / "data")
PHOTO = str(Path(find_spec("matplotlib").origin).parent / "mpl-data" / "sample_data" / "grace_hopper.jpg")

# The offline build of the book sets this to its own stand-in data; a reader never does.
if os.environ.get("PYTORCH_BOOK_STANDIN"):
    DATA_ROOT = os.environ["PYTORCH_BOOK_STANDIN"]
    from book.standins import use_in_this_process

    use_in_this_process()

MANUAL_DOWNLOADS = {
    "CIFAR-10": {
        "url": "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
        "md5": "c58f30108f718f92721af3b95e74349a",
        "size": "163 MiB",
        "put": "{root}/cifar-10-python.tar.gz",
        "then": "Leave it packed: with download=True torchvision checks the md5 and unpacks it.",
        "then_zh": "不用解压：程序里 download=True 时，torchvision 会校验 md5 并自动解压。",
    },
    "ants/bees (hymenoptera_data)": {
        "url": "https://download.pytorch.org/tutorial/hymenoptera_data.zip",
        "md5": None,
        "size": None,
        "put": "{root}/hymenoptera_data.zip",
        "then": "Unpack it there, so that {root}/hymenoptera_data/train/ants exists.",
        "then_zh": "在那里解压，使 {root}/hymenoptera_data/train/ants 这个文件夹存在。",
    },
}


def _missing_dataset(error, traceback):
    """Which dataset a failure was about, or None when it is not about missing data."""
    if isinstance(error, FileNotFoundError) and "hymenoptera_data" in str(error.filename or ""):
        return "ants/bees (hymenoptera_data)"
    if not isinstance(error, (OSError, RuntimeError)):
        return None
    while traceback is not None:
        local = traceback.tb_frame.f_locals
        if type(local.get("self")).__name__ == "CIFAR10":
            return "CIFAR-10"
        if "hymenoptera_data" in str(local.get("url", "")):
            return "ants/bees (hymenoptera_data)"
        traceback = traceback.tb_next
    return None


def _explain(kind, error, traceback):
    dataset = _missing_dataset(error, traceback)
    if dataset is None:
        return sys.__excepthook__(kind, error, traceback)
    info = {key: value.format(root=DATA_ROOT) if value else value for key, value in MANUAL_DOWNLOADS[dataset].items()}
    details = ", ".join(part for part in (info["md5"] and f"md5 {info['md5']}", info["size"] and f"about {info['size']}") if part)
    lines = [
        "",
        f"{dataset} is not in {DATA_ROOT} and could not be downloaded.",
        f"{dataset} 数据不在 {DATA_ROOT} 中，也没能自动下载。",
        "",
        "Download this file by hand (browser, download manager, or a mirror you trust):",
        "请手动下载这个文件（用浏览器、下载工具，或可信的镜像）：",
        f"    {info['url']}",
        *([f"    ({details})"] if details else []),
        "and put it here / 放到这里：",
        f"    {info['put']}",
        info["then"],
        info["then_zh"],
        "If the file is already there, it is incomplete or damaged: delete it and download it again.",
        "如果文件已经在那里，说明它不完整或已损坏：删掉后重新下载。",
        "",
        "Another folder for all data / 换一个数据目录: set PYTORCH_BOOK_DATA=/path/to/folder",
        f"What went wrong / 具体错误: {kind.__name__}: {error}",
    ]
    print("\n".join(lines), file=sys.stderr)


sys.excepthook = _explain
