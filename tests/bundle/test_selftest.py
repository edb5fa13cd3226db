"""``probation-desk selftest`` run from the source tree: what IT sees after installing.

The self-test runs in a fresh process (as IT runs it), against a home folder of the
test's own: it must pass here, leave nothing in that folder, and fail naming the part
that is broken when a page cannot be imported or a section would show a placeholder
(what a frozen build that missed the Review or Dashboard module would do).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECKS = ["Database", "Pages", "PostgreSQL driver", "Window", "Workbook", "Keyring"]


def _run(code: list[str], home: Path) -> tuple[int, dict[str, Any], str]:
    env = dict(os.environ, PROBATION_DESK_HOME=str(home))
    env.pop("QT_QPA_PLATFORM", None)  # the self-test chooses offscreen itself
    env.pop("PROBATION_DESK_DB", None)
    proc = subprocess.run([sys.executable, *code], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    return proc.returncode, json.loads(proc.stdout), proc.stderr


def test_selftest_passes_and_leaves_nothing_behind(tmp_path: Path) -> None:
    status, report, stderr = _run(["-m", "probation_desk", "selftest", "--json"], tmp_path)
    assert status == 0, report
    assert stderr == ""
    checks = {c["name"]: c for c in report["checks"]}
    assert list(checks) == CHECKS
    assert report["ok"] is True
    for name in CHECKS[:-1]:
        assert checks[name]["status"] == "pass", checks[name]
    # No keyring service runs here: a warning that names the backend the build carries.
    assert checks["Keyring"]["status"] in ("pass", "warning")
    if checks["Keyring"]["status"] == "warning":
        assert "SecretService" in checks["Keyring"]["detail"]
    window = checks["Window"]["detail"]
    for shown in ("Caseload", "Worklist", "Review (ReviewPage)", "Dashboard (DashboardPage)"):
        assert shown in window
    assert "Review, Dashboard" in checks["Pages"]["detail"]
    assert "DejaVuSans" in checks["Workbook"]["detail"]
    assert report["versions"]["app"] and report["versions"]["qt"].startswith("6.")
    assert report["versions"]["build"] == "source"
    assert report["places"]["database"] == str(tmp_path / "data" / "probation-desk.sqlite3")
    # The checks worked in a scratch folder: the user's own folders hold no database.
    assert not list(tmp_path.rglob("*.sqlite3"))


_BROKEN = """
import argparse, sys
from probation_desk import selftest
from probation_desk.ui.shell import pages
selftest.PAGES += (("Reports", "probation_desk.ui.reports_page", "ReportsPage"),)
pages.EXTRA_SECTIONS[pages.DASHBOARD] = (
    "probation_desk.ui.no_dashboard", "DashboardPage", "placeholder text")
sys.exit(selftest.cmd_selftest(argparse.Namespace(json=True)))
"""


def test_selftest_fails_naming_a_missing_page_and_a_placeholder(tmp_path: Path) -> None:
    status, report, _stderr = _run(["-c", _BROKEN], tmp_path)
    assert status == 1
    assert report["ok"] is False
    checks = {c["name"]: c for c in report["checks"]}
    assert checks["Pages"]["status"] == "fail"
    assert "Reports (probation_desk.ui.reports_page.ReportsPage" in checks["Pages"]["detail"]
    assert checks["Window"]["status"] == "fail"
    assert "the Dashboard section shows a placeholder" in checks["Window"]["detail"]
    assert checks["Database"]["status"] == checks["Workbook"]["status"] == "pass"


def test_the_pages_checked_include_every_section_the_window_imports_by_name() -> None:
    from probation_desk.selftest import PAGES
    from probation_desk.ui.shell.pages import EXTRA_SECTIONS, SECTIONS

    checked = {(module, cls) for _name, module, cls in PAGES}
    for module, cls, _placeholder in EXTRA_SECTIONS.values():
        assert (module, cls) in checked
    names = {name for name, _m, _c in PAGES}
    assert set(SECTIONS) <= names


@pytest.mark.parametrize(("statuses", "last"), [
    (["pass", "warning"], "All checks passed (1 with a warning)."),
    (["pass", "fail"], "1 check(s) failed: B."),
])
def test_the_text_report_ends_with_what_passed_or_failed(statuses: list[str],
                                                         last: str) -> None:
    from probation_desk.selftest import Check, Report

    report = Report(checks=[Check(n, s, "words") for n, s in zip("AB", statuses,
                                                                   strict=True)],
                    versions={"app": "1"}, places={"log": "/x"})
    lines = report.text().splitlines()
    assert lines[-1] == last
    assert f"{statuses[1].upper()[:4]}  B  words" in lines
    assert report.ok is (statuses[1] != "fail")
