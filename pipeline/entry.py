"""The `pipeline` command's entry point: Ctrl-C and SIGTERM are handled from the first
instruction, so even an interrupt during start-up ends with one line, not a traceback."""

from __future__ import annotations

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
    from .cli import main
    ready = True
    main(prog_name="pipeline")
