"""Tagged PDF (the PDF/UA-1 shape) on top of ReportLab, which writes no structure itself.

While a page is drawn, every piece of text is wrapped in marked content with a marked
content id (``/P <</MCID 3>> BDC … EMC``), and everything that is not content (the
running header, page numbers, ruled writing lines, table rules and shading) is marked
``/Artifact``. Each page keeps a short log of what it tagged (:class:`Tags`): a new
structure element with its content, more content for the last element, a grouping
element opened or closed, a form field. When the document is saved the logs become
the structure tree (``Document`` and its headings, paragraphs, lists, tables and form
fields, in drawing order, which is reading order), the ``ParentTree`` that maps each
page's marked content and each field back to its element, each page's
``/StructParents`` (``/Tabs /S`` where the page has fields), and the catalogue's
``MarkInfo``, ``ViewerPreferences /DisplayDocTitle`` and XMP metadata (``dc:title``,
``pdfuaid:part 1``). These objects are written by ReportLab in the same pass as the
pages (as preformatted bytes), so the file is written once, not rewritten afterwards.

Marked content ids count from 0 on each page, so a page drawn again from recorded
operators (``layout.ReplayPage``) brings its log along and keeps its bytes; the tree
is built for each document.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.pdfdoc import PDFObject
from reportlab.pdfgen.canvas import Canvas

__all__ = ["ARTIFACT", "END", "FOOTER", "HEADER", "PAGINATION", "Log", "TaggedCanvas", "Tags",
           "tags_of"]

ARTIFACT = "/Artifact BMC"
"""Begins drawing that is not content (ruled lines, table rules and shading)."""
HEADER = "/Artifact <</Type /Pagination /Subtype /Header>> BDC"
"""Begins a running header."""
FOOTER = "/Artifact <</Type /Pagination /Subtype /Footer>> BDC"
"""Begins a running footer (page numbers)."""
PAGINATION = "/Artifact <</Type /Pagination>> BDC"
"""Begins something repeated for the page break (a table's header row on later pages)."""
END = "EMC"
"""Ends marked content or an artifact."""

Log = tuple[tuple[Any, ...], ...]
"""What one page tagged, in order (see :class:`Tags`)."""

_ATTRIBUTES = {"TH": b" /A << /O /Table /Scope /Column >>"}
"""Attributes written for elements of a role."""


class Tags:
    """What a document's pages tag, page by page, until the structure tree is written.

    The log of a page is a list of steps: ``("M", role, mcid)`` a new element of
    ``role`` holding that content; ``("+", mcid)`` more content for the last such
    element (a paragraph carried over a page break); ``("O", role)`` and ``("C",)``
    open and close a grouping element (a list, a list item, a table, a row);
    ``("F", widget)`` a ``Form`` element for the document's ``widget``-th field.
    """

    def __init__(self) -> None:
        self.pages: list[list[tuple[Any, ...]]] = []
        self.log: list[tuple[Any, ...]] = []
        self.mcid = 0
        self.widgets: list[tuple[str, _Number]] = []
        self.last_role = ""

    def begin(self, role: str, *, more: bool = False) -> str:
        """The operator that begins content of ``role``: a new element, or (``more``)
        more content for the last element begun."""
        n = self.mcid
        self.mcid = n + 1
        if more:
            self.log.append(("+", n))
        else:
            self.log.append(("M", role, n))
            self.last_role = role
        return f"/{role} <</MCID {n}>> BDC"

    def open(self, role: str) -> None:
        """Open a grouping element (closed by :meth:`close`)."""
        self.log.append(("O", role))

    def close(self) -> None:
        """Close the grouping element opened last."""
        self.log.append(("C",))

    def field(self, canvas: Canvas) -> None:
        """Put the form field just added to ``canvas`` in the tree, as a ``Form`` element."""
        ref = canvas.acroForm.fields[-1]
        widget = canvas._doc.idToObject[ref.name]
        number = _Number()
        widget.dict["StructParent"] = number
        self.log.append(("F", len(self.widgets)))
        self.widgets.append((ref.name, number))

    def end_page(self) -> None:
        """The page is finished: keep its log, and count content ids from 0 again."""
        self.pages.append(self.log)
        self.log = []
        self.mcid = 0

    @property
    def page_is_fresh(self) -> bool:
        """Nothing has been tagged on this page yet."""
        return not self.log and self.mcid == 0

    def replay(self, log: Log) -> None:
        """Add a recorded page's log to this page, which must be fresh (the content ids
        in the recorded operators count from 0)."""
        if not self.page_is_fresh:
            raise RuntimeError("a recorded page can only be replayed on a fresh page")
        self.log.extend(log)
        self.mcid = sum(1 for step in log if step[0] in "M+")
        for step in reversed(log):
            if step[0] == "M":
                self.last_role = step[1]
                break

    def recorded(self) -> Log:
        """This page's log so far (to be replayed with the page's operators)."""
        return tuple(self.log)

    def write(self, canvas: Canvas, *, title: str, lang: str) -> None:
        """Add the structure tree and the catalogue's tagged-PDF entries to the document
        (the pages are all finished); ReportLab writes them when it saves."""
        document = canvas._doc
        pages = document.Pages.pages
        if len(pages) != len(self.pages):
            raise RuntimeError(f"{len(self.pages)} pages tagged for {len(pages)} pages drawn")
        numbers = document.idToObjectNumberAndVersion
        page_numbers = [numbers[p.__InternalName__][0] for p in pages]
        widget_numbers = [numbers[name][0] for name, _n in self.widgets]
        first = document.objectcounter + 1  # the numbers the tree's objects will get
        for index, (_name, number) in enumerate(self.widgets):
            number.value = len(pages) + index
        objects, marked, with_fields = _tree_objects(tuple(map(tuple, self.pages)), first,
                                        tuple(page_numbers), tuple(widget_numbers))
        for data in objects:
            _add(document, _Raw(data))
        catalog = document.Catalog
        catalog.StructTreeRoot = pdfdoc.PDFObjectReference(document.numberToId[first])
        catalog.MarkInfo = _Raw(b"<< /Marked true >>")
        catalog.ViewerPreferences = _Raw(b"<< /DisplayDocTitle true >>")
        catalog.Metadata = _Raw(_stream(b"/Type /Metadata /Subtype /XML", xmp(title, lang)))
        for index, page in enumerate(pages):
            extra = []
            if marked[index]:
                page.StructParents = index
                extra.append("StructParents")
            if with_fields[index]:
                page.Tabs = pdfdoc.PDFName("S")
                extra.append("Tabs")
            if extra:
                page.__NoDefault__ = [*pdfdoc.PDFPage.__NoDefault__, *extra]


def tags_of(canvas: Canvas) -> Tags | None:
    """The tags of a canvas that writes a tagged PDF (None for a print-only one)."""
    tags: Tags | None = getattr(canvas, "_pd_tags", None)
    return tags


class TaggedCanvas(Canvas):
    """A canvas that keeps :class:`Tags` and writes the structure tree when saved.

    Mixed in before a canvas class (``class C(TaggedCanvas, CachingCanvas)``); the
    document's title and language are read from ReportLab's own settings.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pd_tags = Tags()

    def showPage(self) -> None:
        self._pd_tags.end_page()
        super().showPage()

    def save(self) -> None:
        if len(self._code):
            self.showPage()
        self.write_tags()
        super().save()

    def write_tags(self) -> None:
        """Add the structure tree (every page is finished; the document not yet saved)."""
        lang = self._doc.Catalog.Lang
        self._pd_tags.write(self, title=str(self._doc.info.title or ""),
                            lang=str(getattr(lang, "s", lang) or ""))


class _Raw(PDFObject):
    """An indirect object written as the bytes it was made with."""

    __RefOnly__ = 1

    def __init__(self, data: bytes) -> None:
        self.data = data

    def format(self, document: Any) -> bytes:
        return self.data


def _add(document: Any, obj: PDFObject) -> None:
    """Register ``obj`` as the document's next object (as ``document.Reference`` does
    for an unnamed object, without its checks: the tree's objects are new)."""
    number = document.objectcounter = document.objectcounter + 1
    name = f"R{number}"
    obj.__InternalName__ = name
    document.idToObjectNumberAndVersion[name] = (number, 0)
    document.numberToId[number] = name
    document.idToObject[name] = obj


class _Number(PDFObject):
    """A number known only when the document is saved (a field's ``/StructParent``)."""

    value = 0

    def format(self, document: Any) -> bytes:
        return b"%d" % self.value


def _stream(entries: bytes, data: bytes) -> bytes:
    return b"<< %s /Length %d >>\nstream\n%s\nendstream" % (entries, len(data), data)


def xmp(title: str, lang: str) -> bytes:
    """The XMP metadata packet: the title, the language, and the PDF/UA-1 claim."""
    language = (f"<dc:language><rdf:Bag><rdf:li>{escape(lang)}</rdf:li></rdf:Bag>"
                "</dc:language>" if lang else "")
    return ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
            '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
            '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li>'
            f"</rdf:Alt></dc:title>{language}</rdf:Description>\n"
            '<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">'
            "<pdfuaid:part>1</pdfuaid:part></rdf:Description>\n"
            "</rdf:RDF>\n</x:xmpmeta>\n"
            '<?xpacket end="r"?>').encode()


