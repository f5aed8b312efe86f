"""Run snippets, cache what they printed, and hand the result to the build and the tests.

This is the one execution path of the book: the mkdocs hook puts `Run.output(section)`
under each included section, and the chapter tests assert on the very same text.

A result is cached by content. Its key covers the snippet file, the environment
(Python and every package that can change an output, the device, the data mode) and this
machinery as this process imported it; the record also lists every project file the program or
any Python process it started opened (imported modules, other snippets it ran, images it read),
the project folders it listed and, with real data, the data files it read, each with a
fingerprint, and a change to any of them makes the result stale. An unchanged snippet is
therefore never re-run, a changed one always is.

A run is kept in bounds: it writes only in its own scratch folder (HOME and the libraries' cache
folders lead there too, TMPDIR to a short folder of its own; the generated sitecustomize.py
refuses writes elsewhere in the repository), it leads a process group that is ended when it finishes, fails, times out
(TIMEOUT_S, BOOK_SNIPPET_TIMEOUT, default 900 s) or the build is stopped, and with stand-in data it
runs in a network of its own with only loopback where Linux allows that (book/processes.py).
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from filelock import FileLock  # comes with torch; works on Windows too

from book import CACHE_DIR, REPO, caches, code_digest, forkserver, processes, shim, standins

SNIPPETS = REPO / "snippets"
CACHE = CACHE_DIR / "runs"
LAUNCHER = Path(__file__).with_name("launch.py")
FORKSERVER = Path(forkserver.__file__)
TIMEOUT_S = int(os.environ.get("BOOK_SNIPPET_TIMEOUT", "900"))

# What a program's own lines say about it: its sections (`# --8<-- [start:name]`), the error it
# stops with on purpose (`# expected-error: KeyError`), Material's annotation markers (`# (1)!`).
SECTION_MARKER = re.compile(r"^\s*#\s*--8<--\s*\[(start|end):([\w-]+)\]\s*$")
EXPECTED_ERROR = re.compile(r"^#\s*expected-error:\s*([\w.]+)\s*$", re.MULTILINE)
ANNOTATION = re.compile(r"#\s*\((\d+)\)!?\s*$")
# A real-data build's downloads: each program's ./dataset leads here (PYTORCH_BOOK_DATA, default data/).
REAL_DATA = Path(os.environ.get("PYTORCH_BOOK_DATA") or REPO / "data").resolve()
FETCHER = Path(__file__).with_name("fetch_data.py")
# A rehearsal of the real-data build: the downloads come from this local server (book/real_data_rehearsal.py).
DATA_SERVER = os.environ.get("BOOK_DATA_SERVER", "")
# Files under these folders are not project code: the virtual environment, caches,
# data sets (covered by the data mode instead) and what runs write; nor is the editable install's
# <name>.egg-info, which importing torch reads (entry points) and which a fresh checkout lacks.
_NOT_DEPENDENCIES = (".venv", ".cache", ".git", "data", "site", "logs")
# Memory addresses in reprs such as <PIL.Image.Image ... at 0x7F3A...> change on every run.
_ADDRESS = re.compile(r" at 0x[0-9A-Fa-f]+>")
ADDRESS_SHOWN_AS = " at 0x…>"


# The packages whose version can change what a program prints or draws.
OUTPUT_PACKAGES = ("torch", "torchvision", "numpy", "pillow", "matplotlib", "tensorboard")


class SnippetError(Exception):
    """A snippet failed, or did not fail the way it says it should."""


def sections(path: Path) -> dict[str, tuple[int, int]]:
    """Section name -> (first line, last line) of its body, 1-based and inclusive."""
    found, open_at = {}, {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = SECTION_MARKER.match(line)
        if not match:
            continue
        kind, name = match.groups()
        if kind == "start":
            open_at[name] = number + 1
        elif name not in open_at:
            raise SnippetError(f"{display(path)}:{number}: section '{name}' ends before it starts")
        else:
            found[name] = (open_at.pop(name), number - 1)
    if open_at:
        raise SnippetError(f"{display(path)}: section(s) never closed: {', '.join(open_at)}")
    return found


def annotation_numbers(path: Path, section: str | None) -> list[int]:
    """The annotation numbers in a program's lines (those of `section` only, when given), in order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if section is not None:
        first, last = sections(path)[section]
        lines = lines[first - 1:last]
    return [int(match.group(1)) for line in lines if (match := ANNOTATION.search(line))]


