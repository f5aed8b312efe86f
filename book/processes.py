"""Keeping the processes a build starts in bounds: they end with it, and reach no network.

* `die_with_parent()`: on Linux, the kernel sends a signal to a process when the process (strictly,
  the thread) that started it ends, however it ended, SIGKILL included.
* `private_network()`: on Linux, where the build may (root, or a kernel that lets users make
  namespaces), a process moves into a network of its own holding only a loopback interface. Every
  process it starts inherits it: whatever a program or its children listen on (torchrun's store
  included) can be reached from that network only, and no packet, TCP or UDP, leaves the machine.
* `remove_left_behind()`: scratch folders are named after the process that made them; those of
  processes that are gone (killed before they could clean up) are removed by the next build.

Python's standard library has no call for either of the first two (os.unshare comes with 3.12), so
they call the C library directly.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import socket
import struct
import sys
from pathlib import Path

_PR_SET_PDEATHSIG = 1
_CLONE_NEWNET = 0x40000000
_SIOCGIFFLAGS, _SIOCSIFFLAGS, _IFF_UP = 0x8913, 0x8914, 0x1


# loaded here, not in a newly forked child, where loading a library could wait on a lock another thread held
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None


def die_with_parent(signal_number: int = signal.SIGKILL) -> None:
    """Ask the kernel to send `signal_number` to this process when its parent ends (Linux only)."""
    if sys.platform.startswith("linux"):
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal_number, 0, 0, 0)


def private_network() -> bool:
    """Move this process into a new network namespace with only the loopback interface, up.
    False where that is not allowed (the caller then relies on the Python-level guard alone)."""
    if not sys.platform.startswith("linux") or _LIBC.unshare(_CLONE_NEWNET) != 0:
        return False
    import fcntl

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sh14s", b"lo", 0, b"")
        flags = struct.unpack("16sh14s", fcntl.ioctl(sock, _SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(sock, _SIOCSIFFLAGS, struct.pack("16sh14s", b"lo", flags | _IFF_UP, b""))
    return True


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def scratch_prefix(kind: str) -> str:
    """The start of a scratch folder's name, naming the process that makes it: "run-1234-"."""
    return f"{kind}-{os.getpid()}-"


def remove_left_behind(parent: Path, kind: str) -> list[Path]:
    """Remove the scratch folders `kind-<pid>-*` under `parent` whose process is gone."""
    removed = []
    for folder in parent.glob(f"{kind}-*-*"):
        pid = folder.name[len(kind) + 1:].split("-")[0]
        if pid.isdigit() and not alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def end_group(pid: int) -> None:
    """Kill the process group `pid` leads (a run and every process it started), if any is left
    (on Windows, which has no process groups of this kind, the process itself)."""
    try:
        if hasattr(os, "killpg"):
            os.killpg(pid, signal.SIGKILL)
        else:
            os.kill(pid, signal.SIGTERM)
    except OSError:
        pass
