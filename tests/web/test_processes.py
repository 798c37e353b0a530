"""Whether the process of a background job is gone: only when it certainly is."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

from timbalans.web.processes import process_gone, this_process


def test_this_process_is_not_gone():
    here = this_process()
    assert here.pid == os.getpid()
    assert not process_gone(here)


def test_a_process_that_exited_is_gone():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert process_gone(replace(this_process(), pid=child.pid, started=""))


def test_a_process_that_exited_but_is_not_yet_reaped_is_gone():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        stat = Path(f"/proc/{child.pid}/stat")
        for _ in range(500):  # until it has exited (a zombie until waited for)
            if stat.read_text().rsplit(")", 1)[1].split()[0] == "Z":
                break
            time.sleep(0.01)
        assert process_gone(replace(this_process(), pid=child.pid, started=""))
    finally:
        child.wait()


def test_a_pid_taken_by_another_process_is_gone():
    assert process_gone(replace(this_process(), started="1"))


def test_a_process_of_an_earlier_boot_is_gone():
    assert process_gone(replace(this_process(), boot_id="an-earlier-boot"))


def test_a_process_on_another_host_is_not_known_to_be_gone():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert not process_gone(replace(this_process(), host="annan-server", pid=child.pid))
