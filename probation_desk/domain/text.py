"""Checks on free text typed by people: length and invisible control characters."""

from __future__ import annotations

import unicodedata

from probation_desk.domain.errors import RuleViolation

NOTES_MAX = 4000
NAME_MAX = 200
_ALLOWED_CONTROLS = {"\n", "\t", "\r"}


def clean_text(value: str | None, *, field: str, label: str, max_len: int,
               multiline: bool = True, required: bool = False) -> str | None:
    """Return ``value`` normalised (NFC, trimmed) or refuse it.

    Markup such as ``<b>`` or ``&`` is kept exactly as typed (it is escaped where it
    is printed); control characters other than new lines and tabs are refused,
    because they are invisible and break exports and printing.
    """
    if value is None or value.strip() == "":
        if required:
            raise RuleViolation("required", f"{label} is needed.", field)
        return None
    text = value.strip()
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    allowed = _ALLOWED_CONTROLS if multiline else set()
    for ch in ([] if text.isprintable() else text):
        if unicodedata.category(ch) == "Cc" and ch not in allowed:
            raise RuleViolation(
                "control-characters",
                f"{label} contains an invisible control character (code {ord(ch)}). "
                "Remove it and try again: it may have come from pasting.",
                field,
            )
    if len(text) > max_len:
        raise RuleViolation(
            "too-long",
            f"{label} is {len(text):,} characters long; the most allowed is {max_len:,}. "
            "Shorten it and try again.",
            field,
        )
    return text
