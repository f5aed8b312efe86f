"""Start snippet processes from a parent that has already imported torch.

Importing torch and torchvision takes a few seconds, and almost every snippet does it,
so most of a cold build would be spent importing the same libraries again and again.
This server imports them once; every snippet run is then a process forked from it. Each
run is still a process of its own: its own working folder, environment, stdout/stderr,
audit hooks and exit code, set up in the child before `book/launch.py` runs the snippet
exactly as `python book/launch.py RECORD SNIPPET` would.

What a forked child inherits and a fresh `python` would not have: the modules imported
here, already in `sys.modules`, and the interpreter settings fixed at start-up, which
the server is started with (PYTHONHASHSEED=0, no bytecode writing, MPLBACKEND=Agg).
Nothing here touches CUDA or draws random numbers, and each child draws fresh seeds
for torch and numpy as a new process would. Importing a module can change
what a program sees, though: importing torchvision adds `torch._dynamo`, `torch.onnx`, …
to `dir(torch)`. So there are two servers: one that imported only torch (which every
snippet imports first), and one that also imported torchvision, numpy, PIL and
matplotlib, for programs that use torchvision or a module of their own folder
(`for_program` picks); the state a child starts in is then one the program would
reach itself.

Protocol (a Unix socket; one connection per run): the client sends one JSON line
{"argv", "cwd", "env", "stdout", "stderr"}; the server forks a handler, which forks the
run, answers {"pid": …} at once and {"status": exit code} when the run has ended
(a negative code: killed by that signal). The server ends when its parent does.

Nothing outlives a run: each run leads a process group of its own, which its handler kills when
the run's main process has ended (background children included) or when the handler itself is
ended; handlers are ended by the kernel when the server ends (book/processes.py). With
BOOK_PRIVATE_NETWORK=1 the server moves into a network of its own, with only loopback, before it
imports anything, and every run forked from it shares that network.

`python -m book.forkserver SOCKET PARENT_PID torch|torchvision` starts one; `Client` is the runner's side.
"""

from __future__ import annotations

import json
import re
import os
import signal
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from book import processes

PRELOADS = {"torch": ("torch",), "torchvision": ("torch", "torchvision", "numpy", "PIL.Image", "matplotlib")}
_IMPORTS = re.compile(r"^\s*(?:import|from)\s+(\w+)", re.MULTILINE)
STARTUP_ENV = {"PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg"}
LAUNCHER = Path(__file__).with_name("launch.py")


def for_program(program: Path) -> str:
    """Which server a program starts from: "torchvision" when it imports torchvision or a
    module of its own folder (which may import it), else "torch"."""
    imported = set(_IMPORTS.findall(program.read_text(encoding="utf-8")))
    ours = {path.stem for path in program.parent.glob("*.py")}
    return "torchvision" if "torchvision" in imported or imported & ours else "torch"


