"""A program run by the build stays in bounds: it writes only in its own folder, reaches no other
host (UDP and child processes included), leaves nothing running, and whatever it or its children
read makes its cached result stale when it changes (book/runner.py, book/shim.py, book/processes.py)."""

import os
import textwrap
import time
from pathlib import Path

import pytest

import book
from book import REPO, runner
from test_runner import _alive as alive


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "CACHE", tmp_path / "cache")


# The programs that try to break the bounds (write into the repository, reach other hosts, outlive
# their run, time out) are failure-mode runs, in make check, both ways; what makes a result stale is
# checked in make test too.
@pytest.fixture(params=[pytest.param("forked", marks=pytest.mark.slow),
                        pytest.param("started afresh", marks=pytest.mark.slow)])
def both_ways(request, monkeypatch):
    """Each case holds for runs forked from the fork server and for runs started as new processes."""
    monkeypatch.setenv("BOOK_FORKSERVER", "1" if request.param == "forked" else "0")


def write(path, text):
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def test_a_program_cannot_write_into_the_repository(tmp_path, both_ways):
    target = REPO / "docs" / "written-by-a-program.md"
    snippet = write(tmp_path / "writes.py", f"""
        # expected-error: PermissionError
        # --8<-- [start:write]
        open({str(target)!r}, "w").write("# A page nobody wrote")
        # --8<-- [end:write]
    """)
    shown = runner.run(snippet).output("write")
    assert not target.exists()
    assert f"PermissionError: the book's build lets a program write only in its own working folder; refused: {target}" in shown


def test_a_program_writes_its_home_and_temporary_files_in_its_scratch_folder(tmp_path, both_ways):
    snippet = write(tmp_path / "where.py", """
        import os, tempfile
        from pathlib import Path
        import torch
        for name in ("HOME", "MPLCONFIGDIR"):
            print(name, Path(os.environ[name]).parent == Path.cwd().parent / "around")
        print(Path(tempfile.gettempdir()).name.startswith("book-run-"), os.environ["TMPDIR"] == tempfile.gettempdir())
        print(torch.hub.get_dir() == os.path.expanduser("~/.cache/torch/hub"))
        print(tempfile.gettempdir(), file=open("tmp.txt", "w"))
    """)
    result = runner.run(snippet)
    assert result.output() == "HOME True\nMPLCONFIGDIR True\nTrue True\nTrue\n"
    assert not Path(result.file("tmp.txt").read_text().strip()).exists(), "the run's temporary folder was left"
    assert [p.name for p in runner.CACHE.iterdir() if p.is_dir()] and not list(runner.CACHE.glob("*/around"))


def test_udp_to_another_host_is_refused(tmp_path, both_ways):
    snippet = write(tmp_path / "udp.py", """
        # expected-error: OfflineError
        import socket
        # --8<-- [start:send]
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"hello", ("192.0.2.1", 9))
        # --8<-- [end:send]
    """)
    assert "offline: refused to reach 192.0.2.1:9" in runner.run(snippet).output("send")


def test_a_child_process_cannot_reach_another_host_either(tmp_path, both_ways):
    snippet = write(tmp_path / "child_reaches_out.py", """
        import subprocess, sys
        child = subprocess.run([sys.executable, "-c", "import socket; socket.create_connection(('192.0.2.1', 80), timeout=5)"],
                               capture_output=True, text=True)
        print(child.returncode, child.stderr.strip().splitlines()[-1])
    """)
    shown = runner.run(snippet).output()
    assert shown.startswith("1 ") and "offline: refused to reach 192.0.2.1:80" in shown


def test_dataloader_workers_can_share_tensors_however_deep_the_scratch_folder(tmp_path, monkeypatch, both_ways):
    # the workers hand tensors back through Unix sockets in the temporary folder, whose names may not be long
    monkeypatch.setattr(runner, "CACHE", tmp_path / ("a-long-folder-name-" * 6) / "cache")
    snippet = write(tmp_path / "workers.py", """
        import torch
        from torch.utils.data import DataLoader, TensorDataset
        torch.multiprocessing.set_sharing_strategy("file_descriptor")
        data = DataLoader(TensorDataset(torch.arange(8.0)), batch_size=4, num_workers=2)
        print([batch[0].tolist() for batch in data])
    """)
    assert runner.run(snippet).output() == "[[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0]]\n"


