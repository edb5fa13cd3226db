"""The Dashboard page: the figures a user reads equal a hand count of the fixture."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCharts import QAbstractBarSeries

from probation_desk.domain.review import BLOCKED_TEXT
from probation_desk.domain.roles import Role
from probation_desk.services.desk import Desk
from probation_desk.ui.dashboard import NO_COMPLETIONS, DashboardPage, month_range
from tests.ui.test_review_ui import TODAY, add, build, make_desk

pytestmark = pytest.mark.gui


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    d = make_desk(tmp_path, Role.TREATMENT_MANAGER, "Rhian Tomos")
    yield d
    d.engine.dispose()


def open_page(qtbot: Any, desk: Desk) -> DashboardPage:
    page = DashboardPage(desk)
    qtbot.addWidget(page)
    page.resize(1100, 800)
    page.show()
    qtbot.waitExposed(page)
    settle(qtbot, page)
    return page


def settle(qtbot: Any, page: DashboardPage) -> None:
    qtbot.waitUntil(lambda: not page.busy and page.board is not None, timeout=10000)


def table(t: Any) -> list[list[str]]:
    return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]


def bar_values(chart: Any) -> dict[str, list[float]]:
    series = [s for s in chart.series() if isinstance(s, QAbstractBarSeries)]
    return {s.label(): [s.at(i) for i in range(s.count())]
            for one in series for s in one.barSets()}


def legend_and_bar_order(page: DashboardPage) -> tuple[list[str], list[str]]:
    """As painted: the legend's entries left to right, and each PDU's bars top to bottom."""
    from PySide6.QtWidgets import QApplication

    from probation_desk.ui.dashboard import COMPLETED_COLOUR, REFERRED_COLOUR

    QApplication.processEvents()
    image = page.pdu_view.grab().toImage()
    plot = page.pdu_view.mapFromScene(page.pdu_chart.mapToScene(
        page.pdu_chart.plotArea().topLeft())).y()
    colours = {"Referred": REFERRED_COLOUR.rgb(), "Completed": COMPLETED_COLOUR.rgb()}
    first_x: dict[str, int] = {}
    first_y: dict[str, int] = {}
    for y in range(image.height()):
        for x in range(image.width()):
            pixel = image.pixel(x, y)
            for name, rgb in colours.items():
                if pixel == rgb:
                    if y < plot:  # the legend sits above the plot
                        first_x[name] = min(first_x.get(name, x), x)
                    else:
                        first_y.setdefault(name, y)
    return (sorted(first_x, key=first_x.__getitem__), sorted(first_y, key=first_y.__getitem__))


def test_figures_equal_a_hand_count(qtbot: Any, desk: Desk) -> None:
    build(desk)  # referred: Siân (done after 20 days), Bola (done after 40), Ŵyn (blocked)
    page = open_page(qtbot, desk)
    assert page.referred_figure.value_label.text() == "3"
    assert page.completed_figure.value_label.text() == "2"
    assert page.blocked_figure.value_label.text() == "1"
    assert page.blocked_figure.caption.text() == BLOCKED_TEXT  # words, not colour alone
    assert page.average_figure.value_label.text() == "30.0 days"
    assert "in all regions" in page.scope_label.text()
    assert table(page.pdu_table) == [["Cardiff and Vale", "2", "1"], ["Hackney", "1", "1"]]
    assert table(page.month_table) == [["Sep 2026", "1"], ["Aug 2026", "1"]]  # newest first
    # the charts carry the same numbers, with a legend in words
    assert bar_values(page.pdu_chart) == {"Completed": [1, 1], "Referred": [1, 2]}
    assert legend_and_bar_order(page) == (["Referred", "Completed"], ["Referred", "Completed"])
    months = bar_values(page.month_chart)["Completions"]
    assert sum(months) == 2 and months[-1] == 0  # Aug..Nov 2026, nothing since September
    assert "Aug 2026 to Nov 2026" in page.month_chart.title()


def test_region_narrows_the_figures(qtbot: Any, desk: Desk) -> None:
    build(desk)
    page = open_page(qtbot, desk)
    page.region_box.setCurrentIndex(page.region_box.findText("Wales"))
    settle(qtbot, page)
    qtbot.waitUntil(lambda: "in Wales" in page.scope_label.text())
    assert [f.value_label.text() for f in (page.referred_figure, page.completed_figure,
                                           page.blocked_figure, page.average_figure)] == [
        "2", "1", "1", "20.0 days"]
    assert table(page.pdu_table) == [["Cardiff and Vale", "2", "1"]]
    page.region_box.setCurrentIndex(page.region_box.findText("North East"))
    qtbot.waitUntil(lambda: "in North East" in page.scope_label.text())
    assert page.referred_figure.value_label.text() == "0"
    assert page.average_figure.value_label.text() == NO_COMPLETIONS
    assert page.pdu_table.rowCount() == 0 and page.month_table.rowCount() == 0
    assert "no one referred yet" in page.pdu_chart.title()
    assert NO_COMPLETIONS in page.month_chart.title()


def test_no_completions_yet(qtbot: Any, desk: Desk) -> None:
    from probation_desk.domain.interventions import NeedArea

    p = add(desk, "E000005", "Gwenllïan Ŷr", "Wales", "Swansea")
    desk.refer_si(p.id, NeedArea.ATB, "Stepwise Problem Solving", TODAY)
    page = open_page(qtbot, desk)
    assert page.referred_figure.value_label.text() == "1"
    assert page.blocked_figure.value_label.text() == "1"
    assert page.average_figure.value_label.text() == "no completions yet"
    assert page.average_figure.accessibleName() == (
        "Average days from referral to module completion: no completions yet")


def test_refresh_picks_up_new_work(qtbot: Any, desk: Desk) -> None:
    people = build(desk)
    page = open_page(qtbot, desk)
    from probation_desk.domain.module import ModuleSession, SupporterRole

    desk.record_session(people["c"].id, ModuleSession(TODAY, SupporterRole.PP, "Nia Lloyd",
                                                      True))
    page.refresh()
    qtbot.waitUntil(lambda: page.completed_figure.value_label.text() == "3", timeout=10000)
    assert page.blocked_figure.value_label.text() == "0"


def test_month_window_never_shows_an_empty_frame() -> None:
    old = [("2023-02", 1), ("2023-08", 2)]
    assert month_range(old, TODAY)[0] == ("2023-02", 1)
    assert month_range(old, TODAY)[-1] == ("2023-08", 2)
    recent = [("2020-01", 5), ("2026-10", 1)]
    window = month_range(recent, TODAY)
    assert len(window) == 24 and window[-1] == ("2026-11", 0)
