"""The one thing the build puts around a reader's program: a generated `sitecustomize.py`.

Python imports `sitecustomize` when it starts, from the first folder on PYTHONPATH that holds one.
The runner, its fork servers, the notebook kernels of the tests and the tests of the reader's
machine put the folder `ensure()` writes, and nothing else of the repository, on PYTHONPATH; every
Python process a program starts inherits it. The file imports nothing of the book. In an offline
build it holds:

* the network guard (book/offline.py, copied in): reaching any host but this machine fails at
  once and names the host;
* stand-in data: torchvision's CIFAR10 accepts the stand-in files' checksums, but only in a
  folder that holds the stand-in marker file (book/standins.py writes it), so a reader's real
  data is never touched; each process notes the stand-in data sets it reads in the file named
  by BOOK_STANDIN_READS (set by the runner for each run), so that the page marks the output.

In a rehearsal of the real-data build (BOOK_DATA=real with BOOK_DATA_SERVER, book/real_data_rehearsal.py)
it holds the network guard and sends the real data's downloads to the local server, whose files
torchvision and torch.hub check against that server's checksums; the programs see the real addresses.

In every build, and only where the runner sets the variables for a run:

* each process notes the files it read and the modules it imported in the file named by
  BOOK_OPENED_LOG, so that a change to a file that torchrun's workers or a `python -c` child
  read makes the cached result stale;
* writing is refused inside BOOK_PROTECTED (the repository) except under the folders listed in
  BOOK_WRITABLE (the run's scratch folder; real data): a program cannot change the book.
"""

from __future__ import annotations

import hashlib
import inspect
import os
import threading
from pathlib import Path

from book import CACHE_DIR, offline

FOLDER = CACHE_DIR / "shim"
MARKER = "book-standin.json"  # written by book/standins.py into the stand-in dataset folder
READS_LOG = "BOOK_STANDIN_READS"
OPENED_LOG = "BOOK_OPENED_LOG"
PROTECTED, WRITABLE = "BOOK_PROTECTED", "BOOK_WRITABLE"


def note_opened_files(log_variable: str) -> None:
    """Note, in the file that `log_variable` names, the files this process read and the modules it
    imported (outside the Python installation), when it exits."""
    import atexit
    import os
    import sys

    # the variable is read when it is needed: a run forked from a process that started without it has it
    installed = tuple({sys.prefix, sys.base_prefix, sys.exec_prefix})
    opened = set()

    def note(event, args):
        if event == "open" and isinstance(args[0], (str, bytes)) and not any(flag in (args[1] or "r") for flag in "wax+"):
            opened.add(os.path.abspath(os.fsdecode(args[0])))

    def write():
        log = os.environ.get(log_variable)
        if not log:
            return
        modules = {getattr(module, "__file__", None) for module in list(sys.modules.values())}
        found = {path for path in opened | {os.path.abspath(f) for f in modules if f} if not path.startswith(installed)}
        with open(log, "a", encoding="utf-8") as out:
            out.write("".join(path + "\n" for path in sorted(found)))

    sys.addaudithook(note)
    atexit.register(write)
    # a run forked from the build's fork server notes what it reads itself, not what the server read
    # while it started (all of book/*.py, the installed packages' metadata)
    if hasattr(os, "register_at_fork"):  # not on Windows, where nothing forks
        os.register_at_fork(after_in_child=opened.clear)


