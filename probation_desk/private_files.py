"""Files Probation Desk writes: owner-only, never through a link, whole or not at all.

Exports, workbook PDFs and reports hold personal data (a workbook's PDF title holds the
person's name), so every one is created readable by its owner only (0600). The content
goes to a new temporary file beside the target, created exclusively and without
following links, then renamed over the target once complete: a crash or full disk
leaves the old file (or none), never half a file, and a link planted at the target is
replaced, not followed.
"""

from __future__ import annotations

import errno
import os
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

PRIVATE = 0o600


def new_private(path: Path) -> int:
    """Create ``path`` owner-only and open it for writing; refuses an existing file or link."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | \
        getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags, PRIVATE)
    if sys.platform != "win32":  # Windows: the user's own folders are private to them
        os.fchmod(fd, PRIVATE)  # whatever the umask
    return fd


@contextmanager
def private_file(path: str | os.PathLike[str], *, text: bool = False,
                 encoding: str | None = None, newline: str | None = None) -> Iterator[IO[Any]]:
    """Write ``path`` through an exclusive owner-only temporary file, then rename it."""
    target = Path(path)
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", str(target))
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    fd = new_private(tmp)
    try:
        mode = "w" if text else "wb"
        with os.fdopen(fd, mode, encoding=encoding if text else None,
                       newline=newline if text else None) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
