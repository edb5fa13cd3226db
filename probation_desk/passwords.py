"""Team database passwords: kept by the operating system's keyring, never in settings files.

A database address is saved without its password; the password goes to the system
keyring (the ``keyring`` package: Windows Credential Manager, macOS Keychain, the Secret
Service on Linux) under the login, server and database. When no keyring is available,
PostgreSQL's own ``~/.pgpass`` (or ``PGPASSFILE``) still works, as do sign-ins that need
no password (client certificates given by ``sslcert``/``sslkey`` in the address, GSSAPI
or SSPI single sign-on where the server offers it): libpq handles those itself.
"""

from __future__ import annotations

import logging
from urllib.parse import quote, unquote, urlsplit, urlunsplit

SERVICE = "probation-desk"
log = logging.getLogger("probation_desk")


def _parts(url: str) -> tuple[str, str | None, str, str] | None:
    """(login, password, host:port, database) of a PostgreSQL address, else None."""
    if not url.startswith("postgresql"):
        return None
    s = urlsplit(url)
    if not s.username:
        return None
    where = f"{s.hostname or 'localhost'}:{s.port or 5432}"
    return unquote(s.username), unquote(s.password) if s.password else None, where, \
        s.path.lstrip("/")


def keyring_key(url: str) -> str | None:
    """The keyring entry's name for a team database address: login@host:port/database."""
    parts = _parts(url)
    return None if parts is None else f"{parts[0]}@{parts[2]}/{parts[3]}"


def split_password(url: str) -> tuple[str, str | None]:
    """The address without its password, and the password (None if it had none)."""
    parts = _parts(url)
    if parts is None or parts[1] is None:
        return url, None
    s = urlsplit(url)
    host = s.netloc.rsplit("@", 1)[1]
    bare = urlunsplit((s.scheme, f"{quote(parts[0], safe='')}@{host}", s.path, s.query,
                       s.fragment))
    return bare, parts[1]


def save_password(url: str, password: str) -> bool:
    """Keep ``password`` for this address in the system keyring; False if there is none."""
    key = keyring_key(url)
    if key is None:
        return False
    try:
        import keyring

        keyring.set_password(SERVICE, key, password)
    except Exception as exc:  # no keyring backend on this machine
        log.warning("no system keyring to keep the password: %s", exc.__class__.__name__)
        return False
    return True


def with_saved_password(url: str) -> str:
    """``url`` with the keyring's password added when it has none (else as it is)."""
    parts = _parts(url)
    if parts is None or parts[1] is not None:
        return url
    try:
        import keyring

        password = keyring.get_password(SERVICE, f"{parts[0]}@{parts[2]}/{parts[3]}")
    except Exception:  # no keyring: libpq still reads ~/.pgpass or PGPASSFILE
        return url
    if not password:
        return url
    s = urlsplit(url)
    host = s.netloc.rsplit("@", 1)[1]
    netloc = f"{quote(parts[0], safe='')}:{quote(password, safe='')}@{host}"
    return urlunsplit((s.scheme, netloc, s.path, s.query, s.fragment))
