"""Free text typed by people: the 4,000-character notes limit, control characters, NFC.

Notes are what a practitioner types about a person; they must survive exports and
printing, so invisible control characters are refused (new lines and tabs are kept),
Welsh letters are stored in one composed form, and markup is kept exactly as typed.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from probation_desk.domain.errors import RuleViolation
from probation_desk.domain.nsi import NsiFields, check_fields
from probation_desk.domain.text import NAME_MAX, NOTES_MAX, clean_text


def notes(value: str | None) -> str | None:
    """Clean ``value`` the way NSI notes are cleaned."""
    return clean_text(value, field="notes", label="The notes", max_len=NOTES_MAX)


def one_line(value: str | None, *, required: bool = False) -> str | None:
    """Clean ``value`` the way a single-line name is cleaned."""
    return clean_text(value, field="name", label="The name", max_len=NAME_MAX,
                      multiline=False, required=required)


def test_limits_are_the_ndelius_ones() -> None:
    assert NOTES_MAX == 4000
    assert NAME_MAX == 200


def test_notes_of_exactly_4000_characters_are_accepted() -> None:
    text = "n" * 4000
    assert notes(text) == text


def test_notes_of_4001_characters_are_refused_with_the_limit_in_the_message() -> None:
    with pytest.raises(RuleViolation) as exc:
        notes("n" * 4001)
    err = exc.value
    assert err.rule == "too-long" and err.field == "notes"
    assert "The notes" in err.message
    assert "4,001 characters" in err.message
    assert "4,000" in err.message
    assert "Shorten it" in err.message


def test_notes_limit_is_applied_inside_an_nsi() -> None:
    base = NsiFields("NMMOT", referral_date=dt.date(2022, 5, 1))
    today = dt.date(2022, 7, 1)
    assert check_fields(replace(base, notes="x" * 4000), today).notes == "x" * 4000
    with pytest.raises(RuleViolation) as exc:
        check_fields(replace(base, notes="x" * 4001), today)
    assert exc.value.field == "notes" and "4,000" in exc.value.message


def test_surrounding_whitespace_does_not_count_towards_the_limit() -> None:
    assert notes("  " + "n" * 4000 + "\n\n") == "n" * 4000


def test_length_is_counted_after_normalisation() -> None:
    # 3,999 letters and a decomposed 'â' (two code points) is 4,000 characters once composed.
    text = "x" * 3999 + "a\u0302"
    assert len(text) == 4001
    cleaned = notes(text)
    assert cleaned is not None and len(cleaned) == 4000 and cleaned.endswith("â")


@pytest.mark.parametrize(("char", "code"), [("\x00", 0), ("\x07", 7), ("\x1b", 27),
                                            ("\x08", 8), ("\x0b", 11), ("\x0c", 12),
                                            ("\x7f", 127), ("\x85", 133), ("\x9b", 155)])
def test_control_characters_are_refused_with_their_code(char: str, code: int) -> None:
    with pytest.raises(RuleViolation) as exc:
        notes(f"Met at the office.{char}Next visit booked.")
    err = exc.value
    assert err.rule == "control-characters" and err.field == "notes"
    assert "The notes contains an invisible control character" in err.message
    assert f"(code {code})" in err.message
    assert "pasting" in err.message


@pytest.mark.parametrize("text", ["Line one\nLine two", "Col A\tCol B", "Windows\r\nline",
                                  "Para one\n\n\tIndented para two"])
def test_new_lines_and_tabs_are_allowed_in_notes(text: str) -> None:
    assert notes(text) == text


@pytest.mark.parametrize("char", ["\n", "\t", "\r"])
def test_new_lines_and_tabs_are_refused_in_a_single_line_field(char: str) -> None:
    with pytest.raises(RuleViolation) as exc:
        one_line(f"Alex{char}Example")
    assert exc.value.rule == "control-characters" and exc.value.field == "name"


def test_empty_text_is_none_unless_required() -> None:
    assert notes(None) is None
    assert notes("") is None
    assert notes(" \n\t ") is None
    with pytest.raises(RuleViolation) as exc:
        one_line("   ", required=True)
    assert exc.value.rule == "required" and exc.value.message == "The name is needed."
    with pytest.raises(RuleViolation):
        one_line(None, required=True)


def test_text_is_trimmed() -> None:
    assert notes("   Met at the office.  \n") == "Met at the office."


def test_decomposed_welsh_letters_equal_the_composed_ones() -> None:
    decomposed = "a\u0302 w\u0302 y\u0302 A\u0302 W\u0302 Y\u0302"
    composed = "â ŵ ŷ Â Ŵ Ŷ"
    assert decomposed != composed
    assert notes(decomposed) == composed
    assert notes(composed) == composed
    assert one_line("Sia\u0302n") == "Siân"


@pytest.mark.parametrize("text", ["<b>bold</b> & <i>more</i>", "Tom & Jerry", "a < b > c",
                                  "&lt;not decoded&gt;", "50% of the time; {braces}",
                                  "Emoji stay 🙂", "Ŵyr â’r ŷd"])
def test_markup_and_symbols_are_kept_literally(text: str) -> None:
    assert notes(text) == text


@given(st.text(alphabet=st.characters(blacklist_categories=["Cc", "Cs"]), max_size=300))
def test_text_without_control_characters_is_accepted_and_nfc(text: str) -> None:
    cleaned = notes(text)
    if cleaned is None:
        assert text.strip() == ""
    else:
        assert unicodedata.is_normalized("NFC", cleaned)
        assert cleaned == unicodedata.normalize("NFC", text.strip())


@given(st.text(max_size=50), st.sampled_from(["\x00", "\x07", "\x1b", "\x7f"]),
       st.text(max_size=50))
def test_a_control_character_anywhere_inside_is_refused(before: str, char: str,
                                                        after: str) -> None:
    with pytest.raises(RuleViolation):
        notes(f"x{before}{char}{after}x")