@dataclass
class Run:
    """What one run of a snippet printed, and how it went."""

    snippet: Path
    chunks: list[tuple[int | None, str]]
    error: dict | None
    seconds: float
    device: str
    torch: str
    files: Path
    dependencies: list[str]
    standin_data: list[str]
    forked: bool = False  # from the fork server: torch was already imported when the timing began
    torchvision: str = ""  # the versions the run had, shown under its output with torch's
    python: str = ""
    handed: dict[str, str] = field(default_factory=dict)  # files another program's run wrote -> their sha256
    cached: bool = False
    _sections: dict[str, tuple[int, int]] = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        return display(self.snippet)

    def output(self, section: str | None = None) -> str:
        """The text printed while the lines of `section` ran (the whole program when None).

        When the program stopped with its expected error inside the section, the error
        follows the way Python reports it, without frames from inside libraries.
        """
        if section is None:
            lines = None
        elif section in self._sections:
            lines = self._sections[section]
        else:
            raise SnippetError(f"{self.name} has no section '{section}'")
        text = "".join(t for n, t in self.chunks if lines is None or (n and lines[0] <= n <= lines[1]))
        err = self.error
        if err and (lines is None or (err["line"] and lines[0] <= err["line"] <= lines[1])):
            text += self.error_report()
        return text

    def error_report(self) -> str:
        err = self.error
        report = ["Traceback (most recent call last):"]
        for line, function, source in err["frames"]:
            report.append(f'  File "{self.name}", line {line}, in {function}')
            if source:
                report.append(f"    {source}")
        if err["library_frames"]:
            report.append(f"  ... ({err['library_frames']} more inside libraries, left out)")
        report.append(err["summary"])
        return "\n".join(report) + "\n"

    def file(self, name: str) -> Path:
        """A file the program wrote in its working folder, e.g. a figure."""
        path = self.files / name
        if not path.resolve().is_relative_to(self.files.resolve()):
            raise SnippetError(f"{self.name}: '{name}' is not a file in the run's folder")
        if not path.is_file():
            written = sorted(str(p.relative_to(self.files)) for p in self.files.rglob("*") if p.is_file())
            raise SnippetError(f"{self.name} wrote no file '{name}' (it wrote: {', '.join(written) or 'none'})")
        return path


def environment(snippet: Path | None = None) -> dict[str, str]:
    """Everything outside the project that can change what a snippet prints."""

    def version(package: str) -> str:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return "absent"

    mode = data_mode()
    return {
        "threads": str(threads_for(snippet)),
        "python": platform.python_version(),
        **{package: version(package) for package in OUTPUT_PACKAGES},
        "accelerator": _accelerator(),
        "data": f"stand-in {standins.version()}" if mode == "standin" else f"real {REAL_DATA}",
        "around the program": hashlib.sha256(shim.source(mode, rehearsal()).encode()).hexdigest()[:16],
    }


def parallel_runs() -> int:
    """How many snippets run at the same time (BOOK_JOBS, default: the number of cores)."""
    return max(1, int(os.environ.get("BOOK_JOBS", os.cpu_count() or 1)))


