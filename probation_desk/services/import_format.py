"""The export/import file format, described once as typed msgspec Structs.

A file is JSON Lines: one JSON object per line, each with a ``type`` that selects one of
the record classes below (a msgspec tagged union). Line 1 is the :class:`Header`. The
decoder is strict: no strings for booleans or numbers, whole numbers where whole numbers
are meant, dates as ``YYYY-MM-DD``, timestamps with their time zone, text within its
length limit, enum values spelled exactly, and no unknown fields or unknown ``type``\\ s.
Parsing and type-checking happen in one pass (``msgspec.json.Decoder``); the domain
rules (dates in order, toolkit withdrawal, the module...) are applied afterwards by
``services/transfer/``.

The JSON Schema in ``resources/import-format.schema.json`` (and ``probation-desk
schema``) is generated from these classes by :func:`json_schema`; a test checks the
shipped file is up to date, and that every exported line validates against it.

How to add a record type (say ``contact``):

1. Write ``class Contact(_Record, tag="contact")`` here with its fields, reusing the
   annotated types (``Ref``, ``Crn``, ``Name``, ``Notes``, ``Date``...), and a docstring
   (it becomes the schema's description). Give it a ``ref`` so re-import is idempotent,
   and a letter for new rows' refs in ``store/models.py`` ``REF_LETTERS`` (and a
   migration filling the refs of existing rows).
2. Add it to ``RECORD_CLASSES`` (in file order: a record may only refer to records of
   earlier types) and so to ``Record``.
3. In ``services/transfer/``: a handler in ``_Importer`` that checks it with the domain
   rules and returns its storage tuple (see ``_Importer.contact``), an entry in
   ``_Importer.HANDLERS`` and ``_TABLES``, and the export of its rows in
   ``export_records``.
4. Run ``python -m probation_desk.services.import_format`` to regenerate the shipped schema
   (``probation-desk schema`` prints it), and list its fields and enum values in the
   README's format section (a test checks every enum value is listed there).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Annotated, Any, Final, Literal, get_args, get_origin

import msgspec
from msgspec import Meta, Struct

from probation_desk.domain.people import REGIONS
from probation_desk.domain.text import NAME_MAX, NOTES_MAX

FORMAT: Final = "probation-desk"
FORMAT_VERSION: Final = 3
"""3: strict typed records, stable refs on every record, sign-offs. 2 added contacts (for
the ``activity`` lines of 1), order termination and session withdrawal. Files of versions
1 and 2 are still read (``services/transfer/`` upgrades their lines first)."""
OLDEST_READ: Final = 1

HISTORY_NOTE_MAX: Final = 200
DESCRIPTION_MAX: Final = 200
PDU_MAX: Final = 100
REF_MAX: Final = 40

Ref = Annotated[str, Meta(min_length=1, max_length=REF_MAX, pattern=r"^\S+$",
                          description="A stable reference, unique for its record type "
                          "(the export writes CRN/O1, CRN/N1, CRN/S1, CRN/C1, CRN/R1, "
                          "CRN/SO1).")]
Crn = Annotated[str, Meta(pattern=r"^[A-Z][0-9]{6}$",
                          description="Case reference number: one upper-case letter and "
                          "six digits.")]
Name = Annotated[str, Meta(max_length=NAME_MAX)]
Notes = Annotated[str, Meta(max_length=NOTES_MAX)]
Pdu = Annotated[str, Meta(max_length=PDU_MAX)]
HistoryNote = Annotated[str, Meta(max_length=HISTORY_NOTE_MAX)]
Description = Annotated[str, Meta(max_length=DESCRIPTION_MAX)]
ToolkitCode = Annotated[str, Meta(min_length=1, max_length=20,
                                  description="A toolkit code from the catalogue.")]
Timestamp = Annotated[dt.datetime, Meta(tz=True)]
LocalTime = Annotated[dt.datetime, Meta(tz=False, description="Local date and time, "
                                        "without a time zone.")]
Reason = Annotated[str, Meta(max_length=200)]
Code = Annotated[str, Meta(min_length=1, max_length=30,
                           description="A code from the contact catalogue "
                           "(resources/contact_types.json).")]
RarMaxDays = Annotated[int, Meta(ge=1, le=365)]

# Enum values: the names of the domain's enums (a test checks they stay equal).
Region = Literal["North East", "North West", "Yorkshire and the Humber", "Wales",
                 "West Midlands", "East Midlands", "South West", "South Central",
                 "East of England", "London", "Kent, Surrey and Sussex",
                 "Greater Manchester"]
LanguageName = Literal["ENGLISH", "WELSH"]
PrintNeedsName = Literal["STANDARD", "LARGE"]
OrderKindName = Literal["COMMUNITY_ORDER", "SUSPENDED_SENTENCE", "LICENCE",
                        "POST_SENTENCE_SUPERVISION"]
StatusName = Literal["REFERRED", "IN_PROGRESS", "COMPLETED", "ENDED"]
OutcomeName = Literal["COMPLETED", "NOT_COMPLETED", "NOT_SUITABLE", "ORDER_ENDED",
                      "TOOLKIT_WITHDRAWN", "TRANSFERRED", "AUTO_CLOSED", "DUPLICATE"]
SupporterRoleName = Literal["PP", "OTHER_PP", "FACILITATOR", "PEER_MENTOR"]
NeedAreaName = Literal["ATB", "DOMESTIC_ABUSE", "EMOTIONAL_MANAGEMENT"]
SignOffKindName = Literal["REVIEWED", "NOT_READY"]

assert get_args(Region) == REGIONS


class _Line(Struct, tag_field="type", forbid_unknown_fields=True, kw_only=True):
    """Base of every line: tagged by ``type``, unknown fields refused."""


class Header(_Line, tag="header", kw_only=True):
    """The first line of every file."""

    format: Literal["probation-desk"]
    version: Annotated[int, Meta(ge=1, le=1_000_000)]


class _Record(_Line):
    """Base of every record after the header."""


class Person(_Record, tag="person", kw_only=True):
    """A person on probation; ``crn`` is the stable reference."""

    crn: Crn
    name: Name
    date_of_birth: dt.date | None = None
    region: Region
    pdu: Pdu
    practitioner: Name
    language: LanguageName = "ENGLISH"
    print_needs: PrintNeedsName = "STANDARD"


class Order(_Record, tag="order", kw_only=True):
    """A sentence or licence of a person earlier in the file or already in the database."""

    ref: Ref
    crn: Crn
    kind: OrderKindName
    start_date: dt.date
    end_date: dt.date
    rar_max_days: RarMaxDays | None = None
    rar_terminated_on: dt.date | None = None
    rar_termination_reason: Reason | None = None


class HistoryEntry(Struct, forbid_unknown_fields=True, kw_only=True):
    """One status change of an NSI (``by``/``at`` default to the importer and now).

    An NSI given without history gets one entry: its status, on its end, start or
    referral date, noted "imported".
    """

    status: StatusName
    date: dt.date
    by: Name | None = None
    at: Timestamp | None = None
    note: HistoryNote | None = None


class Nsi(_Record, tag="nsi", kw_only=True):
    """A toolkit NSI, imported as history (see the README)."""

    ref: Ref
    crn: Crn
    order: Ref | None = None
    toolkit: ToolkitCode
    status: StatusName
    referral_date: dt.date
    expected_start: dt.date | None = None
    expected_end: dt.date | None = None
    actual_start: dt.date | None = None
    actual_end: dt.date | None = None
    outcome: OutcomeName | None = None
    notes: Notes | None = None
    practitioner: Name | None = None
    previous: Ref | None = None
    history: list[HistoryEntry] = []


class ModuleSession(_Record, tag="module_session", kw_only=True):
    """A Pre-Intervention Module session."""

    ref: Ref
    crn: Crn
    date: dt.date
    supporter_role: SupporterRoleName
    supporter_name: Name
    completed: bool = False
    notes: Notes | None = None
    withdrawn_on: dt.date | None = None
    withdrawn_reason: Reason | None = None


class Correction(Struct, forbid_unknown_fields=True, kw_only=True):
    """A note of correction on a contact (the original text stays)."""

    at: Timestamp
    by: Name | None = None
    text: Notes


class Contact(_Record, tag="contact", kw_only=True):
    """A contact or appointment, with its outcome once it has happened."""

    ref: Ref
    crn: Crn
    order: Ref | None = None
    nsi: Ref | None = None
    contact_type: Code
    at: LocalTime
    rar_activity: bool = False
    notes: Notes | None = None
    outcome: Code | None = None
    absence_reason: Annotated[str, Meta(min_length=1, max_length=20)] | None = None
    cancelled_on: dt.date | None = None
    cancel_reason: Reason | None = None
    corrections: list[Correction] = []


class SiReferral(_Record, tag="si_referral", kw_only=True):
    """A referral to a Structured Intervention."""

    ref: Ref
    crn: Crn
    need_area: NeedAreaName
    name: Name
    referral_date: dt.date
    start_date: dt.date | None = None


class SignOff(_Record, tag="sign_off", kw_only=True):
    """A treatment manager's sign-off of the module, or 'not ready yet'."""

    ref: Ref
    crn: Crn
    kind: SignOffKindName
    date: dt.date
    by_name: Name
    comment: Notes | None = None
    recorded_at: Timestamp | None = None


