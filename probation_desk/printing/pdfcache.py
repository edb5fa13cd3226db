"""Formatted PDF objects reused across documents: each distinct form or page is written once.

ReportLab writes a document by formatting every object in Python when it is saved, and
a workbook's objects are mostly the same from one copy to the next: the A5 pages of a
booklet's static sections (form XObjects), the page content streams of replayed pages,
and the page dictionaries, which differ only in the object numbers they refer to. For
print-only copies that formatting was about half a booklet's time.

:class:`CachingCanvas` hands its document's forms and pages to subclasses that keep
the bytes ReportLab formats for them, keyed on everything those bytes are made from
(the content, the sizes, the object numbers referred to, the filters and the settings
that change the output), and give the same bytes back when the same object comes up
again. The output is byte for byte what ReportLab writes without the cache: a miss is
formatted by ReportLab itself, and an object with anything the key does not cover
(annotations, colour spaces, graphics states, extra boxes, encryption) is never cached.

Keys hold whole content streams, so a copy can only get bytes formatted from exactly
its own content; the caches are bounded (least recently used entries go first).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from reportlab import rl_config
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

__all__ = ["LRU", "CachingCanvas", "adopt", "clear"]


class LRU:
    """A small least-recently-used map of formatted bytes (thread-safe)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[Hashable, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], bytes]) -> bytes:
        """The value for ``key``, made (and kept) if it is not there yet."""
        with self._lock:
            found = self.items.get(key)
            if found is not None:
                self.items.move_to_end(key)
                return found
        value = make()
        with self._lock:
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self.items.clear()


_forms = LRU(512)
_pages = LRU(512)
_streams = LRU(512)

_PAGE_EXTRAS = ("CropBox", "ArtBox", "BleedBox", "TrimBox", "Thumb", "Annots", "B", "Dur",
                "Hid", "AA", "PieceInfo", "LastModified", "SeparationInfo", "ID", "PZ", "Tabs")
"""Page entries outside the key: a page with any of them is formatted afresh."""


def clear() -> None:
    """Forget every formatted object (tests use it to compare with fresh output)."""
    for cache in (_forms, _pages, _streams):
        cache.clear()


def _settings() -> tuple[Any, ...]:
    """The global settings that change how ReportLab formats an object."""
    return (rl_config.invariant, rl_config.pdfComments, rl_config.pdfMultiLine,
            rl_config.useA85, pdfdoc.PDFZCompress, pdfdoc.PDFBase85Encode)


def _number(document: Any, name: str) -> tuple[int, int] | None:
    found: tuple[int, int] | None = document.idToObjectNumberAndVersion.get(name)
    return found


def _refs(document: Any, xobjects: Any) -> tuple[Any, ...] | None:
    """An XObject dictionary as (name, object number) pairs; None if it holds anything else."""
    if xobjects is None:
        return ()
    if type(xobjects) is not pdfdoc.PDFDictionary:
        return None
    out = []
    for key, value in xobjects.dict.items():
        if type(value) is not pdfdoc.PDFObjectReference:
            return None
        number = _number(document, value.name)
        if number is None:
            return None
        out.append((key, number))
    return tuple(out)


def _stock(kind: Any, obj: Any, document: Any) -> bytes:
    """The object formatted by ReportLab's own class ``kind``."""
    out: bytes = kind.format(obj, document)
    return out


def _plain(document: Any) -> bool:
    return type(document.encrypt) is pdfdoc.NoEncryption


class CachedStream(pdfdoc.PDFStream):
    """A page's content stream: its formatted bytes depend only on its content and filters."""

    def format(self, document: Any) -> bytes:
        if self.dictionary.dict or self.filters is None or not _plain(document):
            return _stock(pdfdoc.PDFStream, self, document)
        key = (self.content, tuple(self.filters), _settings())
        return _streams.get(key, lambda: _stock(pdfdoc.PDFStream, self, document))


class CachedForm(pdfdoc.PDFFormXObject):
    """A form XObject (a booklet's A5 page), formatted once for each distinct content."""

    def _key(self, document: Any) -> tuple[Any, ...] | None:
        if (self.Contents is not None or self.Resources is not None or self.BBox is not None
                or self.Matrix is not None or self.Annots or not self.compression
                or not self.stream or not _plain(document)):
            return None
        xobjects = _refs(document, self.XObjects)
        fonts = _number(document, pdfdoc.BasicFonts)
        if xobjects is None or fonts is None:
            return None
        return (self.stream, self.lowerx, self.lowery, self.upperx, self.uppery,
                self.hasImages, xobjects, fonts, _settings())

    def format(self, document: Any) -> bytes:
        key = self._key(document)
        if key is None:
            return _stock(pdfdoc.PDFFormXObject, self, document)
        return _forms.get(key, lambda: _stock(pdfdoc.PDFFormXObject, self, document))


class CachedPage(pdfdoc.PDFPage):
    """A page dictionary, formatted once for each distinct set of entries and references."""

    def _key(self, document: Any) -> tuple[Any, ...] | None:
        if (self.Override_default_compilation or self.Contents is not None
                or self.Resources is not None or self.MediaBox is not None
                or self.Parent is not None or not self.stream or not _plain(document)
                or self._colorsUsed or getattr(self, "_shadingUsed", None)
                or getattr(self, "ExtGState", None)
                or any(getattr(self, name, None) for name in _PAGE_EXTRAS)):
            return None
        trans = self.Trans
        if trans is not None and (type(trans) is not pdfdoc.PDFDictionary or trans.dict):
            return None
        xobjects = _refs(document, self.XObjects)
        fonts = _number(document, pdfdoc.BasicFonts)
        # As check_format does next (the page tree is numbered long before the pages).
        pages = _number(document, document.Reference(document.Pages).name)
        if xobjects is None or fonts is None or pages is None:
            return None
        return (self.pagewidth, self.pageheight, self.Rotate, trans is None, self.hasImages,
                self.compression, xobjects, fonts, pages, getattr(self, "StructParents", None),
                _settings())

    def format(self, document: Any) -> bytes:
        key = self._key(document)
        if key is None:
            return _stock(pdfdoc.PDFPage, self, document)
        # The content stream as check_format makes it, numbered where ReportLab's own
        # formatting numbers it (first, before anything the page refers to is formatted).
        stream = CachedStream(content=self.stream)
        if self.compression:
            stream.filters = ([pdfdoc.PDFBase85Encode, pdfdoc.PDFZCompress]
                              if rl_config.useA85 else [pdfdoc.PDFZCompress])
        stream.__Comment__ = "page stream"
        self.Contents = stream
        number = _number(document, document.Reference(stream).name)
        return _pages.get((*key, number), lambda: _stock(pdfdoc.PDFPage, self, document))


def adopt(document: Any) -> None:
    """Let the document's forms and pages reuse formatted bytes (call before it is saved)."""
    for obj in document.idToObject.values():
        kind = type(obj)
        if kind is pdfdoc.PDFFormXObject:
            obj.__class__ = CachedForm
        elif kind is pdfdoc.PDFPage:
            obj.__class__ = CachedPage


class CachingCanvas(Canvas):
    """A canvas whose document reuses formatted forms and pages (see the module notes)."""

    def save(self) -> None:
        if len(self._code):
            self.showPage()
        adopt(self._doc)
        super().save()