def threads_per_run() -> int:
    """CPU threads each run may use, so that the runs side by side share the cores
    instead of fighting over them (torch's threads slow down badly when there are more
    of them than cores). Set as OMP_NUM_THREADS unless that is set already."""
    if os.environ.get("OMP_NUM_THREADS", "").isdigit():
        return int(os.environ["OMP_NUM_THREADS"])
    return max(1, (os.cpu_count() or 1) // parallel_runs())


_TIMES_ITSELF = re.compile(r"\btime\.(perf_counter|monotonic|time)\(")


def times_itself(snippet: Path) -> bool:
    """A program that measures its own speed (it calls time.perf_counter, …). It runs
    alone, after the others, with every core: a measurement taken while another
    program competes for the cores measures the competition."""
    return bool(_TIMES_ITSELF.search(snippet.read_text(encoding="utf-8")))


def threads_for(snippet: Path | None) -> int:
    if snippet is not None and times_itself(snippet) and not os.environ.get("OMP_NUM_THREADS", "").isdigit():
        return os.cpu_count() or 1
    return threads_per_run()


def data_mode() -> str:
    """"standin" (the default: offline builds and tests) or "real" (BOOK_DATA=real: download the real data)."""
    mode = os.environ.get("BOOK_DATA", "standin")
    if mode not in ("standin", "real"):
        raise SnippetError(f"BOOK_DATA must be 'standin' or 'real', not {mode!r}")
    return mode


_standins_lock = threading.Lock()


@functools.cache
def rehearsal() -> dict | None:
    """With BOOK_DATA=real and BOOK_DATA_SERVER, the local data server's manifest (the real addresses,
    where the server has each file, their checksums); None otherwise."""
    if data_mode() != "real" or not DATA_SERVER:
        return None
    from book import real_data_rehearsal

    try:
        return real_data_rehearsal.load_manifest(DATA_SERVER)
    except (OSError, ValueError, KeyError) as error:
        raise SnippetError(f"BOOK_DATA_SERVER={DATA_SERVER}: no data server's manifest there ({error})") from None


_fetching = threading.Lock()
_fetched: dict[str, str] = {}  # "failed" -> the message, once the real data's fetch failed in this process


def _fetch_real_data(snippet: Path, env: dict) -> None:
    """Before the first program of a real-data build runs: fetch the real data into REAL_DATA, once per
    build and one build at a time (book/fetch_data.py, with the run's sitecustomize.py). A failed fetch
    fails this program and every later one, naming what could not be fetched."""
    with _fetching:
        if "done" not in _fetched and "failed" not in _fetched:
            REAL_DATA.mkdir(parents=True, exist_ok=True)
            env = {name: value for name, value in env.items() if name != shim.OPENED_LOG}
            env["TORCH_HOME"] = str(REAL_DATA / "torch")
            started = time.perf_counter()
            CACHE_DIR.mkdir(parents=True, exist_ok=True)
            with FileLock(CACHE_DIR / "real-data.lock"):
                try:
                    # -P: the script's folder, book/, is not put first on sys.path (its math.py would hide Python's)
                    proc = subprocess.run([sys.executable, "-P", str(FETCHER), str(REAL_DATA)], cwd=REAL_DATA, env=env,
                                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=TIMEOUT_S)
                except subprocess.TimeoutExpired:
                    proc = subprocess.CompletedProcess([], 1, "", f"fetching took longer than {TIMEOUT_S} s")
            source = f" from the local data server {DATA_SERVER}" if DATA_SERVER else ""
            if proc.returncode:
                _fetched["failed"] = (f"the real data could not be fetched into {display(REAL_DATA)}{source}:\n"
                                      + _tail(proc.stderr, 12))
                _fetched["first"] = display(snippet)
            else:
                _fetched["done"] = ""
                print(f"note: real data in {display(REAL_DATA)}{source} ({time.perf_counter() - started:.1f} s): "
                      + "; ".join(proc.stdout.split("\n")[:-1]), file=sys.stderr)
    if "failed" in _fetched:
        if _fetched["first"] == display(snippet):
            raise SnippetError(f"{display(snippet)} was not run: {_fetched['failed']}")
        raise SnippetError(f"{display(snippet)} was not run: the real data could not be fetched "
                           f"(the message is under {_fetched['first']})")


def _accelerator() -> str:
    """A cheap guess at whether CUDA can be used, without importing torch."""
    if os.environ.get("CUDA_VISIBLE_DEVICES") in ("", "-1"):
        return "cpu"
    gpus = sorted(Path("/proc/driver/nvidia/gpus").glob("*/information"))
    return "cuda:" + ",".join(p.read_text(errors="replace").split("\n")[0] for p in gpus) if gpus else "cpu"


def display(path: Path) -> str:
    path = Path(path).resolve()
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _hand_offs_declared() -> dict[str, list[str]]:
    import tomllib

    with open(REPO / "pyproject.toml", "rb") as file:
        return tomllib.load(file).get("tool", {}).get("book", {}).get("hand-offs", {})


HAND_OFFS = _hand_offs_declared()


def handed_to(snippet: Path) -> dict[str, Path]:
    """Files a program finds in its working folder that another program's run wrote, as in the course's
    one project folder (pyproject.toml, [tool.book.hand-offs]): file name -> the file in that run.
    The other program is run first (or taken from the cache)."""
    found = {}
    for spec in HAND_OFFS.get(snippet.parent.name, []):
        program, _, file = spec.partition(":")
        if _resolve(program) == snippet:
            continue
        found[Path(file).name] = run(program).file(file)
    return found


def _key(snippet: Path) -> str:
    machinery = [code_digest(module) for module in (LAUNCHER, FORKSERVER, __file__, processes.__file__)]
    parts = [display(snippet), _sha(snippet), *machinery, json.dumps(environment(snippet), sort_keys=True)]
    parts += [f"{name} {_sha(path)}" for name, path in sorted(handed_to(snippet).items())]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:20]


def _entry_dir(snippet: Path) -> Path:
    return CACHE / f"{_slug(snippet)}-{_key(snippet)}"


def _in_project_code(path: Path) -> bool:
    """A path inside the repository that is the project's own (see _NOT_DEPENDENCIES)."""
    top = path.relative_to(REPO).parts[0]
    return top not in _NOT_DEPENDENCIES and not top.endswith(".egg-info")


