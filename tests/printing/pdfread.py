"""Reading printed PDFs back with pypdf: text runs with their position and size, ruled
lines, and where each A5 page of an imposed booklet was placed."""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PageObject, PdfReader
from pypdf.generic import ContentStream, NameObject

from probation_desk.printing.workbook import WorkbookOptions, WorkbookPerson, render_workbook

Matrix = list[float]


def mul(a: Matrix, b: Matrix) -> Matrix:
    """PDF matrix product a x b."""
    return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]


@dataclass(frozen=True)
class Run:
    """One piece of text as drawn."""

    text: str
    x: float
    y: float
    size: float
    font: str


@dataclass(frozen=True)
class Rule:
    """A straight line as drawn (absolute page coordinates)."""

    x1: float
    y1: float
    x2: float
    y2: float


def render(person: WorkbookPerson | None, **opts: object) -> bytes:
    buffer = io.BytesIO()
    render_workbook(person, WorkbookOptions(**opts), buffer)  # type: ignore[arg-type]
    return buffer.getvalue()


def reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def flat(text: str) -> str:
    return " ".join(text.split())


def all_text(r: PdfReader) -> str:
    return flat(" ".join(page.extract_text() for page in r.pages))


def runs_and_rules(page: PageObject) -> tuple[list[Run], list[Rule]]:
    """Every text run and straight line on a page, in page coordinates."""
    runs: list[Run] = []
    rules: list[Rule] = []
    at: dict[str, tuple[float, float]] = {}

    def point(x: float, y: float, cm: Matrix) -> tuple[float, float]:
        return x * cm[0] + y * cm[2] + cm[4], x * cm[1] + y * cm[3] + cm[5]

    def text(t: str, cm: Matrix, tm: Matrix, font: dict | None, size: float) -> None:
        if t.strip():
            m = mul([float(v) for v in tm], [float(v) for v in cm])
            name = str(font["/BaseFont"]) if font is not None else ""
            runs.append(Run(t.strip("\n"), m[4], m[5], size * m[0], name))

    def op(operator: bytes, args: list, cm: Matrix, tm: Matrix) -> None:
        cm = [float(v) for v in cm]
        if operator == b"m":
            at["p"] = point(float(args[0]), float(args[1]), cm)
        elif operator == b"l" and "p" in at:
            q = point(float(args[0]), float(args[1]), cm)
            rules.append(Rule(*at["p"], *q))
            at["p"] = q

    page.extract_text(visitor_text=text, visitor_operand_before=op)
    return runs, rules


def placed_forms(r: PdfReader, page: PageObject) -> list[tuple[Matrix, str]]:
    """The form XObjects an imposed side draws: the matrix each is placed with, and the
    text inside it (read as a page of its own)."""
    xobjects = page["/Resources"].get("/XObject", {})
    stack: list[Matrix] = []
    cm: Matrix = [1, 0, 0, 1, 0, 0]
    placed: list[tuple[Matrix, str]] = []
    for args, operator in ContentStream(page.get_contents(), r).operations:
        if operator == b"q":
            stack.append(cm)
        elif operator == b"Q":
            cm = stack.pop()
        elif operator == b"cm":
            cm = mul([float(a) for a in args], cm)
        elif operator == b"Do":
            form = xobjects[args[0]].get_object()
            bbox = [float(v) for v in form["/BBox"]]
            alone = PageObject.create_blank_page(width=bbox[2], height=bbox[3])
            alone[NameObject("/Resources")] = form["/Resources"]
            alone.replace_contents(ContentStream(form, r))
            placed.append((cm, alone.extract_text()))
    return placed
