"""The Dashboard section: Pre-Intervention Module completion for people referred to a
Structured Intervention, by PDU and by month, with the headline figures.

Every chart has its numbers beside it in a table and a legend in words, so nothing is
told by colour alone. The figures are counted off the GUI thread
(``services.review.dashboard``) through the window's shared :class:`ui.tasks.Tasks`.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt, Signal, Slot
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from probation_desk.domain.dates import uk_long
from probation_desk.domain.people import REGIONS
from probation_desk.domain.review import BLOCKED_TEXT
from probation_desk.services import review as svc
from probation_desk.services.desk import Desk
from probation_desk.ui.errors import plain_message
from probation_desk.ui.tasks import Tasks

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
CHART_MONTHS = 24
"""The month chart shows the last two years; the table beside it lists every month."""
REFERRED_COLOUR = QColor("#9db7d5")  # light blue, with the value printed on each bar
COMPLETED_COLOUR = QColor("#1d4f91")  # dark blue
NO_COMPLETIONS = "no completions yet"


def month_label(key: str) -> str:
    """'2026-09' -> 'Sep 2026'."""
    year, month = key.split("-")
    return f"{MONTHS[int(month) - 1]} {year}"


def _month_no(key: str) -> int:
    return int(key[:4]) * 12 + int(key[5:7]) - 1


def _month_key(n: int) -> str:
    return f"{n // 12:04d}-{n % 12 + 1:02d}"


def month_range(by_month: list[tuple[str, int]], today: dt.date,
                span: int = CHART_MONTHS) -> list[tuple[str, int]]:
    """The months the chart shows, zeros included: up to ``span`` months to this month.

    The window starts no earlier than the first completion. When every completion is
    older than the window, it ends at the last completion instead, so the chart is never
    an empty frame while the table has numbers.
    """
    if not by_month:
        return []
    counts = dict(by_month)
    first = min(_month_no(k) for k in counts)
    last = max(_month_no(k) for k in counts)
    end = max(today.year * 12 + today.month - 1, last)
    if last <= end - span:
        end = last
    start = max(first, end - span + 1)
    return [(_month_key(m), counts.get(_month_key(m), 0)) for m in range(start, end + 1)]


def count_axis(top: int, title: str, headroom: float = 1.15) -> QValueAxis:
    """A value axis of whole numbers from 0, with room above ``top`` for the bar labels."""
    target = max(1.0, top * headroom)
    step, scale = 1, 1
    while target / step > 8:  # 1, 2, 5, 10, 20, 50, ...
        for m in (1, 2, 5):
            step = m * scale
            if target / step <= 8:
                break
        else:
            scale *= 10
            step = scale
    axis = QValueAxis()
    axis.setRange(0, step * -(-target // step))
    axis.setTickType(QValueAxis.TickType.TicksDynamic)
    axis.setTickAnchor(0)
    axis.setTickInterval(step)
    axis.setLabelFormat("%d")
    axis.setTitleText(title)
    return axis


def average_text(days: float | None) -> str:
    """The average shown, or why there is none."""
    return NO_COMPLETIONS if days is None else f"{days:.1f} days"


class _Figure(QFrame):
    """One big number with its caption underneath."""

    def __init__(self, caption: str, parent: QWidget | None = None,
                 icon: QStyle.StandardPixmap | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.value_label = QLabel("…", self)
        font = self.value_label.font()
        font.setPointSizeF(font.pointSizeF() * 2.2)
        font.setBold(True)
        self.value_label.setFont(font)
        self.value_label.setAccessibleName(caption)
        self.caption = QLabel(caption, self)
        self.caption.setWordWrap(True)
        lay = QVBoxLayout(self)
        top = QHBoxLayout()
        if icon is not None:
            pic = QLabel(self)
            pic.setPixmap(self.style().standardIcon(icon).pixmap(24, 24))
            pic.setAccessibleName("Warning")
            top.addWidget(pic)
        top.addWidget(self.value_label)
        top.addStretch(1)
        lay.addLayout(top)
        lay.addWidget(self.caption)

    def set_value(self, text: str) -> None:
        self.value_label.setText(text)
        self.setAccessibleName(f"{self.caption.text()}: {text}")


def _table(headings: list[str], name: str, parent: QWidget) -> QTableWidget:
    t = QTableWidget(0, len(headings), parent)
    t.setHorizontalHeaderLabels(headings)
    t.setAccessibleName(name)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setTabKeyNavigation(False)
    t.verticalHeader().hide()
    t.setAlternatingRowColors(True)
    h = t.horizontalHeader()
    h.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for i in range(1, len(headings)):
        h.setSectionResizeMode(i, QHeaderView.ResizeMode.ResizeToContents)
    t.setMinimumWidth(340)
    t.setMaximumWidth(420)
    return t


def _cell(text: str, number: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if number:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class DashboardPage(QWidget):
    """The Dashboard section: headline figures and two charts, each with its numbers."""

    loaded = Signal()
    """The figures finished loading (for tests and the status bar)."""

    def __init__(self, desk: Desk, tasks: Tasks | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.board: svc.Dashboard | None = None
        self.setAccessibleName("Dashboard")
        self.tasks = tasks if tasks is not None else Tasks(self)
        self._pending = 0

        self.region_box = QComboBox(self)
        self.region_box.setAccessibleName("Region")
        self.region_box.addItem("All regions", "")
        for r in REGIONS:
            self.region_box.addItem(r, r)
        self.region_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.region_box.currentIndexChanged.connect(lambda _i: self.refresh())
        region_label = QLabel("Re&gion", self)
        region_label.setBuddy(self.region_box)
        self.scope_label = QLabel(self)
        self.scope_label.setAccessibleName("What the figures count")
        self.scope_label.setWordWrap(True)
        self.loading_label = QLabel("Counting…", self)
        self.loading_label.setAccessibleName("Loading")
        self.loading_label.hide()
        self.message_label = QLabel(self)
        self.message_label.setWordWrap(True)
        self.message_label.setAccessibleName("Message")
        self.message_label.hide()
        head = QHBoxLayout()
        head.addWidget(region_label)
        head.addWidget(self.region_box)
        head.addSpacing(12)
        head.addWidget(self.scope_label, 1)
        head.addWidget(self.loading_label)

        self.referred_figure = _Figure("People referred to a Structured Intervention", self)
        self.completed_figure = _Figure("Completed the Pre-Intervention Module", self)
        self.blocked_figure = _Figure(BLOCKED_TEXT, self,
                                      QStyle.StandardPixmap.SP_MessageBoxWarning)
        self.average_figure = _Figure("Average days from referral to module completion", self)
        figures = QGridLayout()
        for i, fig in enumerate((self.referred_figure, self.completed_figure,
                                 self.blocked_figure, self.average_figure)):
            figures.addWidget(fig, 0, i)

        # By PDU: horizontal bars (PDU names stay readable), table beside.
        self.pdu_chart = QChart()
        self.pdu_chart.setTitle("Referred and completed, by PDU")
        self.pdu_chart.legend().setAlignment(Qt.AlignmentFlag.AlignTop)
        # A horizontal bar series paints its first set lowest in each band (Completed
        # below Referred); the legend lists sets first to last. Reversed, the legend
        # reads in the order the bars do, top to bottom: Referred, then Completed.
        self.pdu_chart.legend().setReverseMarkers(True)
        self.pdu_chart.setMargins(QMargins(4, 4, 4, 4))
        self.pdu_view = QChartView(self.pdu_chart, self)
        self.pdu_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.pdu_view.setAccessibleName("Chart: referred and completed, by PDU")
        self.pdu_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.pdu_table = _table(["PDU", "Referred", "Completed"], "Referred and completed "
                                "by PDU (the chart's numbers)", self)
        pdu_label = QLabel("Figures by &PDU", self)
        pdu_label.setBuddy(self.pdu_table)

        # By month: bars for the last two years, table of every month beside.
        self.month_chart = QChart()
        self.month_chart.setTitle("Module completions by month")
        self.month_chart.legend().setAlignment(Qt.AlignmentFlag.AlignTop)
        self.month_chart.setMargins(QMargins(4, 4, 4, 4))
        self.month_view = QChartView(self.month_chart, self)
        self.month_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.month_view.setAccessibleName("Chart: module completions by month")
        self.month_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.month_view.setMinimumHeight(320)
        self.month_table = _table(["Month", "Completions"], "Module completions by month "
                                  "(the chart's numbers)", self)
        self.month_table.setMinimumHeight(320)
        month_label_ = QLabel("Figures by &month", self)
        month_label_.setBuddy(self.month_table)

        body = QWidget(self)
        grid = QGridLayout(body)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.pdu_view, 0, 0, 2, 1)
        grid.addWidget(pdu_label, 0, 1)
        grid.addWidget(self.pdu_table, 1, 1)
        grid.addWidget(self.month_view, 2, 0, 2, 1)
        grid.addWidget(month_label_, 2, 1)
        grid.addWidget(self.month_table, 3, 1)
        grid.setColumnStretch(0, 1)
        grid.setRowStretch(1, 1)
        grid.setRowStretch(3, 1)
        scroll = QScrollArea(self)
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setAccessibleName("Charts and figures")

        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 8, 8, 8)
        lay.addLayout(head)
        lay.addWidget(self.message_label)
        lay.addLayout(figures)
        lay.addWidget(scroll, 1)
        self.setTabOrder(self.region_box, self.pdu_table)
        self.setTabOrder(self.pdu_table, self.month_table)
        self.refresh()

    # --- loading
    @Slot()
    def refresh(self) -> None:
        """Count the figures again for the chosen region (off the GUI thread)."""
        region = self.region_box.currentData() or ""
        desk = self.desk
        self._pending += 1
        self.loading_label.show()

        def ended() -> None:
            self._pending -= 1
            self.loading_label.setVisible(self._pending > 0)

        self.tasks.op(self, lambda _p: svc.dashboard(desk, region)) \
            .superseding(f"dashboard-{id(self)}") \
            .success(lambda board: self._show(region, board)).failure(self._failed) \
            .finally_(ended).run_in_background()

    @property
    def busy(self) -> bool:
        """True while the figures are being counted."""
        return self._pending > 0

    def _failed(self, exc: BaseException) -> None:
        self.message_label.setText("The dashboard figures could not be counted. "
                                   + plain_message(exc))
        self.message_label.show()

    def _show(self, region: str, board: svc.Dashboard) -> None:
        self.board = board
        self.message_label.hide()
        where = f"in {region}" if region else "in all regions"
        self.scope_label.setText(
            f"People referred to a Structured Intervention {where}, "
            f"counted on {uk_long(self.desk.today)}.")
        self.referred_figure.set_value(f"{board.referred:,}")
        self.completed_figure.set_value(f"{board.completed:,}")
        self.blocked_figure.set_value(f"{board.blocked:,}")
        self.average_figure.set_value(average_text(board.average_days_to_completion))
        self._show_pdus(board)
        self._show_months(board)
        self.loaded.emit()

    def _show_pdus(self, board: svc.Dashboard) -> None:
        chart = self.pdu_chart
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        rows = board.by_pdu
        self.pdu_table.setRowCount(len(rows))
        for i, (pdu, referred, done) in enumerate(rows):
            self.pdu_table.setItem(i, 0, _cell(pdu))
            self.pdu_table.setItem(i, 1, _cell(f"{referred:,}", True))
            self.pdu_table.setItem(i, 2, _cell(f"{done:,}", True))
        if not rows:
            chart.setTitle("Referred and completed, by PDU: no one referred yet")
            self.pdu_view.setMinimumHeight(200)
            return
        chart.setTitle("Referred and completed, by PDU")
        # Bars read top to bottom in the table's order, so the categories go in reversed.
        ordered = list(reversed(rows))
        referred_set = QBarSet("Referred")
        referred_set.setColor(REFERRED_COLOUR)
        referred_set.setBorderColor(QColor("#34537a"))
        referred_set.setLabelColor(QColor("black"))
        completed_set = QBarSet("Completed")
        completed_set.setColor(COMPLETED_COLOUR)
        completed_set.setLabelColor(QColor("black"))
        for _pdu, referred, done in ordered:
            referred_set.append(referred)
            completed_set.append(done)
        series = QHorizontalBarSeries()
        series.append(completed_set)
        series.append(referred_set)
        series.setBarWidth(0.8)
        series.setLabelsVisible(True)
        series.setLabelsPosition(QHorizontalBarSeries.LabelsPosition.LabelsOutsideEnd)
        series.setLabelsFormat("@value")
        chart.addSeries(series)
        names = QBarCategoryAxis()
        names.append([p for p, _r, _d in ordered])
        chart.addAxis(names, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(names)
        values = count_axis(max(r for _p, r, _d in rows), "People")
        chart.addAxis(values, Qt.AlignmentFlag.AlignTop)  # in view above a long list
        series.attachAxis(values)
        self._legend_markers(chart)
        self.pdu_view.setMinimumHeight(min(150 + 50 * len(rows), 3000))

    def _show_months(self, board: svc.Dashboard) -> None:
        chart = self.month_chart
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        self.month_table.setRowCount(len(board.by_month))
        for i, (key, n) in enumerate(reversed(board.by_month)):  # newest first
            self.month_table.setItem(i, 0, _cell(month_label(key)))
            self.month_table.setItem(i, 1, _cell(f"{n:,}", True))
        window = month_range(board.by_month, self.desk.today)
        if not window:
            chart.setTitle(f"Module completions by month: {NO_COMPLETIONS}")
            return
        older = len(board.by_month) - sum(1 for k, n in window if n)
        chart.setTitle(f"Module completions by month, {month_label(window[0][0])} to "
                       f"{month_label(window[-1][0])}"
                       + (f" ({older} earlier months are in the table)" if older > 0 else ""))
        bars = QBarSet("Completions")
        bars.setColor(COMPLETED_COLOUR)
        bars.setLabelColor(QColor("black"))
        for _key, n in window:
            bars.append(n)
        series = QBarSeries()
        series.append(bars)
        series.setLabelsVisible(True)
        series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsOutsideEnd)
        series.setLabelsFormat("@value")
        chart.addSeries(series)
        axis = QBarCategoryAxis()
        short = len(window) > 12
        axis.append([self._short_month(k) if short else month_label(k) for k, _n in window])
        if short:
            axis.setLabelsAngle(-90)
        chart.addAxis(axis, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(axis)
        values = count_axis(max(n for _k, n in window), "Completions", 1.2)
        chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(values)
        self._legend_markers(chart)

    @staticmethod
    def _short_month(key: str) -> str:
        year, month = key.split("-")
        return f"{MONTHS[int(month) - 1]} {year[2:]}"

    @staticmethod
    def _legend_markers(chart: QChart) -> None:
        legend = chart.legend()
        legend.setVisible(True)
        font = QFont(legend.font())
        font.setPointSizeF(max(font.pointSizeF(), 10))
        legend.setFont(font)

    # --- lifetime
    def shutdown(self) -> None:
        """Wait for background work (call before closing the database)."""
        self.tasks.wait()
