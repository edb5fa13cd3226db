"""The embedded font: DejaVu Sans (full Latin, Welsh ŵ ŷ â included), shipped in resources/."""

from __future__ import annotations

from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from probation_desk.domain.catalogue import resources_dir

BODY_FONT = "DejaVuSans"
BODY_BOLD_FONT = "DejaVuSans-Bold"
FIELD_FONT = "Helvetica"
"""ReportLab form fields accept only the standard 14 fonts, so fields are never pre-filled."""


def font_path(file: str) -> Path:
    """A shipped font file."""
    return resources_dir() / "fonts" / file


def register_fonts() -> None:
    """Register the body fonts once per process."""
    if BODY_FONT in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(BODY_FONT, str(font_path("DejaVuSans.ttf"))))
    pdfmetrics.registerFont(TTFont(BODY_BOLD_FONT, str(font_path("DejaVuSans-Bold.ttf"))))
    pdfmetrics.registerFontFamily(BODY_FONT, normal=BODY_FONT, bold=BODY_BOLD_FONT,
                                  italic=BODY_FONT, boldItalic=BODY_BOLD_FONT)
