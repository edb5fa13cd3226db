"""Settings shared by the window and the command line: identity, role, database, printing.

Kept as a small JSON file in the user's config folder (window geometry is Qt's, in the
UI layer), read over the machine-wide defaults IT may set (:func:`machine_defaults`): a
key IT marks as locked is theirs, whatever the user's file says. Also chooses the
database: ``--db``, else ``PROBATION_DESK_DB`` (a URL, or a SQLite file by its path),
else the settings, else the SQLite file in the data folder.
"""

from __future__ import annotations

import getpass
import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Annotated, Any

import msgspec

from probation_desk.addresses import as_url
from probation_desk.domain.people import REGIONS
from probation_desk.domain.roles import Role
from probation_desk.errors import SettingsProblem
from probation_desk.paths import config_dir, default_db_path, machine_defaults_path
from probation_desk.private_files import private_file


@dataclass
class Settings:
    """What the user has chosen."""

    user_name: str = ""
    role: str = Role.PRACTITIONER.name
    database_url: str = ""
    region: str = ""
    large_print_default: bool = False
    show_crn_default: bool = True
    backup_keep: int = 14
    """How many automatic backups (before migrations, once a day) to keep per database."""
    language: str = ""
    """The user's language, "en" or "cy" ("" until chosen): a blank workbook's edition."""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def actor(self) -> str:
        """Who changes are recorded as: the configured name, else the OS user."""
        if self.user_name.strip():
            return self.user_name.strip()
        try:
            return getpass.getuser()
        except (OSError, KeyError):
            return "unknown user"

    @property
    def role_enum(self) -> Role:
        """The role as an enum (practitioner if the file holds something unknown)."""
        return Role.__members__.get(self.role, Role.PRACTITIONER)


def settings_path() -> Path:
    """The settings file."""
    return config_dir() / "settings.json"


class MachineDefaults(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The machine-wide defaults file, as IT writes it (every key optional)."""

    database_url: str | None = None
    region: str | None = None
    role: str | None = None
    large_print_default: bool | None = None
    show_crn_default: bool | None = None
    backup_keep: Annotated[int, msgspec.Meta(ge=1, le=1000)] | None = None
    locked: list[str] = []
    """Keys the user cannot change in Settings."""
    set_by: str = "your IT team"
    """Who set them, as Settings says (a team or service desk's name)."""

    def values(self) -> dict[str, Any]:
        """The settings it gives a value to."""
        return {k: getattr(self, k) for k in SETTABLE if getattr(self, k) is not None}


SETTABLE = ("database_url", "region", "role", "large_print_default", "show_crn_default",
            "backup_keep")
"""The settings IT may give a machine-wide default (and lock)."""


def machine_defaults() -> MachineDefaults:
    """The machine-wide defaults (none when there is no file); a file that cannot be used
    is refused in words naming it (:class:`SettingsProblem`)."""
    path = machine_defaults_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return MachineDefaults()
    except OSError as exc:
        raise _refused(path, f"it cannot be read ({exc.strerror or exc})") from None
    try:
        found = msgspec.json.decode(raw, type=MachineDefaults)
    except msgspec.ValidationError as exc:
        raise _refused(path, str(exc).replace("Object contains unknown field",
                                              "it holds a setting Probation Desk does not "
                                              "know,")) from None
    except msgspec.DecodeError as exc:
        raise _refused(path, f"it is not valid JSON ({exc})") from None
    unknown = [k for k in found.locked if k not in SETTABLE]
    if unknown:
        raise _refused(path, f"it locks {', '.join(map(repr, unknown))}, which is not a "
                             f"setting it can set (those are: {', '.join(SETTABLE)})")
    if found.role is not None and found.role not in Role.__members__:
        raise _refused(path, f"its role {found.role!r} is not one of "
                             f"{', '.join(Role.__members__)}")
    if found.region is not None and found.region not in REGIONS:
        raise _refused(path, f"its region {found.region!r} is not one of the 12 probation "
                             "regions")
    return found


def _refused(path: Path, why: str) -> SettingsProblem:
    return SettingsProblem(
        f"The machine-wide settings file {path}, which IT sets for everyone using this "
        f"computer, cannot be used: {why}. Probation Desk has not started with it. Ask IT "
        "to correct the file (the README's Install section lists what it may hold).")


def load_settings() -> Settings:
    """Read settings over the machine-wide defaults; a missing or unreadable user file
    gives the defaults. The machine-wide file's locked keys always win."""
    machine = machine_defaults()
    base = machine.values()
    try:
        data = json.loads(settings_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    known = {f.name for f in fields(Settings)}
    mine = {k: v for k, v in data.items() if k in known and k not in machine.locked} \
        if isinstance(data, dict) else {}
    return Settings(**(base | mine))


def save_settings(settings: Settings) -> None:
    """Write settings atomically, readable by the owner only."""
    from probation_desk.passwords import save_password, split_password

    # A password typed into the address goes to the system keyring, never into the file.
    bare, password = split_password(settings.database_url)
    if password is not None:
        save_password(bare, password)
        settings.database_url = bare
    # Through a new owner-only file renamed into place: never written through a link.
    with private_file(settings_path(), text=True, encoding="utf-8") as fh:
        json.dump(asdict(settings), fh, indent=2, ensure_ascii=False)


def database_url(explicit: str | None = None) -> str:
    """The database to use: ``--db``, else ``PROBATION_DESK_DB``, else settings, else SQLite.

    A plain path given by ``--db`` or the environment is a SQLite file (:func:`as_url`).
    """
    if explicit:
        return as_url(explicit)
    env = os.environ.get("PROBATION_DESK_DB")
    if env:
        return as_url(env)
    saved = load_settings().database_url
    if saved:
        return saved
    return f"sqlite:///{default_db_path()}"