RECORD_CLASSES: Final = (Person, Order, Nsi, ModuleSession, Contact, SiReferral, SignOff)
"""Every record type, in the order a file lists them."""

Record = Person | Order | Nsi | ModuleSession | Contact | SiReferral | SignOff
Line = Header | Record

RECORD_TYPES: Final = tuple(str(c.__struct_config__.tag) for c in RECORD_CLASSES)
_BY_TAG: Final = {c.__struct_config__.tag: c for c in RECORD_CLASSES}

line_decoder: Final = msgspec.json.Decoder(Line)
encoder: Final = msgspec.json.Encoder()


def json_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of one line of the file."""
    schema = msgspec.json.schema(Line)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Probation Desk export/import line"
    schema["description"] = (
        f"One line of a Probation Desk JSON Lines file, format version {FORMAT_VERSION}. "
        "The first line is a header; records follow in the order person, order, nsi, "
        "module_session, contact, si_referral, sign_off.")
    return schema


def schema_text() -> str:
    """The schema as the shipped file holds it."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


# ----------------------------------------------------------------- refusals in words
_AT = re.compile(r" - at `\$\.?(?P<path>[^`]*)`$")
_TYPE_WORDS = {"int": "a whole number", "str": "text", "bool": "true or false",
               "null": "null", "float": "a number with a fraction", "object": "an object",
               "array": "a list", "date": "a date (YYYY-MM-DD)",
               "datetime": "a timestamp with its time zone", "list": "a list"}