def refuse_writes_outside(protected_variable: str, writable_variable: str) -> None:
    """Refuse, with a PermissionError naming the path, to write, make, move or remove anything inside
    the folder `protected_variable` names, except under the folders of `writable_variable`."""
    import os
    import sys

    inside = lambda path, folder: path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)
    resolved = {}  # the variables' values -> (protected folder, writable folders); read when needed, as above

    def bounds():
        key = (os.environ.get(protected_variable, ""), os.environ.get(writable_variable, ""))
        if key not in resolved:
            resolved[key] = (os.path.realpath(key[0]) if key[0] else None,
                             [os.path.realpath(folder) for folder in key[1].split(os.pathsep) if folder])
        return resolved[key]
    changes = {"os.mkdir": (0,), "os.remove": (0,), "os.rmdir": (0,), "os.rename": (0, 1), "os.symlink": (1,),
               "os.link": (1,), "os.truncate": (0,), "os.chmod": (0,), "os.utime": (0,), "shutil.rmtree": (0,)}

    def check(event, args):
        if event == "open":
            if not isinstance(args[0], (str, bytes)) or not any(flag in (args[1] or "r") for flag in "wax+"):
                return
            positions = (0,)
        elif event in changes:
            positions = changes[event]
        else:
            return
        protected, writable = bounds()
        if protected is None:
            return
        for position in positions:
            target = args[position]
            if not isinstance(target, (str, bytes, os.PathLike)):
                continue
            path = os.path.realpath(os.fsdecode(target))
            if inside(path, protected) and not any(inside(path, folder) for folder in writable):
                raise PermissionError(f"the book's build lets a program write only in its own working folder; "
                                      f"refused: {path}")

    sys.addaudithook(check)