def _is_dependency(path: Path, snippet: Path) -> bool:
    """Project files and files beside the snippet, and with real data the data files; not the venv,
    caches or stand-in data (their version is part of the key)."""
    if not path.is_file():
        return False
    if path == FORKSERVER:  # the process a run was forked from; part of the cache key instead
        return False
    if path.is_relative_to(snippet.parent) or (data_mode() == "real" and path.resolve().is_relative_to(REAL_DATA)):
        return True
    return path.is_relative_to(REPO) and _in_project_code(path)


def _is_listing_dependency(folder: Path, snippet: Path) -> bool:
    """A folder whose list of names can change what a program prints: a project folder, or real data."""
    if not folder.is_dir():
        return False
    if folder.is_relative_to(snippet.parent) or (data_mode() == "real" and folder.resolve().is_relative_to(REAL_DATA)):
        return True
    return folder.is_relative_to(REPO) and folder != REPO and _in_project_code(folder)


def _fingerprint(name: str) -> str | None:
    """What a recorded dependency is compared by: a file's sha256, or for real data (large) its size
    and time of change; a folder's ("name/") list of names. None when it is gone."""
    path = REPO / name.rstrip("/") if not Path(name).is_absolute() else Path(name.rstrip("/"))
    if name.endswith("/"):
        return hashlib.sha256("\n".join(sorted(os.listdir(path))).encode()).hexdigest() if path.is_dir() else None
    if not path.is_file():
        return None
    if data_mode() == "real" and path.resolve().is_relative_to(REAL_DATA):
        status = path.stat()
        return f"size {status.st_size}, changed {status.st_mtime_ns}"
    return _sha(path)


def _load(entry: Path, snippet: Path) -> Run | None:
    """The cached run, or None when there is none or it is out of date. A damaged entry is
    reported, removed, and None returned, so that the program runs again."""
    try:
        data = (entry / "run.json").read_bytes()
        fault = _fault(entry, data)
    except FileNotFoundError:
        if not entry.exists():
            return None
        fault = "run.json: missing"
    except OSError as error:
        fault = f"run.json: cannot be read ({error})"
    if fault:
        caches.damaged(entry, fault, "running the program again")
        shutil.rmtree(entry, ignore_errors=True)
        return None
    saved = json.loads(data)
    for name, digest in saved["dependencies"].items():
        if _fingerprint(name) != digest:
            return None
    return _from_saved(saved, snippet, entry, cached=True)


def _texts(value) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _named_texts(value) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())


def _is_line(value) -> bool:
    return value is None or type(value) is int


def _is_error(value) -> bool:
    if value is None:
        return True
    return (isinstance(value, dict) and _is_line(value.get("line")) and type(value.get("library_frames")) is int
            and isinstance(value.get("summary"), str) and isinstance(value.get("frames"), list)
            and all(isinstance(f, list) and len(f) == 3 and _is_line(f[0]) and isinstance(f[1], str)
                    and (f[2] is None or isinstance(f[2], str)) for f in value["frames"]))


# Every field of run.json and the test its value must pass.
RECORD_FIELDS = {
    "snippet": lambda v: isinstance(v, str),
    "chunks": lambda v: isinstance(v, list) and all(
        isinstance(c, list) and len(c) == 2 and _is_line(c[0]) and isinstance(c[1], str) for c in v),
    "error": _is_error,
    "seconds": lambda v: type(v) in (int, float),
    "forked": lambda v: isinstance(v, bool),
    "device": lambda v: isinstance(v, str),
    "environment": lambda v: _named_texts(v) and "torch" in v,
    "dependencies": _named_texts,
    "standin_data": _texts,
    "handed": _named_texts,
    "files": _named_texts,
    "pictures": _texts,
    "checksum": lambda v: isinstance(v, str),
}
PICTURES = (".png", ".jpg", ".jpeg")


def _checksum(saved: dict) -> str:
    """The sha256 of a record's content, its own checksum left out."""
    content = {name: value for name, value in saved.items() if name != "checksum"}
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _written(folder: Path) -> dict[str, str]:
    """sha256 of every file a run wrote in its working folder, by relative name; not ./dataset, the link
    to the shared data (a junction on Windows, which os.walk would enter), nor other links."""
    found = {}
    for top, folders, files in os.walk(folder):
        if Path(top) == folder:
            folders[:] = [name for name in folders if name != "dataset"]
        for name in files:
            path = Path(top) / name
            if not path.is_symlink():
                found[path.relative_to(folder).as_posix()] = _sha(path)
    return found


