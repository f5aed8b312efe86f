"""Refuse network connections to anything but this machine.

Installed in the test process (tests/conftest.py) and in the build (book/plugin.py), and copied
into the sitecustomize.py that every program of an offline build runs with (book/shim.py), so
that code which would quietly need the internet fails at once, naming what it tried to reach. The check runs
before any packet is sent: Python's audit events for name lookups, connects and UDP sends.
"""

import ipaddress
import socket
import sys


class OfflineError(ConnectionRefusedError):
    """Raised instead of reaching another host. A ConnectionError, so download code reports it as one."""


def is_local(host) -> bool:
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    if host is None or host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _guard(event, args):
    if event == "socket.getaddrinfo":
        host, port = args[0], args[1]
    elif event in ("socket.connect", "socket.sendto", "socket.sendmsg") and args[0].family in (socket.AF_INET, socket.AF_INET6):
        if not isinstance(args[1], tuple):  # sendmsg on a connected socket: checked when it connected
            return
        host, port = args[1][0], args[1][1]
    else:
        return
    if not is_local(host):
        raise OfflineError(f"offline: refused to reach {host}:{port} (only this machine, 127.0.0.1 or ::1, may be reached)")


_installed = False


def install() -> None:
    global _installed
    if not _installed:
        sys.addaudithook(_guard)
        _installed = True