def accept_standin_checksums(marker: str) -> None:
    """When torchvision.datasets.cifar is imported, let CIFAR10 take the checksums of a folder's
    stand-in marker file instead of the real ones, for that folder only."""
    import importlib.abc
    import json
    import os
    import sys

    def patch(module):
        cifar10 = module.CIFAR10
        original = cifar10.__init__

        def __init__(self, root, *args, **kwargs):
            path = os.path.join(os.path.expanduser(os.fspath(root)), marker)
            if os.path.isfile(path):
                with open(path, encoding="utf-8") as file:
                    md5 = json.load(file)["cifar10_md5"]
                self.train_list = [[f"data_batch_{i}", md5[f"data_batch_{i}"]] for i in range(1, 6)]
                self.test_list = [["test_batch", md5["test_batch"]]]
                self.meta = dict(type(self).meta, md5=md5["batches.meta"])
            original(self, root, *args, **kwargs)

        cifar10.__init__ = __init__

    class PatchAfterImport(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name != "torchvision.datasets.cifar":
                return None
            sys.meta_path.remove(self)
            try:
                import importlib.util

                spec = importlib.util.find_spec(name)
            finally:
                sys.meta_path.insert(0, self)
            if spec is None or spec.loader is None:
                return spec
            execute = spec.loader.exec_module

            def exec_module(module):
                execute(module)
                patch(module)

            spec.loader.exec_module = exec_module
            return spec

    sys.meta_path.insert(0, PatchAfterImport())


def note_standin_reads(marker: str, log_variable: str) -> None:
    """Note, in the file that `log_variable` names, each stand-in data set this process reads:
    the first folder under a folder that holds the marker file."""
    import os
    import sys

    noted, roots = set(), {}

    def standin_root(folder):
        if folder not in roots:
            roots[folder] = os.path.isfile(os.path.join(folder, marker))
        return roots[folder]

    def note(event, args):
        if event != "open" or not isinstance(args[0], (str, bytes)) or not os.environ.get(log_variable):
            return
        path = os.fsdecode(args[0])
        if "dataset" not in path:  # the book's programs read their data from ./dataset
            return
        real = os.path.realpath(path)
        parts = real.split(os.sep)
        for depth in range(len(parts) - 2, 0, -1):
            root = os.sep.join(parts[:depth])
            if root and standin_root(root):
                name = parts[depth]
                if name not in noted:
                    noted.add(name)
                    with open(os.environ[log_variable], "a", encoding="utf-8") as out:
                        out.write(name + "\n")
                return

    sys.addaudithook(note)


def serve_downloads_from(rehearsal: dict) -> None:
    """A rehearsal of a real-data build: every download of the real data comes from the local server of
    book/real_data_rehearsal.py, and the libraries check that server's files against their own checksums.
    `rehearsal["files"]`: real address -> {"at": the server's address, "md5", "sha256"} of the file served;
    `rehearsal["cifar10_md5"]`: each CIFAR-10 batch file's md5. The programs see the real addresses."""
    import importlib.abc
    import importlib.util
    import sys
    import urllib.request

    files = rehearsal["files"]
    request = urllib.request.Request.__init__

    def __init__(self, url, *args, **kwargs):  # torchvision and torch.hub both open a Request
        request(self, files[url]["at"] if url in files else url, *args, **kwargs)

    urllib.request.Request.__init__ = __init__

    def cifar(module):
        cifar10, md5 = module.CIFAR10, rehearsal["cifar10_md5"]
        cifar10.tgz_md5 = files[cifar10.url]["md5"]
        cifar10.train_list = [[name, md5[name]] for name, _ in cifar10.train_list]
        cifar10.test_list = [[name, md5[name]] for name, _ in cifar10.test_list]
        cifar10.meta = dict(cifar10.meta, md5=md5[cifar10.meta["filename"]])

    def hub(module):
        download = module.download_url_to_file

        def download_url_to_file(url, dst, hash_prefix=None, progress=True):
            if url in files and hash_prefix is not None:  # the name's hash prefix, checked against the served file
                hash_prefix = files[url]["sha256"][:len(hash_prefix)]
            return download(url, dst, hash_prefix, progress)

        module.download_url_to_file = download_url_to_file

    patches = {"torchvision.datasets.cifar": cifar, "torch.hub": hub}

    class PatchAfterImport(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name not in patches:
                return None
            sys.meta_path.remove(self)
            try:
                spec = importlib.util.find_spec(name)
            finally:
                sys.meta_path.insert(0, self)
            if spec is None or spec.loader is None:
                return spec
            execute = spec.loader.exec_module

            def exec_module(module):
                execute(module)
                patches[name](module)

            spec.loader.exec_module = exec_module
            return spec

    sys.meta_path.insert(0, PatchAfterImport())


def source(mode: str, rehearsal: dict | None = None) -> str:
    """The text of sitecustomize.py for a build in `mode` ("standin" or "real"); for "real" with
    `rehearsal` (the local data server's manifest, book/real_data_rehearsal.py), the downloads come from
    that server and, as offline, nothing but this machine can be reached."""
    header = ('"""Written by the book\'s build (book/shim.py) for its own runs of the programs; not part of\n'
              'any program, and not needed on a reader\'s computer."""\n')
    bounds = "\n\n".join([
        "# --- what a program read, and where it may write ---",
        inspect.getsource(note_opened_files),
        inspect.getsource(refuse_writes_outside),
        f"note_opened_files({OPENED_LOG!r})",
        f"refuse_writes_outside({PROTECTED!r}, {WRITABLE!r})",
    ])
    if mode == "real" and rehearsal is None:
        return header + "\n\n" + bounds + "\n"
    if mode == "real":
        return "\n\n".join([
            header,
            bounds,
            "# --- the network guard (book/offline.py) ---",
            inspect.getsource(offline),
            "install()",
            "# --- a rehearsal of the real-data build: the downloads come from a local server ---",
            inspect.getsource(serve_downloads_from),
            f"serve_downloads_from({rehearsal!r})",
        ]) + "\n"
    return "\n\n".join([
        header,
        bounds,
        "# --- the network guard (book/offline.py) ---",
        inspect.getsource(offline),
        "install()",
        "# --- stand-in data ---",
        inspect.getsource(accept_standin_checksums),
        inspect.getsource(note_standin_reads),
        f"accept_standin_checksums({MARKER!r})",
        f"note_standin_reads({MARKER!r}, {READS_LOG!r})",
    ]) + "\n"


_writing = threading.Lock()


def ensure(mode: str, rehearsal: dict | None = None) -> Path:
    """The folder to put on PYTHONPATH for a build in `mode`; its file is written when missing or changed."""
    text = source(mode, rehearsal)
    folder = FOLDER / f"{mode}-{hashlib.sha256(text.encode()).hexdigest()[:12]}"
    target = folder / "sitecustomize.py"
    with _writing:
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            folder.mkdir(parents=True, exist_ok=True)
            partial = folder / f"sitecustomize.{os.getpid()}.partial"  # another process may write at the same time
            partial.write_text(text, encoding="utf-8")
            partial.replace(target)
    return folder
