"""Checks on free text typed by people: length and invisible control characters."""

from __future__ import annotations

import unicodedata

from probation_desk.domain.errors import RuleViolation

NOTES_MAX = 4000
NAME_MAX = 200
_ALLOWED_CONTROLS = {"\n", "\t", "\r"}
_BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E,
                                   0x200F, 0x061C)}
"""Direction overrides can make a name or note read differently from what is stored."""

_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u034f\u2800")
"""Characters Unicode counts as printable that show nothing: the Hangul fillers, the
combining grapheme joiner, the blank Braille pattern."""
_UNSEEN_CATEGORIES = frozenset({"Cf", "Zl", "Zp", "Cn", "Co"})
"""Format characters (zero-width spaces and joiners, the byte-order mark, the soft
hyphen, tags...), line and paragraph separators, unassigned code points (noncharacters
such as U+FFFF among them) and private-use characters: nothing a person can see."""

_PASSED: dict[tuple[str, int, bool], str] = {}
"""Texts that passed, with what they were saved as (the check is a pure function of the
text, the length allowed and multiline, so a value met again, as an import meets the same
practitioner or note on thousands of lines, is not checked character by character again)."""
_PASSED_MAX = 50_000
_PASSED_LONGEST = 300


def clean_text(value: str | None, *, field: str, label: str, max_len: int,
               multiline: bool = True, required: bool = False) -> str | None:
    """Return ``value`` normalised (NFC, trimmed) or refuse it.

    Markup such as ``<b>`` or ``&`` is kept exactly as typed (it is escaped where it
    is printed); control characters other than new lines and tabs, and text-direction
    overrides, are refused wherever they are (even at the ends, where trimming would
    otherwise hide them), because they are invisible and break exports and printing.
    """
    if value is None:
        if required:
            raise RuleViolation("required", f"{label} is needed.", field)
        return None
    key = (value, max_len, multiline)
    known = _PASSED.get(key)
    if known is not None:
        return known
    cleaned = _checked(value, field=field, label=label, max_len=max_len,
                       multiline=multiline, required=required)
    if cleaned is not None and len(value) <= _PASSED_LONGEST:
        if len(_PASSED) >= _PASSED_MAX:
            _PASSED.clear()
        _PASSED[key] = cleaned
    return cleaned


def _refuse_unseen(text: str, *, field: str, label: str) -> None:
    """A one-line text (a name, a PDU) holds only characters a person can see and type.

    A name with a zero-width space or a Hangul filler in it looks like another name on
    screen and on paper, yet is a different one to search, sort and match; notes keep
    their joiners (emoji and several scripts need them) and are checked as before.
    """
    if text.isprintable() and _BLANK_LETTERS.isdisjoint(text):
        return
    for ch in text:
        if ch in _BIDI_CONTROLS:
            return  # worded as a direction mark below
        category = unicodedata.category(ch)
        if ch in _BLANK_LETTERS or category in _UNSEEN_CATEGORIES:
            what = unicodedata.name(ch, "an unassigned or private character").lower()
            raise RuleViolation(
                "invisible-character",
                f"{label} contains a character that cannot be seen (U+{ord(ch):04X}, "
                f"{what}): it would look the same as without it, yet be saved differently. "
                "Remove it and try again: it may have come from pasting.",
                field,
            )


def _checked(value: str, *, field: str, label: str, max_len: int, multiline: bool,
             required: bool) -> str | None:
    # Trim ordinary spaces and line ends, then look for invisible characters before any
    # other trimming: str.strip() would silently drop some control characters.
    text = value.strip(" \t\r\n")
    allowed = _ALLOWED_CONTROLS if multiline else set()
    if not multiline:
        _refuse_unseen(text, field=field, label=label)
    for ch in ([] if text.isprintable() else text):
        if ch in _BIDI_CONTROLS:
            raise RuleViolation(
                "direction-override",
                f"{label} contains an invisible text-direction mark (code {ord(ch)}), which "
                "can make it read differently from what is saved. Remove it and try again.",
                field,
            )
        if unicodedata.category(ch) == "Cs":
            raise RuleViolation(
                "broken-character",
                f"{label} contains a broken character (code {ord(ch)}, half of a pair that "
                "should make one character), which cannot be saved. Type that part again: "
                "it may have come from pasting.",
                field,
            )
        if unicodedata.category(ch) == "Cc" and ch not in allowed:
            raise RuleViolation(
                "control-characters",
                f"{label} contains an invisible control character (code {ord(ch)}). "
                "Remove it and try again: it may have come from pasting.",
                field,
            )
    text = text.strip()
    if text == "":
        if required:
            raise RuleViolation("required", f"{label} is needed.", field)
        return None
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if len(text) > max_len:
        raise RuleViolation(
            "too-long",
            f"{label} is {len(text):,} characters long; the most allowed is {max_len:,}. "
            "Shorten it and try again.",
            field,
        )
    return text
