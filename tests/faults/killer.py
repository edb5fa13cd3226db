"""Run one database action in this process and SIGKILL it at its N-th database call.

Used by the kill tests as ``python -m tests.faults.killer ACTION URL N``: the process
counts every statement sent to the database (and every COMMIT) and kills itself, with
no chance to clean up, when the count reaches N. N = 0 runs to the end and prints the
count, so a test can pick kill points across the whole action (after the number of
the last call that stamped a schema version, so it can aim at the migration itself).
"""

from __future__ import annotations

import os
import signal
import sys

from sqlalchemy import Engine, event

_count = 0
_kill_at = 0
_stamped = 0


def _tick(*args: object) -> None:
    global _count, _stamped
    _count += 1
    if _count == _kill_at:
        os.kill(os.getpid(), signal.SIGKILL)
    if len(args) > 2 and "alembic_version SET" in str(args[2]):
        _stamped = _count


def main() -> None:
    global _kill_at
    action, url, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    _kill_at = n
    event.listen(Engine, "before_cursor_execute", _tick)
    event.listen(Engine, "commit", _tick)
    if action == "migrate":
        from probation_desk.services.lifecycle import open_database

        open_database(url).dispose()
    else:
        raise SystemExit(f"unknown action {action}")
    print(_stamped, _count)


if __name__ == "__main__":
    main()