def _fault(entry: Path, data: bytes) -> str | None:
    """What is wrong with a cache entry whose run.json holds `data`, or None: the record's fields
    and their types, its checksum, the files it lists and their checksums, pictures read by Pillow."""
    try:
        saved = json.loads(data.decode("utf-8"))
    except ValueError:
        return "run.json: not JSON"
    if not isinstance(saved, dict):
        return "run.json: not an object"
    wrong = [name for name, valid in RECORD_FIELDS.items() if name not in saved or not valid(saved[name])]
    if wrong:
        return f"run.json: {', '.join(wrong)} missing or of the wrong type"
    if saved["checksum"] != _checksum(saved):
        return "run.json: its checksum does not match its content"
    for name, digest in saved["files"].items():
        path = entry / "files" / name
        if not path.is_file():
            return f"files/{name}: missing"
        if _sha(path) != digest:
            return f"files/{name}: its checksum does not match"
    for name in saved["pictures"]:
        problem = _unreadable(entry / "files" / name)
        if problem:
            return f"files/{name}: not a readable picture ({problem})"
    return None


def _unreadable(path: Path) -> str | None:
    """Why Pillow cannot read a picture, or None. verify() checks every PNG chunk's CRC without
    decoding the pixels: decoding all of a build's pictures (one of 10000×9000) took 0.3 s per pass."""
    import warnings

    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # the programs' own pictures
            with Image.open(path) as picture:
                picture.verify()
    except Exception as error:  # Pillow raises many kinds for a broken file
        return str(error) or type(error).__name__
    return None


def _from_saved(saved: dict, snippet: Path, entry: Path, cached: bool) -> Run:
    return Run(
        snippet=snippet,
        chunks=[(n, t) for n, t in saved["chunks"]],
        error=saved["error"],
        seconds=saved["seconds"],
        device=saved["device"],
        torch=saved["environment"]["torch"],
        torchvision=saved["environment"].get("torchvision", ""),
        python=saved["environment"].get("python", ""),
        files=entry / "files",
        dependencies=sorted(saved["dependencies"]),
        standin_data=saved["standin_data"],
        forked=saved.get("forked", False),
        handed=saved.get("handed", {}),
        cached=cached,
        _sections=sections(snippet),
    )


_running: dict[Path, threading.Lock] = {}
_running_lock = threading.Lock()


def run(snippet: Path | str, *, use_cache: bool = True) -> Run:
    """Run one snippet (a path, or a name relative to snippets/) or take its cached result.
    The same program never runs twice at once in this process: a second caller waits and
    then finds the first one's result in the cache."""
    snippet = _resolve(snippet)
    with _running_lock:
        lock = _running.setdefault(snippet, threading.Lock())
    # and never in two processes at once (two builds, a build and the tests): the second waits
    CACHE.mkdir(parents=True, exist_ok=True)
    with lock, FileLock(CACHE / f"{_slug(snippet)}.lock"):
        return _run(snippet, use_cache)


def _slug(snippet: Path) -> str:
    return re.sub(r"[^\w.-]", "_", display(snippet))


def _run(snippet: Path, use_cache: bool) -> Run:
    sections(snippet)  # malformed markers fail before anything runs
    handed = handed_to(snippet)
    entry = _entry_dir(snippet)
    if use_cache:
        cached = _load(entry, snippet)
        if cached is not None:
            return cached

    CACHE.mkdir(parents=True, exist_ok=True)
    _remove_left_behind()
    scratch = Path(tempfile.mkdtemp(prefix=processes.scratch_prefix("run"), dir=CACHE))
    try:
        return _run_in(scratch, snippet, handed, entry)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise


_cleaned = False


def _remove_left_behind() -> None:
    """Scratch folders of runs whose build was killed (once per process)."""
    global _cleaned
    if not _cleaned:
        _cleaned = True
        for folder in processes.remove_left_behind(CACHE, "run") + processes.remove_left_behind(
                Path(tempfile.gettempdir()), "book-run"):
            print(f"note: removed {display(folder)}, left by a build that was stopped", file=sys.stderr)


def _run_in(scratch: Path, snippet: Path, handed: dict[str, Path], entry: Path) -> Run:
    short_tmp = Path(tempfile.mkdtemp(prefix=processes.scratch_prefix("book-run")))
    try:
        return _run_with(scratch, short_tmp, snippet, handed, entry)
    finally:
        shutil.rmtree(short_tmp, ignore_errors=True)


