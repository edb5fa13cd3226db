"""Workbook content as data: ``resources/workbooks/<name>.json``, read and checked once.

A template is a list of sections. Each section starts on a new page and has a heading,
a little plain text, and prompts; each prompt has a stable ``id`` (the form field name
in a fillable copy, so it must never change once people have filled copies in), the
question, and how many ruled lines to leave for the answer (``"fill"``: the rest of the
page). A section may ask for the person's details (``"personal_details": true``).
Adding a workbook means adding a data file; nothing here is specific to one workbook.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from probation_desk.resources import resource_path

FILL = -1
"""``Prompt.lines`` for a writing space that takes the rest of the page."""

MAX_LINES = 12
"""The most lines one writing space may ask for (so it fits on an A5 page)."""

DETAILS: tuple[tuple[str, str], ...] = (
    ("name", "My name"), ("crn", "My CRN"), ("practitioner", "My probation practitioner"),
    ("supporter", "My supporter"), ("date", "Date"))
"""The person's details a ``personal_details`` section shows: (key, label)."""

LABEL_DEFAULTS = {"page": "Page", "person": "person", "people": "people",
                  **dict(DETAILS)}
"""The printed words an edition may give in its own language (``labels`` in its file)."""

EDITIONS = ("en", "cy")
"""The languages a workbook may have an edition in: English (the workbook's own file) and
Welsh (``<workbook>.cy.json``, with the same prompt ids, order and lines)."""

DETAIL_FIELD_PREFIX = "about_"
_ID = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


class TemplateError(ValueError):
    """A workbook data file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class Prompt:
    """One question with room to write."""

    id: str
    text: str
    lines: int


@dataclass(frozen=True)
class Section:
    """A heading, some plain text and the prompts under it; starts on a new page."""

    heading: str
    text: tuple[str, ...]
    prompts: tuple[Prompt, ...]
    personal_details: bool = False


@dataclass(frozen=True)
class Template:
    """A workbook's content."""

    id: str
    title: str
    short_title: str
    lang: str
    sections: tuple[Section, ...]
    labels: tuple[tuple[str, str], ...] = ()
    """This edition's words printed around the content: the details' labels (see
    :data:`DETAILS`), "page", and "person"/"people" for a file of several copies."""

    @property
    def details(self) -> tuple[tuple[str, str], ...]:
        """The person's details as (key, label), in this edition's words."""
        words = dict(self.labels)
        return tuple((key, words.get(key, label)) for key, label in DETAILS)

    def word(self, key: str) -> str:
        """One of this edition's printed words ("page", "person", "people")."""
        return dict(self.labels).get(key, LABEL_DEFAULTS[key])

    @property
    def prompts(self) -> tuple[Prompt, ...]:
        """Every prompt, in order."""
        return tuple(p for s in self.sections for p in s.prompts)


def _text(where: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise TemplateError(f"{where} must be some text.")
    return " ".join(value.split())


def _lines(where: str, value: Any) -> int:
    if value == "fill":
        return FILL
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_LINES:
        raise TemplateError(f"{where}: lines must be a whole number from 1 to {MAX_LINES}, "
                            'or "fill".')
    return value


def parse_template(name: str, data: dict[str, Any]) -> Template:
    """Check and convert a template's data (as read from its JSON file)."""
    where = f"Workbook {name!r}"
    if not isinstance(data, dict) or not isinstance(data.get("sections"), list):
        raise TemplateError(f"{where} needs a list of sections.")
    sections = []
    for i, s in enumerate(data["sections"], start=1):
        here = f"{where}, section {i}"
        if not isinstance(s, dict):
            raise TemplateError(f"{here} must be an object.")
        text = s.get("text", [])
        if not isinstance(text, list):
            raise TemplateError(f"{here}: text must be a list of short paragraphs.")
        prompts = []
        for j, p in enumerate(s.get("prompts", []), start=1):
            at = f"{here}, prompt {j}"
            if not isinstance(p, dict):
                raise TemplateError(f"{at} must be an object.")
            pid = p.get("id")
            if not isinstance(pid, str) or not _ID.match(pid):
                raise TemplateError(f"{at}: id must be lower-case letters, digits and _, "
                                    "starting with a letter.")
            prompts.append(Prompt(pid, _text(at, p.get("text")), _lines(at, p.get("lines", 4))))
        sections.append(Section(
            heading=_text(f"{here} heading", s.get("heading")),
            text=tuple(_text(f"{here} text", t) for t in text),
            prompts=tuple(prompts),
            personal_details=bool(s.get("personal_details", False))))
    if not sections:
        raise TemplateError(f"{where} has no sections.")
    ids = [p.id for s in sections for p in s.prompts]
    if any(s.personal_details for s in sections):
        ids += [DETAIL_FIELD_PREFIX + key for key, _ in DETAILS]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise TemplateError(f"{where}: each prompt needs its own id ({', '.join(dupes)}).")
    title = _text(f"{where} title", data.get("title"))
    lang = data.get("lang", "en-GB")
    if not isinstance(lang, str) or not re.match(r"^[a-z]{2,3}(-[A-Z]{2})?$", lang):
        raise TemplateError(f'{where}: lang must be a language tag such as "en-GB" or "cy".')
    labels = data.get("labels", {})
    if not isinstance(labels, dict) or any(k not in LABEL_DEFAULTS for k in labels):
        raise TemplateError(f"{where}: labels may give {', '.join(LABEL_DEFAULTS)}.")
    return Template(id=str(data.get("id", name)), title=title,
                    short_title=_text(f"{where} short_title", data.get("short_title", title)),
                    lang=lang, sections=tuple(sections),
                    labels=tuple((k, _text(f"{where} label {k}", v))
                                 for k, v in labels.items()))


@cache
def load_template(name: str, language: str = "en") -> Template:
    """Read and check ``resources/workbooks/<name>.json`` (once per process), or its
    edition in ``language`` (``<name>.<language>.json``; "en" is the workbook's own file)."""
    if not re.match(r"^[A-Za-z0-9_\-]+$", name):
        raise TemplateError(f"There is no workbook called {name!r}.")
    if language not in EDITIONS:
        raise TemplateError(f"There is no {language!r} edition: the editions are "
                            f"{', '.join(EDITIONS)}.")
    file = f"{name}.json" if language == "en" else f"{name}.{language}.json"
    try:
        path = resource_path("workbooks", file)
    except FileNotFoundError:
        raise TemplateError(f"There is no workbook called {name!r}"
                            + ("." if language == "en" else f" in the {language!r} edition.")
                            ) from None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TemplateError(f"The workbook file {path} cannot be read ({exc}).") from None
    return parse_template(name, data)


def available_templates() -> list[str]:
    """The workbooks there are data files for."""
    return sorted(p.stem for p in resource_path("workbooks").glob("*.json")
                  if "." not in p.stem)  # editions in other languages are <name>.<lang>


def field_names(template: Template) -> list[str]:
    """The form field names of a blank fillable copy, in page order (one per writing space).

    A personalised copy has the same fields less the details already printed on it.
    """
    names: list[str] = []
    for s in template.sections:
        if s.personal_details:
            names += [DETAIL_FIELD_PREFIX + key for key, _ in template.details]
        names += [p.id for p in s.prompts]
    return names
