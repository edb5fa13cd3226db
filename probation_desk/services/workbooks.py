"""Printing workbooks for people on the caseload: the link between the Desk and printing.

Options default from the person's print needs (large print) and the user's settings
(show the CRN or not); the printing package itself knows nothing of the database.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from probation_desk.domain.errors import RuleViolation
from probation_desk.domain.people import Language, PrintNeeds

if TYPE_CHECKING:
    from probation_desk.printing.workbook import WorkbookOptions, WorkbookPerson
    from probation_desk.services.desk import Desk
    from probation_desk.services.records import PersonView


def edition_for(person: PersonView | None, language: str | None = None) -> str:
    """The workbook's edition: the one asked for, else the person's language (a Welsh
    speaker gets the Welsh edition), else (a blank copy) the user's language."""
    from probation_desk.printing.template import EDITIONS
    from probation_desk.settings import load_settings

    if language is not None:
        if language not in EDITIONS:
            raise RuleViolation("bad-language", f"'{language}' is not a workbook edition "
                                f"(one of {', '.join(EDITIONS)}).", "language")
        return language
    if person is not None:
        return "cy" if person.language is Language.WELSH else "en"
    mine = load_settings().language
    return mine if mine in EDITIONS else "en"


def options_for(person: PersonView | None, *, large_print: bool | None = None,
                booklet: bool = False, fillable: bool = False,
                show_crn: bool | None = None, language: str | None = None) -> WorkbookOptions:
    """Workbook options: what was asked, else the person's needs and the user's defaults."""
    from probation_desk.printing.workbook import WorkbookOptions
    from probation_desk.settings import load_settings

    settings = load_settings()
    if large_print is None:
        large_print = (person is not None and person.print_needs is PrintNeeds.LARGE) or \
            settings.large_print_default
    if show_crn is None:
        show_crn = settings.show_crn_default
    return WorkbookOptions(large_print=large_print, booklet=booklet, fillable=fillable,
                           show_crn=show_crn, language=edition_for(person, language))


def workbook_person(desk: Desk, person: PersonView) -> WorkbookPerson:
    """The details printed on a personalised workbook."""
    from probation_desk.printing.workbook import WorkbookPerson

    state = desk.module_state(person.id)
    supporter = None
    if state.completion_session is not None:
        supporter = state.completion_session.supporter_name
    elif state.sessions:
        supporter = state.sessions[-1][0].supporter_name
    from probation_desk.domain.errors import RuleViolation
    from probation_desk.printing.fonts import printable_refusal

    for text, what in ((person.name, f"The name of {person.crn}"),
                       (person.practitioner, f"The practitioner of {person.crn}"),
                       (supporter, f"The supporter of {person.crn}")):
        why = printable_refusal(text, what)
        if why is not None:  # never a workbook with boxes where a name should be
            raise RuleViolation("cannot-print", why.replace(" The CSV keeps them exactly.",
                                                            ""), "name")
    return WorkbookPerson(name=person.name, crn=person.crn, practitioner=person.practitioner,
                          supporter=supporter, printed_on=desk.today)


def print_workbook(desk: Desk | None, *, crn: str | None, out: str | Path,
                   large_print: bool | None = None, booklet: bool = False,
                   fillable: bool = False, show_crn: bool | None = None,
                   language: str | None = None) -> int:
    """Write one workbook (personalised for ``crn``, or blank); returns its page count."""
    from probation_desk.printing.workbook import render_workbook

    person = None
    if crn is not None:
        if desk is None:
            raise ValueError("A personalised workbook needs the database.")
        person = desk.person_by_crn(crn)
    opts = options_for(person, large_print=large_print, booklet=booklet, fillable=fillable,
                       show_crn=show_crn, language=language)
    who = workbook_person(desk, person) if (person is not None and desk is not None) else None
    pages = int(render_workbook(who, opts, out))
    if person is not None and desk is not None:
        desk.record_prints([person.id], print_details(opts))
    return pages


def print_details(opts: WorkbookOptions) -> dict[str, object]:
    """What the audit trail records of a print: which workbook and which edition."""
    return {"workbook": "Pre-Intervention Module",
            "edition": "Cymraeg (Welsh)" if opts.language == "cy" else "English",
            "large_print": opts.large_print, "booklet": opts.booklet,
            "fillable": opts.fillable}


def print_many(desk: Desk, person_ids: Sequence[int], out: str | Path, *, one_file: bool,
               large_print: bool | None = None, booklet: bool = False,
               fillable: bool = False, show_crn: bool | None = None,
               progress: Callable[[int, int], bool] | None = None,
               language: str | None = None) -> list[Path]:
    """Workbooks for several people: one PDF, or one per person in the folder ``out``
    (one edition for all: ``language``, else the first person's)."""
    from probation_desk.printing.workbook import render_many

    people = [desk.person(pid) for pid in person_ids]
    opts = options_for(people[0] if people and large_print is None else None,
                       large_print=large_print, booklet=booklet, fillable=fillable,
                       show_crn=show_crn,
                       language=language if language is not None or not people
                       else edition_for(people[0]))
    paths: list[Path] = render_many([workbook_person(desk, p) for p in people], opts, out,
                                    one_file=one_file, progress=progress)
    if paths:  # those printed (all of them, unless Cancel stopped it part-way)
        printed = people if one_file else people[:len(paths)]
        desk.record_prints([p.id for p in printed], print_details(opts))
    return paths