def _run_with(scratch: Path, short_tmp: Path, snippet: Path, handed: dict[str, Path], entry: Path) -> Run:
    workdir, record_path, around_run = scratch / "files", scratch / "record.json", scratch / "around"
    workdir.mkdir()
    for name, source in handed.items():
        shutil.copyfile(source, workdir / name)
    # COLUMNS: programs that wrap to the terminal (argparse's --help) print the same everywhere.
    # PYTHONPATH: the generated sitecustomize.py (book/shim.py) and nothing else of the repository.
    around = shim.ensure(data_mode(), rehearsal())
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", PYTHONHASHSEED="0", PYTHONIOENCODING="utf-8", MPLBACKEND="Agg",
               COLUMNS="80", LINES="24", OMP_NUM_THREADS=str(threads_for(snippet)), PYTHONPATH=str(around),
               # gloo (torch.distributed) talks over loopback, not over the machine's first interface
               GLOO_SOCKET_IFNAME="lo" if sys.platform.startswith("linux") else os.environ.get("GLOO_SOCKET_IFNAME", ""),
               **{shim.OPENED_LOG: str(scratch / "opened.txt"), shim.PROTECTED: str(REPO),
                  shim.WRITABLE: os.pathsep.join([str(scratch)] + ([str(REAL_DATA)] if data_mode() == "real" else []))})
    # what the program or a library writes outside its working folder stays in the scratch folder too;
    # torch's downloads go to ~/.cache/torch as on a reader's machine (a program may print that path)
    for variable, folder in (("HOME", "home"), ("MPLCONFIGDIR", "matplotlib"), ("TORCHINDUCTOR_CACHE_DIR", "inductor")):
        (around_run / folder).mkdir(parents=True)
        env[variable] = str(around_run / folder)
    # TMPDIR: a short path of the run's own in the system's temporary folder, removed with the run; under
    # the scratch folder the names of Unix sockets (DataLoader workers share tensors through them) grow too long
    env["TMPDIR"] = str(short_tmp)
    for variable in ("TORCH_HOME", "XDG_CACHE_HOME"):
        env.pop(variable, None)
    if data_mode() == "real":  # downloaded weights are kept with the real data, not fetched again each run
        (around_run / "home" / ".cache").mkdir()
        (REAL_DATA / "torch").mkdir(parents=True, exist_ok=True)
        _link_folder(around_run / "home" / ".cache" / "torch", REAL_DATA / "torch")
    if sys.platform == "win32":
        env["USERPROFILE"], env["TEMP"], env["TMP"] = env["HOME"], env["TMPDIR"], env["TMPDIR"]
    # The program finds its data in ./dataset, as a reader's program does.
    if data_mode() == "standin":
        with _standins_lock:
            _link_folder(workdir / "dataset", standins.ensure())
        env[shim.READS_LOG] = str(scratch / "standin-reads.txt")
    else:
        _fetch_real_data(snippet, env)
        _link_folder(workdir / "dataset", REAL_DATA)
    forked = _use_forkserver()
    started = time.perf_counter()
    try:
        if forked:
            server = _forkserver(forkserver.for_program(snippet), around)
            proc = server.run([record_path, snippet], cwd=workdir, env=env, timeout=TIMEOUT_S)
        else:
            proc = _run_started_afresh([sys.executable, str(LAUNCHER), str(record_path), str(snippet)], workdir, env)
    except subprocess.TimeoutExpired:
        raise SnippetError(f"{display(snippet)} did not finish within {TIMEOUT_S} s "
                           "(BOOK_SNIPPET_TIMEOUT sets the limit in seconds)") from None
    seconds = time.perf_counter() - started

    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        record = None
    _check_outcome(snippet, proc, record)

    opened = {Path(p) for p in record["opened"]} | {snippet} | _opened_by_children(scratch / "opened.txt")
    listed = {Path(p).resolve() for p in record.get("listed", [])}
    saved = {
        "snippet": display(snippet),
        "chunks": [[line, _ADDRESS.sub(ADDRESS_SHOWN_AS, text)] for line, text in record["chunks"]],
        "error": record["error"],
        "seconds": round(seconds, 2),
        "forked": forked,
        "device": record["device"],
        "environment": environment(snippet),
        "dependencies": {**{display(p): _fingerprint(display(p)) for p in sorted(opened) if _is_dependency(p, snippet)},
                         **{display(p) + "/": _fingerprint(display(p) + "/")
                            for p in sorted(listed) if _is_listing_dependency(p, snippet)}},
        "standin_data": sorted(set(standins.datasets_in(opened)) | _standin_reads(scratch / "standin-reads.txt")),
        "handed": {name: _sha(source) for name, source in sorted(handed.items())},
        "files": _written(workdir),
    }
    # the pictures that Pillow could read when written: a program may write a broken one on purpose
    saved["pictures"] = [name for name in saved["files"]
                         if name.lower().endswith(PICTURES) and not _unreadable(workdir / name)]
    saved["checksum"] = _checksum(saved)
    (scratch / "run.json").write_text(json.dumps(saved, ensure_ascii=False, indent=1), encoding="utf-8")
    record_path.unlink()
    shutil.rmtree(around_run)
    # the entry keeps what the program wrote, not the link to the shared data (copying the cache with
    # the link followed would copy the whole data set into every entry)
    _unlink_folder(workdir / "dataset")
    for old in CACHE.glob(entry.name.rsplit("-", 1)[0] + "-*"):
        shutil.rmtree(old, ignore_errors=True)
    try:
        scratch.rename(entry)
    except OSError:  # another process stored the same result a moment ago
        shutil.rmtree(scratch, ignore_errors=True)
    return _from_saved(saved, snippet, entry, cached=False)


