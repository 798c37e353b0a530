"""Which process runs a background job, and whether that process is gone.

A job runs in a thread of the web process that started it. When that process dies (a
restart, ``kill -9``) the job can never finish, and its page must say so; but a job of
another live process (a second server, the command line) must not be failed. So a job
records its process as host, boot id, pid and the pid's start time: on the same host and
boot, a pid that no longer exists, or exists with another start time (the pid was reused),
is gone; a host that rebooted is gone; another host cannot be checked from here and is
assumed alive.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path

_BOOT_ID = Path("/proc/sys/kernel/random/boot_id")


@dataclass(frozen=True)
class ProcessId:
    host: str
    boot_id: str  # empty where the system has none to read
    pid: int
    started: str  # the pid's start time in clock ticks after boot; empty where unknown


def _boot_id() -> str:
    try:
        return _BOOT_ID.read_text().strip()
    except OSError:
        return ""


def _stat(pid: int) -> list[str]:
    """The fields of ``/proc/<pid>/stat`` after the command name (which may hold spaces):
    ``[0]`` the state, ``[19]`` the start time; empty where there is none to read."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return []
    return stat.rsplit(")", 1)[1].split()


def _started(pid: int) -> str:
    fields = _stat(pid)
    return fields[19] if len(fields) > 19 else ""


def this_process() -> ProcessId:
    pid = os.getpid()
    return ProcessId(host=socket.gethostname(), boot_id=_boot_id(), pid=pid, started=_started(pid))


def process_gone(process: ProcessId) -> bool:
    """Whether ``process`` has certainly stopped (False when it cannot be told from here)."""
    here = this_process()
    if process.host != here.host:
        return False
    if process.boot_id and here.boot_id and process.boot_id != here.boot_id:
        return True
    try:
        os.kill(process.pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # it exists, under another user
    fields = _stat(process.pid)
    if fields and fields[0] == "Z":  # exited, not yet reaped by its parent
        return True
    if process.started and len(fields) > 19:
        return fields[19] != process.started  # another process under the same pid
    return False
