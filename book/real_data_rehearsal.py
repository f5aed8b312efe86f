"""A rehearsal of the real-data build on a machine without the internet: a local data server.

`make()` writes, from the stand-in data (book/standins.py), files in the exact formats the real
sources publish: `cifar-10-python.tar.gz` holding `cifar-10-batches-py/`, `hymenoptera_data.zip`
holding `hymenoptera_data/{train,val}/{ants,bees}/`, and `vgg16-<first 8 hex digits of its
sha256>.pth`, the state_dict of a freshly initialised torchvision vgg16, named as torch.hub expects.
Beside them, `manifest.json` lists each file's real address, its path on the server, md5 and sha256,
and the md5 of each CIFAR-10 batch file.

`serving(folder)` serves such a folder on 127.0.0.1 (a thread with http.server) and notes each
request. A build with `BOOK_DATA=real BOOK_DATA_SERVER=<its address>` then runs exactly as a
published build does, through book/fetch_data.py and the programs' own library calls; only the
addresses and checksums differ, put in by the generated sitecustomize.py (book/shim.py).

`python -m book.real_data_rehearsal [FOLDER]` makes the files and serves them until Ctrl-C:

    BOOK_DATA=real BOOK_DATA_SERVER=http://127.0.0.1:PORT PYTORCH_BOOK_DATA=/tmp/real-data make build
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import http.server
import io
import json
import os
import sys
import tarfile
import tempfile
import threading
import zipfile
from pathlib import Path

from book import standins

CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
ANTS_BEES_URL = "https://download.pytorch.org/tutorial/hymenoptera_data.zip"
VGG16_URL = "https://download.pytorch.org/models/vgg16-397923af.pth"
README = ("<html><body><p>Made by the book's real-data rehearsal from its stand-in data: "
          "the layout of CIFAR-10's python version, not CIFAR-10.</p></body></html>\n")


def _digests(path: Path) -> dict[str, str]:
    md5, sha256 = hashlib.md5(), hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):
            md5.update(chunk)
            sha256.update(chunk)
    return {"md5": md5.hexdigest(), "sha256": sha256.hexdigest()}


def make(folder: Path) -> dict:
    """Write the three files and manifest.json into `folder`; returns the manifest."""
    import torch
    import torchvision

    data = standins.ensure()
    folder.mkdir(parents=True, exist_ok=True)
    served = {}

    cifar = folder / "kriz" / "cifar-10-python.tar.gz"
    cifar.parent.mkdir(exist_ok=True)
    batches = data / standins.CIFAR_FOLDER
    with tarfile.open(cifar, "w:gz", compresslevel=1) as archive:
        readme = tarfile.TarInfo(f"{standins.CIFAR_FOLDER}/readme.html")
        readme.size = len(README.encode())
        archive.addfile(readme, io.BytesIO(README.encode()))
        for path in sorted(batches.iterdir()):
            archive.add(path, f"{standins.CIFAR_FOLDER}/{path.name}")
    served[CIFAR10_URL] = cifar

    ants_bees = folder / "tutorial" / "hymenoptera_data.zip"
    ants_bees.parent.mkdir(exist_ok=True)
    with zipfile.ZipFile(ants_bees, "w", zipfile.ZIP_STORED) as archive:
        for path in sorted((data / standins.ANTS_BEES_FOLDER).rglob("*")):
            archive.write(path, path.relative_to(data).as_posix())

    served[ANTS_BEES_URL] = ants_bees
    models = folder / "models"
    models.mkdir(exist_ok=True)
    partial = models / "vgg16.partial"
    torch.manual_seed(0)
    torch.save(torchvision.models.vgg16(weights=None).state_dict(), partial)
    vgg16 = models / f"vgg16-{_digests(partial)['sha256'][:8]}.pth"
    partial.replace(vgg16)
    served[VGG16_URL] = vgg16

    manifest = {
        "about": "Files in the real data's formats, made from the book's stand-in data for a rehearsal of the "
                 "real-data build (book/real_data_rehearsal.py). Not CIFAR-10, not hymenoptera_data, not VGG16's weights.",
        "files": {url: {"at": path.relative_to(folder).as_posix(), **_digests(path)} for url, path in served.items()},
        "cifar10_md5": {path.name: _digests(path)["md5"] for path in sorted(batches.iterdir())},
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest


def load_manifest(server: str) -> dict:
    """The manifest a data server publishes, its paths made into addresses on that server."""
    import urllib.request

    with urllib.request.urlopen(server.rstrip("/") + "/manifest.json", timeout=30) as response:
        manifest = json.load(response)
    for file in manifest["files"].values():
        file["at"] = server.rstrip("/") + "/" + file["at"]
    return manifest


@contextlib.contextmanager
def serving(folder: Path):
    """Serve `folder` on 127.0.0.1 on a free port; yields (address, the list of paths requested so far)."""
    requested: list[str] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def send_head(self):
            requested.append(self.path)
            return super().send_head()

    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            if not isinstance(sys.exc_info()[1], ConnectionError):  # torchvision closes its first request early
                super().handle_error(request, client_address)

    server = Server(("127.0.0.1", 0), functools.partial(Handler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requested
    finally:
        server.shutdown()
        server.server_close()


def main() -> int:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="book-data-server-"))
    if not (folder / "manifest.json").is_file():
        print(f"making the files in {folder} …", flush=True)
        make(folder)
    with serving(folder) as (address, _):
        print(f"serving {folder} at {address} (Ctrl-C ends it); build with:\n"
              f"  BOOK_DATA=real BOOK_DATA_SERVER={address} PYTORCH_BOOK_DATA={tempfile.gettempdir()}{os.sep}"
              "book-real-data make build", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
