"""The execution path the build and the tests share (book/runner.py, book/launch.py)."""

import shutil
import textwrap

import pytest

from book import runner


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "CACHE", tmp_path / "cache")


def write(path, text):
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def test_output_is_split_by_section_and_attributed_to_top_level_lines(tmp_path):
    snippet = write(tmp_path / "sections.py", """
        # --8<-- [start:define]
        def greet(name):
            print("hello", name)

        print("defined")
        # --8<-- [end:define]

        # --8<-- [start:call]
        greet("world")
        for i in range(2):
            print(i)
        # --8<-- [end:call]
        print("after")
    """)
    result = runner.run(snippet)
    assert result.output("define") == "defined\n"
    # printed inside greet(), but greet was called from the "call" section
    assert result.output("call") == "hello world\n0\n1\n"
    assert result.output() == "defined\nhello world\n0\n1\nafter\n"
    with pytest.raises(runner.SnippetError, match="no section 'missing'"):
        result.output("missing")


def test_unchanged_snippet_is_cached_and_a_change_reruns_it(tmp_path):
    snippet = write(tmp_path / "counter.py", 'print("first")\n')
    assert runner.run(snippet).cached is False
    again = runner.run(snippet)
    assert again.cached is True and again.output() == "first\n"
    write(snippet, 'print("second")\n')
    changed = runner.run(snippet)
    assert changed.cached is False and changed.output() == "second\n"


def test_a_change_in_an_imported_module_reruns_the_snippet(tmp_path):
    write(tmp_path / "helper.py", "VALUE = 1\n")
    snippet = write(tmp_path / "uses_helper.py", "from helper import VALUE\nprint(VALUE)\n")
    assert runner.run(snippet).output() == "1\n"
    assert runner.run(snippet).cached
    write(tmp_path / "helper.py", "VALUE = 2\n")
    result = runner.run(snippet)
    assert not result.cached and result.output() == "2\n"


def test_a_failing_snippet_raises_with_its_name_and_error(tmp_path):
    snippet = write(tmp_path / "broken.py", 'print("start")\n1 / 0\n')
    with pytest.raises(runner.SnippetError) as error:
        runner.run(snippet)
    message = str(error.value)
    assert "broken.py failed (exit code 1)" in message
    assert "ZeroDivisionError: division by zero" in message


def test_an_expected_error_is_shown_under_its_section(tmp_path):
    snippet = write(tmp_path / "expected.py", """
        # expected-error: ZeroDivisionError
        # --8<-- [start:ok]
        print("fine")
        # --8<-- [end:ok]
        # --8<-- [start:fails]
        x = 1 / 0
        # --8<-- [end:fails]
    """)
    result = runner.run(snippet)
    assert result.output("ok") == "fine\n"
    assert result.output("fails") == (
        "Traceback (most recent call last):\n"
        f'  File "{snippet}", line 6, in <module>\n'
        "    x = 1 / 0\n"
        "ZeroDivisionError: division by zero\n"
    )


def test_an_expected_error_that_does_not_happen_is_a_failure(tmp_path):
    snippet = write(tmp_path / "no_error.py", '# expected-error: ValueError\nprint("all good")\n')
    with pytest.raises(runner.SnippetError, match="says it stops with ValueError, but it finished without an error"):
        runner.run(snippet)
    other = write(tmp_path / "other_error.py", "# expected-error: ValueError\n{}['key']\n")
    with pytest.raises(runner.SnippetError, match="but it raised KeyError"):
        runner.run(other)


def test_files_written_by_the_program_are_kept(tmp_path):
    snippet = write(tmp_path / "writes.py", 'open("figure.txt", "w").write("drawn")\n')
    result = runner.run(snippet)
    assert result.file("figure.txt").read_text() == "drawn"
    assert runner.run(snippet).file("figure.txt").read_text() == "drawn"
    with pytest.raises(runner.SnippetError, match="wrote no file 'other.png' \\(it wrote: figure.txt\\)"):
        result.file("other.png")


def test_a_cached_run_holds_what_the_program_wrote_and_no_link_to_the_data(tmp_path):
    snippet = write(tmp_path / "reads.py", 'import os\nprint(sorted(os.listdir("dataset"))[:1])\n')
    result = runner.run(snippet)
    assert result.output().startswith("['")  # the program found its ./dataset
    entry = result.files.parent
    assert [path.relative_to(entry).as_posix() for path in entry.rglob("*") if path.is_symlink()] == []