def _opened_by_children(log: Path) -> set[Path]:
    """The files that Python processes the program started (torchrun's workers, `python -c`, …) opened,
    as the generated sitecustomize.py noted them."""
    try:
        opened = {Path(line) for line in log.read_text(encoding="utf-8").splitlines() if line}
    except FileNotFoundError:
        return set()
    log.unlink()
    return opened


_started_afresh: set[subprocess.Popen] = set()


def _run_started_afresh(command: list[str], workdir: Path, env: dict) -> subprocess.CompletedProcess:
    """`python book/launch.py …` as a new process leading a process group of its own, which is ended
    when the program ends (what it left running), times out, or the build is stopped."""
    # files, not pipes: a pipe stays open while anything the program left running holds it
    out_file, err_file = workdir.parent / "stdout.txt", workdir.parent / "stderr.txt"
    with open(out_file, "wb") as out, open(err_file, "wb") as err:
        proc = subprocess.Popen(command, cwd=workdir, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                start_new_session=True, preexec_fn=_in_bounds if sys.platform.startswith("linux") else None)
    _started_afresh.add(proc)
    try:
        proc.wait(timeout=TIMEOUT_S)
    finally:
        processes.end_group(proc.pid)
        proc.wait()
        _started_afresh.discard(proc)
    read = lambda file: file.read_text(encoding="utf-8", errors="replace")
    result = subprocess.CompletedProcess(command, proc.returncode, read(out_file), read(err_file))
    out_file.unlink()
    err_file.unlink()
    return result


def _in_bounds() -> None:
    """In the new process, before the program: it dies with the build, and reaches no network."""
    processes.die_with_parent()
    if data_mode() == "standin":
        processes.private_network()


def stop_runs() -> None:
    """End every run under way in this process (Ctrl-C, SIGTERM): each caller then sees its run killed."""
    for client in list(_forkservers.values()):
        client.stop_runs()
    for proc in list(_started_afresh):
        processes.end_group(proc.pid)


def shutdown() -> None:
    """End the runs under way and stop the fork servers (before the process restarts)."""
    stop_runs()
    for client in list(_forkservers.values()):
        client.close()
    _forkservers.clear()


def remove_runs_of_deleted_programs(snippets: Path) -> list[Path]:
    """Remove the cached runs of programs under `snippets` that are no longer there; returns them.
    (An edited program keeps one entry: storing its new run removes the older ones.)"""
    programs, folder = {_slug(path) for path in snippets.rglob("*.py")}, _slug(snippets) + "_"
    gone = [entry for entry in CACHE.glob(f"*-{'?' * 20}")
            if entry.name[:-21].startswith(folder) and entry.name[:-21] not in programs]
    gone += [lock for lock in CACHE.glob("*.lock") if lock.stem.startswith(folder) and lock.stem not in programs]
    for entry in gone:
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
    return gone


_forkservers: dict[tuple[str, Path], forkserver.Client] = {}
_forkservers_lock = threading.Lock()


def _forkserver(preload: str, around: Path) -> forkserver.Client:
    """The server for programs that need `preload`, started with `around` on its PYTHONPATH (and with
    stand-in data, in a network of its own)."""
    with _forkservers_lock:
        if (preload, around) not in _forkservers:
            _forkservers[(preload, around)] = client = forkserver.Client(preload, around, data_mode() == "standin")
            atexit.register(client.close)
        return _forkservers[(preload, around)]


def _link_folder(link: Path, target: Path) -> None:
    """`link` leads to the folder `target`: a symbolic link, or on Windows, where making one needs
    extra rights, a directory junction."""
    try:
        link.symlink_to(target, target_is_directory=True)
    except OSError:
        if sys.platform != "win32":
            raise
        import _winapi

        _winapi.CreateJunction(str(target), str(link))


