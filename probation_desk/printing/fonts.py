"""The embedded font: DejaVu Sans (full Latin, Welsh ŵ ŷ â included), shipped in resources/.

Registered once per process. Each document embeds a subset of the font; building and
compressing that subset is a large share of a short workbook's time, and the same few
subsets come up again and again (the workbook's own text plus a name's letters), so the
subsets and their compressed bytes are kept in a small cache.
"""

from __future__ import annotations

import threading
import zlib
from typing import Any

from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, TTFontFace

from probation_desk.printing.pdfcache import LRU
from probation_desk.resources import resource_path

BODY_FONT = "DejaVuSans"
BODY_BOLD_FONT = "DejaVuSans-Bold"
FIELD_FONT = "Helvetica"
"""ReportLab form fields accept only the standard 14 fonts, so fields are never pre-filled."""

FONT_FILES = {BODY_FONT: "DejaVuSans.ttf", BODY_BOLD_FONT: "DejaVuSans-Bold.ttf"}
_CACHE_SIZE = 64
_lock = threading.Lock()


_subsets = LRU(_CACHE_SIZE)
_compressed = LRU(_CACHE_SIZE)


class _CachedCompress(pdfdoc.PDFStreamFilterZCompress):
    """FlateDecode whose output for a font subset already seen is reused, not redone."""

    def encode(self, text: bytes | str) -> bytes:
        data = text.encode("utf8") if isinstance(text, str) else text
        return _compressed.get(data, lambda: zlib.compress(data))


_CACHED_COMPRESS = _CachedCompress()

_streams = LRU(256)


class _CachedPageCompress(pdfdoc.PDFStreamFilterZCompress):
    """FlateDecode of page and form streams, reusing the output for content seen before.

    A workbook's static pages are replayed byte for byte in every copy (``layout``), so
    their compressed streams are the same too; the output is exactly zlib's either way.
    """

    def encode(self, text: bytes | str) -> bytes:
        data = text.encode("utf8") if isinstance(text, str) else text
        return _streams.get(data, lambda: zlib.compress(data))


class _CachedFace(TTFontFace):
    """A font face that remembers the subsets it has built."""

    def makeSubset(self, subset: Any) -> bytes:
        key = (self.filename, tuple(subset))
        return _subsets.get(key, lambda: TTFontFace.makeSubset(self, subset))

    def addSubsetObjects(self, doc: Any, fontname: str, subset: Any) -> Any:
        ref = TTFontFace.addSubsetObjects(self, doc, fontname, subset)
        stream = doc.idToObject.get(f"fontFile:{self.filename}({fontname})")
        if stream is not None and stream.filters:
            stream.filters = [_CACHED_COMPRESS]
        return ref


_widths = LRU(_CACHE_SIZE)


class _CachedWidths(pdfdoc.PDFArray):
    """A font's width table, formatted once for every document that uses the same subset."""

    def format(self, document: Any, IND: bytes = b"\n ") -> bytes:
        key = tuple(self.sequence)
        return _widths.get(key, lambda: pdfdoc.PDFArray.format(self, document, IND))


class _CachedTTFont(TTFont):
    """DejaVu Sans as ReportLab embeds it, with the per-subset work cached."""

    def addObjects(self, doc: Any) -> None:
        TTFont.addObjects(self, doc)
        prefix = f"Font {self.fontName} subset "
        for font in doc.idToObject["BasicFonts"].dict.values():
            if not isinstance(font, pdfdoc.PDFTrueTypeFont):
                continue
            if not str(getattr(font, "__Comment__", "")).startswith(prefix):
                continue
            widths: Any = getattr(font, "Widths", None)
            if type(widths) is pdfdoc.PDFArray:
                font.Widths = _CachedWidths(widths.sequence)
            cmap = doc.idToObject.get(f"toUnicodeCMap:{font.BaseFont}")
            if cmap is not None and cmap.filters:
                cmap.filters = [_CACHED_COMPRESS]


def _font(name: str) -> TTFont:
    font = _CachedTTFont(name, str(resource_path("fonts", FONT_FILES[name])))
    if type(font.face) is TTFontFace:
        font.face.__class__ = _CachedFace
    return font


def register_fonts() -> None:
    """Register the body fonts once per process (cheap after the first call)."""
    registered = pdfmetrics.getRegisteredFontNames()
    if BODY_FONT in registered and BODY_BOLD_FONT in registered:
        return
    with _lock:
        # Pages and forms are compressed through pdfdoc's module-level filter, looked up
        # when each is written: the cached one gives the same bytes, sooner.
        pdfdoc.PDFZCompress = _CachedPageCompress()
        if BODY_FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(_font(BODY_FONT))
            pdfmetrics.registerFont(_font(BODY_BOLD_FONT))
            pdfmetrics.registerFontFamily(BODY_FONT, normal=BODY_FONT, bold=BODY_BOLD_FONT,
                                          italic=BODY_FONT, boldItalic=BODY_BOLD_FONT)


def unprintable(text: str) -> list[str]:
    """The characters of ``text`` the workbook and report PDFs cannot print as typed.

    Those the body font has no glyph for (they would come out as empty boxes), and
    right-to-left letters (drawn left to right without joining, they would read wrongly),
    and characters beyond U+FFFF (emoji), which the PDF's text layer cannot carry.
    Invisible format characters (zero-width joiners, soft hyphens) and ordinary
    controls are not counted: nothing is drawn for them.
    """
    import unicodedata

    from reportlab.pdfbase import pdfmetrics as metrics

    register_fonts()
    face = metrics.getFont(BODY_FONT).face
    found: list[str] = []
    for ch in dict.fromkeys(text):
        if unicodedata.category(ch) in ("Cf", "Cc", "Zl", "Zp") or ch == " ":
            continue
        if ord(ch) not in face.charToGlyph or unicodedata.bidirectional(ch) in ("R", "AL") \
                or ord(ch) > 0xFFFF:  # ReportLab's text layer cannot carry these (pypdf and
            # viewers read back U+1F600 as nothing), so search and copy would lose them
            found.append(ch)
    return found


def printable_refusal(text: str | None, what: str) -> str | None:
    """Why ``text`` cannot be printed exactly (words for a refusal), or None if it can."""
    if not text:
        return None
    bad = unprintable(text)
    if not bad:
        return None
    shown = ", ".join(f"{ch} (U+{ord(ch):04X})" for ch in bad[:6])
    return (f"{what} has characters the PDF cannot print as typed: {shown}. They would "
            "come out as empty boxes or in the wrong order, so nothing was printed. "
            "The CSV keeps them exactly.")
