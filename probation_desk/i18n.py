"""The language Probation Desk speaks: English or Welsh (Cymraeg).

The user's choice (``language`` in their settings: "en" or "cy") wins; with none, the
system's language (a Welsh Windows, or ``LANG=cy_GB.UTF-8``). The window's words come from
the Qt Linguist catalogue in ``resources/translations`` (``probation_desk_cy.ts``, compiled
to ``.qm`` by ``pyside6-lrelease`` when the app is set up); the workbook has its own Welsh
edition (``printing.template``). No Qt here: the window installs the catalogue itself.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

LANGUAGES = {"en": "English", "cy": "Cymraeg"}
"""Each language named in itself, as the choice offers them."""


def system_language(environ: dict[str, str] | None = None) -> str:
    """The system's language, as far as Probation Desk speaks it: "cy" or "en".

    POSIX systems say it in LANGUAGE, LC_ALL, LC_MESSAGES or LANG; on Windows Python's
    locale module reads the user's language.
    """
    env = os.environ if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            return "cy" if value.split(":")[0].lower().startswith("cy") else "en"
    if environ is None:
        import locale

        found = locale.getlocale()[0] or ""
        if found.lower().startswith(("cy", "welsh")):
            return "cy"
    return "en"


def chosen_language(setting: str = "") -> str:
    """The language to speak: the setting if it is one we speak, else the system's."""
    return setting if setting in LANGUAGES else system_language()


def language_at_start(settings_file: Path) -> str:
    """The language before the settings module is loaded (the window's first paint must
    not wait for it): the ``language`` key of the settings file, else the system's."""
    try:
        value = json.loads(settings_file.read_text(encoding="utf-8")).get("language", "")
    except (OSError, ValueError, AttributeError):
        value = ""
    return chosen_language(value if isinstance(value, str) else "")


def catalogue(language: str) -> Path | None:
    """The compiled catalogue (``.qm``) for ``language``; None for English or if missing."""
    if language == "en":
        return None
    from probation_desk.resources import resource_path

    try:
        return resource_path("translations", f"probation_desk_{language}.qm")
    except FileNotFoundError:
        return None