def test_the_editable_installs_metadata_is_no_dependency(tmp_path):
    """Importing torch reads the entry points of every installed package, the book's editable install
    among them (<name>.egg-info in the repository). A checkout without it (a fresh clone, a copy)
    must still take the cached runs."""
    probe = runner.REPO / "probe-for-a-test.egg-info"
    probe.mkdir()
    try:
        (probe / "entry_points.txt").write_text("[console_scripts]\n", encoding="utf-8")
        snippet = write(tmp_path / "reads_metadata.py", f'print(open({str(probe / "entry_points.txt")!r}).read())\n')
        result = runner.run(snippet)
        assert not [name for name in result.dependencies if ".egg-info" in name], result.dependencies
    finally:
        shutil.rmtree(probe)
    assert runner.run(snippet).cached


def test_unclosed_section_marker_is_reported(tmp_path):
    snippet = write(tmp_path / "unclosed.py", "# --8<-- [start:a]\nprint(1)\n")
    with pytest.raises(runner.SnippetError, match="never closed: a"):
        runner.run(snippet)


def test_run_many_collects_failures_without_stopping_the_others(tmp_path):
    good = write(tmp_path / "good.py", "print('ok')\n")
    bad = write(tmp_path / "bad.py", "raise SystemExit(3)\n")
    results, failures = runner.run_many([good, bad], jobs=2)
    assert results[good.resolve()].output() == "ok\n"
    assert "exit code 3" in failures[bad.resolve()]


def test_memory_addresses_are_shown_the_same_on_every_run(tmp_path):
    snippet = write(tmp_path / "address.py", "print(object())\n")
    assert runner.run(snippet).output() == "<object object at 0x…>\n"


def test_an_offline_run_cannot_reach_other_hosts(tmp_path):
    snippet = write(tmp_path / "reaches_out.py", """
        import socket
        socket.create_connection(("192.0.2.1", 80), timeout=1)
    """)
    with pytest.raises(runner.SnippetError, match=r"OfflineError: offline: refused to reach 192\.0\.2\.1:80"):
        runner.run(snippet)


def test_the_test_process_itself_cannot_reach_other_hosts():
    import socket
    import urllib.request

    with pytest.raises(ConnectionRefusedError, match="refused to reach 192.0.2.1:80"):
        socket.create_connection(("192.0.2.1", 80), timeout=1)
    with pytest.raises(OSError, match="refused to reach example.com"):
        urllib.request.urlopen("http://example.com/", timeout=1)


def test_a_program_started_by_the_snippet_is_one_of_its_dependencies(tmp_path):
    write(tmp_path / "worker.py", "print('worker says hi')\n")
    snippet = write(tmp_path / "starts_worker.py", """
        import subprocess, sys
        from pathlib import Path
        worker = Path(__file__).with_name("worker.py")
        print(subprocess.run([sys.executable, str(worker)], capture_output=True, text=True).stdout, end="")
    """)
    assert runner.run(snippet).output() == "worker says hi\n"
    write(tmp_path / "worker.py", "print('worker changed')\n")
    result = runner.run(snippet)
    assert not result.cached and result.output() == "worker changed\n"


# Runs are forked from a server that has already imported torch (book/forkserver.py).
# A forked run must look to the program exactly like a new `python` process.
PROCESS_FACTS = """
    import os, sys
    {imports}
    print(len(dir(torch)), sorted(m for m in sys.modules if m.split(".")[0] in ("torchvision", "matplotlib")) == [])
    print(__name__, os.path.basename(sys.argv[0]), sys.path[0] == os.path.dirname(os.path.abspath(__file__)))
    print(os.path.basename(os.getcwd()), sys.stdout.encoding, sys.flags.dont_write_bytecode, hash("tudui"))
    print(sorted(k for k in os.environ if k.startswith("BOOK_")), os.environ.get("MPLBACKEND"))
    print(torch.get_num_threads(), torch.get_num_interop_threads())
"""


@pytest.mark.parametrize("imports", ["import torch", "import torchvision\nimport torch"])
def test_a_forked_run_sees_what_a_new_process_sees(tmp_path, monkeypatch, imports):
    snippet = write(tmp_path / "facts.py", textwrap.dedent(PROCESS_FACTS).format(imports=imports))
    seen = {}
    for forked in ("1", "0"):
        monkeypatch.setenv("BOOK_FORKSERVER", forked)
        seen[forked] = runner.run(snippet, use_cache=False).output()
    assert seen["1"] == seen["0"]
    assert "__main__ facts.py True" in seen["1"]


