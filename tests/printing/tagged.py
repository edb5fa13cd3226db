"""Reading a tagged PDF back (pikepdf, poppler's pdfinfo, qpdf): the structure tree, the
marked content on each page, and the checks every tagged document must pass."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf

TEXT_SHOWING = {"Tj", "TJ", "'", '"'}
PAINTING = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "Do"}


@dataclass
class Element:
    """A structure element as read back."""

    role: str
    obj: Any
    kids: list[Element] = field(default_factory=list)
    mcids: list[tuple[int, int]] = field(default_factory=list)
    """(page index, MCID) of the content it holds directly, in order."""
    widgets: list[Any] = field(default_factory=list)
    """The annotations it refers to (OBJR)."""

    def walk(self) -> list[Element]:
        out = [self]
        for kid in self.kids:
            out += kid.walk()
        return out


def _page_index(pdf: pikepdf.Pdf) -> dict[tuple[int, int], int]:
    return {page.obj.objgen: i for i, page in enumerate(pdf.pages)}


def structure(pdf: pikepdf.Pdf) -> Element:
    """The structure tree under the StructTreeRoot (checking each element's /P)."""
    pages = _page_index(pdf)
    root = pdf.Root.StructTreeRoot

    def read(obj: Any, parent: Any) -> Element:
        assert obj.get("/Type", pikepdf.Name.StructElem) == pikepdf.Name.StructElem
        assert obj.P.objgen == parent.objgen, "an element's /P is not its parent"
        element = Element(str(obj.S)[1:], obj)
        page = pages[obj.Pg.objgen] if "/Pg" in obj else None
        kids = obj.get("/K")
        items = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
        for kid in items:
            if isinstance(kid, int):
                assert page is not None, "an MCID without a page"
                element.mcids.append((page, int(kid)))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == pikepdf.Name.MCR:
                element.mcids.append((pages[kid.Pg.objgen], int(kid.MCID)))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == pikepdf.Name.OBJR:
                element.widgets.append(kid.Obj)
            elif kid is not None:
                element.kids.append(read(kid, obj))
        return element

    kids = root.K
    top = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    assert len(top) == 1
    return read(top[0], root)


def number_tree(node: Any) -> dict[int, Any]:
    """A number tree's entries (flat or with /Kids)."""
    out: dict[int, Any] = {}
    if "/Nums" in node:
        nums = list(node.Nums)
        for i in range(0, len(nums), 2):
            out[int(nums[i])] = nums[i + 1]
    for kid in node.get("/Kids", []):
        out.update(number_tree(kid))
    return out


@dataclass
class PageContent:
    """What a page's content stream marks."""

    mcids: list[int]
    """The MCIDs, in stream order."""
    untagged: list[str]
    """Operators that show text or paint outside both tagged content and artifacts."""
    fonts: set[str]
    """Resource names of the fonts selected (Tf)."""
    text_shown: int = 0
    """How many text-showing operators there are."""


def page_content(page: pikepdf.Page | pikepdf.Stream) -> PageContent:
    """What a page (or a form's stream) marks, and what it draws outside the marks."""
    stack: list[tuple[str, int | None]] = []
    out = PageContent([], [], set())
    shown = 0
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "BDC":
            props = operands[1]
            mcid = None
            if isinstance(props, pikepdf.Dictionary) and "/MCID" in props:
                mcid = int(props.MCID)
                assert not any(tag == "/Artifact" for tag, _ in stack), "content in an artifact"
                out.mcids.append(mcid)
            stack.append((str(operands[0]), mcid))
        elif op == "BMC":
            stack.append((str(operands[0]), None))
        elif op == "EMC":
            stack.pop()
        elif op == "Tf":
            out.fonts.add(str(operands[0]))
        elif op in TEXT_SHOWING or op in PAINTING:
            shown += op in TEXT_SHOWING
            if not any(tag == "/Artifact" or mcid is not None for tag, mcid in stack):
                out.untagged.append(op)
    assert not stack, "marked content left open at the end of the page"
    out.text_shown = shown
    return out


def struct_text(path: Path) -> list[str]:
    """The text of each element as ``pdfinfo -struct-text`` prints it, in order."""
    done = subprocess.run(["pdfinfo", "-struct-text", str(path)], capture_output=True,
                          text=True, check=True)
    return [m.group(1) for m in re.finditer(r'^\s*"(.*)"$', done.stdout, re.M)]


def words(text: str) -> str:
    return " ".join(text.split())


def check_tagged(path: Path) -> tuple[pikepdf.Pdf, Element]:
    """Every structural check a tagged document must pass; returns it and its tree."""
    pdf = pikepdf.open(path)
    root = pdf.Root
    # The catalogue.
    assert root.MarkInfo.Marked is True
    assert root.ViewerPreferences.DisplayDocTitle is True
    assert str(root.Lang)
    title = str(pdf.docinfo.Title)
    assert title
    with pdf.open_metadata() as meta:
        assert meta["dc:title"] == title
        assert meta["pdfuaid:part"] == "1"
    tree = structure(pdf)
    assert tree.role == "Document"
    parents = number_tree(root.StructTreeRoot.ParentTree)
    # Every piece of content is tagged or an artifact, and every MCID is in the tree and
    # the parent tree, and the other way about.
    in_tree = {(p, m): e for e in tree.walk() for p, m in e.mcids}
    assert len(in_tree) == sum(len(e.mcids) for e in tree.walk()), "an MCID used twice"
    seen = set()
    for index, page in enumerate(pdf.pages):
        content = page_content(page)
        assert not content.untagged, f"page {index + 1}: {content.untagged}"
        assert len(set(content.mcids)) == len(content.mcids)
        if content.mcids:
            mapped = parents[int(page.obj.StructParents)]
            for mcid in content.mcids:
                element = in_tree[(index, mcid)]
                assert mapped[mcid].objgen == element.obj.objgen
                seen.add((index, mcid))
        # Fonts: every font that text is drawn in is embedded.
        fonts = page.obj.Resources.get("/Font", {})
        for name in content.fonts:
            descriptor = fonts[name].get("/FontDescriptor") or \
                fonts[name].DescendantFonts[0].FontDescriptor
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), name
    assert seen == set(in_tree), "the tree holds content no page draws"
    # Fields: named, described, in a Form element that the parent tree maps back to.
    forms = {w.objgen: e for e in tree.walk() for w in e.widgets}
    for page in pdf.pages:
        annots = page.obj.get("/Annots", [])
        if annots:
            assert page.obj.Tabs == pikepdf.Name.S
        for annot in annots:
            assert str(annot.T) and str(annot.TU), "a field without a name"
            form = forms[annot.objgen]
            assert form.role == "Form"
            assert parents[int(annot.StructParent)].objgen == form.obj.objgen
            for stream in annot.AP.values():  # its look shows no text (in Helvetica,
                assert page_content(stream).text_shown == 0  # which is not embedded)
    assert int(root.StructTreeRoot.ParentTreeNextKey) > max(parents, default=-1)
    return pdf, tree


