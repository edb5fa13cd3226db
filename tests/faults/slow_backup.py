"""A day's backup made slowly, to be killed mid-copy: ``python -m tests.faults.slow_backup URL``.

Copies the database a page at a time (sleeping between pages) through the normal
backup, printing ``copying`` once the ``.part`` file is being written.
"""

from __future__ import annotations

import sqlite3
import sys
import time
import types
from typing import Any

import probation_desk.store.backup as backup_module


class _SlowSource:
    """A read-only source connection whose backup goes one page at a time."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con

    def backup(self, target: sqlite3.Connection, **_kw: Any) -> None:
        said = False

        def progress(_status: int, _remaining: int, _total: int) -> None:
            nonlocal said
            if not said:
                print("copying", flush=True)
                said = True
            time.sleep(0.05)

        self.con.backup(target, pages=1, progress=progress)

    def close(self) -> None:
        self.con.close()


def _connect(database: str, *args: Any, **kwargs: Any) -> Any:
    con = sqlite3.connect(database, *args, **kwargs)
    return _SlowSource(con) if "mode=ro" in str(database) else con


def main() -> None:
    backup_module.sqlite3 = types.SimpleNamespace(  # type: ignore[assignment]
        connect=_connect, DatabaseError=sqlite3.DatabaseError,
        OperationalError=sqlite3.OperationalError)
    backup_module.backup(sys.argv[1], reason="daily")
    print("done", flush=True)


if __name__ == "__main__":
    main()
