"""``probation-desk selftest``: checks that this installation works, for IT after installing.

Each check does the real thing in a temporary folder, never touching the user's data or
settings: migrates a new SQLite database to the newest schema, imports every page of the
window by name, builds the main window offscreen on that database (Review and Dashboard
included), renders a blank workbook with the shipped fonts and reads it back, and looks
for a system keyring. It prints the versions that matter to a support call. The same
command runs in a frozen bundle (the bundle test runs it) and in a checkout.

A check that fails makes the command exit 1; a keyring service that this session cannot
reach is a warning (the keyring is only used to remember team database passwords, and
``~/.pgpass`` still works without it); a keyring backend missing from the build is a failure.
"""

from __future__ import annotations

import contextlib
import os
import platform
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import argparse

PAGES: tuple[tuple[str, str, str], ...] = (
    ("Caseload", "probation_desk.ui.caseload", "CaseloadPage"),
    ("Case record", "probation_desk.ui.case_record", "CaseRecord"),
    ("Worklist", "probation_desk.ui.worklist", "WorklistPage"),
    ("Review", "probation_desk.ui.review", "ReviewPage"),
    ("Dashboard", "probation_desk.ui.dashboard", "DashboardPage"),
    ("My week", "probation_desk.ui.week", "WeekPage"),
    ("Record history", "probation_desk.ui.history_panel", "HistoryPanel"),
    ("Withdrawal banner", "probation_desk.ui.banner", "Banner"),
    ("Workbook dialog", "probation_desk.ui.workbook_dialog", "WorkbookDialog"),
    ("Workbook preview", "probation_desk.ui.pdf_preview", "PdfPreviewDialog"),
)
"""Every page of the window: (name, module, class). Review and Dashboard are imported by
name when their section is first shown, so a frozen build carries them only if it
collects them explicitly; this list is how the self-test finds out."""

HARMLESS_QT = (
    "This plugin does not support propagateSizeHints()",
    "This plugin does not support raise()",
    "This plugin does not support grabbing the keyboard",
    "Qt depends on a UTF-8 locale, and has switched to",
)
"""Qt warnings that say nothing about the app: the offscreen platform's, and Qt choosing
C.UTF-8 on a system with no locale set (a bare or minimal install)."""

WINDOW_TIMEOUT_S = 60.0
"""How long the window may take to open its database (a slow, busy machine)."""

OK, WARN, FAIL = "pass", "warning", "fail"


@dataclass
class Check:
    """One check's outcome: its name, pass/warning/fail, and what was found, in words."""

    name: str
    status: str
    detail: str
    seconds: float = 0.0


@dataclass
class Report:
    """Every check, the versions and where this installation keeps things."""

    checks: list[Check] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=dict)
    places: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when no check failed (warnings allowed)."""
        return all(c.status != FAIL for c in self.checks)

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "checks": [asdict(c) for c in self.checks],
                "versions": self.versions, "places": self.places}

    def text(self) -> str:
        width = max((len(c.name) for c in self.checks), default=0)
        lines = ["Probation Desk self-test"]
        lines += [f"  {k + ':':<12} {v}" for k, v in self.versions.items()]
        lines.append("")
        for c in self.checks:
            mark = {OK: "PASS", WARN: "WARN", FAIL: "FAIL"}[c.status]
            lines.append(f"{mark}  {c.name:<{width}}  {c.detail}")
        lines.append("")
        lines += [f"  {k + ':':<12} {v}" for k, v in self.places.items()]
        lines.append("")
        failed = [c.name for c in self.checks if c.status == FAIL]
        warned = sum(c.status == WARN for c in self.checks)
        if failed:
            lines.append(f"{len(failed)} check(s) failed: {', '.join(failed)}.")
        else:
            lines.append("All checks passed" + (f" ({warned} with a warning)." if warned
                                                 else "."))
        return "\n".join(lines)


def versions() -> dict[str, str]:
    """Versions for a support call: the app, Python, Qt, SQLite, ReportLab and the rest."""
    from probation_desk import __version__

    found = {"app": __version__,
             "python": platform.python_version(),
             "platform": platform.platform(terse=True),
             "build": "frozen bundle" if getattr(sys, "frozen", False) else "source"}
    try:
        import PySide6
        from PySide6.QtCore import qVersion

        found["qt"] = qVersion()
        found["pyside6"] = PySide6.__version__
    except Exception as exc:  # reported by the window check too
        found["qt"] = f"missing ({exc.__class__.__name__})"
    found["sqlite"] = sqlite3.sqlite_version
    for name, module, attr in (("sqlalchemy", "sqlalchemy", "__version__"),
                               ("alembic", "alembic", "__version__"),
                               ("reportlab", "reportlab", "Version"),
                               ("psycopg", "psycopg", "__version__")):
        try:
            found[name] = str(getattr(__import__(module), attr))
        except Exception as exc:
            found[name] = f"missing ({exc.__class__.__name__})"
    return found


def places() -> dict[str, str]:
    """Where this user's database, log and settings are (as the app finds them)."""
    from probation_desk.paths import config_dir, data_dir, default_db_path

    return {"program": str(Path(sys.executable).resolve().parent)
            if getattr(sys, "frozen", False) else str(Path(__file__).resolve().parent),
            "database": str(default_db_path()),
            "log": str(data_dir() / "probation-desk.log"),
            "settings": str(config_dir() / "settings.json")}


