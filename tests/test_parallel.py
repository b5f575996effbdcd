"""Worker processes end quietly: when their pool shuts down and on Ctrl-C, even where
the parent turned signals into KeyboardInterrupt (as the `pipeline` command does)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT

SCRIPT = """
import signal, sys, time
from pipeline import parallel

def interrupt(signum, frame):  # what pipeline/entry.py installs
    raise KeyboardInterrupt

signal.signal(signal.SIGINT, interrupt)
signal.signal(signal.SIGTERM, interrupt)
try:
    with parallel.pool(2) as workers:
        workers.map_async(time.sleep, [30, 30])
        print("started", flush=True)
        time.sleep(float(sys.argv[1]))
    print("shut down", flush=True)
except KeyboardInterrupt:
    print("interrupted", flush=True)
"""


@pytest.mark.parametrize("how", ["shutdown", "ctrl-c"])
def test_workers_end_without_a_traceback(how):
    process = subprocess.Popen([sys.executable, "-c", SCRIPT, "1" if how == "shutdown" else "30"],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, start_new_session=True)
    assert process.stdout.readline() == "started\n"
    if how == "ctrl-c":
        time.sleep(0.5)
        os.killpg(process.pid, signal.SIGINT)  # the terminal signals the whole group
    out, err = process.communicate(timeout=60)
    assert ("shut down" if how == "shutdown" else "interrupted") in out
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
