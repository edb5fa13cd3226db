"""Render the app's icon (resources/icons/app.svg) for the packages: PNGs and a Windows .ico.

Run with the project's Python: ``python build/icons.py OUT_FOLDER``. Qt draws the SVG
(offscreen, no display needed) and Pillow, which ReportLab already brings, writes the
multi-size .ico that PyInstaller puts in the Windows executables. Runs the same on Linux
and Windows.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(out: Path) -> list[Path]:
    """Write probation-desk-SIZE.png for each size and probation-desk.ico; returns them."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(ROOT / "resources" / "icons" / "app.svg"))
    if not renderer.isValid():
        raise SystemExit("resources/icons/app.svg is not a valid SVG")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        path = out / f"probation-desk-{size}.png"
        if not image.save(str(path)):
            raise SystemExit(f"could not write {path}")
        written.append(path)
    ico = out / "probation-desk.ico"
    with Image.open(out / f"probation-desk-{SIZES[-1]}.png") as big:
        big.save(ico, sizes=[(s, s) for s in SIZES])
    written.append(ico)
    return written


if __name__ == "__main__":
    for p in render(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "dist" / "icons"):
        print(p)
