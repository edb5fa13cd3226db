"""The hostile corpus itself: big enough and covering what issue 8 lists."""

from __future__ import annotations

from tests.corpus import hostile, hostile_values


def test_corpus_has_at_least_sixty_string_and_date_values_with_unique_ids() -> None:
    entries = hostile()
    assert len([e for e in entries if e["kind"] in {"text", "date"}]) >= 60
    assert len({e["id"] for e in entries}) == len(entries)


def test_corpus_covers_the_kinds_of_nasty_value_the_issue_names() -> None:
    texts = hostile_values("text")
    dates = hostile_values("date")
    assert "&amp;" in texts and any("<b>" in t for t in texts)
    assert any("\u202e" in t for t in texts) and any("\u200b" in t for t in texts)
    assert any("\u0301" in t for t in texts) and any("\U0001f600" in t for t in texts)
    assert any("\x00" in t for t in texts) and any(len(t) == 10_000 for t in texts)
    assert any(t.startswith(p) for t in texts for p in "=+-@")
    assert "2022-02-30" in dates and "0000-01-01" in dates