def _words(types: str) -> str:
    parts = [_TYPE_WORDS.get(t.strip().split("[")[0], t.strip())
             for t in types.split("|")]
    return " or ".join(dict.fromkeys(parts))


def _value_at(raw: bytes, path: str) -> Any:
    """The value a refused path points at in the raw line, for the message."""
    try:
        value: Any = msgspec.json.decode(raw)
        for part in re.findall(r"[^.\[\]]+", path):
            value = value[int(part)] if isinstance(value, list) else value[part]
        return value
    except Exception:  # the message is still clear without the value
        return None


_TYPE_AT = re.compile(rb'"type"\s*:\s*"([a-z_]+)"')


def _record_type(raw: bytes) -> str | None:
    """The line's record type, read even when the rest of the line is broken."""
    kind = _value_at(raw, "type")
    if isinstance(kind, str) and kind in _BY_TAG:
        return kind
    found = _TYPE_AT.search(raw)
    if found is not None and found[1].decode() in _BY_TAG:
        return found[1].decode()
    return None


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=True)
    return text if len(text) <= 40 else text[:37] + "..."


def _allowed(raw: bytes, field: str) -> tuple[str, ...]:
    kind = _value_at(raw, "type")
    cls = _BY_TAG.get(kind) if isinstance(kind, str) else None
    if cls is None:
        return ()
    name = field.split(".")[-1].split("[")[0]
    if field.startswith("history"):
        cls, name = HistoryEntry, field.split(".")[-1]  # type: ignore[assignment]
    if field.startswith("corrections"):
        cls, name = Correction, field.split(".")[-1]  # type: ignore[assignment]
    for f in msgspec.structs.fields(cls):
        if f.name == name:
            return _literal_values(f.type)
    return ()


def _literal_values(tp: Any) -> tuple[str, ...]:
    if get_origin(tp) is Literal:
        return tuple(a for a in get_args(tp) if isinstance(a, str))
    return tuple(v for arg in get_args(tp) for v in _literal_values(arg))