def qpdf_check(path: Path) -> str:
    """``qpdf --check``'s verdict: its output when anything is wrong, else ""."""
    done = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    return "" if done.returncode == 0 and "WARNING" not in done.stdout else (
        done.stdout + done.stderr)


@dataclass
class Read:
    """An element as ``pdfinfo -struct-text`` prints it: its role, attributes, text."""

    role: str
    attributes: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    kids: list[Read] = field(default_factory=list)

    @property
    def text(self) -> str:
        """Its text and its descendants', in order, words single-spaced."""
        return words(" ".join([*self.texts, *(k.text for k in self.kids)]))

    def find(self, role: str) -> list[Read]:
        found = [self] if self.role == role else []
        for kid in self.kids:
            found += kid.find(role)
        return found


def read_structure(path: Path) -> Read:
    """The structure tree as a screen reader's PDF library (poppler) reads it."""
    done = subprocess.run(["pdfinfo", "-struct-text", str(path)], capture_output=True,
                          text=True, check=True)
    root = Read("")
    stack: list[tuple[int, Read]] = [(-1, root)]
    for line in done.stdout.splitlines():
        if not line.strip():
            continue
        depth = len(line) - len(line.lstrip(" "))
        body = line.strip()
        while stack[-1][0] >= depth and not body.startswith(('"', "/")):
            stack.pop()
        parent = stack[-1][1]
        if body.startswith('"') and body.endswith('"'):
            parent.texts.append(body[1:-1])
        elif body.startswith("/"):
            parent.attributes.append(body)
        elif body.startswith("Object "):
            parent.texts.append("")
        else:
            node = Read(body.split()[0].rstrip(":"))
            parent.kids.append(node)
            stack.append((depth, node))
    (document,) = root.kids
    return document
