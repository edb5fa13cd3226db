"""The completion report's words in English and Welsh: its title, columns, filters, page
furniture, and the domain's values that appear in its cells (module states, SI states,
sign-offs, supporters' roles, need areas).

The Welsh is a first draft, to be reviewed by a Welsh-speaking practitioner before release
(the terms as in ``resources/translations/GLOSSARY.md``).
"""

from __future__ import annotations

import re

from probation_desk.printing.report import ReportWords

ENGLISH = ReportWords()
WELSH = ReportWords(
    lang="cy", page_of="Tudalen {n} o {total}", part_of="Rhan {n} o {total}: {columns}",
    totals="Cyfansymiau", total="Cyfanswm", rows="Rhesi", people="Pobl",
    none="Does neb yn cyfateb i'r hidlwyr hyn.",
    handling="Probation Desk: swyddogol-sensitif, trafodwch yn ofalus")

COLUMNS_CY = ("CRN", "Enw", "Rhanbarth", "PDU", "Ymarferydd", "Modiwl", "Cwblhawyd ar",
              "Cefnogwr", "Dyddiau ers y sesiwn olaf", "Ymyriad Strwythuredig",
              "Atgyfeiriwyd ar", "Cyflwr yr YS", "Cymeradwyo", "Rheswm nad yw'n barod")
"""The report's columns in Welsh, in the order of ``services.review.REPORT_COLUMNS``."""

TITLE = {"en": "Pre-Intervention Module completion",
         "cy": "Cwblhau'r Modiwl Cyn-Ymyrraeth"}

_VALUES_CY = {
    # module states (domain.module.ModuleStatus)
    "Not started": "Heb ddechrau", "In progress": "Ar y gweill", "Completed": "Wedi'i gwblhau",
    "Completed and revisited": "Wedi'i gwblhau a'i ailymweld",
    # SI states
    "Awaiting start": "Yn aros i ddechrau",
    "Blocked: module not completed": "Wedi'i rwystro: y modiwl heb ei gwblhau",
    # supporters' roles (domain.module.SupporterRole)
    "Their probation practitioner": "Eu hymarferydd prawf",
    "Another probation practitioner": "Ymarferydd prawf arall",
    "Facilitator appointed by the Programme Manager": "Hwylusydd a benodwyd gan y Rheolwr "
    "Rhaglen",
    "Peer mentor appointed by the Programme Manager": "Mentor cymheiriaid a benodwyd gan y "
    "Rheolwr Rhaglen",
    # need areas (domain.interventions.NeedArea)
    "Attitudes, thinking and behaviour": "Agweddau, meddwl ac ymddygiad",
    "Domestic abuse": "Cam-drin domestig", "Emotional management": "Rheoli emosiynau",
}
_PATTERNS_CY = (
    (re.compile(r"^Started (.+)$"), r"Dechreuodd \1"),
    (re.compile(r"^Signed off (\S+) by (.+)$"), r"Cymeradwywyd \1 gan \2"),
    (re.compile(r"^Not ready yet (\S+) by (.+)$"), r"Ddim yn barod eto \1 gan \2"),
    (re.compile(r"^(.*) \(([^()]+)\)$"), None),  # "name (a role or need area)"
)


def cell_in(language: str, text: str) -> str:
    """A report cell in ``language``: the domain's values translated, names and dates kept."""
    if language != "cy" or not text:
        return text
    if text in _VALUES_CY:
        return _VALUES_CY[text]
    for pattern, replacement in _PATTERNS_CY:
        m = pattern.match(text)
        if m is None:
            continue
        if replacement is not None:
            return m.expand(replacement)
        inner = _VALUES_CY.get(m.group(2))
        if inner is not None:
            return f"{m.group(1)} ({inner})"
    return text


def filters_in(language: str, english: str, printed: str) -> str:
    """The report's line under the title: its filters and when it was printed."""
    if language != "cy":
        return f"Filters: {english}. Printed {printed}."
    words = (english.replace("all regions", "pob rhanbarth").replace("region ", "rhanbarth ")
             .replace("people referred to a Structured Intervention",
                      "pobl a atgyfeiriwyd i Ymyriad Strwythuredig")
             .replace(" or on a RAR", " neu ar RAR").replace("blocked only", "wedi'u rhwystro "
                                                             "yn unig")
             .replace("practitioner ", "ymarferydd ").replace("completed ", "cwblhawyd ")
             .replace(" to ", " i ").replace("any time", "unrhyw bryd")
             .replace("today", "heddiw").replace("matching ", "yn cyfateb i "))
    return f"Hidlwyr: {words}. Argraffwyd {printed}."


def words_for(language: str) -> ReportWords:
    """The page furniture's words in ``language``."""
    return WELSH if language == "cy" else ENGLISH
