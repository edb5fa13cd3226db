"""Reading a SQLite file without writing to it, even on a read-only disk.

A file in WAL mode needs a ``-shm`` file beside it to be read; on a read-only disk none
can be made, so there the file is opened immutable (SQLite then assumes nobody changes it).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def read_only_location(path: Path) -> bool:
    """True when the file (or, for a new file, its folder) is on a read-only disk.

    Windows has no ``statvfs``: there a file or folder nobody may write to counts as
    read-only (a read-only share or a locked-down folder is read, never written).
    """
    probe = path if path.exists() else path.parent
    if sys.platform == "win32":
        return probe.exists() and not os.access(probe, os.W_OK)
    try:
        return bool(os.statvfs(probe).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def read_only_uri(path: Path) -> str:
    """A read-only URI; on a read-only disk also immutable (no -shm file can be made)."""
    extra = "&immutable=1" if read_only_location(path) else ""
    return f"file:{path}?mode=ro{extra}"