# ------------------------------------------------------------------ the checks
def check_database(folder: Path) -> str:
    """Migrate a new SQLite file to the newest schema; the words say which revision."""
    from probation_desk.services.lifecycle import open_database
    from probation_desk.store.engine import current_revision
    from probation_desk.store.migrate import all_revisions, head_revision

    url = f"sqlite:///{folder / 'selftest.sqlite3'}"
    engine = open_database(url)
    try:
        rev = current_revision(engine)
    finally:
        engine.dispose()
    head = head_revision()
    if rev != head:
        raise AssertionError(f"the new database is at {rev}, not the newest schema {head}")
    return f"a new SQLite database migrated through {len(all_revisions())} migrations to {head}"


def check_pages() -> str:
    """Import every page of the window by its module and class name."""
    import importlib

    missing = []
    for name, module, cls in PAGES:
        try:
            getattr(importlib.import_module(module), cls)
        except Exception as exc:
            missing.append(f"{name} ({module}.{cls}: {exc.__class__.__name__}: {exc})")
    if missing:
        raise AssertionError("cannot import " + "; ".join(missing))
    return ", ".join(name for name, _m, _c in PAGES)


def check_postgresql_driver() -> str:
    """The PostgreSQL driver and its client library (for a team database) load."""
    import psycopg

    return (f"psycopg {psycopg.__version__} ({psycopg.pq.__impl__} implementation, "
            f"libpq {psycopg.pq.version() // 10000}.{psycopg.pq.version() % 100})")


def check_window(folder: Path) -> str:
    """Build the main window offscreen on a new database and show every section."""
    if not os.environ.get("QT_QPA_PLATFORM"):  # set it (to xcb, say) to check a real screen
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QEventLoop, QTimer, QtMsgType, qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    from probation_desk.settings import Settings
    from probation_desk.ui import main_window
    from probation_desk.ui.app import make_application
    from probation_desk.ui.shell import pages

    warnings: list[str] = []

    def on_message(kind: QtMsgType, _context: Any, message: str) -> None:
        if kind != QtMsgType.QtDebugMsg and not any(h in message for h in HARMLESS_QT):
            warnings.append(message)

    previous = qInstallMessageHandler(on_message)
    app = make_application([sys.argv[0]])
    try:
        window = main_window.MainWindow(f"sqlite:///{folder / 'window.sqlite3'}",
                                        settings=Settings(user_name="Self Test"),
                                        welcome=False, sweep_at_start=False)
        loop = QEventLoop()
        failed: list[str] = []
        window.desk_opened.connect(loop.quit)

        def refused(message: str) -> None:
            failed.append(message)
            loop.quit()

        window.desk_failed.connect(refused)
        QTimer.singleShot(int(WINDOW_TIMEOUT_S * 1000), loop.quit)
        window.show()
        window.start()
        loop.exec()
        if failed:
            raise AssertionError(f"the window could not open its database: {failed[0]}")
        if window.desk is None:
            raise AssertionError(f"the window did not open its database within "
                                 f"{WINDOW_TIMEOUT_S:.0f} s")
        shown = []
        for index, name in enumerate(pages.SECTIONS):
            window.show_section(index)
            page = window.stack.currentWidget()
            if isinstance(page, pages.Placeholder):
                raise AssertionError(f"the {name} section shows a placeholder, not its page")
            shown.append(f"{name} ({type(page).__name__})")
        deadline = time.monotonic() + WINDOW_TIMEOUT_S
        while window.tasks.busy and time.monotonic() < deadline:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        window.close()
        window.deleteLater()
        app.processEvents()
    finally:
        qInstallMessageHandler(previous)
    QApplication.processEvents()
    if warnings:
        raise AssertionError("Qt warned: " + " | ".join(dict.fromkeys(warnings)))
    return ("opened offscreen on a new database with every section built: "
            + ", ".join(shown))