def _serve(path: str, parent: int, preload: str) -> None:
    if os.environ.get("BOOK_PRIVATE_NETWORK") == "1" and not processes.private_network():
        print("note: no private network for the runs (not allowed here); the offline guard in Python still holds",
              file=sys.stderr)
    for name in PRELOADS[preload]:
        __import__(name)
    from book import launch

    clean_path = [str(LAUNCHER.parent)] + sys.path[1:]
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    listener.settimeout(1.0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the runs and the client, which stops us
    print("ready", flush=True)
    while os.getppid() == parent:
        try:
            conn, _ = listener.accept()
        except TimeoutError:
            _reap()
            continue
        if os.fork() == 0:
            listener.close()
            os._exit(_handle(conn, launch, clean_path))
        conn.close()
        _reap()


def _reap() -> None:
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass


def _handle(conn: socket.socket, launch, clean_path: list[str]) -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the build, which ends the runs
    conn.settimeout(None)
    request = json.loads(conn.makefile("r", encoding="utf-8").readline())
    processes.die_with_parent(signal.SIGTERM)  # the server is gone: end the run, then this handler
    pid = os.fork()
    if pid == 0:
        os.setpgid(0, 0)
        processes.die_with_parent(signal.SIGKILL)
        conn.close()
        os._exit(_child(request, launch, clean_path))
    try:
        os.setpgid(pid, pid)  # also here: whichever of the two comes first
    except OSError:
        pass

    def end_run(*_):
        processes.end_group(pid)
        os._exit(1)

    signal.signal(signal.SIGTERM, end_run)
    if os.getppid() == 1:  # the server ended before the signal was asked for
        end_run()
    conn.sendall((json.dumps({"pid": pid}) + "\n").encode())
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    processes.end_group(pid)  # what the run started and left running
    conn.sendall((json.dumps({"status": code}) + "\n").encode())
    conn.close()
    return 0


def _child(request: dict, launch, clean_path: list[str]) -> int:
    """Become `python book/launch.py ARGS` in a new process; return its exit code."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    for fd, name in ((1, "stdout"), (2, "stderr")):
        target = os.open(request[name], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(target, fd)
        os.close(target)
    encoding = os.environ.get("PYTHONIOENCODING", "utf-8")
    sys.stdin = open(0, "r", closefd=False)
    sys.stdout = open(1, "w", encoding=encoding, closefd=False)
    sys.stderr = open(2, "w", encoding=encoding, errors="backslashreplace", closefd=False, buffering=1)
    sys.argv = [str(LAUNCHER), *request["argv"]]
    sys.path[:] = clean_path
    _fresh_random_state()
    _threads_from_environment()
    try:
        code = launch.main()
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else _say(stop.code))
    except BaseException as error:  # what the interpreter does with an uncaught exception
        sys.excepthook(type(error), error, error.__traceback__)
        code = 130 if isinstance(error, KeyboardInterrupt) else 1
    try:
        threading._shutdown()  # wait for non-daemon threads, as interpreter exit does
        import atexit

        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:
        pass
    return code


def _fresh_random_state() -> None:
    """A new process starts torch's and numpy's global generators from fresh entropy;
    a forked one would share the server's state, so draw new seeds the same way.
    (Python's `random` reseeds itself after a fork.)"""
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.seed()
    numpy_random = sys.modules.get("numpy.random")
    if numpy_random is not None:
        numpy_random.seed()


def _threads_from_environment() -> None:
    """torch read OMP_NUM_THREADS when the server imported it; a new process would read
    the run's own value."""
    torch, wanted = sys.modules.get("torch"), os.environ.get("OMP_NUM_THREADS", "")
    if torch is not None and wanted.isdigit() and int(wanted) > 0:
        torch.set_num_threads(int(wanted))


def _say(message) -> int:
    print(message, file=sys.stderr)
    return 1


class Client:
    """The runner's handle on one server, started on first use and stopped with the runner."""

    def __init__(self, preload: str, pythonpath: Path, private_network: bool = False):
        self._preload, self._pythonpath, self._private_network = preload, pythonpath, private_network
        self._folder: Path | None = None
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None
        self._socket = ""
        self._running: set[int] = set()  # process groups of the runs under way

    def _ensure(self) -> str:
        with self._lock:
            if self._proc is None or self._proc.poll() is not None:
                if self._folder is not None:
                    shutil.rmtree(self._folder, ignore_errors=True)
                # a short path: Unix socket names are limited to about 100 bytes
                processes.remove_left_behind(Path(tempfile.gettempdir()), "book-fork")
                self._folder = Path(tempfile.mkdtemp(prefix=processes.scratch_prefix("book-fork")))
                self._socket = str(self._folder / "socket")
                log = self._folder / "server.log"
                # PYTHONPATH: the runs' sitecustomize.py (book/shim.py) takes effect in the server, and so in
                # every run forked from it, as it does in a program started afresh
                env = dict(os.environ, **STARTUP_ENV, PYTHONPATH=str(self._pythonpath),
                           BOOK_PRIVATE_NETWORK="1" if self._private_network else "0")
                with open(log, "w") as errors:
                    self._proc = subprocess.Popen(
                        [sys.executable, "-m", "book.forkserver", self._socket, str(os.getpid()), self._preload],
                        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors, text=True,
                    )
                if self._proc.stdout.readline().strip() != "ready":
                    self._proc.kill()
                    self._proc.wait()
                    self._proc = None
                    raise RuntimeError("the snippet fork server did not start:\n" + log.read_text(errors="replace")[-2000:])
            return self._socket

    def run(self, argv: list[str], cwd: Path, env: dict, timeout: float) -> subprocess.CompletedProcess:
        """Like subprocess.run([python, launch.py, *argv], cwd, env, capture_output=True, text=True, timeout)."""
        out, err = Path(cwd).parent / "stdout.txt", Path(cwd).parent / "stderr.txt"
        request = {"argv": [str(a) for a in argv], "cwd": str(cwd), "env": env, "stdout": str(out), "stderr": str(err)}
        deadline = time.monotonic() + timeout
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.connect(self._ensure())
            conn.sendall((json.dumps(request) + "\n").encode())
            replies = _Lines(conn)
            pid = status = None
            try:
                pid = json.loads(replies.next(deadline))["pid"]
                self._running.add(pid)
                line = replies.next(deadline)
                status = json.loads(line)["status"] if line else -9
            except BaseException as stop:  # too long, or interrupted: the run must not outlive this call
                if pid:
                    processes.end_group(pid)
                    try:
                        replies.next(time.monotonic() + 10)  # the handler answers once the run has ended
                    except OSError:
                        pass
                if isinstance(stop, TimeoutError):
                    raise subprocess.TimeoutExpired(argv, timeout) from None
                raise
            finally:
                self._running.discard(pid)
        read = lambda p: p.read_text(encoding="utf-8", errors="replace") if p.exists() else ""
        result = subprocess.CompletedProcess(argv, status, read(out), read(err))
        out.unlink(missing_ok=True)
        err.unlink(missing_ok=True)
        return result

    def stop_runs(self) -> None:
        """End every run under way (their callers then see them killed)."""
        for pid in list(self._running):
            processes.end_group(pid)

    def close(self) -> None:
        self.stop_runs()
        with self._lock:
            if self._proc is not None and self._proc.poll() is None:
                self._proc.terminate()
                try:
                    self._proc.wait(5)
                except subprocess.TimeoutExpired:
                    self._proc.kill()
            self._proc = None
            if self._folder is not None:
                shutil.rmtree(self._folder, ignore_errors=True)
                self._folder = None


class _Lines:
    """Lines read from a socket, each with a deadline."""

    def __init__(self, conn: socket.socket):
        self._conn, self._buffer = conn, b""

    def next(self, deadline: float) -> str:
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            self._conn.settimeout(left)
            data = self._conn.recv(65536)
            if not data:
                return ""
            self._buffer += data
        line, self._buffer = self._buffer.split(b"\n", 1)
        return line.decode()


if __name__ == "__main__":
    _serve(sys.argv[1], int(sys.argv[2]), sys.argv[3])
