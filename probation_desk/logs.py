"""Logging to a file in the user's data folder: owner-only, never through a link, and
never a traceback on the screen when the log itself cannot be written.

Log lines carry ids, counts and rule names only: never names, CRNs or notes.
"""

from __future__ import annotations

import io
import logging
import logging.handlers
import os
import sys

_said_once = False


class PrivateLogHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose every file (rotated ones too) is created owner-only (0600) and
    opened without following a link; a record that cannot be written (a full disk, say)
    is dropped with one plain line on standard error, never a traceback."""

    def _open(self) -> io.TextIOWrapper:
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) \
            | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(self.baseFilename, flags, 0o600)
        if sys.platform != "win32":
            os.fchmod(fd, 0o600)
        return os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)

    def handleError(self, record: logging.LogRecord) -> None:
        global _said_once
        if _said_once:
            return
        _said_once = True
        exc = sys.exc_info()[1]
        why = getattr(exc, "strerror", None) or type(exc).__name__
        try:
            sys.stderr.write(f"Note: Probation Desk could not write its log file ({why}).\n")
        except (OSError, ValueError):
            pass


def setup_logging(level: int = logging.INFO) -> None:
    """Send the app's log to ``probation-desk.log`` (rotated) in the data folder."""
    logger = logging.getLogger("probation_desk")
    if any(getattr(h, "probation_desk_log", False) for h in logger.handlers):
        return  # already set up (a test's own watching handler does not count)
    logger.setLevel(level)
    logger.propagate = False
    try:
        from probation_desk.paths import data_dir

        path = data_dir() / "probation-desk.log"
        handler: logging.Handler = PrivateLogHandler(
            path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    handler.probation_desk_log = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
