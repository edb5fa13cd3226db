"""Team database passwords go to the system keyring, never into the settings file."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend

from probation_desk.passwords import keyring_key, split_password, with_saved_password
from probation_desk.settings import Settings, load_settings, save_settings, settings_path


class MemoryKeyring(KeyringBackend):
    """A keyring held in memory (the test machine has no desktop keyring)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    old: Any = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(old)


URL = "postgresql+psycopg://nia.lloyd:p%40ss%20w0rd@db.example:5433/desk?sslmode=verify-full"


def test_a_password_typed_into_the_address_goes_to_the_keyring(
        memory_keyring: MemoryKeyring) -> None:
    save_settings(Settings(user_name="Nia", database_url=URL))
    text = settings_path().read_text(encoding="utf-8")
    assert "p%40ss" not in text and "w0rd" not in text
    saved = load_settings().database_url
    assert saved == "postgresql+psycopg://nia.lloyd@db.example:5433/desk?sslmode=verify-full"
    assert memory_keyring.store == {
        ("probation-desk", "nia.lloyd@db.example:5433/desk"): "p@ss w0rd"}
    # Opening the saved address finds the password again.
    assert with_saved_password(saved) == URL


def test_without_a_keyring_the_address_is_used_as_it_is() -> None:
    from keyring.backends.fail import Keyring as NoKeyring

    old: Any = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())
    try:
        bare = "postgresql+psycopg://nia@db.example/desk"
        assert with_saved_password(bare) == bare  # libpq then reads ~/.pgpass itself
    finally:
        keyring.set_keyring(old)
    assert split_password("sqlite:////tmp/x.sqlite3") == ("sqlite:////tmp/x.sqlite3", None)
    assert keyring_key("sqlite:////tmp/x.sqlite3") is None
    assert keyring_key("postgresql+psycopg://nia@db.example/desk") == \
        "nia@db.example:5432/desk"
