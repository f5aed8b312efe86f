"""What happens when things go wrong: each case gives a clear message and leaves nothing behind."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from conftest import REPO, reader_environment, small_book

pytestmark = pytest.mark.slow  # `make check`: each case starts builds or servers of its own


def test_make_serve_on_an_occupied_port_says_so():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(["make", "--no-print-directory", "serve", f"PORT={port}"], cwd=REPO,
                                capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert f"Port {port} on 127.0.0.1 is already in use" in result.stdout + result.stderr
    assert "make serve PORT=" in result.stdout + result.stderr


def test_a_corrupt_dataset_archive_is_fetched_again_not_unpacked(tmp_path, reader_python):
    # a reader's ./dataset holding a damaged download: torchvision checks its md5 and fetches it again
    (tmp_path / "dataset").mkdir()
    (tmp_path / "dataset" / "cifar-10-python.tar.gz").write_bytes(b"not really a tar.gz" * 1000)
    shutil.copy(REPO / "snippets/about_data/cifar10_samples.py", tmp_path)
    result = subprocess.run([str(reader_python), "cifar10_samples.py"], cwd=tmp_path, env=reader_environment(),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert "refused to reach www.cs.toronto.edu:443" in result.stderr, result.stderr[-2000:]
    assert "ReadError" not in result.stderr and "not a gzip file" not in result.stderr


def started_by(cache_dir, program):
    """Processes of `program` whose environment carries this build's BOOK_CACHE_DIR."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            environ = (proc / "environ").read_bytes().split(b"\0")
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if f"BOOK_CACHE_DIR={cache_dir}".encode() in environ and program in cmdline:
            found.append(cmdline[:120])
    return found


@pytest.mark.skipif(not (os.environ.get("CI") or __import__("shutil").which("chromium")), reason="needs chromium")
def test_ctrl_c_during_a_build_leaves_no_tensorboard_browser_or_fork_server_running(tmp_path):
    project = tmp_path / "project"
    page = "# Page\n\n![shot](run:scalars.py/tensorboard/scalars?tag=interrupted)\n"
    small_book(project, {"zh/index.md": page, "en/index.md": page}, {"scalars.py": textwrap.dedent("""
        from torch.utils.tensorboard import SummaryWriter
        writer = SummaryWriter("logs")
        for i in range(10):
            writer.add_scalar("interrupted", i, i)
        writer.close()
    """)})
    env = dict(os.environ, BOOK_CACHE_DIR=str(tmp_path / "cache"), NO_MKDOCS_2_WARNING="1")
    build = subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "--site-dir", str(tmp_path / "site")],
                             cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             start_new_session=True)
    cache = tmp_path / "cache"
    deadline = time.monotonic() + 240
    while not (started_by(cache, "chromium") and started_by(cache, "tensorboard")) and time.monotonic() < deadline \
            and build.poll() is None:
        time.sleep(0.1)
    assert started_by(cache, "tensorboard") and started_by(cache, "chromium"), \
        "the build never got to the screenshot:\n" + build.stdout.read().decode()
    time.sleep(0.5)
    os.killpg(build.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    build.wait(timeout=60)
    deadline = time.monotonic() + 10  # the snippet fork server notices its parent is gone within a second
    while started_by(cache, "book.forkserver") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert build.returncode != 0
    assert started_by(cache, "book.forkserver") == [], "a snippet fork server was left running"
    assert started_by(cache, "tensorboard") == [], "a tensorboard server was left running"
    assert started_by(cache, "chromium") == [], "a headless browser was left running"
