"""The house's shape, kept: no import cycles, the window never reaches into the store, and
no room grows too big to find one's way round.

Imports are read from the source (grimp), counting those inside functions; imports made
only for the type checker (``if TYPE_CHECKING:``) never run and are left out.
"""

from __future__ import annotations

import graphlib
from pathlib import Path

import grimp
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "probation_desk"
MAX_LINES = 800
MAX_WINDOW_LINES = 700


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("probation_desk", cache_dir=None,
                             exclude_type_checking_imports=True)


def test_no_import_cycles(graph: grimp.ImportGraph) -> None:
    deps = {m: graph.find_modules_directly_imported_by(m) for m in graph.modules}
    try:
        graphlib.TopologicalSorter(deps).prepare()
    except graphlib.CycleError as exc:
        pytest.fail(f"import cycle: {' -> '.join(exc.args[1])}")


def test_the_window_never_imports_the_store_or_sqlalchemy(graph: grimp.ImportGraph) -> None:
    found = []
    for m in sorted(graph.modules):
        if not m.startswith("probation_desk.ui"):
            continue
        for d in graph.find_modules_directly_imported_by(m):
            if d.startswith(("probation_desk.store", "sqlalchemy", "alembic")):
                found.append(f"{m} imports {d}")
    assert found == []


def test_rules_and_errors_import_neither_qt_nor_sqlalchemy(graph: grimp.ImportGraph) -> None:
    found = []
    for m in sorted(graph.modules):
        if m.startswith("probation_desk.domain") or m == "probation_desk.errors":
            for d in graph.find_modules_directly_imported_by(m):
                if d.startswith(("PySide6", "sqlalchemy", "shiboken6")):
                    found.append(f"{m} imports {d}")
    assert found == []


def test_no_module_is_too_big_to_find_ones_way_round() -> None:
    sizes = {p.relative_to(PACKAGE.parent).as_posix(): len(p.read_text().splitlines())
             for p in PACKAGE.rglob("*.py")}
    too_big = {p: n for p, n in sizes.items() if n > MAX_LINES}
    assert too_big == {}
    assert sizes["probation_desk/ui/main_window.py"] <= MAX_WINDOW_LINES


def test_every_module_says_what_it_is_for() -> None:
    import ast

    missing = [p.relative_to(PACKAGE.parent).as_posix() for p in PACKAGE.rglob("*.py")
               if "migrations/versions" not in p.as_posix()
               and not ast.get_docstring(ast.parse(p.read_text()))]
    assert missing == []
