"""A progress bar on stderr for the command line: frames done, rate and time left."""

from __future__ import annotations

import math
import sys
import time
from typing import TextIO


class TextProgress:
    """``[########------]  45/110 frames  12.3 frames/s  5 s left``, redrawn in place on a terminal.

    Off a terminal (a log, a pipe) it writes a line every tenth of the way instead.
    """

    def __init__(self, what: str = "frames", stream: TextIO | None = None, width: int = 30) -> None:
        self.what = what
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self.started: float | None = None  # at the first frame: start-up is not part of the rate
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._last_tenth = -1

    def __call__(self, done: int, total: int) -> bool:
        now = time.monotonic()
        if self.started is None:
            self.started, self._first = now, done
        elapsed = now - self.started
        rate = (done - self._first) / elapsed if elapsed > 0 else 0.0
        left = (total - done) / rate if rate > 0 else float("nan")
        filled = round(self.width * done / total) if total else self.width
        line = f"[{'#' * filled}{'-' * (self.width - filled)}] {done:>{len(str(total))}}/{total} {self.what}  {rate:5.1f}/s  " + ("" if math.isnan(left) else f"{left:4.0f} s left")
        if self.tty:
            self.stream.write("\r" + line + ("\n" if done >= total else ""))
            self.stream.flush()
        else:
            tenth = (10 * done) // total if total else 10
            if tenth != self._last_tenth:
                self._last_tenth = tenth
                self.stream.write(line + "\n")
        return True
