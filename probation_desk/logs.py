"""Logging to a file in the user's data folder.

Log lines carry ids, counts and rule names only: never names, CRNs or notes.
"""

from __future__ import annotations

import logging
import logging.handlers
import os


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
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
        if not path.exists() or path.stat().st_size == 0:
            os.chmod(path, 0o600)
    except OSError:
        handler = logging.NullHandler()
    handler.probation_desk_log = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