class _Element:
    """One structure element while the tree is built (``number``: its object number)."""

    __slots__ = ("kids", "number", "page", "parent", "role")

    def __init__(self, role: str, parent: _Element | None, number: int) -> None:
        self.role = role
        self.parent = parent
        self.number = number
        self.page = -1
        self.kids: list[Any] = []
        if parent is not None:
            parent.kids.append(self)


class _Tree:
    """The structure built from the pages' logs."""

    def __init__(self, first: int) -> None:
        self.document = _Element("Document", None, first)
        self.elements: list[_Element] = [self.document]
        self.parents: list[list[_Element]] = []
        """For each page, the element of each content id."""
        self.forms: dict[int, _Element] = {}
        """The Form element of each field (by the field's place in the document)."""


def _build(pages: Iterable[Iterable[tuple[Any, ...]]], first: int) -> _Tree:
    """The tree the logs describe, its elements numbered from ``first`` in order."""
    tree = _Tree(first)
    elements = tree.elements
    stack = [tree.document]
    last = tree.document
    for number, steps in enumerate(pages):
        marked: list[_Element] = []
        for step in steps:
            kind = step[0]
            if kind == "M":
                last = _Element(step[1], stack[-1], first + len(elements))
                elements.append(last)
                last.page = number
                last.kids.append((number, step[2]))
                marked.append(last)
            elif kind == "+":
                last.kids.append((number, step[1]))
                marked.append(last)
            elif kind == "O":
                stack.append(_Element(step[1], stack[-1], first + len(elements)))
                elements.append(stack[-1])
            elif kind == "C":
                if len(stack) > 1:
                    stack.pop()
            elif kind == "F":
                form = _Element("Form", stack[-1], first + len(elements))
                elements.append(form)
                form.page = number
                form.kids.append(("OBJR", step[1]))
                tree.forms[step[1]] = form
        tree.parents.append(marked)
    return tree