def _unlink_folder(link: Path) -> None:
    """Remove what _link_folder made, never the folder it leads to."""
    if link.is_symlink():
        link.unlink()
    elif sys.platform == "win32" and link.exists():
        os.rmdir(link)  # a junction: rmdir removes it and leaves the folder it leads to


def _use_forkserver() -> bool:
    """Fork each run from a process that has torch imported (the default where processes can fork),
    or start `python book/launch.py` afresh each time (BOOK_FORKSERVER=0, and on Windows)."""
    value = os.environ.get("BOOK_FORKSERVER", "1" if hasattr(os, "fork") else "0")
    if value not in ("0", "1"):
        raise SnippetError(f"BOOK_FORKSERVER must be 0 or 1, not {value!r}")
    return value == "1"


def _standin_reads(log: Path) -> set[str]:
    """The stand-in data sets that the run's processes noted (torchrun's workers too); the log is removed."""
    try:
        folders = set(log.read_text(encoding="utf-8").split())
    except FileNotFoundError:
        return set()
    log.unlink()
    return standins.named(folders)


def _check_outcome(snippet: Path, proc: subprocess.CompletedProcess, record: dict | None) -> None:
    expected = EXPECTED_ERROR.search(snippet.read_text(encoding="utf-8"))
    error = record and record["error"]
    name = display(snippet)
    if expected is None:
        if proc.returncode == 0 and record is not None:
            return
        raise SnippetError(f"{name} failed (exit code {proc.returncode}):\n{_tail(proc.stderr)}")
    wanted = expected.group(1)
    if not error:
        raise SnippetError(
            f"{name} says it stops with {wanted}, but it "
            + ("finished without an error" if proc.returncode == 0 else f"exited with code {proc.returncode}:\n{_tail(proc.stderr)}")
        )
    raised = error["summary"].splitlines()[-1].split(":")[0]
    if raised != wanted and not raised.endswith("." + wanted):
        raise SnippetError(f"{name} says it stops with {wanted}, but it raised {raised}:\n{_tail(proc.stderr)}")


def _tail(text: str, lines: int = 40) -> str:
    kept = text.rstrip().splitlines()[-lines:]
    return "\n".join("    " + line for line in kept) or "    (nothing on stderr)"


def _resolve(snippet: Path | str) -> Path:
    path = Path(snippet)
    if not path.is_absolute():
        path = SNIPPETS / path if (SNIPPETS / path).is_file() else REPO / path
    if not path.is_file():
        raise SnippetError(f"no snippet {snippet} (looked in {display(SNIPPETS)}/)")
    return path.resolve()


def run_many(snippets, *, jobs: int | None = None, use_cache: bool = True,
             when_done=None) -> tuple[dict[Path, Run], dict[Path, str]]:
    """Run several snippets side by side; returns (results, failures) keyed by path. Programs whose
    files are handed to others start first, those that are handed files after them, programs that
    time themselves alone at the end. `when_done(path, run)` is called as each run is ready."""
    paths = sorted({_resolve(s) for s in snippets})
    jobs = jobs or parallel_runs()
    results, failures = {}, {}
    producers = {_resolve(spec.partition(":")[0]) for specs in HAND_OFFS.values() for spec in specs}

    def one(path):
        try:
            results[path] = run(path, use_cache=use_cache)
        except SnippetError as error:
            failures[path] = str(error)
            return
        if when_done is not None:
            when_done(path, results[path])

    alone = [path for path in paths if times_itself(path)]
    later = [path for path in paths if path not in alone and HAND_OFFS.get(path.parent.name)]
    first = sorted((path for path in paths if path not in alone and path not in later), key=lambda p: p not in producers)
    pool = ThreadPoolExecutor(max_workers=max(1, jobs))
    try:
        list(pool.map(one, first))
        list(pool.map(one, later))  # after the runs whose files they are handed
        for path in alone:
            one(path)
    except BaseException:  # Ctrl-C or SIGTERM: end the runs now rather than wait for them
        pool.shutdown(wait=False, cancel_futures=True)
        stop_runs()
        raise
    finally:
        pool.shutdown(wait=True)
    return results, failures


def main(argv: list[str]) -> int:
    """`python -m book.runner SNIPPET...`: run snippets through the cache and show their output."""
    if not argv:
        print("usage: python -m book.runner SNIPPET [SNIPPET...]", file=sys.stderr)
        return 2
    results, failures = run_many(argv)
    for path, result in sorted(results.items()):
        state = "cached" if result.cached else f"ran in {result.seconds:.2f} s"
        print(f"== {result.name} ({state}, {result.device}, torch {result.torch})")
        print(result.output(), end="")
    for path, message in sorted(failures.items()):
        print(message, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
