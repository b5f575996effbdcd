"""The `pipeline` command's entry point: Ctrl-C and SIGTERM are handled from the first
instruction to the last, so an interrupt during start-up, work or shutdown ends with one
line and exit status 130 (or, once the work is done, changes nothing)."""

from __future__ import annotations

import gc
import os
import signal
import sys


def run() -> None:
    ready = False

    def interrupt(signum, frame):
        if not ready:  # still importing: nothing has been written yet
            sys.stderr.write("interrupted\n")
            os._exit(130)
        raise KeyboardInterrupt  # the command cleans up its temporary files

    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
    try:
        try:
            from .cli import main
            ready = True
            # A run builds large trees of small objects that live to the end (records,
            # positions, documents): collect garbage rarely, and never scan the modules.
            gc.freeze()
            gc.set_threshold(50_000, 20, 20)
            main(prog_name="pipeline")
        finally:
            # The command has finished (or is unwinding): a late signal must neither
            # interrupt the exit nor meet the interpreter's default handler at shutdown.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
    except KeyboardInterrupt:  # arrived between the command's own handler and the line above
        sys.stderr.write("interrupted\n")
    except SystemExit as done:
        if done.code != 130:
            raise
    else:
        return
    # Interrupted: the command has cleaned up; leave with 130 at once. Finishing the
    # interpreter normally after an interrupt may still end the process by SIGINT (-2),
    # which callers cannot tell from a crash.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(130)
