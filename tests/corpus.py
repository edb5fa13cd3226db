"""The hostile corpus (tests/data/hostile_values.json) for tests that try every way in.

Each entry has an ``id``, a ``kind`` (``text``: a string for a text field; ``date``: a
string for a date field; ``json``: a value of the wrong JSON type, for the import), the
``value`` and ``why`` it is nasty.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).parent / "data" / "hostile_values.json"


@cache
def _entries() -> tuple[dict[str, Any], ...]:
    return tuple(json.loads(CORPUS.read_text(encoding="utf-8"))["values"])


def hostile(kind: str | None = None) -> list[dict[str, Any]]:
    """Every entry of the corpus, or those of one kind."""
    return [e for e in _entries() if kind is None or e["kind"] == kind]


def hostile_values(kind: str) -> list[Any]:
    """The values of one kind, in corpus order."""
    return [e["value"] for e in hostile(kind)]


def hostile_ids(kind: str) -> list[str]:
    """The ids of one kind, in corpus order (for pytest ids)."""
    return [e["id"] for e in hostile(kind)]