@lru_cache(maxsize=64)
def _tree_objects(pages: tuple[tuple[tuple[Any, ...], ...], ...], first: int,
                  page_numbers: tuple[int, ...],
                  widget_numbers: tuple[int, ...]) -> tuple[tuple[bytes, ...], tuple[bool, ...],
                                                            tuple[bool, ...]]:
    """The bytes of the tree's objects, numbered from ``first`` (the root, the elements,
    the parent tree), which pages have marked content and which have fields. Kept:
    copies of a workbook laid out alike have the same logs and numbers, so the same
    tree bytes."""
    tree = _build(pages, first + 1)
    objects = [_tree_root(tree, first, len(page_numbers), len(widget_numbers))]
    objects += [_element_bytes(e, first, page_numbers, widget_numbers) for e in tree.elements]
    objects.append(_parent_tree(tree, len(page_numbers)))
    return (tuple(objects), tuple(bool(m) for m in tree.parents),
            tuple(any(step[0] == "F" for step in steps) for steps in pages))


def _tree_root(tree: _Tree, number: int, pages: int, widgets: int) -> bytes:
    """The StructTreeRoot (object ``number``; the parent tree is the tree's last object)."""
    parent_tree = number + len(tree.elements) + 1
    return (b"<< /Type /StructTreeRoot /K %d 0 R /ParentTree %d 0 R /ParentTreeNextKey %d >>"
            % (tree.document.number, parent_tree, pages + widgets))


def _parent_tree(tree: _Tree, pages: int) -> bytes:
    """Each page's content ids and each field, mapped to their elements."""
    nums = [b"%d [%s]" % (i, b" ".join(b"%d 0 R" % e.number for e in marked))
            for i, marked in enumerate(tree.parents) if marked]
    nums += [b"%d %d 0 R" % (pages + i, form.number) for i, form in sorted(tree.forms.items())]
    return b"<< /Nums [%s] >>" % b"\n".join(nums)


def _element_bytes(element: _Element, root: int, pages: tuple[int, ...],
                   widgets: tuple[int, ...]) -> bytes:
    kids: list[bytes] = []
    page = element.page
    for kid in element.kids:
        if type(kid) is _Element:
            kids.append(b"%d 0 R" % kid.number)
        elif kid[0] == page:
            kids.append(b"%d" % kid[1])
        elif kid[0] == "OBJR":
            kids.append(b"<< /Type /OBJR /Obj %d 0 R /Pg %d 0 R >>"
                        % (widgets[kid[1]], pages[page]))
        else:
            kids.append(b"<< /Type /MCR /Pg %d 0 R /MCID %d >>" % (pages[kid[0]], kid[1]))
    parent = element.parent.number if element.parent is not None else root
    return b"<< /Type /StructElem /S /%s /P %d 0 R%s%s /K %s >>" % (
        element.role.encode("ascii"), parent,
        b" /Pg %d 0 R" % pages[page] if page >= 0 else b"",
        _ATTRIBUTES.get(element.role, b""),
        kids[0] if len(kids) == 1 else b"[%s]" % b" ".join(kids))