def check_workbook(folder: Path) -> str:
    """Render a blank workbook and read it back: its pages, text and embedded fonts."""
    from pypdf import PdfReader

    from probation_desk.printing.fonts import FONT_FILES
    from probation_desk.resources import resource_path
    from probation_desk.services.workbooks import print_workbook

    fonts = [resource_path("fonts", f) for f in FONT_FILES.values()]
    out = folder / "workbook.pdf"
    pages = print_workbook(None, crn=None, out=out)
    reader = PdfReader(out)
    if len(reader.pages) != pages or pages < 2:
        raise AssertionError(f"the workbook says {pages} pages; the file has "
                             f"{len(reader.pages)}")
    text = " ".join((reader.pages[0].extract_text() or "").split())  # lines joined
    if "Pre-Intervention Module" not in text:
        raise AssertionError("the workbook's first page does not read back its title")
    embedded = set()
    for page in reader.pages:
        resources = page.get("/Resources")
        font_dict = resources.get_object().get("/Font") if resources else None
        for ref in (font_dict.get_object().values() if font_dict else ()):
            font = ref.get_object()
            if font.get("/FontDescriptor") or font.get("/DescendantFonts"):
                embedded.add(str(font.get("/BaseFont", "")).split("+")[-1])
    wanted = {name.removesuffix(".ttf") for name in FONT_FILES.values()}
    if not wanted <= embedded:
        raise AssertionError(f"the workbook embeds {sorted(embedded) or 'no fonts'}, not "
                             f"{sorted(wanted)}")
    return (f"a blank workbook of {pages} pages read back, embedding "
            f"{', '.join(sorted(wanted))} from {fonts[0].parent}")


def keyring_state() -> tuple[str, str]:
    """(status, words): pass with a working system keyring; warning when this build has
    the platform's backend but the system service does not answer; fail when the build
    lacks the backend the platform needs."""
    import keyring
    from keyring.backend import get_all_keyring

    expected = {"win32": "keyring.backends.Windows.WinVaultKeyring",
                "darwin": "keyring.backends.macOS.Keyring"}.get(
        sys.platform, "keyring.backends.SecretService.Keyring")
    chosen = keyring.get_keyring()
    name = f"{type(chosen).__module__}.{type(chosen).__name__}"
    if not name.startswith(("keyring.backends.fail", "keyring.backends.null",
                            "keyring.backends.chainer")):
        return OK, f"{name} (team database passwords are kept there)"
    if name.startswith("keyring.backends.chainer"):
        inner = [f"{type(k).__module__}.{type(k).__name__}"
                 for k in getattr(chosen, "backends", [])]
        if inner:
            return OK, f"{', '.join(inner)} (team database passwords are kept there)"
    known = {f"{type(k).__module__}.{type(k).__name__}" for k in get_all_keyring()}
    module, _dot, cls = expected.rpartition(".")
    try:
        backend = getattr(__import__(module, fromlist=[cls]), cls)
        backend.priority  # noqa: B018 (raises with the reason the service is unusable)
    except Exception as exc:
        if not isinstance(exc, (ImportError, AttributeError)):
            return WARN, (f"this build has {expected}, but no keyring service answers in "
                          f"this session ({exc}): team database passwords cannot be "
                          "remembered here (~/.pgpass or a certificate still works)")
        return FAIL, f"{expected} is missing from this build ({exc})"
    if expected not in known:
        return FAIL, (f"{expected} is importable but keyring does not list it (its entry "
                      "points are missing from this build)")
    return WARN, f"{expected} is present but keyring chose {name}"


# ------------------------------------------------------------------ running
@contextlib.contextmanager
def _scratch_home() -> Iterator[Path]:
    """A temporary folder that every location points at for the duration (the user's own
    data, settings and window state stay untouched); removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="probation-desk-selftest-"))
    saved = {k: os.environ.get(k) for k in ("PROBATION_DESK_HOME", "PROBATION_DESK_DB")}
    os.environ["PROBATION_DESK_HOME"] = str(folder / "home")
    os.environ.pop("PROBATION_DESK_DB", None)
    try:
        yield folder
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(folder, ignore_errors=True)


def _run(report: Report, name: str, check: Callable[[], Any]) -> None:
    start = time.perf_counter()
    try:
        result = check()
        status, detail = result if isinstance(result, tuple) else (OK, str(result))
    except Exception as exc:
        status, detail = FAIL, f"{exc.__class__.__name__}: {exc}"
    report.checks.append(Check(name, status, detail, round(time.perf_counter() - start, 3)))


def run_selftest() -> Report:
    """Run every check (each one even when an earlier one failed)."""
    report = Report(versions=versions())
    try:
        report.places = places()
    except Exception as exc:
        report.places = {"error": f"{exc.__class__.__name__}: {exc}"}
    with _scratch_home() as folder:
        _run(report, "Database", lambda: check_database(folder))
        _run(report, "Pages", check_pages)
        _run(report, "PostgreSQL driver", check_postgresql_driver)
        _run(report, "Window", lambda: check_window(folder))
        _run(report, "Workbook", lambda: check_workbook(folder))
        _run(report, "Keyring", keyring_state)
    return report


def cmd_selftest(args: argparse.Namespace) -> int:
    """The ``selftest`` command: print the report (``--json``: as JSON); 0 only when no
    check failed."""
    report = run_selftest()
    if getattr(args, "json", False):
        import json

        print(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
    else:
        print(report.text())
    return 0 if report.ok else 1
