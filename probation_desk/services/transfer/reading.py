"""Reading an import file: one line at a time, each decoded and type-checked strictly
(a refusal with its line number, never an abort).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import msgspec

from probation_desk.services import import_format as fmt
from probation_desk.services.transfer.common import (
    FORMAT_VERSION,
    MAX_LINE_BYTES,
    Refusal,
)
from probation_desk.services.transfer.keys import refuse_repeat, repeated_key
from probation_desk.services.transfer.upgrade import (
    _read_older,
)

_record_decoder = msgspec.json.Decoder(fmt.Record)
class FileRefused(ValueError):
    """The file as a whole cannot be imported (no header, another format...)."""


def _lines(fh: IO[bytes]) -> Iterator[tuple[int, bytes | Refusal]]:
    """Raw lines, each at most MAX_LINE_BYTES read into memory (longer ones are skipped)."""
    number = 0
    readline = fh.readline
    while True:
        raw = readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            yield number, _too_long(fh, raw, number)
            continue
        yield number, raw


def _too_long(fh: IO[bytes], raw: bytes, number: int) -> Refusal:
    """Skip the rest of an over-long line in bounded pieces; its refusal."""
    size = len(raw)
    while raw and not raw.endswith(b"\n"):
        raw = fh.readline(MAX_LINE_BYTES)
        size += len(raw)
    return Refusal(number, "line-too-long", f"The line is {size:,} bytes long; no record of "
                   f"this format is longer than {MAX_LINE_BYTES:,} bytes, so it was not read.")


def read_records(fh: IO[bytes]) -> Iterator[tuple[int, Any]]:
    """Decode a file: the header first (raises :class:`FileRefused`), then its records."""
    lines = _lines(fh)
    for number, raw in lines:
        if isinstance(raw, Refusal):
            raise FileRefused(f"Line {number} should be the header but is too long to be one, "
                              "so nothing was imported.")
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]  # a UTF-8 byte-order mark (RFC 8259 allows ignoring it)
        if not raw.strip():
            continue
        try:
            head = fmt.line_decoder.decode(raw)
        except msgspec.MsgspecError as exc:
            _rule, where, reason = fmt.describe(exc, raw)
            raise FileRefused(f"Line {number} should be the header "
                              f'{{"type":"header","format":"probation-desk","version":'
                              f"{FORMAT_VERSION}}} but is not ({reason}), so nothing was "
                              "imported.") from None
        if not isinstance(head, fmt.Header):
            raise FileRefused(f"Line {number} should be the header "
                              f'{{"type":"header","format":"probation-desk","version":'
                              f"{FORMAT_VERSION}}} but is a {head.__struct_config__.tag} "
                              "record, so nothing was imported.")
        if not fmt.OLDEST_READ <= head.version <= FORMAT_VERSION:
            raise FileRefused(
                f"This file is format version {head.version}; this Probation Desk reads "
                f"versions {fmt.OLDEST_READ} to {FORMAT_VERSION}. Update Probation Desk to "
                "import it. Nothing was imported.")
        break
    else:
        raise FileRefused("The file is empty: it has no header line, so nothing was imported.")
    if head.version < FORMAT_VERSION:
        yield from _read_older(lines)
        return
    # The rest read here directly rather than through _lines (one generator less per
    # line), with the same bound on what one line may hold in memory.
    decode = _record_decoder.decode
    readline = fh.readline
    limit = MAX_LINE_BYTES + 1
    while True:
        raw = readline(limit)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            yield number, _too_long(fh, raw, number)
            continue
        try:
            record = decode(raw)
        except msgspec.MsgspecError as exc:
            if not raw.strip():
                continue
            rule, where, reason = fmt.describe(exc, raw)
            if rule == "unknown-type" and b'"header"' in raw:
                reason = "A second header: the header comes once, on the first line."
            yield number, Refusal(number, rule, reason, where)
            continue
        key = repeated_key(raw)
        yield number, record if key is None else refuse_repeat(number, key)