def describe(exc: msgspec.MsgspecError, raw: bytes) -> tuple[str, str | None, str]:
    """(rule, field, reason in words) for a line msgspec refused."""
    message = str(exc)
    match = _AT.search(message)
    path = match.group("path") if match else ""
    core = message[:match.start()] if match else message
    where = f"'{path}'" if path else "the line"
    if not isinstance(exc, msgspec.ValidationError):
        why = core.removeprefix("JSON is malformed: ")
        return "bad-json", None, f"The line is not valid JSON ({why})."
    if m := re.fullmatch(r"Object missing required field `(.+)`", core):
        field = f"{path}.{m[1]}" if path else m[1]
        return "required", field, f"The field '{field}' is missing: it is required."
    if m := re.fullmatch(r"Object contains unknown field `(.+)`", core):
        field = f"{path}.{m[1]}" if path else m[1]
        kind = _record_type(raw)
        if kind is None:
            return ("unknown-field", field, f"'{m[1]}' is not a field of any record in this "
                    "format, and the line has no type that can be read (\"type\": one of "
                    f"{', '.join(RECORD_TYPES)}).")
        article = "an" if kind[:1] in "aeiou" or kind == "nsi" else "a"
        return ("unknown-field", field, f"'{m[1]}' is not a field of {article} {kind} record "
                "in this format.")
    if path == "type":
        value = _value_at(raw, "type")
        return ("unknown-type", "type", f"{_show(value)} is not a record type this format "
                f"has ({', '.join(RECORD_TYPES)}).")
    value = _value_at(raw, path)
    if m := re.fullmatch(r"Expected `(.+)`, got `(.+)`", core):
        return ("wrong-type", path, f"{where} must be {_words(m[1])}, not {_words(m[2])} "
                f"({_show(value)}).")
    if m := re.fullmatch(r"Expected `str` of length <= (\d+)", core):
        length = len(value) if isinstance(value, str) else "too many"
        return ("too-long", path, f"{where} is {length:,} characters long; the most "
                f"allowed is {int(m[1]):,}. Nothing was cut: shorten it and import again."
                if isinstance(length, int) else f"{where} is longer than {m[1]} characters.")
    if m := re.fullmatch(r"Expected `str` of length >= (\d+)", core):
        return "required", path, f"{where} is empty: it is required."
    if re.fullmatch(r"Expected `str` matching regex .*", core):
        if path.endswith("crn"):
            return ("invalid-crn", path, f"{_show(value)} is not a valid CRN: one upper-case "
                    "letter followed by six digits, for example X123456.")
        return ("bad-value", path, f"{where} ({_show(value)}) must be one word without "
                "spaces.")
    if core.startswith("Invalid enum value"):
        allowed = _allowed(raw, path)
        return ("bad-value", path, f"{_show(value)} is not a valid value for {where}"
                + (f" (one of {', '.join(allowed)})." if allowed else "."))
    if core == "Invalid RFC3339 encoded date":
        return ("bad-date", path, f"{where} ({_show(value)}) is not a real date written as "
                "YYYY-MM-DD.")
    if "no timezone" in core:
        return ("bad-date", path, f"{where} ({_show(value)}) must be a local date and time "
                "without a time zone (for example 2022-06-01T09:30:00).")
    if "timezone" in core:
        return ("bad-date", path, f"{where} ({_show(value)}) is not a timestamp with its time "
                "zone (for example 2022-06-01T09:30:00+00:00).")
    if core.startswith("Invalid RFC3339 encoded datetime"):
        return ("bad-date", path, f"{where} ({_show(value)}) is not a date and time written "
                "as YYYY-MM-DDTHH:MM:SS.")
    if m := re.fullmatch(r"Expected `int` ([<>]=) (\d+)", core):
        bound = "at least" if m[1] == ">=" else "at most"
        return "out-of-range", path, f"{where} ({_show(value)}) must be {bound} {m[2]}."
    if core == "Number out of range":
        return "out-of-range", path, f"{where} is a number far too large."
    return "bad-value", path or None, f"{where}: {core}."


def write_schema(path: Path) -> None:
    """Write the schema file (used to regenerate ``resources/``)."""
    path.write_text(schema_text(), encoding="utf-8")


SCHEMA_FILE: Final = "import-format.schema.json"
"""The shipped schema's name in ``resources/``."""

if __name__ == "__main__":
    from probation_desk.resources import ROOTS

    write_schema(ROOTS[0] / SCHEMA_FILE)
