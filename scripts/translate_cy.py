"""Fill the Welsh catalogue's translations from the table below (kept beside the .ts).

Run after ``pyside6-lupdate`` has added new source texts: every source here gets its
Welsh; a source with no entry stays unfinished, which the test suite refuses. Qt's own
button texts (``QPlatformTheme``, ``QGnomeTheme``) are added too: Qt ships no Welsh.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

TS = Path(__file__).resolve().parents[1] / "resources" / "translations" / "probation_desk_cy.ts"

WELSH: dict[str, str] = {
    # The case record
    "Open a person's record first: choose them in the caseload and press Return, then "
    "choose the appointment.": "Agorwch gofnod person yn gyntaf: dewiswch nhw yn y llwyth "
    "achosion a phwyso Return, yna dewiswch yr apwyntiad.",
    "Choose the appointment first: pick it in the list of appointments and contacts on the "
    "Orders && RAR tab (now shown), then press Ctrl+Shift+O again.": "Dewiswch yr apwyntiad "
    "yn gyntaf: dewiswch ef yn y rhestr o apwyntiadau a chysylltiadau ar y tab Gorchmynion "
    "&& RAR (sydd i'w weld nawr), yna pwyswch Ctrl+Shift+O eto.",
    "That appointment was cancelled, so it has no outcome to record. Choose another "
    "appointment.": "Cafodd yr apwyntiad hwnnw ei ganslo, felly does dim canlyniad i'w "
    "gofnodi. Dewiswch apwyntiad arall.",
    "Record outcome": "Cofnodi canlyniad",
    # Printing
    "A folded booklet is for printing only: its pages are in folding order, so a screen "
    "reader cannot follow it. For reading on screen, choose A4 or fillable.": "Mae llyfryn "
    "wedi'i blygu ar gyfer argraffu yn unig: mae ei dudalennau yn nhrefn plygu, felly ni "
    "all darllenydd sgrin ei ddilyn. I'w ddarllen ar sgrin, dewiswch A4 neu gopi i'w lenwi.",
    "Workbook language": "Iaith y llyfr gwaith",
    "Lan&guage": "I&aith",
    # The window
    "&Open the record": "&Agor y cofnod",
    "Language": "Iaith",
    "Lang&uage": "Iai&th",
    "Probation Desk will speak %1 from its next start. Restart it now?": "Bydd Probation "
    "Desk yn siarad %1 o'r tro nesaf y bydd yn dechrau. Ei ailgychwyn nawr?",
    "&Restart now": "&Ailgychwyn nawr",
    "&Later": "&Wedyn",
    # My week
    "When": "Pryd",
    "CRN": "CRN",
    "Name": "Enw",
    "Appointment": "Apwyntiad",
    "Outcome": "Canlyniad",
    "My week": "Fy wythnos",
    "&Previous week": "Yr wythnos &flaenorol",
    "&This week": "Yr wythnos &hon",
    "&Next week": "Yr wythnos &nesaf",
    "&Everyone's, not only my caseload": "Pawb, nid fy llwyth achosion &yn unig",
    "The week shown": "Yr wythnos a ddangosir",
    "Appointments this week": "Apwyntiadau'r wythnos hon",
    "&Record outcome…": "&Cofnodi canlyniad…",
    "Nothing to show": "Dim i'w ddangos",
    "everyone's": "pawb",
    "my caseload's": "fy llwyth achosion",
    "Week of %1 to %2 (%3 appointments)": "Wythnos %1 i %2 (apwyntiadau %3)",
    "Outcomes to record (%1): past appointments with no outcome yet": "Canlyniadau i'w "
    "cofnodi (%1): apwyntiadau a fu heb ganlyniad eto",
    " (today)": " (heddiw)",
    ": no appointments": ": dim apwyntiadau",
    "No appointments this week and no outcomes waiting. Book appointments on a person's "
    "record (Orders && RAR), or tick Everyone's to see the whole caseload's.": "Dim "
    "apwyntiadau'r wythnos hon a dim canlyniadau'n aros. Trefnwch apwyntiadau ar gofnod "
    "person (Gorchmynion && RAR), neu ticiwch Pawb i weld y llwyth achosion cyfan.",
    "Nobody has appointments this week, and no outcomes are waiting.": "Does gan neb "
    "apwyntiadau'r wythnos hon, a does dim canlyniadau'n aros.",
    "no time given": "dim amser",
    " (RAR)": " (RAR)",
    "Cancelled": "Wedi'i ganslo",
    "Needs an outcome": "Angen canlyniad",
    "Booked": "Wedi'i drefnu",
    # The window's status bar (a team database at a distance)
    "Not seeing other people's changes: the team database cannot be reached. Trying "
    "again…": "Ddim yn gweld newidiadau pobl eraill: does dim modd cyrraedd cronfa ddata'r "
    "tîm. Yn ceisio eto…",
    "Seeing other people's changes again; the lists were read afresh.": "Yn gweld "
    "newidiadau pobl eraill eto; darllenwyd y rhestrau o'r newydd.",
    # Demo data, Settings set by IT
    "%1 of them are on your own caseload (managed by %2).": "Mae %1 ohonyn nhw ar eich "
    "llwyth achosion eich hun (a reolir gan %2).",
    "Database": "Cronfa ddata",
    "Your role": "Eich rôl",
    "Your region": "Eich rhanbarth",
    "Large print": "Print bras",
    "Show the CRN": "Dangos y CRN",
    "Set by %1 for everyone using this computer (%2): it cannot be changed here.": "Wedi'i "
    "osod gan %1 i bawb sy'n defnyddio'r cyfrifiadur hwn (%2): ni ellir ei newid yma.",
    "%1: set by %2 for everyone using this computer, so not changed here.": "%1: wedi'u "
    "gosod gan %2 i bawb sy'n defnyddio'r cyfrifiadur hwn, felly ni chânt eu newid yma.",
    "Settings set by IT": "Gosodiadau a osodwyd gan TG",
    # The record's History tab
    "History (&Z)": "Hanes (&Z)",
    "History": "Hanes",
    "Who": "Pwy",
    "What": "Beth",
    "Before → after": "Cyn → ar ôl",
    "Every change to this record, newest first: who made it, when, and what it was before "
    "and after. Nothing here can be changed.": "Pob newid i'r cofnod hwn, y diweddaraf yn "
    "gyntaf: pwy a'i gwnaeth, pryd, a beth oedd cyn ac ar ôl. Ni ellir newid dim yma.",
    "Changes to this record": "Newidiadau i'r cofnod hwn",
    # What if (from the Worklist)
    "NSI": "NSI",
    "Region": "Rhanbarth",
    "Practitioner": "Ymarferydd",
    "Status": "Statws",
    "Referred": "Atgyfeiriwyd",
    "Expected end": "Diwedd disgwyliedig",
    "Would need": "Byddai angen",
    "What if a toolkit were withdrawn": "Beth petai pecyn cymorth yn cael ei dynnu'n ôl",
    "Choose a toolkit and the dates its withdrawal might have, to see which open NSIs would "
    "need closing or switching to an approved toolkit, by region and practitioner. This only "
    "looks: nothing is changed.": "Dewiswch becyn cymorth a'r dyddiadau y gallai gael ei "
    "dynnu'n ôl, i weld pa NSIs agored y byddai angen eu cau neu eu newid i becyn cymorth "
    "cymeradwy, fesul rhanbarth ac ymarferydd. Edrych yn unig y mae hyn: does dim yn cael "
    "ei newid.",
    "About this question": "Am y cwestiwn hwn",
    "Toolkit": "Pecyn cymorth",
    "Withdrawn on": "Tynnwyd yn ôl ar",
    "Close-by date": "Dyddiad cau erbyn",
    "All regions": "Pob rhanbarth",
    "&Toolkit": "&Pecyn cymorth",
    "&Withdrawn on": "&Tynnwyd yn ôl ar",
    "Clos&e-by date": "Dyddiad ca&u erbyn",
    "Re&gion": "&Rhanbarth",
    "&Show what it would touch": "&Dangos beth y byddai'n effeithio arno",
    "The answer": "Yr ateb",
    "Region and practitioner": "Rhanbarth ac ymarferydd",
    "Would need closing or switching": "Byddai angen eu cau neu eu newid",
    "Counts by region and practitioner": "Niferoedd fesul rhanbarth ac ymarferydd",
    "Open NSIs on the toolkit": "NSIs agored ar y pecyn cymorth",
    "Save as &CSV…": "Cadw fel &CSV…",
    "Close": "Cau",
    "Every toolkit is already withdrawn: there is nothing to ask about.": "Mae pob pecyn "
    "cymorth wedi'i dynnu'n ôl yn barod: does dim i holi amdano.",
    "%1: type the date as day/month/year, for example 29/07/2026.": "%1: teipiwch y dyddiad "
    "fel diwrnod/mis/blwyddyn, er enghraifft 29/07/2026.",
    "Looking…": "Yn edrych…",
    " in %1": " yn %1",
    "If the %1 toolkit were withdrawn on %2 with a close-by date of %3: %4 open NSIs on "
    "it%5, %6 of them not expected to end by then (they would need closing or switching to "
    "an approved toolkit). Nothing was changed.": "Petai pecyn cymorth %1 yn cael ei dynnu'n "
    "ôl ar %2 gyda dyddiad cau erbyn %3: %4 NSI agored arno%5, a disgwylir na fydd %6 "
    "ohonynt wedi dod i ben erbyn hynny (byddai angen eu cau neu eu newid i becyn cymorth "
    "cymeradwy). Ni newidiwyd dim.",
    "In progress": "Ar y gweill",
    "Completed": "Wedi'i gwblhau",
    "Ended early": "Daeth i ben yn gynnar",
    "(no practitioner)": "(dim ymarferydd)",
    "None: every open NSI on it is expected to end by the close-by date.": "Dim: disgwylir i "
    "bob NSI agored arno ddod i ben erbyn y dyddiad cau.",
    "None: there are no open NSIs on it.": "Dim: does dim NSIs agored arno.",
    "Closing or switching": "Eu cau neu eu newid",
    "Nothing (ends in time)": "Dim (yn dod i ben mewn pryd)",
    "not set": "heb ei osod",
    "Save the list as": "Cadw'r rhestr fel",
    "CSV files (*.csv)": "Ffeiliau CSV (*.csv)",
    "Saved": "Wedi'i gadw",
    "The list is saved in %1.": "Mae'r rhestr wedi'i chadw yn %1.",
    "What &if…": "Beth &petai…",
    "What a toolkit's withdrawal would touch, before it happens: the open NSIs that would "
    "need closing or switching, by region and practitioner. It changes nothing. For regional "
    "leads and administrators.": "Beth y byddai tynnu pecyn cymorth yn ôl yn effeithio arno, "
    "cyn iddo ddigwydd: yr NSIs agored y byddai angen eu cau neu eu newid, fesul rhanbarth "
    "ac ymarferydd. Nid yw'n newid dim. Ar gyfer arweinwyr rhanbarthol a gweinyddwyr.",
    "Only a regional lead or an administrator can ask what a withdrawal would touch. You "
    "are signed in as %1: change your role in Settings if that is wrong.": "Dim ond "
    "arweinydd rhanbarthol neu weinyddwr all holi beth y byddai tynnu'n ôl yn effeithio "
    "arno. Rydych wedi mewngofnodi fel %1: newidiwch eich rôl yn y Gosodiadau os yw hynny'n "
    "anghywir.",
    # Saving files
    "%1 already exists. Replace it? What it holds now will be lost.": "Mae %1 yn bodoli'n "
    "barod. Ei disodli? Bydd yr hyn sydd ynddi nawr yn cael ei golli.",
    "Replace the file?": "Disodli'r ffeil?",
    "&Replace it": "&Ei disodli",
    "&Keep it": "Ei &chadw",
    # The record: a withdrawn toolkit's NSI, the contact times
    "Only closing is allowed": "Dim ond cau a ganiateir",
    "no time": "dim amser",
    "The %1 was withdrawn on %2, so this NSI cannot be updated: close it with an outcome, "
    "or switch it to an approved toolkit.": "Cafodd y %1 ei dynnu'n ôl ar %2, felly ni ellir "
    "diweddaru'r NSI hwn: caewch ef gyda chanlyniad, neu newidiwch ef i becyn cymorth "
    "cymeradwy.",
    # The user guide (F1)
    "Probation Desk user guide": "Canllaw defnyddiwr Probation Desk",
    "The guide": "Y canllaw",
    "The guide could not be read from %1. Ask your IT service desk to reinstall Probation "
    "Desk.": "Nid oedd modd darllen y canllaw o %1. Gofynnwch i'ch desg gwasanaeth TG "
    "ailosod Probation Desk.",
    "&User guide": "&Canllaw defnyddiwr",
    "What each section is for, the keys, and who to ask (F1)": "Beth yw diben pob adran, "
    "yr allweddi, a phwy i'w holi (F1)",
    "Replace the workbooks?": "Disodli'r llyfrau gwaith?",
    "%1 of these workbooks are already in %2 (for example %3). Replace them? The earlier "
    "copies will be lost.": "Mae %1 o'r llyfrau gwaith hyn yn %2 yn barod (er enghraifft "
    "%3). Eu disodli? Bydd y copïau cynharach yn cael eu colli.",
    "&Replace them": "&Eu disodli",
    "&Keep them": "Eu &cadw",
}

QT_BUTTONS: dict[str, dict[str, str]] = {
    "QPlatformTheme": {
        "OK": "Iawn", "Save": "Cadw", "Save All": "Cadw'r cyfan", "Open": "Agor",
        "&Yes": "&Ie", "Yes to &All": "Ie i'r c&yfan", "&No": "&Na",
        "N&o to All": "Na i'r cyfa&n", "Abort": "Rhoi'r gorau iddi", "Retry": "Ceisio eto",
        "Ignore": "Anwybyddu", "Close": "Cau", "Cancel": "Diddymu", "Discard": "Taflu",
        "Help": "Cymorth", "Apply": "Rhoi ar waith", "Reset": "Ailosod",
        "Restore Defaults": "Adfer y rhagosodiadau"},
    "QGnomeTheme": {
        "&OK": "&Iawn", "&Save": "&Cadw", "&Cancel": "&Diddymu", "&Close": "C&au",
        "Close without Saving": "Cau heb gadw"},
}


def main() -> int:
    """Fill the catalogue; exit 1 naming any source text that has no Welsh yet."""
    tree = ET.parse(TS)
    root = tree.getroot()
    missing = []
    for context in root.iter("context"):
        name = context.findtext("name") or ""
        words = QT_BUTTONS.get(name, WELSH)
        for message in list(context.iter("message")):
            source = message.findtext("source") or ""
            translation = message.find("translation")
            assert translation is not None
            if translation.get("type") in ("vanished", "obsolete") and name not in QT_BUTTONS:
                context.remove(message)  # no longer in the code
            elif source in words:
                translation.text = words[source]
                translation.attrib.pop("type", None)
            else:
                missing.append(source)
    for name, texts in QT_BUTTONS.items():
        context = next((c for c in root.iter("context") if c.findtext("name") == name), None)
        if context is None:
            context = ET.SubElement(root, "context")
            ET.SubElement(context, "name").text = name
        have = {m.findtext("source") for m in context.iter("message")}
        for source, welsh in texts.items():
            if source in have:
                continue
            message = ET.SubElement(context, "message")
            ET.SubElement(message, "source").text = source
            ET.SubElement(message, "translation").text = welsh
    ET.indent(tree)
    tree.write(TS, encoding="utf-8", xml_declaration=True)
    for source in missing:
        print(f"no Welsh yet: {source!r}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