def test_a_forked_run_depends_on_what_it_reads_not_on_what_its_server_read(tmp_path, monkeypatch):
    """The fork server reads every book/*.py as it starts (book/__init__.py's digests); a run forked from
    it must not depend on them, or an edit to any of them would run every program again."""
    monkeypatch.setenv("BOOK_FORKSERVER", "1")
    result = runner.run(write(tmp_path / "tiny.py", "import torch\nprint(torch.ones(1))\n"))
    assert result.forked
    machinery = [name for name in result.dependencies if name.startswith("book/")]
    # the modules a forked run executes: the launcher and what it imports (their digests key the cache too)
    assert set(machinery) <= {"book/__init__.py", "book/launch.py", "book/processes.py"}, machinery


def test_forked_runs_draw_their_own_random_seeds(tmp_path, monkeypatch):
    monkeypatch.setenv("BOOK_FORKSERVER", "1")
    snippet = write(tmp_path / "seeds.py", """
        import random
        import numpy
        import torch
        print(torch.initial_seed(), numpy.random.randint(1 << 30), random.random())
    """)
    first, second = (runner.run(snippet, use_cache=False).output() for _ in range(2))
    assert all(a != b for a, b in zip(first.split(), second.split())), (first, second)


@pytest.mark.slow
def test_a_run_that_takes_too_long_is_stopped(tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "TIMEOUT_S", 3)
    pid_file = tmp_path / "pid"
    snippet = write(tmp_path / "sleeper.py", f"""
        import os, pathlib, time
        pathlib.Path({str(pid_file)!r}).write_text(str(os.getpid()))
        time.sleep(120)
    """)
    with pytest.raises(runner.SnippetError, match="sleeper.py did not finish within 3 s"):
        runner.run(snippet)
    pid = int(pid_file.read_text())
    assert not _alive(pid), "the stopped run is still running"


def test_exit_codes_and_crashes_are_reported(tmp_path):
    exits = write(tmp_path / "exits.py", "import sys\nprint('bye')\nsys.exit(3)\n")
    with pytest.raises(runner.SnippetError, match=r"exits.py failed \(exit code 3\)"):
        runner.run(exits)
    crashes = write(tmp_path / "crashes.py", "import os\nos.abort()\n")
    with pytest.raises(runner.SnippetError, match=r"crashes.py failed \(exit code -6\)"):
        runner.run(crashes)


@pytest.mark.slow
def test_the_fork_server_ends_with_the_program_that_started_it(tmp_path):
    import subprocess, sys, time

    snippet = write(tmp_path / "tiny.py", "import torch\nprint(1)\n")
    script = (f"import os\nfrom book import runner\nrunner.CACHE = __import__('pathlib').Path({str(tmp_path / 'c')!r})\n"
              f"runner.run({str(snippet)!r})\nprint(next(c for (preload, _), c in runner._forkservers.items() if preload == 'torch')._proc.pid, flush=True)\nos._exit(0)\n")
    started = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                             env={**__import__("os").environ, "BOOK_FORKSERVER": "1"})
    server = int(started.stdout.split()[-1])
    deadline = time.monotonic() + 10
    while _alive(server) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(server), "the fork server outlived the program that started it"


def _alive(pid: int) -> bool:
    try:
        state = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_program_that_times_itself_runs_alone_after_the_others(tmp_path, monkeypatch):
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    done = tmp_path / "others-done"
    others = [write(tmp_path / f"other_{i}.py", f"""
        import pathlib, time
        time.sleep(1)
        pathlib.Path({str(done)!r} + "{i}").touch()
    """) for i in range(2)]
    timer = write(tmp_path / "timer.py", f"""
        import os, pathlib, time
        import torch
        start = time.perf_counter()
        print(sorted(p.name for p in pathlib.Path({str(tmp_path)!r}).glob("others-done*")))
        print(torch.get_num_threads() == (os.cpu_count() or 1))
    """)
    results, failures = runner.run_many([timer, *others], jobs=3)
    assert not failures
    assert results[timer.resolve()].output() == "['others-done0', 'others-done1']\nTrue\n"
