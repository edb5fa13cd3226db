"""What is reused across copies (replayed pages, page frames, formatted PDF objects)
never makes a copy differ from one laid out and written afresh, nor carries one
person's details into another's copy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from probation_desk.printing import layout, pdfcache
from probation_desk.printing.workbook import WorkbookOptions, WorkbookPerson, render_many
from tests.printing.pdfread import all_text, flat, placed_forms, reader, render

ONE = WorkbookPerson("Siân Llŷr-Ŵyn", "X123456", "Alex Bevan", "Ffion Price",
                     dt.date(2026, 11, 22))
# Letters the template lacks, and early letters it uses only on later pages.
TWO = WorkbookPerson("Ærø HOUx-F Łukasz Þór", "A000001", "Jo Reid", None,
                     dt.date(2026, 11, 23))
VARIANTS = [pytest.param({}, id="clear"), pytest.param({"booklet": True}, id="booklet"),
            pytest.param({"large_print": True}, id="large"),
            pytest.param({"fillable": True}, id="fillable")]


class _Keeps(dict):  # type: ignore[type-arg]
    """A cache that keeps nothing."""

    def __setitem__(self, key: object, value: object) -> None:
        pass

    def setdefault(self, key: object, default: object = None) -> object:
        return default


def forget() -> None:
    """Nothing laid out or formatted before is left to reuse."""
    layout._PAGES.clear()
    layout._FRAMES.clear()
    pdfcache.clear()


def afresh(monkeypatch: pytest.MonkeyPatch, make: Callable[[], bytes]) -> bytes:
    """What ``make`` writes with every page laid out and every object formatted by
    ReportLab itself (nothing kept from before, nothing kept for after)."""
    with monkeypatch.context() as m:
        forget()
        m.setattr(pdfcache, "adopt", lambda document: None)
        m.setattr(layout, "_PAGES", _Keeps())
        m.setattr(layout, "_FRAMES", _Keeps())
        data = make()
        forget()
    return data


@pytest.mark.parametrize("opts", VARIANTS)
@pytest.mark.parametrize(("first", "then"), [(ONE, TWO), (TWO, ONE)], ids=["1-2", "2-1"])
def test_copy_after_another_persons_is_byte_for_byte_a_fresh_copy(
        monkeypatch: pytest.MonkeyPatch, opts: dict, first: WorkbookPerson,
        then: WorkbookPerson) -> None:
    expected = afresh(monkeypatch, lambda: render(then, **opts))
    forget()
    render(first, **opts)  # records pages and frames, keeps formatted objects
    if not opts.get("fillable"):
        assert layout._PAGES and layout._FRAMES
        assert pdfcache._pages.items  # the reuse under test did happen
    if opts.get("booklet"):
        assert pdfcache._forms.items
    assert render(then, **opts) == expected
    assert render(then, **opts) == expected  # and again, everything now reused


@pytest.mark.parametrize("booklet", [False, True], ids=["a4", "booklet"])
def test_one_file_for_several_people_is_byte_for_byte_a_fresh_one(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, booklet: bool) -> None:
    options = WorkbookOptions(booklet=booklet)

    def both(order: list[WorkbookPerson], name: str) -> bytes:
        out = tmp_path / name
        render_many(order, options, out, one_file=True)
        return out.read_bytes()

    expected = afresh(monkeypatch, lambda: both([TWO, ONE], "fresh.pdf"))
    forget()
    both([ONE, TWO], "warm-up.pdf")
    assert both([TWO, ONE], "reused.pdf") == expected


def copy_text(data: bytes) -> str:
    r = reader(data)
    text = all_text(r)
    if len(text) < 200:  # a booklet: the text is inside the A5 pages placed on each side
        text = flat(" ".join(t for page in r.pages for _m, t in placed_forms(r, page)))
    return text


@pytest.mark.parametrize("opts", VARIANTS)
def test_personal_details_never_reach_another_persons_copy(opts: dict) -> None:
    forget()
    copies = [(person, copy_text(render(person, **opts))) for person in (ONE, TWO, ONE, TWO)]
    for person, text in copies:
        other = TWO if person is ONE else ONE
        assert person.name in text and str(person.crn) in text
        assert other.name not in text and str(other.crn) not in text
        assert str(other.practitioner) not in text
    assert "Ffion Price" not in copies[1][1]  # the second person has no supporter
    assert copies[0][1] == copies[2][1] and copies[1][1] == copies[3][1]

