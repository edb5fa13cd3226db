"""A JSON object giving a key twice: found in a line, and refused naming the line.

JSON decoders (msgspec, the standard library) keep the last value of a repeated key and
say nothing; an import must not guess which was meant.
"""

from __future__ import annotations

import json
from typing import Any

import msgspec

from probation_desk.services.transfer.common import Refusal

_top_keys = msgspec.json.Decoder(dict[str, msgspec.Raw]).decode
_entry_keys = msgspec.json.Decoder(list[dict[str, msgspec.Raw]]).decode
_NESTED = ("history", "corrections")
"""The format's fields that hold a list of objects (each object with keys of its own)."""


def repeated_key(raw: bytes) -> str | None:
    """A key that an object in the line gives twice, if any.

    JSON decoders keep the last value of a repeated key and say nothing, so
    ``"region":"Wales","region":"London"`` would be saved as London. Usually settled
    without a second full parse: when the line holds exactly as many ``":`` as its
    objects have distinct keys (read with the values left undecoded), no key is there
    twice. Otherwise (a key given twice, a key written with escapes or a space before
    its colon, a ``":`` inside a text) the line is read again key by key.
    """
    try:
        top = _top_keys(raw)
        distinct = len(top)
        if "history" in top or "corrections" in top:
            for name in _NESTED:
                value = top.get(name)
                if value is not None and len(value) > 2 and bytes(value)[:1] == b"[":
                    distinct += sum(map(len, _entry_keys(value)))
    except msgspec.MsgspecError:
        distinct = -1
    if raw.count(b'":') == distinct:
        return None
    return _first_repeat(raw)


def _first_repeat(raw: bytes) -> str | None:
    repeats: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: set[str] = set()
        for key, _value in items:
            if key in seen and not repeats:
                repeats.append(key)
            seen.add(key)
        return dict(items)

    try:
        json.loads(raw, object_pairs_hook=pairs)
    except ValueError:
        return None
    return repeats[0] if repeats else None


def refuse_repeat(number: int, key: str) -> Refusal:
    """The refusal of a line that gives ``key`` twice."""
    return Refusal(number, "duplicate-key", f"'{key}' is given twice in this line's record, "
                   "so which value is meant cannot be told; the record was not imported. "
                   "Give each field once.", key)