def test_spawned_dataloader_workers_of_a_guarded_program_work_as_on_windows_and_macos(tmp_path, monkeypatch, both_ways):
    # "spawn" starts each worker as a new Python that imports the program again as __mp_main__: that import
    # must find the program's file and run it without the guarded lines, as `python program.py` would
    monkeypatch.setattr(runner, "TIMEOUT_S", 60)  # a hang fails here within a minute, not at the build's limit
    snippet = write(tmp_path / "spawned.py", """
        import os
        import torch
        from torch.utils.data import DataLoader, TensorDataset

        print("imported as", __name__, flush=True)
        if __name__ == "__main__":
            data = DataLoader(TensorDataset(torch.arange(8.0)), batch_size=4, num_workers=2,
                              multiprocessing_context="spawn")
            print([batch[0].tolist() for batch in data])
    """)
    assert runner.run(snippet).output() == "imported as __main__\n[[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0]]\n"


def test_processes_a_program_leaves_running_are_ended_with_it(tmp_path, both_ways):
    pid_file = tmp_path / "child.pid"
    snippet = write(tmp_path / "leaves_a_child.py", f"""
        import subprocess, sys
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
        open({str(pid_file)!r}, "w").write(str(child.pid))
        print("started")
    """)
    assert runner.run(snippet).output() == "started\n"
    pid = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(pid), "the program's child outlived its run"


def test_a_timed_out_program_is_ended_with_its_children(tmp_path, monkeypatch, both_ways):
    monkeypatch.setattr(runner, "TIMEOUT_S", 3)
    pid_file = tmp_path / "child.pid"
    snippet = write(tmp_path / "hangs.py", f"""
        import subprocess, sys, time
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
        open({str(pid_file)!r}, "w").write(str(child.pid))
        time.sleep(120)
    """)
    with pytest.raises(runner.SnippetError, match=r"hangs.py did not finish within 3 s \(BOOK_SNIPPET_TIMEOUT"):
        runner.run(snippet)
    time.sleep(1)
    assert not alive(int(pid_file.read_text())), "a timed-out program's child was left running"
    assert not [p for p in runner.CACHE.iterdir() if p.is_dir()], "the timed-out run's scratch folder was left"


def test_a_file_that_a_child_process_reads_is_a_dependency(tmp_path):
    value = write(tmp_path / "value.txt", "1\n")
    snippet = write(tmp_path / "child_reads.py", f"""
        import subprocess, sys
        print(subprocess.run([sys.executable, "-c", "print(open({str(value)!r}).read().strip())"],
                             capture_output=True, text=True).stdout, end="")
    """)
    assert runner.run(snippet).output() == "1\n"
    assert runner.run(snippet).cached
    write(value, "2\n")
    again = runner.run(snippet)
    assert not again.cached and again.output() == "2\n"


def test_a_folder_listing_is_a_dependency(tmp_path):
    (tmp_path / "pictures").mkdir()
    (tmp_path / "pictures" / "a.png").write_bytes(b"")
    snippet = write(tmp_path / "lists.py", """
        import os
        from pathlib import Path
        print(sorted(os.listdir(Path(__file__).with_name("pictures"))))
    """)
    assert runner.run(snippet).output() == "['a.png']\n"
    assert runner.run(snippet).cached
    (tmp_path / "pictures" / "b.png").write_bytes(b"")
    again = runner.run(snippet)
    assert not again.cached and again.output() == "['a.png', 'b.png']\n"


def test_a_large_output_is_collected_in_linear_time(tmp_path):
    snippet = write(tmp_path / "talks.py", """
        for i in range(100_000):
            print("x" * 79)
    """)
    started = time.perf_counter()
    result = runner.run(snippet)
    assert len(result.output()) == 8_000_000
    assert time.perf_counter() - started < 30, "8 MB of output took more than 30 s to collect"


def test_the_cache_key_covers_every_package_that_can_change_an_output():
    assert {"torch", "torchvision", "numpy", "pillow", "matplotlib", "tensorboard"} <= runner.environment().keys()


def test_an_edit_to_the_machinery_is_noticed(monkeypatch):
    assert book.machinery_changed() == []
    monkeypatch.setitem(book.MACHINERY, "runner.py", "0" * 64)
    assert book.machinery_changed() == ["runner.py"]


def test_with_real_data_a_changed_data_file_makes_the_result_stale(tmp_path, monkeypatch):
    monkeypatch.setenv("BOOK_DATA", "real")
    monkeypatch.setattr(runner, "REAL_DATA", tmp_path / "data")
    monkeypatch.setattr(runner, "_fetch_real_data", lambda snippet, env: None)  # the real downloads: out of reach
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "labels.txt").write_text("ants\n")
    (tmp_path / "program").mkdir()  # not beside the data: files beside a program count anyway
    snippet = write(tmp_path / "program" / "reads_data.py", 'print(open("dataset/labels.txt").read(), end="")\n')
    assert runner.run(snippet).output() == "ants\n"
    assert runner.run(snippet).cached
    time.sleep(0.01)
    (tmp_path / "data" / "labels.txt").write_text("bees\n")
    again = runner.run(snippet)
    assert not again.cached and again.output() == "bees\n"
