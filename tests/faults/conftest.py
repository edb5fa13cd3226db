"""Shared fixtures for the fault tests: a big export, built once per run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from probation_desk.cli import main

EXPORT = "big.jsonl"


@pytest.fixture(scope="session")
def race_files(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, int]]:
    """A big export (3,000 people, about 57,000 records) and a small backup to restore."""
    folder = tmp_path_factory.mktemp("restore-race")
    big = f"sqlite:///{folder / 'big.sqlite3'}"
    assert main(["demo", "--db", big, "--cases", "3000"]) == 0
    export = folder / EXPORT
    assert main(["export", "--db", big, str(export)]) == 0
    seed = f"sqlite:///{folder / 'seed.sqlite3'}"
    assert main(["demo", "--db", seed, "--cases", "5"]) == 0
    backup = folder / "seed-backup.sqlite3"
    assert main(["backup", "--db", seed, str(backup)]) == 0
    with export.open("rb") as fh:
        records = sum(1 for _ in fh) - 1
    yield export, backup, records


