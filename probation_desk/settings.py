"""Settings shared by the window and the command line: identity, role, database, printing.

Kept as a small JSON file in the user's config folder (window geometry is Qt's, in the
UI layer). Also chooses the database: ``--db``, else ``PROBATION_DESK_DB`` (a URL, or a
SQLite file by its path), else the settings, else the SQLite file in the data folder.
"""

from __future__ import annotations

import getpass
import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from probation_desk.addresses import as_url
from probation_desk.domain.roles import Role
from probation_desk.paths import config_dir, default_db_path


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


def load_settings() -> Settings:
    """Read settings; a missing or unreadable file gives the defaults."""
    path = settings_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Settings()
    known = {f.name for f in fields(Settings)}
    return Settings(**{k: v for k, v in data.items() if k in known})


def save_settings(settings: Settings) -> None:
    """Write settings atomically, readable by the owner only."""
    from probation_desk.passwords import save_password, split_password

    # A password typed into the address goes to the system keyring, never into the file.
    bare, password = split_password(settings.database_url)
    if password is not None:
        save_password(bare, password)
        settings.database_url = bare
    path = settings_path()
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(asdict(settings), fh, indent=2, ensure_ascii=False)
    os.replace(tmp, path)


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
