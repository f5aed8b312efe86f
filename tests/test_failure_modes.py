"""What happens when things go wrong: each case gives a clear message and leaves nothing behind."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
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


def like_a_terminal() -> None:
    """Ctrl-C's default, as in a terminal's foreground: a shell starts background jobs (`make check &`)
    with SIGINT ignored, and a program inherits that, so a test that sends SIGINT restores it first."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


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


def pids_started_by(cache_dir) -> list[int]:
    return [int(proc.name) for proc in Path("/proc").iterdir()
            if proc.name.isdigit() and f"BOOK_CACHE_DIR={cache_dir}" in _environment(proc)]


@pytest.mark.skipif(not (os.environ.get("CI") or __import__("shutil").which("chromium")), reason="needs chromium")
@pytest.mark.parametrize("stop", ["ctrl-c", "sigkill"])
def test_a_build_stopped_during_a_screenshot_leaves_no_tensorboard_browser_or_fork_server_running(tmp_path, stop):
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
                             start_new_session=True, preexec_fn=like_a_terminal)
    cache = tmp_path / "cache"
    deadline = time.monotonic() + 240
    while not (started_by(cache, "chromium") and started_by(cache, "tensorboard")) and time.monotonic() < deadline \
            and build.poll() is None:
        time.sleep(0.1)
    assert started_by(cache, "tensorboard") and started_by(cache, "chromium"), \
        "the build never got to the screenshot:\n" + build.stdout.read().decode()
    time.sleep(0.5)
    import ipaddress

    listening = {address for pid in pids_started_by(cache) for address, private in listening_sockets(pid) if not private}
    assert listening, "tensorboard was not seen listening: the check shows nothing"
    assert all(ipaddress.ip_address(address.rsplit(":", 1)[0]).is_loopback for address in listening), listening
    if stop == "ctrl-c":
        os.killpg(build.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    else:
        os.kill(build.pid, signal.SIGKILL)
    build.wait(timeout=60)
    deadline = time.monotonic() + 10  # the snippet fork server notices its parent is gone within a second
    while started_by(cache, "") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert build.returncode != 0
    assert started_by(cache, "book.forkserver") == [], "a snippet fork server was left running"
    assert started_by(cache, "tensorboard") == [], "a tensorboard server was left running"
    assert started_by(cache, "chromium") == [], "a headless browser was left running"
    assert started_by(cache, "") == [], "a process of the build was left running"


def sleeping_book(project: Path, started: Path) -> None:
    """A book whose one program, the first time it runs, says so (the file `started`), starts a child
    process and sleeps; later runs finish at once."""
    page = '# Page\n\n```python\n--8<-- "slow/sleeps.py"\n```\n'
    small_book(project, {"zh/index.md": page, "en/index.md": page}, {"slow/sleeps.py": textwrap.dedent(f"""
        import os, subprocess, sys, time
        if not os.path.exists({str(started)!r}):
            subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
            open({str(started)!r}, "w").write("running")
            time.sleep(300)
        print("done")
    """)})


def left_behind(cache: Path, build_pid: int) -> list[str]:
    return ([str(p) for p in (cache / "runs").glob("run-*")]
            + [str(p) for p in Path(tempfile.gettempdir()).glob(f"book-fork-{build_pid}-*")])


@pytest.mark.parametrize("signals", [["SIGINT"], ["SIGINT", "SIGINT"], ["SIGTERM"], ["SIGKILL"]],
                         ids=["ctrl-c", "ctrl-c twice", "sigterm", "sigkill"])
def test_a_stopped_build_leaves_no_process_and_no_scratch_folder(tmp_path, signals):
    project, cache, started = tmp_path / "project", tmp_path / "cache", tmp_path / "started"
    sleeping_book(project, started)
    env = dict(os.environ, BOOK_CACHE_DIR=str(cache), NO_MKDOCS_2_WARNING="1")
    command = [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(tmp_path / "site")]
    build = subprocess.Popen(command, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             start_new_session=True, preexec_fn=like_a_terminal)
    deadline = time.monotonic() + 240
    while not started.exists() and build.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert started.exists(), "the program never started:\n" + build.stdout.read().decode()
    for name in signals:
        if name == "SIGINT":
            os.killpg(build.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole foreground group
        else:
            os.kill(build.pid, getattr(signal, name))
        time.sleep(0.5)
    stopping = time.monotonic()
    build.wait(timeout=60)
    assert time.monotonic() - stopping < 30, "the build took more than 30 s to stop"
    deadline = time.monotonic() + 15  # a fork server notices within a second that its build is gone
    while started_by(cache, "") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert started_by(cache, "") == [], "processes of the build were left running"
    if name != "SIGKILL":
        assert left_behind(cache, build.pid) == []
    again = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stdout + again.stderr
    assert left_behind(cache, build.pid) == [], "the next build did not remove what the killed one left"


def test_two_builds_started_together_take_turns_and_publish_a_whole_site(tmp_path):
    project, ran = tmp_path / "project", tmp_path / "ran.txt"
    page = '# Page\n\n```python\n--8<-- "slow/counts.py"\n```\n'
    small_book(project, {"zh/index.md": page, "en/index.md": page}, {"slow/counts.py": textwrap.dedent(f"""
        import os, time
        with open({str(ran)!r}, "a") as log:
            log.write(str(os.getpid()) + "\\n")
        time.sleep(3)
        print("counted")
    """)})
    env = dict(os.environ, BOOK_CACHE_DIR=str(tmp_path / "cache"), NO_MKDOCS_2_WARNING="1")
    builds = [subprocess.Popen([sys.executable, "-m", "book.build_site"], cwd=project, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for _ in range(2)]
    overlapped = False
    while any(build.poll() is None for build in builds):
        overlapped = overlapped or all(build.poll() is None for build in builds)
        time.sleep(0.05)
    outputs = [build.stdout.read().decode() for build in builds]
    assert [build.returncode for build in builds] == [0, 0], "\n".join(outputs)
    assert overlapped, "the two builds did not run at the same time, so the test shows nothing"
    assert any("Another build of this checkout is running" in output for output in outputs)
    site = project / "site"
    for page_file in ("index.html", "en/index.html", "search/search_index.json", "en/search/search_index.json"):
        assert (site / page_file).is_file(), f"site/{page_file} is missing"
        assert (site / page_file).stat().st_size > 0
    assert list((site / "assets" / "stylesheets").glob("main.*.min.css"))
    assert "counted" in (site / "index.html").read_text(encoding="utf-8")
    assert not list(project.glob(".site-partial-*")), "a build's own folder was left"
    assert len(ran.read_text().split()) == 1, "the program ran more than once"


def listening_sockets(pid: int) -> list[tuple[str, bool]]:
    """(address:port, whether the process's network holds only loopback) of each TCP socket the
    process `pid` listens on."""
    try:
        inodes = {os.readlink(f"/proc/{pid}/fd/{fd}")[8:-1] for fd in os.listdir(f"/proc/{pid}/fd")
                  if os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:[")}
        interfaces = [line.split(":")[0].strip() for line in Path(f"/proc/{pid}/net/dev").read_text().splitlines()[2:]]
        tables = [Path(f"/proc/{pid}/net/{name}").read_text().splitlines()[1:] for name in ("tcp", "tcp6")]
    except OSError:
        return []
    found = []
    for table in tables:
        for row in table:
            fields = row.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                address, port = fields[1].split(":")
                found.append((f"{_ip(address)}:{int(port, 16)}", interfaces == ["lo"]))
    return found


def _ip(hexadecimal: str) -> str:
    import ipaddress

    raw = bytes.fromhex(hexadecimal)
    # /proc writes each 32-bit word in the machine's byte order
    words = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4)) if sys.byteorder == "little" else raw
    return str(ipaddress.ip_address(words))


def test_every_server_a_run_starts_can_be_reached_from_this_machine_only(tmp_path):
    cache = tmp_path / "cache"
    env = dict(os.environ, BOOK_CACHE_DIR=str(cache))
    run = subprocess.Popen([sys.executable, "-m", "book.runner", "gpu_training/launch_ddp.py"], cwd=REPO, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    seen = {}
    while run.poll() is None:
        for proc in Path("/proc").iterdir():
            if proc.name.isdigit() and f"BOOK_CACHE_DIR={cache}" in _environment(proc):
                for address, private in listening_sockets(int(proc.name)):
                    seen[(proc.name, address)] = private
        time.sleep(0.05)
    output = run.stdout.read().decode()
    assert run.returncode == 0, output
    assert "ran in" in output, "the DDP program was not run afresh"
    assert seen, "no process of the run was seen listening: the test shows nothing"
    import ipaddress

    exposed = [address for (pid, address), private in seen.items()
               if not private and not ipaddress.ip_address(address.rsplit(":", 1)[0]).is_loopback]
    assert exposed == [], f"listening where other machines can reach it: {exposed}"


def _environment(proc: Path) -> str:
    try:
        return (proc / "environ").read_bytes().replace(b"\0", b"\n").decode(errors="replace")
    except OSError:
        return ""


def test_a_page_path_outside_the_snippets_folder_is_refused_before_anything_runs(tmp_path):
    outside = tmp_path / "outside.py"
    ran = tmp_path / "ran"
    outside.write_text(f"open({str(ran)!r}, 'w').write('ran')\n", encoding="utf-8")
    for text in ('# Page\n\n```python\n--8<-- "../../outside.py"\n```\n',
                 "# Page\n\n![x](run:../../outside.py/out.png)\n",
                 "# Page\n\n![x](run:ch/ok.py/../../../../../../../../etc/passwd)\n"):
        project = tmp_path / f"project-{len(text)}"
        small_book(project, {"zh/index.md": text, "en/index.md": "# Page\n"}, {"ch/ok.py": "print(1)\n"})
        shutil.copy(outside, project)
        result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--site-dir", str(project / "site")], cwd=project,
                                env=dict(os.environ, BOOK_CACHE_DIR=str(tmp_path / "cache")), capture_output=True,
                                text=True, timeout=300)
        assert result.returncode != 0
        assert "zh/index.md, line 3:" in result.stderr and "points outside the snippets folder" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
        assert not ran.exists(), "a program outside the snippets folder was run"
        assert not (project / "site" / "etc").exists()


def test_make_serve_restarts_when_the_books_own_code_changes(tmp_path):
    # a copy of the book's code, first on the path, so that editing it leaves the repository alone
    shutil.copytree(REPO / "book", tmp_path / "code" / "book", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "code" / "pyproject.toml").write_text("[tool.book]\n", encoding="utf-8")  # no hand-offs
    project = tmp_path / "project"
    config = small_book(project, {"zh/index.md": "# 首页\n", "en/index.md": "# Home\n"})
    config.write_text(config.read_text() + f"watch:\n  - {tmp_path / 'code' / 'book'}\n", encoding="utf-8")
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    env = dict(os.environ, PYTHONPATH=str(tmp_path / "code"), BOOK_CACHE_DIR=str(tmp_path / "cache"), NO_MKDOCS_2_WARNING="1")
    log = tmp_path / "serve.log"
    with open(log, "w") as out:
        serve = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"], cwd=project,
                                 env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=like_a_terminal)

    def wait_for(text: str, times: int = 1) -> None:
        deadline = time.monotonic() + 120
        while log.read_text().count(text) < times and serve.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert log.read_text().count(text) >= times, log.read_text()

    try:
        wait_for("Serving on")
        with open(tmp_path / "code" / "book" / "outputs.py", "a") as edit:
            edit.write("\n# an edit\n")
        wait_for("The book's machinery changed (outputs.py); restarting to build with it.")
        wait_for("Serving on", times=2)
        import urllib.request

        assert urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30).status == 200
    finally:
        os.killpg(serve.pid, signal.SIGINT)
        serve.wait(timeout=60)
