"""Where the shipped resources (fonts, workbook templates) are found.

In a checkout they sit in ``<repo>/resources``; an installed wheel carries the same folder
as ``probation_desk/_resources`` (see ``[tool.hatch.build.targets.wheel.force-include]``).
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
ROOTS: tuple[Path, ...] = (_PACKAGE.parent / "resources", _PACKAGE / "_resources")
"""Searched in order: the checkout's ``resources`` folder, then the installed copy."""


def resource_path(*parts: str) -> Path:
    """The path of a shipped resource, e.g. ``resource_path("fonts", "DejaVuSans.ttf")``.

    Raises FileNotFoundError, naming every place looked in, when it is in none of them.
    """
    for root in ROOTS:
        candidate = root.joinpath(*parts)
        if candidate.exists():
            return candidate
    looked = ", ".join(str(root.joinpath(*parts)) for root in ROOTS)
    raise FileNotFoundError(f"Probation Desk cannot find the file it needs ({looked}).")

